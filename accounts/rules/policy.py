"""Who may administer an organization: the org chart, members, roles, invitations, settings,
the security log, the delivery log, the trash and the organization's deletion.

Pure functions of a `Membership`. Services refuse with `require_admin`; views ask the same
predicates (through `accounts.tenancy.requires`) and templates read them from the `can`
context (okrs.context_processors.permissions). OKR permissions are in `okrs.rules.policy`,
which builds on these.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import Membership, Organization, Role

ADMINS_ONLY = "Only admins can manage people, the org chart and settings."


def is_active_member(m: Membership | None) -> bool:
    """A seat that counts: it exists and is active (a deactivated member may do nothing)."""
    return m is not None and m.is_active


def is_admin(m: Membership | None) -> bool:
    """The one definition of an organization admin: an active membership with the admin role."""
    return is_active_member(m) and m.role == Role.ADMIN


def can_manage_org(m: Membership | None) -> bool:
    """Org chart, members, roles, invitations and settings: admins only."""
    return is_admin(m)


def can_view_security_log(m: Membership | None) -> bool:
    """The organization's security events (page and API): its admins."""
    return is_admin(m)


def can_delete_organization(m: Membership | None) -> bool:
    """Schedule or cancel the deletion of the whole organization: its admins."""
    return is_admin(m)


def can_view_delivery_log(m: Membership | None) -> bool:
    """The notification delivery log (every email the organization was sent): its admins."""
    return is_admin(m)


def require_admin(actor: Membership | None, organization: Organization) -> None:
    """Refuse unless `actor` is an admin of this very organization."""
    if not is_active_member(actor) or actor.organization_id != organization.pk:
        raise PermissionDenied("You are not a member of this organization.")
    if not can_manage_org(actor):
        raise PermissionDenied(ADMINS_ONLY)
