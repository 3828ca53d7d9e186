"""GET health/ and health/<section>/: the web health page's scope, numbers and lists as JSON."""

from datetime import timedelta

import pytest
from django.utils import timezone

from okrs.models import Cycle, KeyResult
from tests import factories
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db


def stale(chart, n, objective=None, title="Stale"):
    for i in range(n):
        kr = factories.KeyResultFactory(
            organization=chart.org,
            objective=objective or chart.team_objective,
            owner=chart.owner,
            title=f"{title} {i:02d}",
        )
        KeyResult.objects.filter(pk=kr.pk).update(
            created_at=timezone.now() - timedelta(days=30), last_check_in_at=None
        )


def test_a_champion_gets_the_whole_company_with_top_units_and_first_pages(
    chart, token_client, champion_membership
):
    stale(chart, 12)
    sales = factories.OrgUnitFactory(organization=chart.org, name="Sales")
    response = token_client(champion_membership).get(chart.url("health/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cycle"] == {"id": chart.cycle.pk, "name": "Q1 2030"}
    assert body["unit"] is None and body["whole_company"] and body["breadcrumb"] == []
    assert body["objective_count"] == 2 and body["key_result_count"] == 13
    assert [r["label"] for r in body["units"]] == ["Engineering", "Sales"]
    engineering, sales_row = body["units"]
    assert engineering["expected"] == 13 and engineering["unit"]["id"] == chart.dept.pk
    assert engineering["health"].endswith(f"health/?cycle={chart.cycle.pk}&unit={chart.dept.pk}")
    assert sales_row["unit"] == {"id": sales.pk, "name": "Sales"} and sales_row["expected"] == 0
    section = body["sections"]["stale_krs"]
    assert section["count"] == 12 and len(section["results"]) == 10
    assert (
        section["next"].endswith(f"health/stale_krs/?cycle={chart.cycle.pk}&page=2")
        and section["results"][0]["objective_title"] == "Ship the platform"
    )
    assert body["sections"]["objectives_without_krs"]["results"][0]["title"] == "Win"
    assert body["issue_count"] == sum(s["count"] for s in body["sections"].values())


def test_a_section_pages_the_whole_list(chart, token_client, champion_membership):
    stale(chart, 12)
    client = token_client(champion_membership)
    first = client.get(chart.url("health/stale_krs/")).json()
    second = client.get(chart.url("health/stale_krs/"), {"page": 2}).json()
    assert first["count"] == second["count"] == 12
    titles = [r["title"] for r in first["results"] + second["results"]]
    assert titles == [f"Stale {i:02d}" for i in range(12)] and second["next"] is None
    orphans = client.get(chart.url("health/objectives_without_krs/")).json()
    assert orphans["results"][0]["level"] == "company"
    assert_problem(client.get(chart.url("health/stale_krs/"), {"page": 9}), 404)
    assert_problem(client.get(chart.url("health/everything/")), 404)


def test_a_drill_down_shows_the_breadcrumb_and_the_units_below(
    chart, token_client, champion_membership
):
    body = (
        token_client(champion_membership).get(chart.url("health/"), {"unit": chart.team.pk}).json()
    )
    assert body["unit"] == {"id": chart.team.pk, "name": "Platform"}
    assert body["breadcrumb"] == [{"id": chart.dept.pk, "name": "Engineering"}]
    (own,) = body["units"]
    assert own["own"] and own["unit"]["id"] == chart.team.pk and own["health"] is None


def test_a_unit_lead_sees_their_units_only(chart, token_client, other_org):
    client = token_client(chart.team_lead)
    body = client.get(chart.url("health/")).json()
    assert body["unit"]["id"] == chart.team.pk and not body["whole_company"]
    assert body["breadcrumb"] == []
    assert_problem(client.get(chart.url("health/"), {"unit": chart.dept.pk}), 403)
    assert_problem(client.get(chart.url("health/stale_krs/"), {"unit": chart.dept.pk}), 403)
    foreign = factories.OrgUnitFactory(organization=other_org)
    for unit in (foreign.pk, 10**9):
        assert_problem(client.get(chart.url("health/"), {"unit": unit}), 404)


@pytest.mark.parametrize("who", ["team_lead", "champion"])
def test_a_unit_that_is_no_id_is_a_400_never_the_whole_company(
    chart, token_client, champion_membership, who
):
    viewer = champion_membership if who == "champion" else chart.team_lead
    body = assert_problem(token_client(viewer).get(chart.url("health/"), {"unit": "abc"}), 400)
    assert "unit" in body["errors"]
    bad_cycle = token_client(viewer).get(chart.url("health/"), {"cycle": "abc"})
    assert "cycle" in assert_problem(bad_cycle, 400)["errors"]


def test_members_are_refused_and_a_foreign_cycle_is_404(
    chart, token_client, champion_membership, other_org
):
    assert_problem(token_client(chart.bystander).get(chart.url("health/")), 403)
    foreign = factories.CycleFactory(organization=other_org)
    response = token_client(champion_membership).get(chart.url("health/"), {"cycle": foreign.pk})
    assert_problem(response, 404)


def test_the_default_cycle_is_the_one_the_web_page_opens(chart, token_client, admin_membership):
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.ACTIVE)
    factories.CycleFactory(organization=chart.org, name="Next", status=Cycle.Status.PLANNING)
    body = token_client(admin_membership).get(chart.url("health/")).json()
    assert body["cycle"]["id"] == chart.cycle.pk


def test_without_any_cycle_it_says_so(org, token_client, champion_membership):
    body = assert_problem(
        token_client(champion_membership).get(f"/api/v1/orgs/{org.slug}/health/"), 404
    )
    assert "no cycle" in body["detail"]


def test_private_objectives_stay_out_for_readers_who_may_not_open_them(
    chart, token_client, champion_membership, executive_membership
):
    secret = factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.team_lead, level="team",
        unit=chart.team, title="Secret reorg", visibility="private",
    )  # fmt: skip
    stale(chart, 1, objective=secret, title="Secret KR")
    champion = token_client(champion_membership)
    executive = token_client(executive_membership)
    for path in ("health/", "health/stale_krs/", "health/orphans/"):
        assert "Secret" not in champion.get(chart.url(path)).content.decode(), path
    assert "Secret KR" in executive.get(chart.url("health/")).content.decode()
    counts = [c.get(chart.url("health/")).json()["key_result_count"] for c in (champion, executive)]
    assert counts == [1, 2]


def test_another_organization_gets_404(chart, token_client, outsider_membership):
    client = token_client(outsider_membership)
    assert_problem(client.get(chart.url("health/")), 404)
    assert_problem(client.get(chart.url("health/stale_krs/")), 404)
