"""Org-unit services: create, rename, move, set lead, delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from accounts.models import Membership, Organization, OrgUnit, SecurityEvent
from accounts.rules.policy import require_admin
from accounts.rules.tenancy import require_same_org
from accounts.selectors import unit_subtree_ids
from accounts.services import security_events
from accounts.services.common import UNSET
from accounts.services.members import update_member
from accounts.validators import clean_single_line


def _check_name_free(
    *, organization: Organization, parent: OrgUnit | None, name: str, exclude_pk=None
) -> None:
    siblings = OrgUnit.objects.filter(organization=organization, parent=parent, name__iexact=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        where = f"in {parent.name}" if parent else "at the top level"
        raise ValidationError({"name": f"There is already a unit called “{name}” {where}."})


def _check_lead(organization: Organization, lead: Membership | None) -> None:
    require_same_org(lead, organization, "lead", "lead")
    if lead is not None and not lead.is_active:
        raise ValidationError({"lead": "The lead must be an active member."})


def _record_lead_change(unit: OrgUnit, actor: Membership, before: Membership | None) -> None:
    """Leading a unit opens its private objectives: who got or lost that is a security event."""
    after = unit.lead
    if (before.pk if before else None) == (after.pk if after else None):
        return
    security_events.record(
        SecurityEvent.Kind.UNIT_LEAD_CHANGED,
        organization_id=unit.organization_id,
        actor=actor,
        user=after.user if after else (before.user if before else None),
        detail={
            "unit": unit.pk,
            "unit_name": unit.name,
            "lead": [before.name if before else None, after.name if after else None],
        },
    )


def _clean_name(name: str) -> str:
    name = clean_single_line(name, field="name")
    if not name:
        raise ValidationError({"name": "Give the unit a name."})
    if len(name) > 120:
        raise ValidationError({"name": "Keep the name under 120 characters."})
    return name


def _move_lead_in(unit: OrgUnit, lead: Membership | None, actor: Membership) -> None:
    """Move the lead into the unit they lead — only when the admin asked (`move_lead`):
    leading a unit and belonging to one are separate, so a new lead keeps their own unit
    (and their old unit its member) otherwise. The move is an ordinary member change."""
    if lead is None or lead.unit_id == unit.pk:
        return
    moved = update_member(membership=lead, actor=actor, unit=unit)
    lead.unit, lead.unit_id = moved.unit, moved.unit_id


@transaction.atomic
def create_unit(
    *,
    organization: Organization,
    actor: Membership,
    name: str,
    kind: str = OrgUnit.Kind.TEAM,
    parent: OrgUnit | None = None,
    lead: Membership | None = None,
    move_lead: bool = False,
) -> OrgUnit:
    """Create a department or team under `parent` (None = top level), led by `lead`, who
    stays in their own unit unless `move_lead` (then they become a member of this one)."""
    require_admin(actor, organization)
    name = _clean_name(name)
    require_same_org(parent, organization, "parent", "parent unit")
    _check_lead(organization, lead)
    _check_name_free(organization=organization, parent=parent, name=name)
    unit = OrgUnit(organization=organization, name=name, kind=kind, parent=parent, lead=lead)
    unit.full_clean(validate_constraints=False)
    unit.save()
    if move_lead:
        _move_lead_in(unit, lead, actor)
    _record_lead_change(unit, actor, None)
    return unit


@transaction.atomic
def update_unit(
    *,
    unit: OrgUnit,
    actor: Membership,
    name: str | None = None,
    kind: str | None = None,
    parent=UNSET,
    lead=UNSET,
    move_lead: bool = False,
) -> OrgUnit:
    """Change any of name, kind, parent (move) and lead; unchanged when not given. The lead
    stays in their own unit unless `move_lead` (then they become a member of this one)."""
    organization = unit.organization
    require_admin(actor, organization)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk, organization=organization)
    if name is not None:
        unit.name = _clean_name(name)
    if kind is not None:
        unit.kind = kind
    if parent is not UNSET:
        require_same_org(parent, organization, "parent", "parent unit")
        if parent is not None:
            # Moving a unit under itself or one of its descendants would make a loop.
            inside = unit_subtree_ids(organization=organization, roots=[unit.pk])
            if parent.pk in inside:
                raise ValidationError(
                    {"parent": "A unit cannot be moved under itself or one of its own teams."}
                )
        unit.parent = parent
    lead_before = unit.lead
    if lead is not UNSET:
        _check_lead(organization, lead)
        unit.lead = lead
    _check_name_free(
        organization=organization, parent=unit.parent, name=unit.name, exclude_pk=unit.pk
    )
    unit.full_clean(validate_constraints=False)
    unit.save()
    if move_lead:
        _move_lead_in(unit, unit.lead, actor)
    _record_lead_change(unit, actor, lead_before)
    return unit


def rename_unit(*, unit: OrgUnit, actor: Membership, name: str) -> OrgUnit:
    """Rename a unit (names are unique among siblings)."""
    return update_unit(unit=unit, actor=actor, name=name)


def move_unit(*, unit: OrgUnit, actor: Membership, parent: OrgUnit | None) -> OrgUnit:
    """Move a unit under another one (None = top level); refuses loops."""
    return update_unit(unit=unit, actor=actor, parent=parent)


def set_unit_lead(
    *, unit: OrgUnit, actor: Membership, lead: Membership | None, move_lead: bool = False
) -> OrgUnit:
    """Make an active member of the organization the unit's lead (None clears it); they join
    the unit only with `move_lead`."""
    return update_unit(unit=unit, actor=actor, lead=lead, move_lead=move_lead)


def delete_unit(*, unit: OrgUnit, actor: Membership) -> None:
    """Delete an empty unit: no members, no child units, no objectives."""
    organization = unit.organization
    require_admin(actor, organization)
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk, organization=organization)
        if unit.members.exists():
            raise ValidationError(
                f"“{unit.name}” still has members. Move them to another unit first."
            )
        if OrgUnit.objects.filter(organization=organization, parent=unit).exists():
            raise ValidationError(
                f"“{unit.name}” still has teams under it. Move or delete them first."
            )
        try:
            # A savepoint, so the ProtectedError leaves the outer transaction usable.
            with transaction.atomic():
                unit.delete()
        except ProtectedError as exc:
            # Objective.unit is PROTECT; accounts must not import okrs, so we learn it here.
            raise ValidationError(
                f"“{unit.name}” still has objectives. Move or delete them first."
            ) from exc
