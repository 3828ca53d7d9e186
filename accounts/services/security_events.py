"""The security event log: record what happened (organization admins read it back through
`accounts.selectors.security`).

Every event belongs to one organization (`SecurityEvent` is a tenant table). Events about an
account rather than a seat — a failed login, a lockout, a password change, an API token —
are written once for each organization the person is an active member of, so each
organization's admins see what concerns their people and nothing else. An email that
belongs to nobody leaves no event anywhere: the log never reveals which addresses exist.

Where events come from (one call at the place it happens):
- auth signals, connected in `AccountsConfig.ready`: login (web), failed login, logout,
  lockout (django-axes `user_locked_out`);
- the API token endpoint (login through the API), `accounts.services.tokens` (token created,
  revoked by its owner or automatically: over the cap, on a password change);
- `accounts.services.passwords` (password changed or reset: every save of a new password);
- the member, unit, invitation and settings services, and organization deletion.

A write never breaks the action it records: it runs in its own savepoint and a failure is
logged with its traceback (`cairn.security` logger), not raised. The client address comes
from `accounts.lockout.client_ip` (the same `NUM_PROXIES` rule as the lockout and the API
throttles); services learn it from `accounts.middleware.RequestContextMiddleware`, which
keeps the address and user agent of the request being served (never the tenant: tenancy
stays explicit). The log is read through `accounts.selectors.security`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.lockout import client_ip, cooloff_minutes, username_from_request
from accounts.models import Membership, SecurityEvent, User
from accounts.rls import tenant_context

logger = logging.getLogger("cairn.security")

Kind = SecurityEvent.Kind
USER_AGENT_MAX = 256
DETAIL_TEXT_MAX = 200
DETAIL_ITEMS_MAX = 20
# Events older than this are deleted by the daily purge (accounts.tasks.purge_organizations).
RETENTION = dt.timedelta(days=settings.SECURITY_EVENT_RETENTION_DAYS)

request_context: ContextVar[tuple[str | None, str] | None] = ContextVar(
    "cairn_security_request_meta", default=None
)


# --- where the request comes from -------------------------------------------------------


def _valid_ip(value: str | None) -> str | None:
    """The address as stored, or None when it is not an IP (a forged X-Forwarded-For)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_meta(request) -> tuple[str | None, str]:
    """(client IP, user agent) of a request, bounded for storage."""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    agent = "".join(ch for ch in str(agent) if ch.isprintable())[:USER_AGENT_MAX]
    return (_valid_ip(client_ip(request)) if request is not None else None), agent


# --- writing -----------------------------------------------------------------------------


def _small(value, depth: int = 0):
    """A bounded copy of `value` for the JSON detail: short strings, few items, shallow."""
    if isinstance(value, str):
        return value[:DETAIL_TEXT_MAX]
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= 3:
        return str(value)[:DETAIL_TEXT_MAX]
    if isinstance(value, dict):
        items = list(value.items())[:DETAIL_ITEMS_MAX]
        return {str(k)[:60]: _small(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple | set):
        return [_small(v, depth + 1) for v in list(value)[:DETAIL_ITEMS_MAX]]
    return str(value)[:DETAIL_TEXT_MAX]


def record(
    kind: str,
    *,
    organization_id: int,
    actor: Membership | None = None,
    user: User | None = None,
    detail: dict | None = None,
    request=None,
) -> SecurityEvent | None:
    """Write one event for one organization; None (and a logged error) if that failed."""
    ip, agent = (
        request_meta(request) if request is not None else (request_context.get() or (None, ""))
    )
    event = SecurityEvent(
        organization_id=organization_id,
        kind=kind,
        actor=actor,
        user=user if user is not None else (actor.user if actor is not None else None),
        ip=ip,
        user_agent=agent,
        detail=_small(detail or {}),
    )
    try:
        # Under this organization's wall (a service may run inside another tenant's), in a
        # savepoint: a failed insert leaves the surrounding transaction usable.
        with tenant_context(organization_id), transaction.atomic():
            event.save()
    except Exception:  # never break the action being recorded, but say so loudly
        logger.exception(
            "security event %s for organization %s not recorded", kind, organization_id
        )
        return None
    return event


def organizations_of(user: User | None) -> list[int]:
    """The organizations where `user` holds an active seat (ids)."""
    if user is None or user.pk is None:
        return []
    # The person's own seats in every organization: a deliberate read with the wall down
    # (like the organization switcher's), since this may run behind one tenant's wall.
    with tenant_context(None):
        return list(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "organization_id", flat=True
            )
        )


def record_for_user(
    kind: str,
    *,
    user: User | None,
    detail: dict | None = None,
    request=None,
    as_actor: bool = True,
) -> int:
    """One event in each organization the user is an active member of (events about an
    account, not a seat). `as_actor`: the user did it themselves. Returns how many."""
    if user is None or user.pk is None:
        return 0
    with tenant_context(None):  # the person's own seats everywhere (see organizations_of)
        seats = list(
            Membership.objects.filter(user=user, is_active=True).only("pk", "organization_id")
        )
    written = 0
    for seat in seats:
        actor = seat if as_actor else None
        if actor is not None:
            actor.user = user
        event = record(
            kind,
            organization_id=seat.organization_id,
            actor=actor,
            user=user,
            detail=detail,
            request=request,
        )
        written += event is not None
    return written


def user_for_email(value: str | None) -> User | None:
    """The account with this (normalised) email, or None."""
    if not value:
        return None
    return User.objects.filter(email__iexact=value).first()


# --- signal receivers (connected in AccountsConfig.ready) --------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    record_for_user(Kind.LOGIN, user=user, detail={"via": "web"}, request=request)


def on_logged_out(sender, request, user, **kwargs) -> None:
    record_for_user(Kind.LOGOUT, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """A failed login for an email that belongs to someone: recorded in their organizations.
    Unknown emails leave nothing (no event reveals which addresses exist)."""
    if request is None:
        return  # not a remote attempt (a shell, Client.login in tests)
    user = user_for_email(username_from_request(request, credentials))
    via = "api" if request.path.startswith("/api/") else "web"
    record_for_user(
        Kind.LOGIN_FAILED, user=user, detail={"via": via}, request=request, as_actor=False
    )


def on_locked_out(sender, request, username=None, **kwargs) -> None:
    """django-axes locked an email out: once per lockout (it signals again on each attempt
    made while locked, which the failed-login events already show)."""
    user = user_for_email(username)
    if user is None:
        return
    since = timezone.now() - dt.timedelta(minutes=cooloff_minutes())
    with tenant_context(None):  # this person's recent lockouts, in each of their organizations
        already = set(
            SecurityEvent.objects.filter(
                user=user, kind=Kind.LOCKOUT, created_at__gte=since
            ).values_list("organization_id", flat=True)
        )
    detail = {"minutes": cooloff_minutes()}
    for organization_id in organizations_of(user):
        if organization_id not in already:
            record(
                Kind.LOCKOUT,
                organization_id=organization_id,
                user=user,
                detail=detail,
                request=request,
            )


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="cairn.security.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="cairn.security.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="cairn.security.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="cairn.security.locked_out")


# --- helpers for the places that record ---------------------------------------------------


def tokens_revoked(user: User, count: int, *, reason: str) -> None:
    """API tokens revoked automatically (over the cap, a new password)."""
    if count:
        record_for_user(Kind.TOKEN_REVOKED, user=user, detail={"reason": reason, "count": count})


def changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that differ."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete events older than RETENTION (all organizations); returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


__all__ = [
    "Kind",
    "changes",
    "connect_signals",
    "purge_expired",
    "record",
    "record_for_user",
    "tokens_revoked",
]
