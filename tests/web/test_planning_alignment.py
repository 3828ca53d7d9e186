"""Alignment tree: nested nodes, on-demand children, filters, permissions."""

import pytest
from django.urls import reverse

from okrs import selectors
from okrs.models import Objective
from tests import factories
from tests.web.test_planning_support import build_company, cascade, private_team_objective

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_tree_shows_roots_with_collapsed_children_and_aria_expanded(
    client_for, executive_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    html = client_for(executive_membership).get(url("alignment_current", org)).content.decode()
    assert "Grow revenue" in html
    assert 'aria-expanded="false"' in html
    assert url("alignment_children", org, objective_id=top.pk) in html
    assert "Cut deploy time" not in html  # below the first level: loaded on demand


def test_expand_all_renders_the_whole_tree_without_js(client_for, member_membership, org):
    company = build_company(org)
    cascade(company, owner_company=member_membership)
    response = client_for(member_membership).get(
        url("alignment", org, cycle_id=company.cycle.pk), {"expand": "all"}
    )
    html = response.content.decode()
    assert "Grow revenue" in html and "Ship the platform" in html and "Cut deploy time" in html
    assert 'aria-expanded="true"' in html


def test_children_endpoint_returns_fragment_for_htmx_and_page_otherwise(
    client_for, member_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=member_membership)
    client = client_for(member_membership)
    fragment = client.get(
        url("alignment_children", org, objective_id=top.pk), HTTP_HX_REQUEST="true"
    )
    text = fragment.content.decode()
    assert "Ship the platform" in text and "<html" not in text
    assert "Grow revenue" not in text
    page = client.get(url("alignment_children", org, objective_id=top.pk)).content.decode()
    assert "<html" in page and "Aligned to “Grow revenue”" in page and "Ship the platform" in page


def test_leaf_children_page_has_empty_state(client_for, member_membership, org):
    company = build_company(org)
    *_, team = cascade(company, owner_company=member_membership)
    html = client_for(member_membership).get(url("alignment_children", org, objective_id=team.pk))
    assert "Nothing is aligned to this objective yet" in html.content.decode()


def test_add_aligned_objective_shown_to_leads_not_to_plain_members(
    client_for, executive_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    aligned = "Add aligned objective under Grow revenue"
    head_html = client_for(company.head).get(url("alignment_current", org)).content.decode()
    assert aligned in head_html
    assert f"parent={top.pk}&amp;level=department" in head_html
    # A plain member may still add an individual objective under the team objective.
    member_page = (
        client_for(company.member)
        .get(url("alignment_current", org), {"expand": "all"})
        .content.decode()
    )
    assert f"parent={team.pk}&amp;level=individual" in member_page


def test_filters_by_owner_unit_and_status_as_flat_list(client_for, executive_membership, org):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    Objective.objects.filter(pk=team.pk).update(status="at_risk")
    client = client_for(executive_membership)
    by_status = client.get(url("alignment_current", org), {"status": "at_risk"}).content.decode()
    assert "Cut deploy time" in by_status and "Grow revenue" not in by_status
    assert "1 matching objective" in by_status
    by_unit = client.get(url("alignment_current", org), {"unit": company.department.pk})
    assert "Ship the platform" in by_unit.content.decode()
    by_owner = client.get(url("alignment_current", org), {"owner": company.lead.pk})
    assert "Cut deploy time" in by_owner.content.decode()
    htmx = client.get(url("alignment_current", org), {"status": "at_risk"}, HTTP_HX_REQUEST="true")
    assert "<html" not in htmx.content.decode() and "Cut deploy time" in htmx.content.decode()


def test_foreign_or_garbage_filter_values_do_not_leak_or_crash(
    client_for, member_membership, org, other_org
):
    company = build_company(org)
    cascade(company, owner_company=member_membership)
    foreign_unit = factories.OrgUnitFactory(organization=other_org, name="Their unit")
    client = client_for(member_membership)
    for params in ({"unit": foreign_unit.pk}, {"owner": "abc"}, {"status": "nope"}):
        response = client.get(url("alignment_current", org), params)
        assert response.status_code == 200
        assert "Their unit" not in response.content.decode()
        assert "Grow revenue" in response.content.decode()  # unfiltered tree is shown


def test_private_objective_hidden_from_other_members(client_for, executive_membership, org):
    company = build_company(org)
    private_team_objective(company, "Secret reorg")
    outsider_member = factories.MembershipFactory(organization=org)
    html = client_for(outsider_member).get(url("alignment_current", org)).content.decode()
    assert "Secret reorg" not in html
    assert (
        "Secret reorg"
        in client_for(executive_membership).get(url("alignment_current", org)).content.decode()
    )


def test_children_of_foreign_objective_is_404(client_for, member_membership, org, other_org):
    foreign = factories.ObjectiveFactory(organization=other_org)
    response = client_for(member_membership).get(
        url("alignment_children", org, objective_id=foreign.pk)
    )
    assert response.status_code == 404


def test_empty_cycle_has_call_to_action(client_for, member_membership, org):
    factories.CycleFactory(organization=org)
    html = client_for(member_membership).get(url("alignment_current", org)).content.decode()
    assert "No objectives yet" in html and "Go to company OKRs" in html


@pytest.mark.parametrize("count", [3, 30])
def test_alignment_query_count_is_constant(
    client_for, executive_membership, org, count, django_assert_max_num_queries
):
    company = build_company(org)
    for i in range(count):
        top, dept, team = cascade(company, owner_company=executive_membership)
        Objective.objects.filter(pk__in=[top.pk, dept.pk, team.pk]).update(title=f"Goal {i}")
    client = client_for(executive_membership)
    with django_assert_max_num_queries(16):
        response = client.get(url("alignment_current", org), {"expand": "all"})
    assert response.status_code == 200


def test_children_are_paged_with_show_more_and_the_objective_page_pages_them_too(
    client_for, member_membership, org
):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=member_membership)
    for i in range(26):
        factories.ObjectiveFactory(
            organization=org, cycle=company.cycle, owner=company.head, level="department",
            unit=company.department, parent=top, title=f"Aligned {i:02d}",
        )  # fmt: skip
    client = client_for(member_membership)
    children = url("alignment_children", org, objective_id=top.pk)
    first = client.get(children, HTTP_HX_REQUEST="true").content.decode()
    assert first.count('class="tree-node') == 25 and "Show more aligned to" in first
    assert f"{children}?page=2" in first
    second = client.get(children, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert second.count('class="tree-node') == 2 and "Show more" not in second
    detail = url("objective_detail", org, objective_id=top.pk)
    page = client.get(detail).content.decode()
    assert "Aligned 24" in page and "Ship the platform" not in page and "aligned=2" in page
    assert "Ship the platform" in client.get(detail, {"aligned": 2}).content.decode()


def test_filters_include_a_title_search_in_sql(client_for, executive_membership, org):
    company = build_company(org)
    cascade(company, owner_company=executive_membership)
    html = (
        client_for(executive_membership)
        .get(url("alignment_current", org), {"q": "deploy"})
        .content.decode()
    )
    assert "1 matching objective" in html and "Cut deploy time" in html


def test_expand_all_over_the_limit_says_so_and_stays_lazy(client_for, executive_membership, org):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=executive_membership)
    Objective.objects.bulk_create(
        Objective(
            organization=org,
            cycle=company.cycle,
            level="team",
            unit=company.team,
            owner=company.lead,
            parent=dept,
            title=f"Bulk {i:03d}",
        )  # fmt: skip
        for i in range(selectors.EXPAND_ALL_LIMIT)
    )
    response = client_for(executive_membership).get(
        url("alignment", org, cycle_id=company.cycle.pk), {"expand": "all"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Too many objectives to expand at once" in html
    assert "Grow revenue" in html and "Bulk 000" not in html  # the lazy first level
