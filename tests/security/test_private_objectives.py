"""A private objective never reaches someone who may not open it — anywhere.

One company: a public team objective and, aligned under it, a private individual objective
whose title, key result, check-in note, initiative, risk and comment each carry a marker.
A member of another unit and a champion (champions coach everyone, but see private
objectives only under the rule in okrs/rules/visibility.py) then:
1. GET every URL pattern under the organization (found by introspection, web and API), filled
   once with the public rows' ids and once with the private rows' ids;
2. crawl every page reachable by links and htmx attributes from the home page;
3. search for every marker (the results page, the header's dropdown, the API's summary and
   each of its lists), where every count must be 0 too;
4. receive every digest kind and reminder;
and no response or email may contain any marker. The owner doing the same finds them, which
proves the probes can fail.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from accounts.models import Role
from notifications import delivery
from notifications.models import Kind, Notification
from tests import factories
from tests.builders import person
from tests.crawl import crawl
from tests.security.isolation import TOKEN_AUTHENTICATED, Tenant, fill, org_routes

# Slow by design: a crawl of every page and email per reader (`make test-fast` skips it).
pytestmark = pytest.mark.slow

MARKERS = ("ZEBRASECRET", "QUOKKAHIDDEN", "WALRUSNOTE", "NARWHALTASK", "OKAPIRISK", "IBEXCOMMENT")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _build(db):
    org = factories.OrganizationFactory(name="Private Co", slug="private-co", timezone="UTC")

    admin = person(org, email="admin@private-co.example", role=Role.ADMIN)
    lead = person(org, email="lead@private-co.example")
    team = factories.OrgUnitFactory(organization=org, name="Platform", kind="team", lead=lead)
    lead.unit = team
    lead.save()
    owner = person(org, email="owner@private-co.example", unit=team, reports_to=lead)
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    bystander = person(org, email="bystander@private-co.example", unit=sales)
    sales.lead = bystander  # a lead, so the lead digest is exercised too
    sales.save()
    champion = person(org, email="champion@private-co.example", role=Role.CHAMPION)
    cycle = factories.CycleFactory(organization=org, name="Q4", status="active")
    public = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=lead, unit=team, level="team", title="Open goal"
    )
    public_kr = factories.KeyResultFactory(
        organization=org, objective=public, owner=owner, title="Open number"
    )
    factories.KeyResultFactory(
        organization=org, objective=public, owner=bystander, title="Bystander number"
    )
    secret = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=owner, unit=team, level="individual",
        parent=public, visibility="private", title="ZEBRASECRET plan",
        description="private description",
    )  # fmt: skip
    secret_kr = factories.KeyResultFactory(
        organization=org, objective=secret, owner=owner, title="QUOKKAHIDDEN metric",
        confidence=2, last_check_in_at=MONDAY_9 - timedelta(days=40),
    )  # fmt: skip
    rows = dict(
        check_in=factories.CheckInFactory(
            organization=org,
            key_result=secret_kr,
            author=owner,
            note="WALRUSNOTE",
            week="2026-W47",
            created_at=MONDAY_9 - timedelta(days=6),
        ),  # fmt: skip
        initiative=factories.InitiativeFactory(
            organization=org, key_result=secret_kr, title="NARWHALTASK"
        ),
        risk=factories.RiskFactory(
            organization=org,
            key_result=secret_kr,
            description="OKAPIRISK",
            likelihood=3,
            impact=3,
        ),  # fmt: skip
        comment=factories.CommentFactory(
            organization=org, objective=secret, author=owner, body="IBEXCOMMENT"
        ),
    )
    notification = Notification.objects.create(
        organization=org, recipient=bystander, kind=Kind.REMINDER, title="Check in"
    )
    private = Tenant(
        marker="ZEBRASECRET", organization=org, admin=admin, membership=owner, unit=team,
        cycle=cycle, objective=secret, key_result=secret_kr, invitation=factories.InvitationFactory(
            organization=org, email="new@private-co.example"
        ), notification=notification, **rows,
    )  # fmt: skip
    public_rows = replace(
        private,
        objective=public,
        key_result=public_kr,
        check_in=factories.CheckInFactory(organization=org, key_result=public_kr, author=owner),
        initiative=factories.InitiativeFactory(organization=org, key_result=public_kr),
        risk=factories.RiskFactory(organization=org, key_result=public_kr),
        comment=factories.CommentFactory(organization=org, objective=public, author=lead),
    )
    return {
        "public": public_rows, "private": private, "owner": owner,
        "bystander": bystander, "champion": champion,
    }  # fmt: skip


@pytest.fixture
def company(db):
    return _build(db)


def _leaks(body: str) -> list[str]:
    return [m for m in MARKERS if m in body]


def _get(client, url: str):
    response = client.get(url, HTTP_ACCEPT="text/html,application/json")
    return response.status_code, response.content.decode(errors="replace")


def _walk_routes(client, company) -> tuple[list[str], int]:
    findings, rendered = [], 0
    for rows in (company["public"], company["private"]):
        for route in org_routes():
            if route.name in TOKEN_AUTHENTICATED:
                continue
            url = fill(route, slug_from=rows, rows_from=rows)
            status, body = _get(client, url)
            if status >= 500:
                findings.append(f"GET {url} [{route.name}] → {status}")
            rendered += status == 200
            findings += [f"GET {url} [{route.name}] shows {m}" for m in _leaks(body)]
    return findings, rendered


def _crawl(client, limit: int = 400) -> tuple[list[str], int]:
    """Follow every same-organization link and htmx GET from the home page."""
    findings, seen = [], 0
    for url, response in crawl(client, "/o/private-co/", prefix="/o/private-co/", limit=limit):
        seen += 1
        if response.status_code >= 500:
            findings.append(f"GET {url} → {response.status_code}")
        findings += [
            f"GET {url} shows {m}" for m in _leaks(response.content.decode("utf-8", "replace"))
        ]
    return findings, seen


SEARCH_COUNT = re.compile(r'id="search-(\w+)-title">[^<]+<span class="muted small">(\d+)')
SEARCH_LISTS = ("objectives", "key-results", "people", "units")


def _search(client) -> list[str]:
    """Search every marker on the page, in the dropdown and in the API; report what shows
    and every non-zero count (a private objective is not even counted)."""
    findings = []
    for marker in MARKERS:
        word = marker.lower()
        web = f"/o/private-co/search/?q={word}"
        api = f"/api/v1/orgs/private-co/search/?q={word}"
        page = client.get(web)
        dropdown = client.get(web, HTTP_HX_REQUEST="true")
        summary = client.get(api)
        lists = [client.get(f"/api/v1/orgs/private-co/search/{k}/?q={word}") for k in SEARCH_LISTS]
        for url, response in [(web, page), (web + " (htmx)", dropdown), (api, summary)] + list(
            zip(SEARCH_LISTS, lists, strict=True)
        ):
            assert response.status_code == 200, (url, response.status_code)
            findings += [f"search {url} shows {m}" for m in _leaks(response.content.decode())]
        counts = dict(SEARCH_COUNT.findall(page.content.decode()))
        assert len(counts) == 4, "the results page shows a count per kind"
        counts |= {f"api {k}": str(v["count"]) for k, v in summary.json().items() if k != "query"}
        counts |= {
            f"api list {k}": str(r.json()["count"])
            for k, r in zip(SEARCH_LISTS, lists, strict=True)
        }
        findings += [f"search for {marker}: {k} counts {n}" for k, n in counts.items() if n != "0"]
    return findings


def _emails_for(company, reader) -> str:
    mail.outbox = []
    for kind in (Kind.REMINDER, *[k for k in Kind if k.startswith("digest_")]):
        delivery.deliver_batch(
            organization=reader.organization, kind=kind, period="2026-W48",
            membership_ids=[reader.pk], now=MONDAY_9, task_id=f"t-{kind}",
        )  # fmt: skip
    return "\n".join(
        m.subject + m.body + "".join(a[0] for a in getattr(m, "alternatives", []))
        for m in mail.outbox
    )


@pytest.mark.parametrize("who", ["bystander", "champion"])
def test_nothing_of_a_private_objective_reaches_who_may_not_open_it(company, client, who):
    reader = company[who]
    client.force_login(reader.user)
    findings, rendered = _walk_routes(client, company)
    crawl_findings, crawled = _crawl(client)
    findings += crawl_findings
    findings += _search(client)
    findings += [f"email shows {m}" for m in _leaks(_emails_for(company, reader))]
    assert not findings, "\n".join(findings)
    assert rendered > 20 and crawled > 10  # the probes reached real pages


def test_the_owner_finds_every_marker_so_the_probes_can_fail(company, client):
    owner = company["owner"]
    client.force_login(owner.user)
    findings, _ = _walk_routes(client, company)
    findings += _crawl(client)[0]
    shown = {f.rsplit(" ", 1)[-1] for f in findings if " shows " in f}
    assert {"ZEBRASECRET", "QUOKKAHIDDEN", "WALRUSNOTE", "IBEXCOMMENT"} <= shown
    searched = _search(client)  # titles are what search matches: the owner finds both
    assert {"ZEBRASECRET", "QUOKKAHIDDEN"} <= {f.rsplit(" ", 1)[-1] for f in searched}
    assert any("ZEBRASECRET: objectives counts 1" in f for f in searched)
    assert any("QUOKKAHIDDEN: api list key-results counts 1" in f for f in searched)
    assert "ZEBRASECRET" in _emails_for(company, owner)


# List filters naming an objective or key result by id: (list path, parameter, which row).
ID_FILTERS = [
    ("comments/", "objective", "objective"),
    ("comments/", "key_result", "key_result"),
    ("key-results/", "objective", "objective"),
    ("objectives/", "parent", "objective"),
    ("initiatives/", "key_result", "key_result"),
    ("risks/", "key_result", "key_result"),
]


def _filtered(client, path: str, param: str, value) -> tuple[int, dict]:
    response = client.get(f"/api/v1/orgs/private-co/{path}", {param: value})
    return response.status_code, response.json()


@pytest.mark.parametrize("who", ["bystander", "champion"])
def test_an_api_filter_answers_a_private_id_exactly_like_an_unknown_one(company, client, who):
    """`comments/?objective=<private id>` answered 200 {"count": 0} where an unknown id
    answered 400: the difference confirmed that the private objective exists."""
    client.force_login(company[who].user)
    private = company["private"]
    for path, param, row in ID_FILTERS:
        hidden = getattr(private, row).pk
        unknown = hidden + 10_000
        assert _filtered(client, path, param, hidden) == _filtered(client, path, param, unknown), (
            path,
            param,
        )
        status, body = _filtered(client, path, param, hidden)
        assert status == 400 and not _leaks(str(body)), (path, param, status)


def test_the_owner_filters_by_the_private_objective(company, client):
    client.force_login(company["owner"].user)
    private = company["private"]
    for path, param, row in ID_FILTERS:
        status, body = _filtered(client, path, param, getattr(private, row).pk)
        assert status == 200, (path, param, body)
