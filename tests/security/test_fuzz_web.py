"""Bad input everywhere, never a 500: Hypothesis posts hostile data to every web form and htmx
endpoint (not only the API, which schemathesis covers).

Every URL pattern under an organization (found by introspection, like the tenant walker) and
the account pages are filled with real rows, then each gets POSTs whose field names come from
the page's own form (plus a few stray ones) and whose values are huge, negative, NaN or
infinite numbers, unicode and emoji, HTML/JS, very long strings, malformed dates, control
characters; some as JSON or another wrong content type, some htmx, one oversized. Any answer
is fine except a 5xx. The custom 404 and 500 pages leak nothing.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.isolation import TOKEN_AUTHENTICATED, Route, build_tenant, fill, org_routes

# Slow by design: every web form fed hostile input (`make test-fast` skips it).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/switch/",
    "/accounts/profile/",
    "/accounts/invitations/not-a-token/",
    "/accounts/tokens/",
    "/accounts/reset/MQ/set-password/",
]
STRAY_FIELDS = ["id", "organization", "page", "next", "csrfmiddlewaretoken", "q"]
NAME = re.compile(r'name="([\w\-\[\]]+)"')

hostile = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "1e309",
            "-1e309",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "99999999999999999999999999999999",
            "1.0000000000000000000001",
            "0x1F",
            "2026-02-30",
            "2026-13-01",
            "31/12/2026",
            "0000-00-00",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE okrs_objective; --",
            "🎯🚀" * 50,
            "ÿ\u202e\ufeff",
            "a\x00b",
            "line\r\nInjected: header",
            "x" * 70_000,
            "@" * 300,
            "on",
            "true",
            "[]",
            "{}",
        ]
    ),
    st.text(max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _web_routes() -> list[Route]:
    return [r for r in org_routes() if not r.is_api and r.name not in TOKEN_AUTHENTICATED]


def _field_names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    return sorted(set(NAME.findall(body)) - {"csrfmiddlewaretoken"})


@pytest.fixture
def tenant(db):
    return build_tenant("FUZZ", "fuzz-co")


@pytest.fixture
def admin_client(tenant):
    client = Client(raise_request_exception=False)
    client.force_login(tenant.admin.user)
    return client


def _post(client: Client, url: str, data: dict, how: str):
    if how == "json":
        return client.post(url, data="{" * 3000, content_type="application/json")
    if how == "text":
        return client.post(url, data="\x00\xff" * 100, content_type="text/plain")
    headers = {"HTTP_HX_REQUEST": "true"} if how == "htmx" else {}
    return client.post(url, data, **headers)


def test_every_web_form_survives_hostile_input(tenant, admin_client):
    targets = [fill(r, slug_from=tenant, rows_from=tenant) for r in _web_routes()]
    targets += ACCOUNT_PAGES
    fields = {url: _field_names(admin_client, url) + STRAY_FIELDS for url in targets}
    failures: list[str] = []

    @settings(
        max_examples=12,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def probe(data):
        url = data.draw(st.sampled_from(targets), label="url")
        names = data.draw(st.lists(st.sampled_from(fields[url]), max_size=8), label="fields")
        values = {name: data.draw(hostile, label=name) for name in names}
        how = data.draw(st.sampled_from(["form", "form", "htmx", "json", "text"]), label="as")
        response = _post(admin_client, url, values, how)
        if response.status_code >= 500:
            failures.append(f"POST {url} ({how}) {list(values)} → {response.status_code}")

    for _ in range(max(1, len(targets) // 4)):  # ~3 hostile posts per URL on average
        probe()
    assert not failures, "\n".join(sorted(set(failures)))


def test_every_form_field_gets_a_hostile_classic(tenant, admin_client):
    """Deterministic sweep: every field of every form gets one of the nastiest classics (they
    rotate across fields, so each classic reaches every kind of field somewhere)."""
    classics = ["1e309", "NaN", "-1", "x" * 70_000, "a\x00b", "2026-02-30", "🎯" * 500]
    failures, sent = [], 0
    for route in _web_routes():
        url = fill(route, slug_from=tenant, rows_from=tenant)
        for name in _field_names(admin_client, url):
            value = classics[sent % len(classics)]
            how = "htmx" if sent % 2 else "form"
            response = _post(admin_client, url, {name: value}, how)
            sent += 1
            if response.status_code >= 500:
                failures.append(f"POST {url} {name}={value[:12]!r} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert sent > 50  # the sweep found real forms


def test_an_oversized_body_is_refused_cleanly(tenant, admin_client):
    url = fill(
        next(r for r in _web_routes() if r.name == "okrs:objective_create"),
        slug_from=tenant,
        rows_from=tenant,
    )
    response = admin_client.post(url, {"title": "x" * (3 * 1024 * 1024)})  # 3 MiB
    assert response.status_code < 500


def test_error_pages_leak_nothing(admin_client, settings):
    settings.DEBUG = False
    response = admin_client.get("/o/no-such-company/objectives/1/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Traceback" not in body and "no-such-company" not in body
    assert "settings" not in body.lower()
