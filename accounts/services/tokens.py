"""Personal API tokens: create, revoke, authenticate (reads are in accounts.selectors).

Only the SHA-256 of a token is stored (`ApiToken.key_hash`); the raw value is returned once,
by `create_api_token`, and never again. `prefix` (the first characters) lets people tell
their tokens apart on the settings page.

Lifetime: a token expires `API_TOKEN_TTL_DAYS` after creation (0 = never); a new password
revokes every token of the user (`accounts.services.passwords`); a user holds at most
`API_TOKEN_MAX_ACTIVE` live tokens, and minting one more revokes the oldest live ones (so a
script that asks for a token on every run cannot pile up thousands of valid secrets).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, SecurityEvent, User, hash_token
from accounts.rules.lifecycle import live_tokens_q
from accounts.services import security_events

TOKEN_PREFIX = "cairn_"
PREFIX_LENGTH = 12
# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough for "is this token still in use?".
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token named `name` for `user`; returns the row and the raw token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. “BI export”."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    days = settings.API_TOKEN_TTL_DAYS
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_token(raw),
        expires_at=now + timedelta(days=days) if days else None,
    )
    with transaction.atomic():
        # Lock the user's row: two concurrent mints cannot both stay under the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        token.full_clean()
        token.save()
        live = ApiToken.objects.filter(live_tokens_q(), user=user).order_by("-created_at", "-pk")
        over = list(live.values_list("pk", flat=True)[settings.API_TOKEN_MAX_ACTIVE :])
        if over:
            ApiToken.objects.filter(pk__in=over).update(revoked_at=now)
        security_events.record_for_user(
            SecurityEvent.Kind.TOKEN_CREATED,
            user=user,
            detail={"name": token.name, "prefix": token.prefix},
        )
        security_events.tokens_revoked(user, len(over), reason="over_the_cap")
    return token, raw


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it fails authentication from the next request on. Idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_events.record_for_user(
            SecurityEvent.Kind.TOKEN_REVOKED,
            user=token.user,
            detail={"reason": "by_owner", "name": token.name, "prefix": token.prefix},
        )
    return token


def authenticate_api_token(raw: str) -> ApiToken | None:
    """The live (not revoked, not expired) token matching `raw`, with its active user, or
    None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(live_tokens_q(), key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A conditional UPDATE so concurrent requests do not all write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
