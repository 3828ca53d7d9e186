"""A lone UTF-16 surrogate in a JSON body is a 400 problem on every API endpoint, never a 500.

JSON may spell `"\\ud800"`, which `json` decodes into a Python string UTF-8 cannot encode:
before the parser refused it, the 400 that quoted it (or the database, or the email) failed to
encode it and answered 500 on 16 endpoints, anonymous `POST /api/v1/auth/token/` included.
The walk finds every API route of the project, so endpoints added later are covered.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import get_resolver
from rest_framework.renderers import JSONRenderer

from accounts.services.tokens import create_api_token
from okr_project.parsers import SURROGATE_MESSAGE, has_surrogates
from okr_project.problem_details import problem
from tests.security.isolation import _walk, build_tenant, fill

pytestmark = pytest.mark.django_db

# Raw JSON text: the escapes reach the parser as written (json.dumps would keep them too).
BODIES = (
    '{"\\ud800": 1}',
    '{"title": "\\ud800", "name": "x\\udfff", "email": "\\ud800@example.com", "body": "\\ud800"}',
    '["\\udbff"]',
    '{"nested": {"deeper": ["ok", "\\udc00"]}}',
)
WRITES = ("post", "put", "patch")


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    """Hundreds of requests in a row: throttle budgets (kept in the cache) must not run out."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "token_obtain": "100000/minute"},
    }
    yield
    cache.clear()


def _api_routes():
    # The catch-all that answers 404 problems for unknown /api/v1/ paths names no endpoint.
    return [r for r in _walk(get_resolver(), "", "") if r.is_api and "^.*$" not in r.route]


def test_the_anonymous_token_endpoint_refuses_a_lone_surrogate(client):
    for body in BODIES:
        response = client.post("/api/v1/auth/token/", data=body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["detail"] == SURROGATE_MESSAGE


def test_every_api_write_refuses_a_lone_surrogate_with_a_400_problem(client):
    tenant = build_tenant("SURR", "surr")
    _token, raw = create_api_token(user=tenant.admin.user, name="surrogates")
    # The tokens API names no organization: its routes get another token of the caller's
    # (revoking the one that authenticates would end the walk).
    spare, _raw = create_api_token(user=tenant.admin.user, name="spare")
    own = {"token_id": spare.pk}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    refused: set[str] = set()
    server_errors = []
    for route in _api_routes():
        path = fill(route, slug_from=tenant, rows_from=tenant, overrides=own)
        for method in WRITES:
            for body in BODIES:
                response = getattr(client, method)(
                    path, data=body, content_type="application/json", **auth
                )
                if response.status_code >= 500:
                    server_errors.append((method.upper(), path, body, response.status_code))
                    continue
                if response.status_code == 400:
                    assert response["Content-Type"].startswith("application/problem+json")
                    if response.json()["detail"] == SURROGATE_MESSAGE:
                        refused.add(route.route)
    assert server_errors == []
    # Every endpoint that reads a JSON body got as far as the parser (the review counted 16).
    assert len(refused) >= 16, sorted(refused)


def test_a_proper_surrogate_pair_is_one_character_and_accepted(client):
    body = '{"email": "\\ud83c\\udfaf@example.com", "password": "nope"}'
    response = client.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400  # wrong credentials, not unreadable JSON
    assert response.json()["detail"] != SURROGATE_MESSAGE


def test_the_rule_looks_into_keys_and_every_depth():
    assert has_surrogates({"\ud800": 1})
    assert has_surrogates([{"a": ["b", {"c": "\udfff"}]}])
    assert not has_surrogates({"a": ["🎯", 1, None, {"b": 2.5}]})


def test_a_problem_never_echoes_what_utf8_cannot_encode():
    response = problem(400, "Bad \ud800 value", errors={"f\udc00": ["x\ud800"]})
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}
    content = response.rendered_content.decode()
    assert "\ufffd" in content and "Bad" in content
