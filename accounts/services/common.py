"""Helpers shared by the accounts services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership, Organization

# Marks "argument not given" where None is a meaningful value (e.g. clear the unit).
UNSET = object()


def can_view_security_log(m: Membership | None) -> bool:
    """The organization's security events (page and API): its active admins. Re-exported by
    `okrs.rules.policy` (the policy's surface); defined here because accounts never imports okrs."""
    return m is not None and m.is_active and m.is_admin


def can_delete_organization(m: Membership | None) -> bool:
    """Schedule or cancel the deletion of the whole organization: its active admins."""
    return m is not None and m.is_active and m.is_admin


def require_admin(actor: Membership, organization: Organization) -> None:
    """Only an active admin of this very organization may manage it."""
    if actor is None or actor.organization_id != organization.pk or not actor.is_active:
        raise PermissionDenied("You are not a member of this organization.")
    if not actor.is_admin:
        raise PermissionDenied("Only admins can manage people, the org chart and settings.")


def require_same_org(row, organization: Organization, field: str, label: str) -> None:
    """Refuse a row that belongs to another organization, as a field error."""
    if row is not None and row.organization_id != organization.pk:
        raise ValidationError({field: f"Choose a {label} from this organization."})
