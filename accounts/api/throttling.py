"""Rate limits per token (or per user for session callers, per IP for anonymous ones).

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, read on every request (not at
import like DRF's own classes) so tests can lower them with the `settings` fixture.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import client_ip
from accounts.models import ApiToken


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        # One rule for "the client's address" (also used by the login lockout): a forged
        # X-Forwarded-For is ignored unless NUM_PROXIES says a proxy of ours sets it.
        return client_ip(request) or ""


class TokenOrUserRateThrottle(_SettingsRateThrottle):
    """Scope `user`: one budget per API token, per session user, or per anonymous IP."""

    scope = "user"

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenObtainRateThrottle(_SettingsRateThrottle):
    """Scope `token_obtain`: password guessing is limited per client IP."""

    scope = "token_obtain"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
