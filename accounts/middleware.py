"""Request middleware of accounts."""

from __future__ import annotations

from accounts.services.security_events import request_context, request_meta


class RequestContextMiddleware:
    """Keeps the current request's address and user agent for the events services record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set(request_meta(request))
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)
