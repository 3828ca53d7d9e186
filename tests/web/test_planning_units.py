"""Units index and unit page."""

import pytest
from django.urls import reverse

from tests import factories
from tests.web.test_planning_support import build_company, cascade

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_unit_list_shows_tree_with_leads_and_counts(client_for, member_membership, org):
    company = build_company(org)
    html = client_for(member_membership).get(url("unit_list", org)).content.decode()
    assert "Engineering" in html and "Platform" in html
    assert company.head.name in html
    assert "unit-indent-1" in html  # Platform is nested under Engineering


def test_unit_list_empty_state_points_to_org_chart(client_for, member_membership, org):
    html = client_for(member_membership).get(url("unit_list", org)).content.decode()
    assert "No units yet" in html and "Open the org chart" in html


def test_unit_page_shows_objectives_members_lead_health_and_children(
    client_for, executive_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    factories.KeyResultFactory(organization=org, objective=team, title="Deploy in 5 minutes")
    client = client_for(company.head)
    html = client.get(url("unit_detail", org, unit_id=company.department.pk)).content.decode()
    assert "Ship the platform" in html and "Cut deploy time" in html
    assert "Lead: <strong>" in html and company.head.name in html
    assert "Platform" in html  # child unit link
    assert url("unit_detail", org, unit_id=company.team.pk) in html
    assert "checked in this week" in html
    assert "Health of Engineering" in html
    assert "Add department objective" in html


def test_unit_page_lists_krs_without_recent_check_in(client_for, executive_membership, org):
    from tests.web.test_planning_health import stale_kr

    company = build_company(org)
    *_, team = cascade(company, owner_company=executive_membership)
    stale_kr(org, team, "Forgotten KR")
    html = client_for(company.member).get(url("unit_detail", org, unit_id=company.team.pk))
    text = html.content.decode()
    assert "Forgotten KR" in text
    assert "Health of Platform" not in text  # a plain member has no health view
    assert "Add team objective" not in text


def test_foreign_unit_is_404(client_for, member_membership, org, other_org):
    foreign = factories.OrgUnitFactory(organization=other_org)
    response = client_for(member_membership).get(url("unit_detail", org, unit_id=foreign.pk))
    assert response.status_code == 404


def test_unit_page_without_cycle_explains(client_for, member_membership, org):
    unit = factories.OrgUnitFactory(organization=org, name="Lonely")
    html = client_for(member_membership).get(url("unit_detail", org, unit_id=unit.pk))
    assert "No cycle yet" in html.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_unit_pages_query_count_is_constant(
    client_for, executive_membership, org, count, django_assert_max_num_queries
):
    company = build_company(org)
    for _ in range(count):
        cascade(company, owner_company=executive_membership)
        factories.OrgUnitFactory(organization=org, parent=company.department)
    client = client_for(executive_membership)
    with django_assert_max_num_queries(19):  # counts and stores the health tallies
        response = client.get(url("unit_detail", org, unit_id=company.department.pk))
    assert response.status_code == 200
    with django_assert_max_num_queries(15):  # reads them
        response = client.get(url("unit_detail", org, unit_id=company.department.pk))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url("unit_list", org)).status_code == 200
