"""What a new password means: every API token of the person is revoked and each of their
organizations' security logs records the change.

Every way a password changes — the profile form, the reset link, the admin,
`manage.py changepassword` — ends in `User.save()` with the raw password still held by
`set_password` (Django keeps it until the save, for its validators' `password_changed`
hook; a hash upgrade on login clears it first). `on_user_saved`, connected to `post_save` in
`AccountsConfig.ready`, reacts to exactly those saves, so no path can skip it.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import ApiToken, SecurityEvent, User
from accounts.services import security_events

RESET_MARK = "password_event"


def mark_as_reset(user: User) -> None:
    """The coming save sets a password through the reset link: record a reset, not a
    change (the reset view calls this before saving)."""
    setattr(user, RESET_MARK, SecurityEvent.Kind.PASSWORD_RESET)


def password_changed(user: User) -> None:
    """Revoke the person's live API tokens and record the change (or reset)."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    kind = getattr(user, RESET_MARK, "") or SecurityEvent.Kind.PASSWORD_CHANGED
    security_events.record_for_user(kind, user=user)
    security_events.tokens_revoked(user, revoked, reason="password_changed")


def on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    """`post_save` of User: a save that set a new password on an existing account."""
    if not created and getattr(instance, "_password", None) is not None:
        password_changed(instance)
