"""Every interactive widget works by keyboard alone, in Chromium: the phone header menu, the
alignment tree's expand buttons, the people and unit pickers (pick, then submit the form
with Enter). The inline check-in (tests/browser/test_checkin_journey.py) and the header
search (test_find_anything.py) have their own keyboard journeys."""

import re

import pytest
from playwright.sync_api import expect

from okrs.models import KeyResult
from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company, cascade

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def acme():
    org = factories.OrganizationFactory(name="Acme Keys", slug="acme-k")
    company = build_company(org)
    executive = person(org, email="ceo@acme-k.example", role="executive")
    top, dept, team = cascade(company, owner_company=executive)
    return org, company, executive, (top, dept, team)


def _tab_to(page, locator, limit: int = 40) -> None:
    """Press Tab until `locator` has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_the_phone_menu_opens_and_closes_by_keyboard(acme, live_server, login, page):
    org, company, *_ = acme
    page.set_viewport_size(PHONE)
    login(company.member.user.email)
    menu = page.get_by_role("button", name="Menu")
    people = page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(people).to_be_hidden()
    _tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(people).to_be_visible()
    _tab_to(page, people)
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(people).to_be_hidden()
    page.keyboard.press("Space")  # a button: Space works as well as Enter
    expect(people).to_be_visible()
    _tab_to(page, people)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/o/{org.slug}/people/$"))


def test_without_javascript_the_phone_header_shows_every_link(acme, live_server, browser):
    org, company, *_ = acme
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(company.member.user.email)
    page.get_by_label("Password").fill("pw")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(rf"/o/{org.slug}/$"))
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    for name in ("My OKRs", "Company", "Alignment", "Units", "People", "Notifications"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    box = page.get_by_role("combobox", name="Search objectives, key results, people and units")
    box.fill("deploy")
    box.press("Enter")  # a plain GET form: the results page
    page.wait_for_url(re.compile(r"/search/\?q=deploy$"))
    expect(page.get_by_role("link", name="Cut deploy time")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_the_alignment_tree_expands_and_collapses_by_keyboard(acme, live_server, login, page):
    org, company, executive, (top, dept, team) = acme
    login(executive.user.email)
    page.goto(f"{live_server.url}/o/{org.slug}/alignment/")
    toggle = page.get_by_role("button", name=re.compile("Aligned objectives of Grow revenue"))
    child = page.get_by_role("link", name="Ship the platform", exact=True)
    expect(child).to_have_count(0)
    _tab_to(page, toggle)
    page.keyboard.press("Enter")  # loads the children with htmx
    expect(child).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    inner = page.get_by_role("button", name=re.compile("Aligned objectives of Ship the platform"))
    _tab_to(page, inner)
    page.keyboard.press("Space")
    expect(page.get_by_role("link", name="Cut deploy time", exact=True)).to_be_visible()
    toggle.focus()
    page.keyboard.press("Enter")  # collapses without a request
    expect(child).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_a_key_result_is_added_with_the_people_picker_by_keyboard_alone(
    acme, live_server, login, page, settings
):
    settings.CAIRN_PEOPLE_SELECT_MAX = 2  # this small company gets the autocomplete
    org, company, executive, (top, dept, team) = acme
    zoe = person(org, email="zoe.keys@acme-k.example", name="Zoe Keys", unit=company.team)
    login(company.lead.user.email)
    page.goto(f"{live_server.url}/o/{org.slug}/objectives/{team.pk}/key-results/new/")
    title = page.get_by_label("Title")
    _tab_to(page, title)
    page.keyboard.type("Zero flaky tests")
    owner = page.get_by_role("combobox", name="Owner")
    _tab_to(page, owner)
    page.keyboard.press("Control+A")
    page.keyboard.type("zoe")
    option = page.get_by_role("option", name=re.compile("Zoe Keys"))
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # picks; the form is not sent yet
    expect(owner).to_have_value("Zoe Keys (zoe.keys@acme-k.example)")
    assert not KeyResult.objects.filter(objective=team).exists()
    page.keyboard.press("Enter")  # the list is closed: Enter sends the form
    page.wait_for_url(re.compile(r"/kr/\d+/$|/objectives/\d+/$"))
    assert KeyResult.objects.get(objective=team, title="Zero flaky tests").owner_id == zoe.pk


def test_the_alignment_tree_is_filtered_by_a_unit_picked_by_keyboard(
    acme, live_server, login, page, settings
):
    settings.CAIRN_PEOPLE_SELECT_MAX = 1  # two units: the autocomplete
    org, company, executive, _rows = acme
    login(executive.user.email)
    page.goto(f"{live_server.url}/o/{org.slug}/alignment/")
    unit = page.get_by_role("combobox", name="Unit", exact=True)
    _tab_to(page, unit)
    page.keyboard.type("plat")
    option = page.get_by_role("option", name=re.compile("Platform"))
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(unit).to_have_value("Platform")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"unit=\d+"))
    expect(page.get_by_role("link", name="Cut deploy time")).to_be_visible()
    assert page.get_by_role("link", name="Ship the platform").count() == 0
