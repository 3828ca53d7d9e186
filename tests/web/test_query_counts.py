"""Every page and every API list costs the same number of queries in a small and a bigger
tenant (and at most `MAX_QUERIES`): pages are O(what they show), never O(company size).

One builder (`build`) makes a small company with one of everything; `grow` adds people,
units (deeper than the org chart's first two levels), objectives (public and private,
aligned under the same parents), key results with contributors, check-ins, comments,
initiatives and risks. Each target is measured after `build`, then after `grow`; the counts
must be equal. Guards, not timings (docs/benchmarks.md has the timings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit, Role, SecurityEvent
from notifications.services import notify
from okrs.models import CheckIn, Cycle, HealthTally, KeyResult, Level, Objective
from okrs.rules.weeks import iso_week
from tests import factories
from tests.builders import add_contributor, person

# Slow by design: each page measured in a small and a grown tenant (`make test-fast` skips it).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_QUERIES = 15


@dataclass
class Tenant:
    org: Organization
    cycle: Cycle
    champion: Membership
    head: Membership
    lead: Membership
    member: Membership
    dept: OrgUnit
    team: OrgUnit
    company: Objective
    team_objective: Objective
    kr: KeyResult
    grown: int = 0
    admin: Membership | None = None


def _objective(t, *, level, unit, owner, parent, title, visibility="public"):
    return factories.ObjectiveFactory(
        organization=t.org, cycle=t.cycle, level=level, unit=unit, owner=owner, parent=parent,
        title=title, visibility=visibility,
    )  # fmt: skip


def _key_result(t, objective, title, *, owner, confidence=5, stale=False):
    kr = factories.KeyResultFactory(
        organization=t.org, objective=objective, owner=owner, title=title, confidence=confidence
    )
    add_contributor(kr, t.lead)
    at = timezone.now() - dt.timedelta(days=30 if stale else 1)
    factories.CheckInFactory(
        organization=t.org, key_result=kr, author=owner, week=iso_week(t.org, at)
    )
    KeyResult.objects.filter(pk=kr.pk).update(last_check_in_at=at)
    return kr


def build(org) -> Tenant:
    dept = factories.OrgUnitFactory(organization=org, name="Engineering", kind="department")
    team = factories.OrgUnitFactory(organization=org, name="Platform", kind="team", parent=dept)
    champion = person(org, role=Role.CHAMPION, name="Cora Champion")
    head = person(org, unit=dept, name="Hana Head")
    lead = person(org, unit=team, reports_to=head, name="Leo Lead")
    member = person(org, unit=team, reports_to=lead, name="Mia Member")
    dept.lead, team.lead = head, lead
    dept.save()
    team.save()
    cycle = factories.CycleFactory(organization=org, name="Q1", status=Cycle.Status.ACTIVE)
    t = Tenant(org, cycle, champion, head, lead, member, dept, team, None, None, None)
    t.admin = person(org, role=Role.ADMIN, name="Ada Admin")
    t.company = _objective(
        t, level=Level.COMPANY, unit=None, owner=head, parent=None, title="Company goal"
    )
    dept_objective = _objective(
        t, level=Level.DEPARTMENT, unit=dept, owner=head, parent=t.company, title="Dept goal"
    )
    t.team_objective = _objective(
        t, level=Level.TEAM, unit=team, owner=lead, parent=dept_objective, title="Team goal"
    )
    t.kr = _key_result(t, t.team_objective, "Main KR", owner=member)
    factories.InitiativeFactory(organization=org, key_result=t.kr, assignee=member)
    factories.RiskFactory(organization=org, key_result=t.kr, owner=member)
    factories.CommentFactory(organization=org, objective=t.team_objective, author=member)
    factories.CommentFactory(organization=org, objective=None, key_result=t.kr, author=lead)
    return t


def grow(t: Tenant, n: int) -> None:
    """n more of everything, hanging off the same parents the pages look at."""
    for i in range(t.grown, t.grown + n):
        unit = factories.OrgUnitFactory(organization=t.org, name=f"Squad {i}", parent=t.team)
        factories.OrgUnitFactory(organization=t.org, name=f"Pod {i}", parent=unit)
        someone = person(t.org, unit=t.team, reports_to=t.lead, name=f"Ann Person {i}")
        person(t.org, unit=unit, name=f"Ann Squad {i}")
        aligned = _objective(
            t, level=Level.TEAM, unit=t.team, owner=t.lead, parent=t.company, title=f"Aligned {i}"
        )
        below = _objective(
            t, level=Level.INDIVIDUAL, unit=t.team, owner=t.member, parent=t.team_objective,
            title=f"Mine {i}",
        )  # fmt: skip
        _objective(
            t, level=Level.TEAM, unit=t.team, owner=someone, parent=t.company,
            title=f"Secret {i}", visibility="private",
        )  # fmt: skip
        _objective(  # an orphan (a root)
            t, level=Level.TEAM, unit=unit, owner=someone, parent=None, title=f"Orphan {i}"
        )
        _key_result(t, aligned, f"KR {i}", owner=t.member, confidence=2, stale=bool(i % 2))
        _key_result(t, below, f"My KR {i}", owner=someone)
        factories.CheckInFactory(
            organization=t.org, key_result=t.kr, author=t.member,
            week=f"2020-W{(i % 50) + 1:02d}",
        )  # fmt: skip
        factories.InitiativeFactory(organization=t.org, key_result=t.kr, assignee=someone)
        factories.RiskFactory(organization=t.org, key_result=t.kr, owner=someone)
        factories.CommentFactory(organization=t.org, objective=t.team_objective, author=someone)
        factories.CommentFactory(
            organization=t.org, objective=None, key_result=t.kr, author=someone
        )
        factories.InvitationFactory(organization=t.org, email=f"invitee{i}@example.com")
        notify(organization=t.org, recipient=t.member, kind="mention", title=f"Mention {i}")
        for kind, actor in ((SecurityEvent.Kind.ROLE_CHANGED, t.admin), ("login", someone)):
            SecurityEvent.objects.create(
                organization=t.org, kind=kind, actor=actor, user=someone.user,
                detail={"role": ["member", "executive"]}, ip="192.0.2.1",
            )  # fmt: skip
    t.grown += n
    assert CheckIn.objects.filter(organization=t.org).exists()


def _web(name, t, **kwargs):
    return reverse(name, kwargs={"org_slug": t.org.slug, **kwargs})


def _api(t, path):
    return f"/api/v1/orgs/{t.org.slug}/{path}"


HX = {"HTTP_HX_REQUEST": "true"}

# (id, viewer attribute, url builder, extra request headers)
TARGETS = [
    ("my_okrs", "member", lambda t: _web("okrs:my_okrs", t), {}),
    ("company_overview", "member", lambda t: _web("okrs:cycle_overview_current", t), {}),
    ("alignment_root", "member", lambda t: _web("okrs:alignment_current", t), {}),
    ("alignment_root_htmx", "member", lambda t: _web("okrs:alignment_current", t), HX),
    (
        "alignment_filtered",
        "member",
        lambda t: _web("okrs:alignment_current", t) + "?q=a&status=",
        {},
    ),
    (
        "alignment_children",
        "member",
        lambda t: _web("okrs:alignment_children", t, objective_id=t.company.pk),
        HX,
    ),
    (
        "alignment_children_page",
        "member",
        lambda t: _web("okrs:alignment_children", t, objective_id=t.company.pk),
        {},
    ),
    ("health_company", "champion", lambda t: _web("okrs:health", t), {}),
    ("health_unit_lead", "head", lambda t: _web("okrs:health", t), {}),
    (
        "health_drill_down",
        "champion",
        lambda t: _web("okrs:health", t) + f"?unit={t.team.pk}&stale_krs_page=2",
        {},
    ),
    ("unit_page", "member", lambda t: _web("okrs:unit_detail", t, unit_id=t.dept.pk), {}),
    ("units_index", "member", lambda t: _web("okrs:unit_list", t), {}),
    ("units_index_search", "member", lambda t: _web("okrs:unit_list", t) + "?q=o&sort=name", {}),
    ("org_chart", "member", lambda t: _web("orgchart:chart", t), {}),
    ("org_chart_search", "member", lambda t: _web("orgchart:chart", t) + "?q=ann", {}),
    (
        "org_chart_children",
        "member",
        lambda t: _web("orgchart:unit_children", t, unit_id=t.team.pk),
        HX,
    ),
    (
        "objective_detail",
        "member",
        lambda t: _web("okrs:objective_detail", t, objective_id=t.team_objective.pk),
        {},
    ),
    (
        "key_result_detail",
        "member",
        lambda t: _web("okrs:key_result_detail", t, key_result_id=t.kr.pk),
        {},
    ),
    (
        "key_result_edit",
        "member",
        lambda t: _web("okrs:key_result_edit", t, key_result_id=t.kr.pk),
        {},
    ),
    (
        "objective_create",
        "lead",
        lambda t: _web("okrs:objective_create", t) + f"?parent={t.team_objective.pk}",
        {},
    ),
    ("people_search", "member", lambda t: _web("orgchart:people_search", t) + "?q=ann", HX),
    ("unit_search", "member", lambda t: _web("orgchart:unit_search", t) + "?q=a", HX),
    ("member_page", "lead", lambda t: _web("orgchart:member", t, membership_id=t.member.pk), {}),
    (
        "person_okrs",
        "lead",
        lambda t: _web("okrs:person_okrs", t, membership_id=t.member.pk),
        HX,
    ),
    (
        "person_okrs_page",
        "champion",
        lambda t: _web("okrs:person_okrs", t, membership_id=t.member.pk) + "?page=2&krpage=2",
        {},
    ),
    (
        "objective_edit",
        "lead",
        lambda t: _web("okrs:objective_edit", t, objective_id=t.team_objective.pk),
        {},
    ),
    (
        "objective_search",
        "member",
        lambda t: _web("okrs:objective_search", t) + f"?q=a&cycle={t.cycle.pk}",
        HX,
    ),
    ("search", "member", lambda t: _web("okrs:search", t) + "?q=a", {}),
    (
        "search_pages",
        "lead",
        lambda t: _web("okrs:search", t)
        + "?q=e&objectives_page=2&key_results_page=2&people_page=2",
        {},
    ),
    ("search_dropdown", "member", lambda t: _web("okrs:search", t) + "?q=a", HX),
    ("api_members", "member", lambda t: _api(t, "members/"), {}),
    ("api_members_search", "member", lambda t: _api(t, "members/?search=ann"), {}),
    ("api_units", "member", lambda t: _api(t, "units/"), {}),
    ("api_cycles", "member", lambda t: _api(t, "cycles/"), {}),
    ("api_objectives", "member", lambda t: _api(t, "objectives/"), {}),
    ("api_key_results", "member", lambda t: _api(t, "key-results/"), {}),
    ("api_check_ins", "member", lambda t: _api(t, f"key-results/{t.kr.pk}/check-ins/"), {}),
    ("api_history", "member", lambda t: _api(t, f"objectives/{t.team_objective.pk}/history/"), {}),
    ("api_initiatives", "member", lambda t: _api(t, "initiatives/"), {}),
    ("api_risks", "member", lambda t: _api(t, "risks/"), {}),
    ("api_comments", "member", lambda t: _api(t, "comments/"), {}),
    ("api_alignment_roots", "member", lambda t: _api(t, f"cycles/{t.cycle.pk}/alignment/"), {}),
    (
        "api_alignment_depth_3",
        "member",
        lambda t: _api(t, f"cycles/{t.cycle.pk}/alignment/?depth=3"),
        {},
    ),
    (
        "api_alignment_children",
        "member",
        lambda t: _api(t, f"cycles/{t.cycle.pk}/alignment/?parent={t.company.pk}&depth=2"),
        {},
    ),
    ("security_log", "admin", lambda t: _web("security:log", t), {}),
    (
        "security_log_filtered",
        "admin",
        lambda t: _web("security:log", t) + f"?kind=role_changed&person={t.admin.pk}&page=2",
        {},
    ),
    ("api_security_events", "admin", lambda t: _api(t, "security-events/?kind=login"), {}),
    ("api_invitations", "member", lambda t: _api(t, "invitations/"), {}),
    ("api_search", "member", lambda t: _api(t, "search/?q=a"), {}),
    ("api_search_objectives", "member", lambda t: _api(t, "search/objectives/?q=e"), {}),
    ("api_search_key_results", "lead", lambda t: _api(t, "search/key-results/?q=k"), {}),
    ("api_notifications", "member", lambda t: _api(t, "notifications/?unread=true"), {}),
    ("api_health", "champion", lambda t: _api(t, "health/"), {}),
    ("api_health_unit_lead", "head", lambda t: _api(t, "health/"), {}),
    (
        "api_health_section",
        "champion",
        lambda t: _api(t, f"health/low_confidence/?unit={t.dept.pk}"),
        {},
    ),
]


# A health read that finds no valid tally recounts them: the grouped count, the store, and the
# savepoint around the store (two statements inside the test's transaction; none in a request).
RECOUNT_QUERIES = 4


def _queries(client, url, headers, *, recount: bool = False) -> int:
    """Queries of one GET; `recount`: as after writes all over the company (every health tally
    stale), the worst case of the health pages."""
    if recount:
        HealthTally.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("viewer", "url", "headers"), [t[1:] for t in TARGETS], ids=[t[0] for t in TARGETS]
)
def test_query_count_is_the_same_in_a_small_and_a_bigger_tenant(org, client, viewer, url, headers):
    t = build(org)
    grow(t, 2)
    client.force_login(getattr(t, viewer).user)
    _queries(client, url(t), headers)  # warm-up: session, caches, content types
    small_recount = _queries(client, url(t), headers, recount=True)
    small = _queries(client, url(t), headers)
    grow(t, 30)
    big_recount = _queries(client, url(t), headers, recount=True)
    big = _queries(client, url(t), headers)
    print(f"QUERYCOUNT {url(t)} small={small} big={big} recount={big_recount}")
    assert big == small, f"{small} queries with a small tenant, {big} with a bigger one"
    assert big_recount == small_recount, (small_recount, big_recount)
    assert big <= MAX_QUERIES
    assert big_recount in (big, big + RECOUNT_QUERIES)


def test_the_bigger_tenant_really_is_bigger_than_a_page(org):
    """The grown tenant crosses every page size the targets use (alignment children 25,
    org chart members 25, health sections 10), so paging is what keeps the counts equal."""
    t = build(org)
    grow(t, 32)
    assert Objective.objects.filter(parent=t.company).count() > 25
    assert Membership.objects.filter(unit=t.team).count() > 25
    assert KeyResult.objects.filter(organization=org, confidence__lte=4).count() > 10
    assert OrgUnit.objects.filter(organization=org).count() > 50  # the units index pages
    # A person's OKRs: more objectives (10 a page) and other people's KRs (20 a page).
    assert Objective.objects.filter(owner=t.member).count() > 10
    assert KeyResult.objects.filter(owner=t.member).exclude(objective__owner=t.member).count() > 20


# --- writes: the weekly check-in ---------------------------------------------------------------

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
# Pinned: session, user, membership, the KR (+ contributors); in the service the KR lock, the
# week's row (read + write), audit, KR update, the chain (one locked recursive read), its KRs
# and children (one UNION), one bulk update, the chain's units' health tallies made stale (one
# upsert); htmx adds the week summary (2). A write, not a page: `MAX_QUERIES` bounds pages.
CHECK_IN_STATEMENTS = {"htmx": 16, "api": 14}


def _statements(ctx) -> int:
    """SQL statements, not counting transaction control (what `bench_http` counts)."""
    return sum(not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL) for q in ctx)


def _kr_below(t: Tenant, ancestors: int) -> KeyResult:
    """A key result of the member's objective with `ancestors` objectives above it."""
    parent = None
    for i in range(ancestors):
        parent = _objective(
            t, level=Level.TEAM, unit=t.team, owner=t.lead, parent=parent,
            title=f"Up {i} of {ancestors}",
        )  # fmt: skip
        Objective.objects.filter(pk=parent.pk).update(rollup="children")
    mine = _objective(
        t, level=Level.INDIVIDUAL, unit=t.team, owner=t.member, parent=parent, title="Mine"
    )
    return factories.KeyResultFactory(organization=t.org, objective=mine, owner=t.member)


def _post_check_in(client, t: Tenant, kr: KeyResult, *, api: bool, value) -> int:
    data = {"value": str(value), "confidence": "6", "note": "steady"}
    with CaptureQueriesContext(connection) as ctx:
        if api:
            response = client.post(
                _api(t, f"key-results/{kr.pk}/check-ins/"), data, content_type="application/json"
            )
        else:
            url = _web("okrs:check_in", t, key_result_id=kr.pk)
            response = client.post(url, data, **HX)
    assert response.status_code == (201 if api else 200), response.content[:500]
    return _statements(ctx.captured_queries)


@pytest.mark.parametrize("api", [False, True], ids=["htmx", "api"])
def test_a_check_in_costs_the_same_statements_whatever_the_chain_and_company(org, client, api):
    """The POST (validation, row locks, the week's row, audit, roll-up up the whole chain,
    and for htmx the re-rendered row, objective bars and week summary) runs a fixed number of
    statements: the same for a chain of 2 and of 5 ancestors, for a first check-in of the week
    and an update of it, in a small and a grown company."""
    t = build(org)
    grow(t, 2)
    short, long = _kr_below(t, 2), _kr_below(t, 5)
    client.force_login(t.member.user)
    _post_check_in(client, t, t.kr, api=api, value=1)  # warm-up: session, content types
    counts = {
        "short, first": _post_check_in(client, t, short, api=api, value=10),
        "short, update": _post_check_in(client, t, short, api=api, value=11),
    }
    grow(t, 30)
    counts["long, first"] = _post_check_in(client, t, long, api=api, value=20)
    counts["long, update"] = _post_check_in(client, t, long, api=api, value=long.target_value)
    print(f"CHECKIN api={api} {counts}")
    assert len(set(counts.values())) == 1, counts
    assert counts["long, first"] == CHECK_IN_STATEMENTS["api" if api else "htmx"]
    long.refresh_from_db()
    assert long.current_value == long.target_value and long.progress == 1
    # … and the roll-up reached the top of the chain (progress from their one child each).
    assert Objective.objects.get(organization=org, title="Up 0 of 5").progress == 1
