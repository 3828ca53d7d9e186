"""The units index is O(page): 50 units a page (the shared pagination control), a name search
in SQL, tree order or by name, member counts for the page's units only (issue 12)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.builders import person

pytestmark = pytest.mark.django_db


def _url(org, query=""):
    return reverse("okrs:unit_list", kwargs={"org_slug": org.slug}) + query


def _company(org, teams=60):
    dept = factories.OrgUnitFactory(organization=org, name="Engineering", kind="department")
    units = [
        factories.OrgUnitFactory(organization=org, name=f"Team {i:02d}", kind="team", parent=dept)
        for i in range(teams)
    ]
    person(org, unit=units[0], name="Ann One")
    person(org, unit=units[0], name="Bo Two")
    gone = person(org, unit=units[0], name="Cy Gone")
    gone.is_active = False
    gone.save()
    return dept, units


def test_units_are_paged_with_counts_for_the_page(client_for, member_membership, org):
    dept, units = _company(org)
    client = client_for(member_membership)
    first = client.get(_url(org)).content.decode()
    assert "61 units." in first and "Page 1 of 2" in first
    assert 'rel="next"' in first and "?page=2" in first
    assert "unit-indent-0" in first and "unit-indent-1" in first  # tree order: dept first
    assert first.index("Engineering") < first.index("Team 00")
    assert first.count('href="/o/') >= 50
    row = first[first.index("Team 00") :]
    assert '<td class="hide-sm">2</td>' in row[:400]  # active members only
    second = client.get(_url(org, "?page=2")).content.decode()
    assert "Team 59" in second and "Team 00" not in second


def test_search_by_name_in_any_order_and_empty_state(client_for, member_membership, org):
    _company(org)
    client = client_for(member_membership)
    html = client.get(_url(org, "?q=team+0&sort=name")).content.decode()
    assert "10 units matching “team 0”" in html
    assert "Team 05" in html and "Team 15" not in html and "Engineering" not in html
    assert 'value="name" selected' in html and "Clear search" in html
    assert html.index("Team 01") < html.index("Team 09")
    nothing = client.get(_url(org, "?q=zebra")).content.decode()
    assert "No unit matches “zebra”" in nothing and "Show all units" in nothing
    assert 'id="unit-q"' in nothing  # the search stays to try again


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?sort=junk", "4 units."),  # an unknown sort is tree order
        ("?page=999", "4 units."),  # past the end: the last page
        ("?page=x", "4 units."),  # junk: the first page
        ("?q=" + "a" * 500, "No unit matches"),  # searched, nothing matches
    ],
)
def test_odd_parameters_fall_back_to_a_sensible_list(
    client_for, member_membership, org, query, shown
):
    _company(org, teams=3)
    response = client_for(member_membership).get(_url(org, query))
    html = response.content.decode()
    assert response.status_code == 200 and shown in html
    if shown == "4 units.":
        assert html.index("Engineering") < html.index("Team 00") < html.index("Team 02")
