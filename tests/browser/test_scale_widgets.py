"""The widgets that keep pages O(what they show), in a real browser: the people picker
(an htmx autocomplete, used with the keyboard) and the lazy alignment tree (children load on
expand, "show more" pages them), both without a page reload."""

import re

import pytest
from playwright.sync_api import expect

from accounts.selectors import CHART_OPEN_UNITS
from okrs.models import KeyResult, Level
from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company, cascade

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme():
    org = factories.OrganizationFactory(name="Acme Scale", slug="acme-s")
    company = build_company(org)
    executive = person(org, email="ceo@acme-s.example", role="executive")
    return org, company, executive


def test_people_picker_autocompletes_and_picks_with_the_keyboard(
    live_server, login, page, acme, settings
):
    settings.CAIRN_PEOPLE_SELECT_MAX = 3  # this small company gets the autocomplete
    org, company, executive = acme
    top, dept, team = cascade(company, owner_company=executive)
    zoe = person(org, email="zoe.picker@acme-s.example", name="Zoe Picker", unit=company.team)
    person(org, email="zack@acme-s.example", name="Zack Other", unit=company.team)

    login("lead@acme-s.example")
    page.goto(f"{live_server.url}/o/{org.slug}/objectives/{team.pk}/key-results/new/")
    page.get_by_label("Title").fill("Cut flaky tests to zero")
    owner = page.get_by_role("combobox", name="Owner")
    assert owner.get_attribute("aria-expanded") == "false"
    owner.fill("")
    owner.press_sequentially("zo")
    option = page.get_by_role("option", name=re.compile("Zoe Picker"))
    option.wait_for(state="visible")
    assert owner.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("option", name=re.compile("Zack")).count() == 0
    owner.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert owner.get_attribute("aria-activedescendant") == option.get_attribute("id")
    owner.press("Enter")  # picks; does not submit the form
    page.get_by_role("listbox").first.wait_for(state="hidden")
    assert owner.input_value() == "Zoe Picker (zoe.picker@acme-s.example)"
    assert KeyResult.objects.filter(objective=team).count() == 0
    page.get_by_role("button", name="Add key result").click()
    page.wait_for_url(re.compile(r"/kr/\d+/$|/objectives/\d+/$"))
    kr = KeyResult.objects.get(objective=team, title="Cut flaky tests to zero")
    assert kr.owner_id == zoe.pk


def test_unit_picker_filters_the_alignment_tree_by_keyboard(
    live_server, login, page, acme, settings
):
    settings.CAIRN_PEOPLE_SELECT_MAX = 1  # two units: this company gets the autocomplete
    org, company, executive = acme
    cascade(company, owner_company=executive)
    login("ceo@acme-s.example")
    page.goto(f"{live_server.url}/o/{org.slug}/alignment/")
    unit = page.get_by_role("combobox", name="Unit", exact=True)
    unit.press_sequentially("plat")
    option = page.get_by_role("option", name=re.compile("Platform"))
    option.wait_for(state="visible")
    assert page.get_by_role("option", name=re.compile("Engineering")).count() == 0
    unit.press("ArrowDown")
    unit.press("Enter")
    page.get_by_role("listbox").first.wait_for(state="hidden")
    assert unit.input_value() == "Platform"
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"unit=\d+"))
    expect(page.get_by_role("link", name="Cut deploy time")).to_be_visible()
    assert page.get_by_role("link", name="Ship the platform").count() == 0


def test_alignment_tree_loads_children_on_expand_and_pages_them(live_server, login, page, acme):
    org, company, executive = acme
    top, dept, team = cascade(company, owner_company=executive)
    for i in range(27):  # more than one page (25) of aligned objectives
        factories.ObjectiveFactory(
            organization=org, cycle=company.cycle, owner=company.head, level=Level.DEPARTMENT,
            unit=company.department, parent=top, title=f"Aligned {i:02d}",
        )  # fmt: skip

    login("head@acme-s.example")
    page.goto(f"{live_server.url}/o/{org.slug}/alignment/")
    page.evaluate("window.cairnSamePage = true")  # gone if the page reloads
    assert page.get_by_role("link", name="Ship the platform", exact=True).count() == 0
    toggle = page.get_by_role("button", name=re.compile("Aligned objectives of Grow revenue"))
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.get_by_role("link", name="Aligned 00", exact=True).wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    children = page.locator(f"#children-{top.pk} > li.tree-node")
    assert children.count() == 25
    page.get_by_role("link", name=re.compile("Show more aligned to")).click()
    page.get_by_role("link", name="Ship the platform", exact=True).wait_for(state="visible")
    assert children.count() == 28
    assert page.get_by_role("link", name=re.compile("Show more aligned to")).count() == 0
    # A second level expands the same way, and collapsing hides without a request.
    inner = page.get_by_role("button", name=re.compile("Aligned objectives of Ship the platform"))
    inner.click()
    page.get_by_role("link", name="Cut deploy time", exact=True).wait_for(state="visible")
    toggle.click()
    page.get_by_role("link", name="Aligned 00", exact=True).wait_for(state="hidden")
    assert page.evaluate("window.cairnSamePage") is True


def test_a_big_org_chart_opens_on_its_top_units_and_expands_by_keyboard(
    live_server, login, page, acme
):
    """Past `CHART_OPEN_UNITS` units in two levels the chart draws the top level only; a
    division's departments load when its toggle is pressed (Enter), without a reload."""
    org, company, executive = acme
    divisions = [factories.OrgUnitFactory(organization=org, name=f"Division {i}") for i in range(3)]
    for division in divisions:
        for j in range(CHART_OPEN_UNITS // 3 + 1):
            factories.OrgUnitFactory(organization=org, name=f"{division.name}.{j}", parent=division)

    login("ceo@acme-s.example")
    page.goto(f"{live_server.url}/o/{org.slug}/people/")
    page.evaluate("window.cairnSamePage = true")  # gone if the page reloads
    chart = page.locator(".orgchart")
    expect(chart.get_by_text("Division 1", exact=True)).to_be_visible()
    expect(chart.get_by_text("Division 1.0", exact=True)).to_have_count(0)
    toggle = chart.get_by_role("button", name=re.compile(r"^Units in Division 1 \("))
    toggle.focus()
    page.keyboard.press("Enter")
    expect(chart.get_by_text("Division 1.0", exact=True)).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(chart.get_by_text("Division 2.0", exact=True)).to_have_count(0)
    assert page.evaluate("window.cairnSamePage") is True
