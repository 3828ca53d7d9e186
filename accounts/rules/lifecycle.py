"""When an invitation and an API token are still good — each rule once, in both forms: a
predicate for a loaded row and a `Q` for a queryset (kept equal by tests/accounts/test_rules.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, Invitation


def invitation_is_pending(invitation: Invitation, *, now: dt.datetime | None = None) -> bool:
    """Not accepted, not revoked and not expired: its link still lets someone join."""
    now = now or timezone.now()
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )


def pending_invitations_q(*, now: dt.datetime | None = None) -> Q:
    """`invitation_is_pending` as a filter."""
    return Q(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )


def open_invitations_q() -> Q:
    """Not accepted and not revoked, expired or not: inviting the same address again renews
    such an invitation instead of adding a second one."""
    return Q(accepted_at__isnull=True, revoked_at__isnull=True)


def token_is_live(token: ApiToken, *, now: dt.datetime | None = None) -> bool:
    """Not revoked and not expired: it authenticates."""
    now = now or timezone.now()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def live_tokens_q(*, now: dt.datetime | None = None) -> Q:
    """`token_is_live` as a filter."""
    now = now or timezone.now()
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
