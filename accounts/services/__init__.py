"""Writes for accounts: org chart, members, invitations, organization settings.

Every service takes keyword-only arguments, checks that the actor may do it (only admins
manage the org chart, members and settings), runs in `transaction.atomic()` and raises
`ValidationError` / `PermissionDenied` with a sentence a person understands.
"""

from accounts.services.bulk_invitations import (
    InvitationListChanged,
    invite_many,
    plan_invitations,
)
from accounts.services.invitations import (
    INVITATION_DAYS,
    accept_invitation,
    invite_member,
    revoke_invitation,
    send_invitation_email,
)
from accounts.services.members import (
    deactivate_member,
    reactivate_member,
    update_member,
    update_organization_settings,
    update_profile,
)
from accounts.services.password_reset import request_password_reset
from accounts.services.units import (
    create_unit,
    delete_unit,
    move_unit,
    rename_unit,
    set_unit_lead,
    update_unit,
)

__all__ = [
    "INVITATION_DAYS",
    "InvitationListChanged",
    "accept_invitation",
    "request_password_reset",
    "create_unit",
    "deactivate_member",
    "delete_unit",
    "invite_many",
    "invite_member",
    "move_unit",
    "plan_invitations",
    "reactivate_member",
    "rename_unit",
    "revoke_invitation",
    "send_invitation_email",
    "set_unit_lead",
    "update_member",
    "update_organization_settings",
    "update_profile",
    "update_unit",
]
