"""Personal API tokens: create, revoke, authenticate.

Only the SHA-256 of a token is stored (`ApiToken.key_hash`); the raw value is returned once,
by `create_api_token`, and never again. `prefix` (the first characters) lets people tell
their tokens apart on the settings page.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import ApiToken, User, hash_token

TOKEN_PREFIX = "cairn_"
PREFIX_LENGTH = 12
# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough for "is this token still in use?".
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked ones included, so the list explains itself)."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token named `name` for `user`; returns the row and the raw token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. “BI export”."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:PREFIX_LENGTH], key_hash=hash_token(raw))
    with transaction.atomic():
        token.full_clean()
        token.save()
    return token, raw


def get_api_token(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens, or Http404 (someone else's token is simply not found)."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("Token not found.")
    return token


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it fails authentication from the next request on. Idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(raw: str) -> ApiToken | None:
    """The live token matching `raw` (with its active user), or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
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
