"""Find anything: the header search over objectives, key results, people and units.

Without JavaScript `/o/<org>/search/?q=` is a results page (every kind, its total, its own
pages); with htmx the same URL answers the header combobox's listbox options. A private
objective and its key results are neither listed nor counted for someone who may not open it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company, cascade, private_team_objective

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def company(org):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=company.head)
    factories.KeyResultFactory(
        organization=org, objective=team, owner=company.member, title="Deploy in under ten minutes"
    )
    secret = private_team_objective(company, "Deploy the secret pipeline")
    factories.KeyResultFactory(
        organization=org, objective=secret, owner=company.lead, title="Deploy hidden canaries"
    )
    person(org, email="deploy.bot@acme-test.example", name="Dee Ploy", title="Release manager")
    factories.OrgUnitFactory(organization=org, name="Deployment", kind="team")
    outsider = factories.OrganizationFactory(slug="elsewhere")
    factories.ObjectiveFactory(organization=outsider, title="Deploy elsewhere")
    return company


def _url(org, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("okrs:search", kwargs={"org_slug": org.slug}) + (f"?{query}" if query else "")


def _page(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _counts(body: str) -> dict[str, str]:
    return dict(re.findall(r'id="search-(\w+)-title">[^<]+<span class="muted small">(\d+)', body))


def test_the_results_page_lists_every_kind_with_its_total(org, client, company):
    client.force_login(company.member.user)
    body = _page(client, _url(org, q="deploy"))
    assert "Results for “deploy”" in body
    assert "Cut deploy time" in body  # an objective
    assert "Deploy in under ten minutes" in body  # a key result
    assert "Dee Ploy" in body and "Release manager" in body  # a person, by name
    assert "Deployment" in body  # a unit
    assert "elsewhere" not in body.lower()  # another organization's objective
    assert _counts(body) == {"objectives": "1", "key_results": "1", "people": "1", "units": "1"}


def test_a_private_objective_is_neither_listed_nor_counted_for_who_may_not_open_it(
    org, client, company
):
    client.force_login(company.member.user)
    pages = [_page(client, _url(org, q=q)) for q in ("secret", "canaries")]
    for body in pages:
        assert _counts(body) == dict.fromkeys(("objectives", "key_results", "people", "units"), "0")
    hidden = "".join(pages) + _page(client, _url(org, q="secret"), **HX)
    assert "secret pipeline" not in hidden and "hidden canaries" not in hidden
    client.force_login(company.lead.user)  # owns it
    seen = _page(client, _url(org, q="secret"))
    assert "Deploy the secret pipeline" in seen and "Private" in seen
    assert "Deploy hidden canaries" in _page(client, _url(org, q="canaries"))


def test_each_kind_pages_in_sql_on_its_own(org, client, company):
    for i in range(12):
        factories.ObjectiveFactory(
            organization=org, cycle=company.cycle, owner=company.head, title=f"Widget {i:02d}"
        )
    client.force_login(company.member.user)
    first = _page(client, _url(org, q="widget"))
    assert "Widget 00" in first and "Widget 09" in first and "Widget 10" not in first
    assert "objectives_page=2" in first
    second = _page(client, _url(org, q="widget", objectives_page=2))
    assert "Widget 10" in second and "Widget 11" in second and "Widget 00" not in second


def test_titles_that_start_with_the_query_come_first(org, client, company):
    factories.ObjectiveFactory(organization=org, cycle=company.cycle, title="Also on time")
    factories.ObjectiveFactory(organization=org, cycle=company.cycle, title="Time to market")
    client.force_login(company.member.user)
    body = _page(client, _url(org, q="time"))
    assert body.index("Time to market") < body.index("Also on time")
    assert body.index("Time to market") < body.index("Cut deploy time")


def test_the_htmx_answer_is_the_dropdown_of_listbox_options(org, client, company):
    for i in range(6):
        person(org, email=f"deployer{i}@acme-test.example", name=f"Deployer {i}")
    client.force_login(company.member.user)
    body = _page(client, _url(org, q="deploy"), **HX)
    assert "<html" not in body and 'role="group"' in body
    options = re.findall(r'role="option" id="([\w-]+)"[^>]*data-href="([^"]+)"', body)
    people = [o for o in options if o[0].startswith("site-search-people-")]
    assert len(people) == 4  # a few per kind; the page has the rest
    assert ("site-search-all", _url(org, q="deploy")) in options
    objective = next(href for oid, href in options if oid.startswith("site-search-objectives-"))
    assert re.fullmatch(rf"/o/{org.slug}/objectives/\d+/", objective)
    assert "<a " not in body  # an option holds no link: the combobox opens it
    nothing = _page(client, _url(org, q="zzzz"), **HX)
    assert "Nothing matches “zzzz”" in nothing and 'aria-disabled="true"' in nothing
    assert _page(client, _url(org, q="%20"), **HX) == ""


def test_no_query_is_a_page_that_says_what_to_type_and_odd_input_is_harmless(org, client, company):
    client.force_login(company.member.user)
    assert "Type part of a title" in _page(client, _url(org))
    long = _page(client, _url(org, q="d" * 500))
    assert "d" * 100 in long and "d" * 101 not in long
    for junk in ("%25", "_", "objectives_page=x", "'"):
        _page(client, _url(org, q=junk, objectives_page="junk"))


def test_the_header_search_box_is_on_every_page_and_keeps_the_query(org, client, company):
    client.force_login(company.member.user)
    home = _page(client, reverse("okrs:my_okrs", kwargs={"org_slug": org.slug}))
    assert 'role="search"' in home and 'role="combobox"' in home
    assert f'action="{_url(org)}"' in home and 'aria-controls="site-search-list"' in home
    assert 'value="deploy"' in _page(client, _url(org, q="deploy"))
