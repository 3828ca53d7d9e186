"""Every URL under an organization, asked by every kind of visitor (issue 9, item 3).

Org A ("ALPHAONLY", built by tests/security/isolation.py) gets one person per role: admin,
executive, champion, lead of the objective's unit, objective owner, key result owner, key
result contributor and a plain member. A's objective is private, so the visibility rule
splits the roles (okrs.rules.visibility decides who should see it; no table here repeats it).
Every URL pattern under the slug (web pages, htmx partials, API) is filled with A's real rows
by `fill()` (a kwarg it cannot fill fails the test) and asked:
1. anonymously: web pages redirect to the login page, the API answers 401;
2. by a member of organization B: 404 for every method, nothing of A in the body;
3. by each of A's roles, GET (plain and htmx): never a 5xx; a page that shows one object
   answers 200 exactly when the policy lets the role view it; anything keyed by an objective
   or key result the role may not view answers 403/404 and no page shows its title;
4. by each of A's roles, every write (POST on the web; POST/PUT/PATCH/DELETE on the API, with
   an empty body): never a 5xx, and a refused write (4xx) changed none of A's rows.
Destructive routes (delete, close, deactivate…) run last, so they do not hide the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership, OrgUnit, Role
from notifications.models import Notification
from okrs.models import (
    CheckIn,
    Comment,
    Cycle,
    Initiative,
    KeyResult,
    KeyResultContributor,
    Objective,
    Risk,
)
from okrs.rules.visibility import can_view_key_result, can_view_objective
from tests import factories
from tests.builders import add_contributor, person
from tests.security.isolation import (
    TOKEN_AUTHENTICATED,
    Route,
    Tenant,
    build_tenant,
    fill,
    org_routes,
)

# Slow by design: every URL walked by every role (`make test-fast` skips it).
pytestmark = pytest.mark.slow

ROLES = (
    "admin",
    "executive",
    "champion",
    "unit_lead",
    "objective_owner",
    "kr_owner",
    "contributor",
    "member",
)
API_WRITES = ("post", "put", "patch", "delete")
REFUSED = range(400, 500)
# Routes whose page is about one object: GET answers 200 exactly when the role may view it.
# Everything else keyed by an object (edit forms, partials, actions) only has to refuse roles
# that may not view the object.
SHOWS_ONE = {
    "okrs:objective_detail",
    "okrs:key_result_detail",
    "okrs:unit_detail",
    "orgchart:member",
    "api-objective-detail",
    "api-key-result-detail",
    "api-initiative-detail",
    "api-risk-detail",
    "api-comment-detail",
    "api-unit-detail",
    "api-member-detail",
    "api-cycle-detail",
}
# Route names whose success removes, freezes or moves rows the other probes need.
DESTRUCTIVE = ("delete", "deactivate", "revoke", "close", "activate", "copy", "restore")


@dataclass
class World:
    alpha: Tenant
    people: dict[str, Membership]


def _build(db) -> World:
    alpha = build_tenant("ALPHAONLY", "alpha-co")
    org = alpha.organization

    def someone(key: str, **kwargs) -> Membership:
        return person(org, email=f"walker-{key}@alpha-co.example", name=f"Walker {key}", **kwargs)

    people = {
        "admin": alpha.admin,
        "executive": someone("executive", role=Role.EXECUTIVE),
        "champion": someone("champion", role=Role.CHAMPION),
        "unit_lead": someone("lead", unit=alpha.unit),
        "objective_owner": alpha.membership,
        "kr_owner": someone("krowner", unit=alpha.unit),
        "contributor": someone("contributor"),
        "member": someone("member"),
    }
    OrgUnit.objects.filter(pk=alpha.unit.pk).update(lead=people["unit_lead"])
    Objective.all_objects.filter(pk=alpha.objective.pk).update(
        visibility=Objective.Visibility.PRIVATE
    )
    KeyResult.all_objects.filter(pk=alpha.key_result.pk).update(owner=people["kr_owner"])
    add_contributor(alpha.key_result, people["contributor"])
    for field in ("unit", "objective", "key_result", "check_in", "initiative", "risk", "comment"):
        getattr(alpha, field).refresh_from_db()
    return World(alpha=alpha, people=people)


@pytest.fixture
def world(db) -> World:
    return _build(db)


def _fresh(membership: Membership) -> Membership:
    """The membership as a request would load it (no cached visibility facts)."""
    return Membership.objects.select_related("organization", "user").get(pk=membership.pk)


TENANT_MANAGERS = (
    OrgUnit.objects,
    Membership.objects,
    Cycle.objects,
    Objective.all_objects,  # trash included: a soft delete is a change too
    KeyResult.all_objects,
    KeyResultContributor.objects,
    CheckIn.objects,
    Initiative.objects,
    Risk.objects,
    Comment.objects,
    Invitation.objects,
    Notification.objects,
)


def _snapshot(alpha: Tenant) -> dict:
    """Every row of every tenant model of A (one query per model; a tenant is small)."""
    rows: dict = {}
    for manager in TENANT_MANAGERS:
        found = manager.filter(organization_id=alpha.organization.pk).order_by("pk").values()
        rows[manager.model.__name__] = [
            {k: v for k, v in row.items() if k != "updated_at"} for row in found
        ]
    return rows


def _diff(before: dict, after: dict) -> str:
    return ", ".join(k for k in before if before[k] != after.get(k))


def _request(client, route: Route, url: str, method: str, htmx: bool = False):
    """(status, body, Location) — an exception is a 599 so every route gets reported."""
    kwargs: dict = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data: object = {}
    if route.is_api and method != "get":
        kwargs["content_type"] = "application/json"
        data = "{}"
    try:
        response = getattr(client, method)(url, data, **kwargs)
    except Exception as exc:  # noqa: BLE001 - report every route, not just the first crash
        return 599, f"raised {type(exc).__name__}: {exc}", ""
    return (
        response.status_code,
        response.content.decode(errors="replace"),
        response.get("Location", ""),
    )


def _methods(route: Route) -> tuple[str, ...]:
    return ("get", *API_WRITES) if route.is_api else ("get", "post")


def _routes_without_tokens() -> list[Route]:
    return [r for r in org_routes() if r.name not in TOKEN_AUTHENTICATED]


def test_the_walker_covers_every_route_and_fails_on_an_unknown_kwarg(world):
    routes = org_routes()
    assert {r.is_api for r in routes} == {True, False}
    for route in routes:
        fill(route, slug_from=world.alpha, rows_from=world.alpha)  # raises on a new kwarg
    unknown = Route(route="o/<slug:org_slug>/gizmos/<int:gizmo_id>/", name="x:gizmo")
    with pytest.raises(AssertionError, match="add a filler to FILLERS"):
        fill(unknown, slug_from=world.alpha, rows_from=world.alpha)


def test_the_roles_split_on_the_private_objective(world):
    """Proof that the read checks below compare against something: some roles may view A's
    objective, some may not."""
    seen = {
        k: can_view_objective(_fresh(m), world.alpha.objective) for k, m in world.people.items()
    }
    assert seen == {
        "admin": True,
        "executive": True,
        "champion": False,
        "unit_lead": True,
        "objective_owner": True,
        "kr_owner": True,
        "contributor": True,
        "member": False,
    }


def test_anonymous_is_sent_to_log_in(world, client):
    """Token routes are skipped: their signed token is the credential (TOKEN_AUTHENTICATED)."""
    alpha = world.alpha
    before = _snapshot(alpha)
    login = reverse("accounts:login")
    failures = []
    for route in _routes_without_tokens():
        url = fill(route, slug_from=alpha, rows_from=alpha)
        for method in _methods(route):
            status, body, location = _request(client, route, url, method)
            if route.is_api:
                ok = status == 401
            else:
                ok = (status == 302 and location.startswith(login)) or status == 405
            if not ok:
                failures.append(f"{method.upper()} {url} [{route.name}] → {status} {location}")
            if alpha.marker in body:
                failures.append(f"{method.upper()} {url} [{route.name}] shows A's data")
    assert not failures, "Anonymous requests:\n" + "\n".join(failures)
    assert _snapshot(alpha) == before, "an anonymous request changed A's rows"


def test_a_member_of_another_organization_gets_404(world, client):
    alpha = world.alpha
    bravo = factories.OrganizationFactory(name="BRAVOONLY Corp", slug="bravo-co")
    client.force_login(person(bravo, email="admin@bravo-co.example", role=Role.ADMIN).user)
    before = _snapshot(alpha)
    failures = []
    for route in _routes_without_tokens():
        url = fill(route, slug_from=alpha, rows_from=alpha)
        for method in _methods(route):
            status, body, _ = _request(client, route, url, method)
            if status not in (404, 405):
                failures.append(f"{method.upper()} {url} [{route.name}] → {status}")
            if alpha.marker in body:
                failures.append(f"{method.upper()} {url} [{route.name}] shows A's data")
    assert not failures, "Another organization's member:\n" + "\n".join(failures)
    assert _snapshot(alpha) == before, "a member of B changed A's rows"


def _viewable(viewer: Membership, alpha: Tenant) -> dict[str, bool]:
    """Per URL kwarg: may this viewer see the row it names (okrs.rules.visibility decides)."""
    kr = alpha.key_result
    return {
        "objective_id": can_view_objective(viewer, alpha.objective),
        "key_result_id": can_view_key_result(viewer, kr),
        "check_in_id": can_view_key_result(viewer, alpha.check_in.key_result),
        "initiative_id": can_view_key_result(viewer, alpha.initiative.key_result),
        "risk_id": can_view_key_result(viewer, alpha.risk.key_result),
        "comment_id": can_view_objective(viewer, alpha.comment.objective),
        # The org chart, units and cycles are open to every member of the organization.
        "unit_id": True,
        "membership_id": True,
        "cycle_id": True,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_what_the_policy_lets_it_see(world, client, role):
    alpha = world.alpha
    viewer = _fresh(world.people[role])
    client.force_login(viewer.user)
    viewable = _viewable(viewer, alpha)
    hidden_titles = (
        [] if viewable["objective_id"] else [alpha.objective.title, alpha.key_result.title]
    )
    failures, rendered = [], 0
    for route in org_routes():
        url = fill(route, slug_from=alpha, rows_from=alpha)
        hidden = [k for k in route.object_kwargs if not viewable.get(k, True)]
        for htmx in (False, True) if not route.is_api else (False,):
            status, body, _ = _request(client, route, url, "get", htmx=htmx)
            where = f"GET{' (htmx)' if htmx else ''} {url} [{route.name}] as {role}"
            rendered += status == 200
            if status >= 500:
                failures.append(f"{where} → {status}: {body[:200]!r}")
            elif route.name in SHOWS_ONE:
                expected = not hidden
                if (status == 200) != expected:
                    failures.append(f"{where} → {status}, policy says viewable={expected}")
            elif hidden and route.name not in TOKEN_AUTHENTICATED and status not in (403, 404, 405):
                failures.append(f"{where} → {status} although {hidden} is not viewable")
            failures += [f"{where} shows hidden {t!r}" for t in hidden_titles if t in body]
    assert not failures, f"Reads as {role}:\n" + "\n".join(failures)
    assert rendered > 20, "hardly any page rendered: the walk proves nothing"


def _write_order(route: Route) -> tuple[int, str]:
    return (any(word in route.name for word in DESTRUCTIVE), route.name)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_writes_without_5xx_and_refusals_change_nothing(world, client, role):
    alpha = world.alpha
    client.force_login(world.people[role].user)
    initial = state = _snapshot(alpha)
    failures, refused = [], 0
    probes = [
        (route, method)
        for route in sorted(org_routes(), key=_write_order)
        for method in _methods(route)
        if method != "get"
    ]
    probes.sort(key=lambda p: p[1] == "delete")  # API deletes after every other write
    for route, method in probes:
        url = fill(route, slug_from=alpha, rows_from=alpha)
        status, body, _ = _request(client, route, url, method)
        where = f"{method.upper()} {url} [{route.name}] as {role}"
        after = _snapshot(alpha)
        if status >= 500:
            failures.append(f"{where} → {status}: {body[:200]!r}")
        elif status in REFUSED and after != state:
            failures.append(f"{where} → {status} (refused) but changed {_diff(state, after)}")
        refused += status in REFUSED
        state = after
    assert not failures, f"Writes as {role}:\n" + "\n".join(failures)
    assert refused > 0
    if role == "member":
        # The policy gives a plain member no write on any of these rows: the objective is
        # private, the notification is the admin's, the rest is admin or lead business.
        assert _snapshot(alpha) == initial, f"a plain member changed {_diff(initial, state)}"
