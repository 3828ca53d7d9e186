"""OPTIONS on every API route answers 200 (DRF's metadata) or 405, never a 5xx."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.security.isolation import build_tenant, fill, org_routes

pytestmark = pytest.mark.django_db

# API routes that name no organization: the auth, "my organizations" and token endpoints.
USER_ROUTES = [
    "/api/v1/auth/token/",
    "/api/v1/orgs/",
    "/api/v1/tokens/",
    "/api/v1/tokens/1/revoke/",
]


def _api_urls(tenant) -> list[str]:
    urls = [fill(r, slug_from=tenant, rows_from=tenant) for r in org_routes() if r.is_api]
    return sorted(set(urls)) + USER_ROUTES


@pytest.mark.parametrize("who", ["admin", "member", "anonymous"])
def test_options_on_every_api_route_is_200_or_405(who):
    tenant = build_tenant("OPTS", "opts-co")
    client = APIClient()
    client.raise_request_exception = False
    if who != "anonymous":
        client.force_authenticate(getattr(tenant, "admin" if who == "admin" else "membership").user)
    failures, answered = [], 0
    urls = _api_urls(tenant)
    for url in urls:
        response = client.options(url)
        answered += response.status_code == 200
        allowed = (200, 405) if who != "anonymous" else (200, 401, 405)
        if response.status_code not in allowed:
            failures.append(f"OPTIONS {url} as {who} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert len(urls) > 30
    if who != "anonymous":
        assert answered > 30  # most routes describe themselves
