"""Org chart page: tree, members list (search, filters, pagination, htmx), query counts."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.builders import person


def chart_url(org, **params):
    url = reverse("orgchart:chart", kwargs={"org_slug": org.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def members_html(client, org, **params):
    """Only the members list (the htmx partial), so names in the tree don't count."""
    response = client.get(
        chart_url(org, **params), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="members"
    )
    assert response.status_code == 200
    return response.content.decode()


def _populate(org, count):
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    team = factories.OrgUnitFactory(organization=org, name="Platform", parent=eng, kind="team")
    lead = factories.MembershipFactory(organization=org, unit=team)
    team.lead = lead
    team.save()
    for _ in range(count - 1):
        factories.MembershipFactory(organization=org, unit=team, reports_to=lead, title="Dev")
    return eng, team


def test_chart_shows_tree_leads_and_counts(org, member_membership, client_for):
    eng, team = _populate(org, 3)
    response = client_for(member_membership).get(chart_url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Engineering" in html and "Platform" in html
    assert team.lead.name in html
    assert "3 members" in html


def test_member_sees_no_edit_controls(org, member_membership, client_for):
    _populate(org, 2)
    html = client_for(member_membership).get(chart_url(org)).content.decode()
    assert "New unit" not in html
    assert "Invite people" not in html
    assert "/edit/" not in html


def test_admin_sees_edit_controls(org, admin_membership, client_for):
    _populate(org, 2)
    html = client_for(admin_membership).get(chart_url(org)).content.decode()
    assert "New unit" in html and "Invite people" in html and "/edit/" in html


def test_empty_chart_has_call_to_action(org, admin_membership, client_for):
    html = client_for(admin_membership).get(chart_url(org)).content.decode()
    assert "Create the first unit" in html


def test_search_filters_members_by_name(org, admin_membership, client_for):
    person(org, name="Zelda Quince")
    person(org, name="Yuri Parks")
    html = client_for(admin_membership).get(chart_url(org, q="zelda")).content.decode()
    assert "Zelda Quince" in html and "Yuri Parks" not in html


def test_filter_by_unit_and_role(org, admin_membership, client_for):
    eng, team = _populate(org, 2)
    solo = factories.MembershipFactory(organization=org, role=Role.CHAMPION)
    client = client_for(admin_membership)
    html = members_html(client, org, unit=team.pk)
    assert solo.name not in html and team.lead.name in html
    html = members_html(client, org, role="champion")
    assert solo.name in html and team.lead.name not in html


def test_filter_with_foreign_or_junk_unit_is_ignored(org, other_org, admin_membership, client_for):
    """A unit of another organization, junk, or an unknown id filters nothing: everyone is
    listed, as without the filter (and the foreign unit's name never shows)."""
    eng, team = _populate(org, 3)
    loner = factories.MembershipFactory(organization=org)  # in no unit
    foreign = factories.OrgUnitFactory(organization=other_org, name="Foreign Unit")
    client = client_for(admin_membership)
    for value in (foreign.pk, "abc", "999999"):
        html = members_html(client, org, unit=value, role="nope", page="zz")
        assert team.lead.name in html and loner.name in html
        assert "Foreign Unit" not in html


def test_no_match_shows_clear_filters(org, admin_membership, client_for):
    html = client_for(admin_membership).get(chart_url(org, q="nobody-at-all")).content.decode()
    assert "Nobody matches" in html and "Clear filters" in html


def test_members_list_is_paginated(org, admin_membership, client_for):
    _populate(org, 30)
    client = client_for(admin_membership)
    first = client.get(chart_url(org)).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(chart_url(org, page=2)).content.decode()
    assert "Page 2 of 2" in second


def test_htmx_request_gets_only_members_partial(org, admin_membership, client_for):
    _populate(org, 2)
    response = client_for(admin_membership).get(
        chart_url(org, q="a"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="members"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="members"' in html and "<html" not in html and "Org chart" not in html


def test_anonymous_is_sent_to_login(org, client):
    response = client.get(chart_url(org))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_gets_404(org, outsider_membership, client_for):
    assert client_for(outsider_membership).get(chart_url(org)).status_code == 404


@pytest.mark.parametrize("count", [5, 40])
def test_chart_query_count_is_constant(
    org, admin_membership, client_for, django_assert_max_num_queries, count
):
    _populate(org, count)
    client = client_for(admin_membership)
    with django_assert_max_num_queries(9):
        response = client.get(chart_url(org))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 40])
def test_member_detail_query_count_is_constant(
    org, admin_membership, client_for, django_assert_max_num_queries, count
):
    _, team = _populate(org, count)
    client = client_for(admin_membership)
    url = reverse("orgchart:member", kwargs={"org_slug": org.slug, "membership_id": team.lead_id})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_moving_someone_asks_who_they_report_to_now(org, admin_membership, client_for):
    old_boss = factories.MembershipFactory(organization=org)
    new_lead = factories.MembershipFactory(organization=org)
    sales = factories.OrgUnitFactory(organization=org, name="Sales", lead=new_lead)
    moving = factories.MembershipFactory(organization=org, reports_to=old_boss)
    client = client_for(admin_membership)
    url = reverse("orgchart:member", args=[org.slug, moving.pk])
    data = {"role": "member", "title": "", "unit": sales.pk, "reports_to": old_boss.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "moves to Sales. Who should they report to now?" in html
    assert 'type="radio"' in html
    moving.refresh_from_db()
    assert moving.unit is None  # nothing saved until answered
    client.post(url, {**data, "manager_after_move": "lead"})
    moving.refresh_from_db()
    assert (moving.unit, moving.reports_to) == (sales, new_lead)
