"""Login lockout (django-axes hooks) and the password-reset request limit.

Axes counts failed logins per (email, client IP) on every path that calls
`django.contrib.auth.authenticate` with a request: the login page, the Django admin and the
API token endpoint. The email is normalised the way users are stored (trimmed, lower case),
and an unknown email counts exactly like a known one, so neither the lockout nor its message
reveals which addresses have accounts.
"""

from __future__ import annotations

import hashlib
import math
import re

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import normalize_email
from okr_project.problems import problem_json

LOCKOUT_MESSAGE = (
    "Too many failed log-in attempts. For your security, logging in with this email from "
    "here is paused for {minutes} minutes. Try again later, or reset your password."
)
RESET_WINDOW_SECONDS = 3600
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def client_ip(request: HttpRequest) -> str | None:
    """The client address. `NUM_PROXIES` (default 0) says how many reverse proxies append to
    X-Forwarded-For; with 0 the header is ignored, since any client can send it."""
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote_addr
    addresses = [a.strip() for a in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr


def username_from_request(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email being tried: `username` on the login forms, `email` on the API."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None:
        data = getattr(request, "POST", {}) or {}
        value = data.get("username") or data.get("email")
    if not isinstance(value, str):
        return None
    # Stored in the attempts table: no control characters (PostgreSQL refuses NUL).
    return normalize_email(_CONTROL.sub("", value))[:254] or None


def cooloff_minutes() -> int:
    hours = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(float(hours) * 60))


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with a clear message: problem details on the API, a page on the web."""
    minutes = cooloff_minutes()
    message = LOCKOUT_MESSAGE.format(minutes=minutes)
    if request.path.startswith("/api/"):
        response: HttpResponse = problem_json(429, message)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def _reset_keys(request: HttpRequest, email: str) -> list[str]:
    digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
    return [f"pwreset:ip:{client_ip(request)}", f"pwreset:email:{digest}"]


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count one reset request for this client and this email; False once either has made
    `PASSWORD_RESET_RATE` requests in the last hour. Known and unknown emails count alike."""
    allowed = True
    for key in _reset_keys(request, email):
        cache.add(key, 0, RESET_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RESET_WINDOW_SECONDS)
            count = 1
        if count > settings.PASSWORD_RESET_RATE:
            allowed = False
    return allowed


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every `authenticate(request, …)`.

    Every login surface passes the request (login page, admin, API token endpoint). A call
    without one (`Client.login` in tests, a shell) is not a remote attempt, so there is
    nothing to count or lock; Axes itself would raise there.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
