"""Champion / coach health view: who sees what, and what it flags."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from okrs.models import KeyResult, Level
from tests import factories
from tests.web.test_planning_support import build_company, cascade, private_team_objective

pytestmark = pytest.mark.django_db


def health_url(org):
    return reverse("okrs:health", kwargs={"org_slug": org.slug})


def stale_kr(org, objective, title="Old KR"):
    kr = factories.KeyResultFactory(organization=org, objective=objective, title=title)
    KeyResult.objects.filter(pk=kr.pk).update(
        created_at=timezone.now() - timedelta(days=30), last_check_in_at=None
    )
    return kr


def test_champion_sees_stale_low_confidence_orphans_and_empty_objectives(
    client_for, champion_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=champion_membership)
    stale_kr(org, team, "Reduce build minutes")
    factories.KeyResultFactory(organization=org, objective=dept, title="Unsure KR", confidence=2)
    factories.ObjectiveFactory(
        organization=org,
        cycle=company.cycle,
        owner=company.lead,
        level=Level.TEAM,
        unit=company.team,
        title="Floating goal",
    )
    html = client_for(champion_membership).get(health_url(org)).content.decode()
    assert "Reduce build minutes" in html
    assert "Unsure KR" in html and "confidence 2/10" in html
    assert "Floating goal" in html  # orphan and without KRs
    assert "Grow revenue" in html  # company objective without KRs
    assert "Check-in rate per unit this week" in html and "Platform" in html


def test_private_objectives_stay_hidden_from_a_champion_but_not_an_executive(
    client_for, champion_membership, executive_membership, org
):
    company = build_company(org)
    private_team_objective(company, "Confidential reorg goal")
    assert "Confidential reorg goal" not in (
        client_for(champion_membership).get(health_url(org)).content.decode()
    )
    assert "Confidential reorg goal" in (
        client_for(executive_membership).get(health_url(org)).content.decode()
    )


def test_plain_member_gets_friendly_not_available_page(client_for, member_membership, org):
    factories.CycleFactory(organization=org)
    response = client_for(member_membership).get(health_url(org))
    assert response.status_code == 403
    assert "Not available" in response.content.decode()
    assert "My OKRs" in response.content.decode()


def test_unit_lead_sees_only_their_units(client_for, executive_membership, org):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.ObjectiveFactory(
        organization=org,
        cycle=company.cycle,
        owner=executive_membership,
        level=Level.DEPARTMENT,
        unit=sales,
        title="Sell more",
    )
    client = client_for(company.lead)
    html = client.get(health_url(org)).content.decode()
    assert "OKR health: Platform" in html
    assert "Sell more" not in html and "Ship the platform" not in html
    assert client.get(health_url(org), {"unit": sales.pk}).status_code == 403
    assert client.get(health_url(org), {"unit": company.team.pk}).status_code == 200


def test_department_head_sees_department_and_its_teams(client_for, executive_membership, org):
    company = build_company(org)
    cascade(company, owner_company=executive_membership)
    html = client_for(company.head).get(health_url(org)).content.decode()
    assert "OKR health: Engineering" in html
    assert "Ship the platform" in html and "Cut deploy time" in html


def test_foreign_or_garbage_unit_is_404_and_a_bad_cycle_is_ignored(
    client_for, champion_membership, org, other_org
):
    factories.CycleFactory(organization=org)
    foreign = factories.OrgUnitFactory(organization=other_org)
    client = client_for(champion_membership)
    assert client.get(health_url(org), {"unit": foreign.pk}).status_code == 404
    assert client.get(health_url(org), {"unit": "abc"}).status_code == 404
    assert client.get(health_url(org), {"cycle": "abc"}).status_code == 200


@pytest.mark.parametrize("who", ["lead", "head"])
def test_a_unit_lead_asking_for_a_garbage_unit_gets_404_not_the_whole_company(
    client_for, executive_membership, org, who
):
    """Issue 11: `?unit=abc` used to fall back to the whole-company report for a lead."""
    company = build_company(org)
    cascade(company, owner_company=executive_membership)
    response = client_for(getattr(company, who)).get(health_url(org), {"unit": "abc"})
    assert response.status_code == 404
    assert "Grow revenue" not in response.content.decode()


def test_health_without_cycle_has_empty_state(client_for, admin_membership, org):
    html = client_for(admin_membership).get(health_url(org)).content.decode()
    assert "No cycle yet" in html


def test_long_lists_are_paginated(client_for, champion_membership, org):
    cycle = factories.CycleFactory(organization=org)
    objective = factories.ObjectiveFactory(organization=org, cycle=cycle)
    for i in range(15):
        stale_kr(org, objective, f"Stale {i:02d}")
    client = client_for(champion_membership)
    first = client.get(health_url(org)).content.decode()
    assert "Page 1 of 2" in first and "stale_krs_page=2" in first
    second = client.get(health_url(org), {"stale_krs_page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert client.get(health_url(org), {"stale_krs_page": "zzz"}).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_health_query_count_is_constant(
    client_for, champion_membership, org, count, django_assert_max_num_queries
):
    company = build_company(org)
    for _ in range(count):
        top, dept, team = cascade(company, owner_company=champion_membership)
        stale_kr(org, team)
    client = client_for(champion_membership)
    # The first read counts the units' health tallies and stores them (+4 in a test's
    # transaction: the grouped count, the store and its savepoint); the next reads them.
    with django_assert_max_num_queries(18):
        assert client.get(health_url(org)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(health_url(org)).status_code == 200


def test_outsider_gets_404(client_for, outsider_membership, org):
    assert client_for(outsider_membership).get(health_url(org)).status_code == 404


def test_the_navigation_offers_health_to_leads_not_to_plain_members(client_for, org):
    company = build_company(org)
    link = f'href="{health_url(org)}"'
    lead_page = client_for(company.lead).get(reverse("okrs:my_okrs", args=[org.slug]))
    assert link in lead_page.content.decode()
    plain = factories.MembershipFactory(organization=org)
    member_page = client_for(plain).get(reverse("okrs:my_okrs", args=[org.slug]))
    assert link not in member_page.content.decode()


def test_whole_company_rates_are_the_top_units_each_counting_its_subtree(
    client_for, champion_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=champion_membership)
    factories.KeyResultFactory(organization=org, objective=team, title="Team KR")
    factories.KeyResultFactory(organization=org, objective=top, title="Company KR")
    factories.OrgUnitFactory(organization=org, name="Sales")
    html = client_for(champion_membership).get(health_url(org)).content.decode()
    assert 'name="unit"' not in html  # no select of every unit any more
    drill = f"{health_url(org)}?unit={company.department.pk}&amp;cycle={company.cycle.pk}"
    assert f'href="{drill}">Engineering</a>' in html
    assert "Company-level objectives" in html and "Sales" in html
    assert f"?unit={company.team.pk}" not in html  # a level down: only after drilling in
    assert "1 of 1" not in html and html.count("0 of 1") == 2  # Engineering counts Platform


def test_drilling_down_shows_the_breadcrumb_and_the_child_units(
    client_for, champion_membership, org
):
    company = build_company(org)
    cascade(company, owner_company=champion_membership)
    squad = factories.OrgUnitFactory(organization=org, name="Squad A", parent=company.team)
    client = client_for(champion_membership)
    html = client.get(health_url(org), {"unit": company.department.pk}).content.decode()
    assert "OKR health: Engineering" in html and ">Whole company</a>" in html
    assert f"?unit={company.team.pk}" in html and "Squad A" not in html
    html = client.get(health_url(org), {"unit": company.team.pk}).content.decode()
    assert f'?unit={company.department.pk}&amp;cycle={company.cycle.pk}">Engineering</a>' in html
    assert f"?unit={squad.pk}" in html and "(its own objectives)" not in html


def test_a_lead_sees_no_way_up_past_the_units_they_lead(client_for, executive_membership, org):
    company = build_company(org)
    cascade(company, owner_company=executive_membership)
    html = client_for(company.lead).get(health_url(org)).content.decode()
    assert "OKR health: Platform" in html
    assert "Whole company" not in html and f"?unit={company.department.pk}" not in html
    head_view = client_for(company.head).get(health_url(org), {"unit": company.team.pk})
    html = head_view.content.decode()
    assert f"?unit={company.department.pk}" in html and "Whole company" not in html


def test_a_lead_of_several_separate_units_gets_a_short_list_of_them(client_for, org):
    company = build_company(org)
    sales = factories.OrgUnitFactory(organization=org, name="Sales", lead=company.lead)
    client = client_for(company.lead)
    html = client.get(health_url(org)).content.decode()
    assert "OKR health: Platform" in html and "Units you lead" in html
    assert f"?unit={sales.pk}" in html
    assert client.get(health_url(org), {"unit": sales.pk}).status_code == 200
    assert client.get(health_url(org), {"unit": company.department.pk}).status_code == 403
