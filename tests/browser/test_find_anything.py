"""Find anything, in Chromium, by keyboard alone: type in the header's search box, move
through the dropdown with the arrow keys, Enter opens the hit; Escape closes the list; Enter
with nothing chosen opens the results page. A private objective is not offered to someone
who may not open it."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.builders import person
from tests.web.test_work_support import build_cascade

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cascade():
    c = build_cascade(factories.OrganizationFactory(slug="find"), kr_count=2)
    factories.ObjectiveFactory(
        organization=c.org, cycle=c.cycle, owner=c.lead, unit=c.unit, level="team",
        visibility="private", title="Ship the secret platform",
    )  # fmt: skip
    person(c.org, email="shipwright@t.example", name="Sam Shipwright")
    return c


def _search_box(page):
    return page.get_by_role("combobox", name="Search objectives, key results, people and units")


def test_type_arrow_down_and_enter_opens_the_hit(cascade, live_server, login, page):
    login(cascade.bystander.user.email)
    box = _search_box(page)
    box.focus()
    page.keyboard.type("ship")
    listbox = page.get_by_role("listbox", name="Search results")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    objective = listbox.get_by_role("option", name=re.compile("Ship a faster platform"))
    expect(objective).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile("Sam Shipwright"))).to_be_visible()
    assert listbox.get_by_role("option", name=re.compile("secret")).count() == 0
    assert listbox.get_by_role("group", name="Objectives").count() == 1

    page.keyboard.press("ArrowDown")
    expect(objective).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", objective.get_attribute("id"))
    page.keyboard.press("ArrowUp")  # wraps to the last option: "See all results"
    expect(listbox.get_by_role("option", name=re.compile("See all results"))).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("ArrowDown")  # and back to the first
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")  # opens the list again on the first option
    expect(objective).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/o/find/objectives/{cascade.team.pk}/$"))
    expect(page.get_by_role("heading", name="Ship a faster platform")).to_be_visible()


def test_enter_without_a_choice_opens_the_results_page(cascade, live_server, login, page):
    login(cascade.bystander.user.email)
    box = _search_box(page)
    box.focus()
    page.keyboard.type("platform")
    expect(page.get_by_role("listbox", name="Search results")).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/find/search/\?q=platform$"))
    expect(page.get_by_role("heading", name="Results for “platform”")).to_be_visible()
    expect(page.get_by_role("link", name="Ship a faster platform")).to_be_visible()
    expect(_search_box(page)).to_have_value("platform")
    assert page.get_by_text("secret").count() == 0
