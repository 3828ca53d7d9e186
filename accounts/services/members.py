"""Member and organization-settings services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Membership, Organization, OrgUnit, Role, SecurityEvent, User
from accounts.rules.policy import is_admin, require_admin
from accounts.rules.tenancy import require_same_org
from accounts.services import security_events
from accounts.services.common import UNSET
from accounts.validators import clean_single_line

SETTINGS_FIELDS = (
    "name",
    "timezone",
    "checkin_weekday",
    "checkin_hour",
    "followup_weekday",
    "remind_contributors",
    "digest_cadence",
    "fiscal_year_start_month",
)


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ADMIN, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _check_reports_to(membership: Membership, manager: Membership | None) -> None:
    if manager is None:
        return
    require_same_org(manager, membership.organization, "reports_to", "manager")
    # Walk up the manager's chain: meeting `membership` means the change would close a loop.
    seen: set[int] = set()
    current_id = manager.pk
    while current_id is not None and current_id not in seen:
        if current_id == membership.pk:
            raise ValidationError(
                {"reports_to": "That would make a reporting loop: pick someone outside their team."}
            )
        seen.add(current_id)
        current_id = (
            Membership.objects.filter(organization_id=membership.organization_id, pk=current_id)
            .values_list("reports_to_id", flat=True)
            .first()
        )


@transaction.atomic
def update_member(
    *,
    membership: Membership,
    actor: Membership,
    role: str | None = None,
    title: str | None = None,
    unit=UNSET,
    reports_to=UNSET,
) -> Membership:
    """Change a member's role, title, unit and/or manager (same organization only)."""
    organization = membership.organization
    require_admin(actor, organization)
    membership = Membership.objects.select_for_update().get(
        pk=membership.pk, organization=organization
    )
    old_role = membership.role
    if role is not None:
        if role not in Role.values:
            raise ValidationError({"role": "Choose one of the listed roles."})
        demoting = membership.role == Role.ADMIN and role != Role.ADMIN
        if demoting and not _other_active_admins(membership):
            raise ValidationError(
                {"role": "This is the last admin. Make someone else admin first."}
            )
        membership.role = role
    if title is not None:
        membership.title = title.strip()[:120]
    if unit is not UNSET:
        require_same_org(unit, organization, "unit", "unit")
        membership.unit = unit
    if reports_to is not UNSET:
        _check_reports_to(membership, reports_to)
        membership.reports_to = reports_to
    membership.full_clean(validate_constraints=False)
    membership.save()
    if membership.role != old_role:
        security_events.record(
            SecurityEvent.Kind.ROLE_CHANGED,
            organization_id=organization.pk,
            actor=actor,
            user=membership.user,
            detail={"member": membership.pk, "role": [old_role, membership.role]},
        )
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, actor: Membership) -> Membership:
    """Take away someone's access; their OKRs and history stay."""
    organization = membership.organization
    require_admin(actor, organization)
    if membership.pk == actor.pk:
        raise PermissionDenied("You cannot deactivate yourself. Ask another admin.")
    membership = Membership.objects.select_for_update().get(
        pk=membership.pk, organization=organization
    )
    if is_admin(membership) and not _other_active_admins(membership):
        raise ValidationError("This is the last admin. Make someone else admin first.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    # A deactivated lead no longer leads: units would otherwise point at someone absent.
    unled = OrgUnit.objects.filter(organization=organization, lead=membership).update(lead=None)
    security_events.record(
        SecurityEvent.Kind.MEMBER_DEACTIVATED,
        organization_id=organization.pk,
        actor=actor,
        user=membership.user,
        detail={"member": membership.pk, "is_active": [True, False], "units_unled": unled},
    )
    return membership


@transaction.atomic
def reactivate_member(*, membership: Membership, actor: Membership) -> Membership:
    """Give a deactivated member their access back."""
    organization = membership.organization
    require_admin(actor, organization)
    changed = Membership.objects.filter(
        pk=membership.pk, organization=organization, is_active=False
    ).update(is_active=True)
    membership.is_active = True
    if changed:
        security_events.record(
            SecurityEvent.Kind.MEMBER_REACTIVATED,
            organization_id=organization.pk,
            actor=actor,
            user=membership.user,
            detail={"member": membership.pk, "is_active": [False, True]},
        )
    return membership


@transaction.atomic
def update_organization_settings(
    *, organization: Organization, actor: Membership, **fields
) -> Organization:
    """Name, time zone, check-in weekday/hour, follow-up day, reminders, digest, fiscal year."""
    require_admin(actor, organization)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {name: getattr(organization, name) for name in fields}
    for name, value in fields.items():
        setattr(organization, name, value)
    if "name" in fields:
        organization.name = (organization.name or "").strip()
    organization.full_clean()
    organization.save()
    changed = security_events.changes(
        before, {name: getattr(organization, name) for name in fields}
    )
    if changed:
        security_events.record(
            SecurityEvent.Kind.SETTINGS_CHANGED,
            organization_id=organization.pk,
            actor=actor,
            detail={"fields": sorted(changed), "changes": changed},
        )
    return organization


@transaction.atomic
def update_profile(*, user: User, full_name: str) -> User:
    """A person edits their own display name."""
    full_name = clean_single_line(full_name, field="full_name")
    if not full_name:
        raise ValidationError({"full_name": "Tell us your name."})
    user.full_name = full_name[:150]
    user.save(update_fields=["full_name"])
    return user
