"""Org chart at scale: the top two levels with counts, deeper units on expand (htmx), unit
and people search in SQL, a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.selectors import CHART_OPEN_UNITS
from tests import factories
from tests.builders import person

pytestmark = pytest.mark.django_db


def chart(org):
    return reverse("orgchart:chart", kwargs={"org_slug": org.slug})


def children(org, unit):
    return reverse("orgchart:unit_children", kwargs={"org_slug": org.slug, "unit_id": unit.pk})


def four_levels(org):
    dept = factories.OrgUnitFactory(organization=org, name="Engineering")
    team = factories.OrgUnitFactory(organization=org, name="Platform", parent=dept, kind="team")
    squad = factories.OrgUnitFactory(organization=org, name="Storage squad", parent=team)
    pod = factories.OrgUnitFactory(organization=org, name="Backup pod", parent=squad)
    person(org, unit=squad, name="Sam Squad")
    return dept, team, squad, pod


def test_top_two_levels_render_and_deeper_ones_load_on_expand(org, member_membership, client_for):
    dept, team, squad, pod = four_levels(org)
    client = client_for(member_membership)
    html = client.get(chart(org)).content.decode()
    tree = html.split('id="members-heading"')[0]
    assert "Engineering" in tree and "Platform" in tree
    assert "Storage squad" not in tree  # level three: on demand
    assert f'hx-get="{children(org, team)}"' in html and 'aria-controls="unit-children-' in html
    fragment = client.get(children(org, team), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Storage squad" in fragment and "1 member" in fragment
    assert f'hx-get="{children(org, squad)}"' in fragment and "Backup pod" not in fragment
    page = client.get(children(org, squad)).content.decode()
    assert "<html" in page and "Backup pod" in page


def test_children_of_a_foreign_unit_are_404(org, other_org, member_membership, client_for):
    foreign = factories.OrgUnitFactory(organization=other_org)
    response = client_for(member_membership).get(children(org, foreign))
    assert response.status_code == 404


def test_search_finds_units_and_people_by_name_or_email(org, member_membership, client_for):
    four_levels(org)
    person(org, email="storage.admin@acme-test.example", name="Kim Keeper")
    client = client_for(member_membership)
    html = client.get(chart(org), {"q": "storage"}).content.decode()
    assert "Units matching" in html and "Storage squad" in html  # a unit below level two
    assert "Kim Keeper" in html  # by email
    assert "Sam Squad" not in html


def test_unit_filter_shows_its_members_and_ignores_junk(
    org, other_org, member_membership, client_for
):
    dept, team, squad, pod = four_levels(org)
    client = client_for(member_membership)
    html = client.get(chart(org), {"unit": squad.pk}).content.decode()
    assert "Sam Squad" in html and "Storage squad" in html
    foreign = factories.OrgUnitFactory(organization=other_org, name="Their unit")
    for junk in (foreign.pk, "abc", "9" * 40):
        response = client.get(chart(org), {"unit": junk})
        assert response.status_code == 200 and "Their unit" not in response.content.decode()


def test_chart_and_children_query_counts_do_not_grow(org, member_membership, client_for):
    dept, team, squad, pod = four_levels(org)
    client = client_for(member_membership)

    def count(url, **extra):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **extra).status_code == 200
        return len(ctx.captured_queries)

    small = (count(chart(org) + "?q=a"), count(children(org, team), HTTP_HX_REQUEST="true"))
    for i in range(15):
        unit = factories.OrgUnitFactory(organization=org, name=f"Area {i}", parent=team)
        factories.OrgUnitFactory(organization=org, name=f"Cell {i}", parent=unit)
        person(org, unit=unit, name=f"Alex {i}")
    big = (count(chart(org) + "?q=a"), count(children(org, team), HTTP_HX_REQUEST="true"))
    assert big == small and max(big) <= 15


def test_a_big_company_opens_on_its_top_units_each_expanding_on_demand(
    org, member_membership, client_for
):
    """Past `CHART_OPEN_UNITS` units in the first two levels, only the top level is drawn:
    the page stays the same size however wide the company is."""
    tops = [factories.OrgUnitFactory(organization=org, name=f"Division {i}") for i in range(4)]
    for top in tops:
        for j in range(CHART_OPEN_UNITS // 4 + 1):
            factories.OrgUnitFactory(organization=org, name=f"{top.name} dept {j}", parent=top)
    client = client_for(member_membership)
    tree = client.get(chart(org)).content.decode().split('id="members-heading"')[0]
    assert all(top.name in tree for top in tops)
    assert "dept" not in tree  # the second level waits for a click
    for top in tops:
        assert f'hx-get="{children(org, top)}"' in tree
    fragment = client.get(children(org, tops[0]), HTTP_HX_REQUEST="true").content.decode()
    assert "Division 0 dept 0" in fragment and "Division 1 dept 0" not in fragment
