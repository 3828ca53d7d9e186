"""Tenant isolation, walked over every URL under an organization slug.

Org A ("ALPHAONLY") and org B ("BRAVOONLY") each get one row of every tenant model; we log
in as B's admin and probe every route the project has (found by introspection, see
tests/security/isolation.py):
1. A's slug (+ A's ids): GET and POST answer 404, like an organization that does not exist;
2. B's slug + A's ids: 404 too (lookups filter by id *and* organization);
3. B's own pages never show A's names, and never fail with a 500.
Nothing is exempted silently: TOKEN_AUTHENTICATED lists the routes whose credential is a
signed token, with the reason, and those get their own checks.
"""

import pytest

from tests.security.isolation import (
    TOKEN_AUTHENTICATED,
    Route,
    Tenant,
    build_tenant,
    fill,
    org_routes,
)

# Slow by design: every URL walked with another tenant's ids (`make test-fast` skips it).
pytestmark = pytest.mark.slow

API_METHODS = ("get", "post", "put", "patch", "delete")
WEB_METHODS = ("get", "post")


@pytest.fixture
def alpha(db) -> Tenant:
    return build_tenant("ALPHAONLY", "alpha-co")


@pytest.fixture
def bravo(db) -> Tenant:
    return build_tenant("BRAVOONLY", "bravo-co")


@pytest.fixture
def bravo_client(client, bravo):
    client.force_login(bravo.admin.user)
    return client


def _snapshot(tenant: Tenant) -> dict:
    """What A's rows look like, to prove that no probe wrote anything."""
    rows = {}
    for field in ("unit", "cycle", "objective", "key_result", "initiative", "risk", "comment"):
        row = getattr(tenant, field)
        fresh = type(row).objects.filter(pk=row.pk).values().first()
        fresh.pop("updated_at", None)
        rows[field] = fresh
    for field in ("membership", "admin", "invitation", "notification"):
        row = getattr(tenant, field)
        rows[field] = type(row).objects.filter(pk=row.pk).values().first()
    return rows


def _probe(client, route: Route, url: str, method: str) -> tuple[int, str, str]:
    kwargs = {"content_type": "application/json"} if route.is_api and method != "get" else {}
    data = "{}" if kwargs else {}
    try:
        response = getattr(client, method)(url, data, **kwargs)
    except Exception as exc:  # noqa: BLE001 - report every route, not just the first crash
        return 599, "", f"raised {type(exc).__name__}: {exc}"
    return response.status_code, response.get("Content-Type", ""), response.content.decode()


def _expect_404(client, route: Route, url: str, failures: list[str]) -> None:
    for method in API_METHODS if route.is_api else WEB_METHODS:
        status, content_type, body = _probe(client, route, url, method)
        if status == 405:
            continue  # the method is not offered at all: nothing can leak through it
        if status != 404:
            failures.append(f"{method.upper()} {url} [{route.name}] → {status}: {body[:160]!r}")
        elif route.is_api and "json" not in content_type:
            failures.append(f"{method.upper()} {url} [{route.name}] → 404 but not JSON")


def test_walker_finds_routes_of_every_area(db):
    names = {r.name for r in org_routes()}
    for expected in ("orgchart:chart", "orgchart:unit_edit", "okrs:my_okrs"):
        assert expected in names
    assert len(names) > 10


def test_token_exemptions_name_real_routes(db):
    names = {r.name for r in org_routes()}
    stale = set(TOKEN_AUTHENTICATED) - names
    assert not stale, f"TOKEN_AUTHENTICATED lists routes that no longer exist: {stale}"


def test_unknown_kwarg_fails_loudly(alpha):
    route = Route(route="o/<slug:org_slug>/gizmos/<int:gizmo_id>/", name="x:gizmo")
    with pytest.raises(AssertionError, match="add a filler to FILLERS"):
        fill(route, slug_from=alpha, rows_from=alpha)


def _cross_slug_failures(client, alpha: Tenant) -> list[str]:
    """Pass 1: A's slug and A's ids, asked by B's admin."""
    failures: list[str] = []
    for route in org_routes():
        if route.name in TOKEN_AUTHENTICATED:
            # The token is the credential here; a forged one must not open anything.
            forged = {"token": "forged-token"}
            url = fill(route, slug_from=alpha, rows_from=alpha, overrides=forged)
        else:
            url = fill(route, slug_from=alpha, rows_from=alpha)
        _expect_404(client, route, url, failures)
    return failures


def _cross_id_failures(client, alpha: Tenant, bravo: Tenant) -> list[str]:
    """Pass 2: B's own slug with A's ids (and A's tokens)."""
    failures: list[str] = []
    for route in org_routes():
        if route.object_kwargs:
            _expect_404(client, route, fill(route, slug_from=bravo, rows_from=alpha), failures)
    return failures


def test_other_orgs_urls_answer_404(alpha, bravo, bravo_client):
    before = _snapshot(alpha)
    failures = _cross_slug_failures(bravo_client, alpha)
    assert not failures, "Cross-tenant access (A's slug):\n" + "\n".join(failures)
    assert _snapshot(alpha) == before, "A probe from another organization changed A's rows"


def test_own_slug_with_other_orgs_ids_answers_404(alpha, bravo, bravo_client):
    before = _snapshot(alpha)
    failures = _cross_id_failures(bravo_client, alpha, bravo)
    assert not failures, "Cross-tenant ids under B's own slug:\n" + "\n".join(failures)
    assert _snapshot(alpha) == before, "A probe from another organization changed A's rows"


def test_walker_catches_a_leaky_view(alpha, bravo, bravo_client, settings):
    """Proof that the walker bites: a view that forgets the organization is reported."""
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    failures = _cross_id_failures(bravo_client, alpha, bravo)
    assert any("leaky:objective" in f for f in failures), failures


def test_own_pages_never_show_other_orgs_data(alpha, bravo, bravo_client):
    failures: list[str] = []
    shown = 0
    for route in org_routes():
        url = fill(route, slug_from=bravo, rows_from=bravo)
        status, _, body = _probe(bravo_client, route, url, "get")
        if status >= 500:
            failures.append(f"GET {url} [{route.name}] → {status}: {body[:160]!r}")
        if alpha.marker in body:
            failures.append(f"GET {url} [{route.name}] shows org A's data")
        shown += status == 200
    assert not failures, "\n".join(failures)
    assert shown > 0, "no page of B rendered at all: the walker would prove nothing"
