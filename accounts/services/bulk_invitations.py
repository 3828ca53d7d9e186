"""Invite many people at once: read a pasted list or a CSV, check every row, then invite the
valid rows through `invite_member` (the one place for the invitation rule), all or nothing.

Two steps, so an admin sees what will happen before anything is sent:
`plan_invitations` (a read: each row's outcome) and `invite_many` (re-checks, then writes).
Reading the text is `parse_invitation_rows` in `accounts.rules.invitation_lists` (no database).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

from accounts.models import Membership, Organization, OrgUnit, Role
from accounts.rules.invitation_lists import InvitationRow
from accounts.rules.policy import require_admin
from accounts.rules.tenancy import require_same_org
from accounts.services.invitations import (
    active_memberships,
    clean_invitee_email,
    clean_invitee_name,
    invite_member,
    open_invitations,
)


class Outcome(models.TextChoices):
    INVITE = "invite", "To invite"
    RESEND = "resend", "Re-send"
    MEMBER = "member", "Already a member"
    DUPLICATE = "duplicate", "Duplicate in the list"
    INVALID = "invalid", "Invalid"


SENDS = (Outcome.INVITE, Outcome.RESEND)
UNIT_NAME_LENGTH = OrgUnit._meta.get_field("name").max_length


@dataclass
class PlannedInvitation:
    """One row of the list and what sending would do with it."""

    row: InvitationRow
    outcome: str
    reason: str = ""
    email: str = ""
    name: str = ""
    role: str = ""
    unit: OrgUnit | None = None
    # A re-send: the open invitation's role and unit now (what sending would change).
    previous_role: str = ""
    previous_unit: OrgUnit | None = None

    @property
    def sends(self) -> bool:
        return self.outcome in SENDS

    @property
    def changes_unit(self) -> bool:
        return self.outcome == Outcome.RESEND and _pk(self.unit) != _pk(self.previous_unit)

    @property
    def changes_role(self) -> bool:
        return self.outcome == Outcome.RESEND and self.role != self.previous_role

    @property
    def previous_role_label(self) -> str:
        return Role(self.previous_role).label if self.previous_role else ""

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


def _pk(unit: OrgUnit | None) -> int | None:
    return unit.pk if unit is not None else None


def _text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass
class InvitationPlan:
    """Every row's outcome, in list order, with the counts a person reads."""

    rows: list[PlannedInvitation]

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Outcome.values, 0)
        for item in self.rows:
            counts[item.outcome] += 1
        return counts

    @property
    def to_send(self) -> list[PlannedInvitation]:
        return [item for item in self.rows if item.sends]

    @property
    def summary(self) -> str:
        """E.g. "12 to invite, 2 re-sends, 1 already a member, 3 invalid"."""
        c = self.counts
        parts = [f"{c[Outcome.INVITE]} to invite"]
        if c[Outcome.RESEND]:
            moving = sum(1 for item in self.rows if item.changes_unit)
            resends = _plural(c[Outcome.RESEND], "re-send", "re-sends")
            parts.append(f"{resends} ({moving} {'changes' if moving == 1 else 'change'} unit)"
                         if moving else resends)  # fmt: skip
        if c[Outcome.MEMBER]:
            parts.append(_plural(c[Outcome.MEMBER], "already a member", "already members"))
        if c[Outcome.DUPLICATE]:
            parts.append(_plural(c[Outcome.DUPLICATE], "duplicate", "duplicates"))
        if c[Outcome.INVALID]:
            parts.append(f"{c[Outcome.INVALID]} invalid")
        return ", ".join(parts)

    @property
    def sent_summary(self) -> str:
        """What `invite_many` did, for the success message."""
        c = self.counts
        done = [_plural(c[Outcome.INVITE], "invitation sent", "invitations sent")]
        if c[Outcome.RESEND]:
            done.append(_plural(c[Outcome.RESEND], "invitation re-sent", "invitations re-sent"))
        skipped = c[Outcome.MEMBER] + c[Outcome.DUPLICATE] + c[Outcome.INVALID]
        text = " and ".join(done) + "."
        if skipped:
            text += f" {_plural(skipped, 'row', 'rows')} skipped ({self.summary})."
        return text

    @cached_property
    def fingerprint(self) -> str:
        """Changes when any row's outcome or resolved values change: `invite_many` refuses
        to send a list that no longer matches the preview the admin confirmed."""
        digest = hashlib.sha256()
        for item in self.rows:
            unit, was = _pk(item.unit) or "", _pk(item.previous_unit) or ""
            digest.update(
                f"{item.row.line}|{item.outcome}|{item.email}|{item.name}|{item.role}|{unit}|"
                f"{item.previous_role}|{was}\n".encode()
            )
        return digest.hexdigest()[:32]


class InvitationListChanged(ValidationError):
    """The list's outcomes changed since the preview; `plan` is the fresh one to show."""

    def __init__(self, plan: InvitationPlan):
        super().__init__(
            "Something changed since the preview (someone joined, was invited or a unit was "
            "renamed). Nothing was sent: check the list again and send it."
        )
        self.plan = plan


def _resolve_role(text: str, default: str) -> str:
    wanted = text.strip().lower()
    if not wanted:
        return default
    for value, label in Role.choices:
        if wanted in (value, label.lower()):
            return value
    labels = ", ".join(label for _, label in Role.choices)
    raise ValidationError(f"unknown role “{text.strip()[:60]}” (use {labels})")


def _units_named(organization: Organization, names: set[str]) -> dict[str, list[OrgUnit]]:
    """This organization's units whose name (case-insensitive) is in `names`: one query,
    only the names the list mentions, so another organization's unit never matches."""
    found: dict[str, list[OrgUnit]] = {}
    names = {name for name in names if len(name) <= UNIT_NAME_LENGTH}  # longer never match
    if not names:
        return found
    units = (
        OrgUnit.objects.filter(organization=organization)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name__in=names)
    )
    for unit in units:
        found.setdefault(unit.lower_name, []).append(unit)
    return found


def _resolve_unit(text: str, default: OrgUnit | None, units: dict) -> OrgUnit | None:
    wanted = text.strip()
    if not wanted:
        return default
    matches = units.get(wanted.lower(), [])
    if not matches:
        raise ValidationError(f"no unit named “{wanted[:60]}”")
    if len(matches) > 1:
        raise ValidationError(f"several units are named “{wanted[:60]}”; pick one with its id")
    return matches[0]


def _check_defaults(organization: Organization, default_role: str, default_unit) -> None:
    if default_role not in Role.values:
        raise ValidationError({"role": "Choose one of the listed roles."})
    require_same_org(default_unit, organization, "unit", "unit")


def _emails_of(queryset, path: str, emails: set[str]) -> set[str]:
    if not emails:
        return set()
    return set(
        queryset.annotate(lower_email=Lower(path))
        .filter(lower_email__in=emails)
        .values_list("lower_email", flat=True)
    )


def _open_invitations_of(organization: Organization, emails: set[str]) -> dict:
    """Lower-cased address → its open invitation (with its unit), for these addresses."""
    if not emails:
        return {}
    rows = (
        open_invitations(organization)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails)
        .select_related("unit")
    )
    return {row.lower_email: row for row in rows}


def plan_invitations(
    *,
    organization: Organization,
    actor: Membership,
    rows: list[InvitationRow],
    default_role: str = Role.MEMBER,
    default_unit: OrgUnit | None = None,
) -> InvitationPlan:
    """What inviting `rows` would do, row by row, without writing anything: invite, re-send
    (an open invitation exists), already a member, duplicate (an earlier row has the same
    address, in any case) or invalid (with the reason). A re-send carries the invitation's
    role and unit now, so the preview shows what it changes; a row naming no unit (and no
    default unit) keeps the invitation's. Three queries whatever the length. Admins only: the
    answer tells who is a member."""
    require_admin(actor, organization)
    _check_defaults(organization, default_role, default_unit)
    items: list[PlannedInvitation] = []
    for row in rows:
        item = PlannedInvitation(row=row, outcome=Outcome.INVITE)
        try:
            item.email = clean_invitee_email(row.email)
        except ValidationError:
            item.outcome = Outcome.INVALID
            item.reason = "not an email address" if row.email.strip() else "no email address"
        items.append(item)
    emails = {item.email for item in items if item.email}
    members = _emails_of(active_memberships(organization), "user__email", emails)
    reinvites = _open_invitations_of(organization, emails)
    units = _units_named(organization, {r.unit.strip().lower() for r in rows if r.unit.strip()})
    first_line: dict[str, int] = {}
    for item in items:
        if item.outcome == Outcome.INVALID:
            continue
        if item.email in first_line:
            item.outcome = Outcome.DUPLICATE
            item.reason = f"same address as line {first_line[item.email]}"
            continue
        first_line[item.email] = item.row.line
        if item.email in members:
            item.outcome = Outcome.MEMBER
            continue
        try:
            item.name = clean_invitee_name(item.row.name)
            item.role = _resolve_role(item.row.role, default_role)
            item.unit = _resolve_unit(item.row.unit, default_unit, units)
        except ValidationError as exc:
            item.outcome = Outcome.INVALID
            item.reason = _text(exc)
            continue
        if item.email in reinvites:
            item.outcome = Outcome.RESEND
            pending = reinvites[item.email]
            item.previous_role, item.previous_unit = pending.role, pending.unit
            if not item.row.unit.strip() and default_unit is None:
                # Nothing names a unit for this row: the re-send keeps the invitation's own
                # (a blank cell never silently takes someone out of their unit).
                item.unit = pending.unit
    return InvitationPlan(rows=items)


def invite_many(
    *,
    organization: Organization,
    actor: Membership,
    rows: list[InvitationRow],
    default_role: str = Role.MEMBER,
    default_unit: OrgUnit | None = None,
    expected: str | None = None,
) -> InvitationPlan:
    """Invite (or re-send to) every valid row, each through `invite_member`, in one
    transaction: if any row fails, nothing is written and no email leaves (they are sent
    after commit). Members, duplicates and invalid rows are skipped.

    `expected` is the fingerprint of the plan the admin previewed; when given and the list
    now plans differently, `InvitationListChanged` (carrying the new plan) and nothing sent.
    """
    require_admin(actor, organization)
    _check_defaults(organization, default_role, default_unit)
    with transaction.atomic():
        plan = plan_invitations(
            organization=organization,
            actor=actor,
            rows=rows,
            default_role=default_role,
            default_unit=default_unit,
        )
        if expected is not None and plan.fingerprint != expected:
            raise InvitationListChanged(plan)
        for item in plan.to_send:
            try:
                invite_member(
                    organization=organization,
                    actor=actor,
                    email=item.email,
                    role=item.role,
                    unit=item.unit,
                    name=item.name,
                )
            except ValidationError as exc:
                raise ValidationError(
                    f"Line {item.row.line} ({item.email}): {_text(exc)} "
                    "Nothing was sent; check the list again."
                ) from exc
    return plan
