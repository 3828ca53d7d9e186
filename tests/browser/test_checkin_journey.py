"""Real-browser journeys: an inline check-in updates every progress bar in place; a
contributor adds an initiative. `window.__marker` proves there was no page reload."""

import pytest
from playwright.sync_api import expect

from okrs.models import CheckIn, Initiative, KeyResult
from tests.factories import KeyResultFactory, OrganizationFactory
from tests.web.test_work_support import (
    build_cascade,
)

pytestmark = pytest.mark.django_db(transaction=True)


def bar_value(page, name: str) -> str:
    return page.get_by_role("progressbar", name=name).first.get_attribute("aria-valuenow")


def test_owner_checks_in_inline_and_bars_update_without_reload(
    live_server, login, page, screenshot
):
    c = build_cascade(
        OrganizationFactory(slug="journey"),
        kr_count=2,
    )
    kr = c.krs[0]
    login(c.owner.user.email)
    assert page.get_by_role("heading", name="My OKRs").is_visible()
    screenshot(page, "my-okrs")
    page.evaluate("window.__marker = 'still here'")
    assert bar_value(page, f"Progress of {kr.title}") == "0"
    assert bar_value(page, "Progress of objective Ship a faster platform") == "0"
    assert bar_value(page, "Progress of objective Delight customers") == "0"

    page.get_by_role("link", name=f"Check in on {kr.title}").click()
    value = page.get_by_label("New value")
    value.wait_for()
    expect(value).to_be_focused()  # autofocus on the value, once htmx has settled
    value.fill("50")
    page.get_by_label("Confidence (0–10)").fill("8")
    page.get_by_label("Note").fill("Halfway there")
    screenshot(page, "inline-check-in")
    page.get_by_label("Blockers").press("Enter")  # Enter submits: no mouse needed

    row = page.locator(f"#kr-{kr.pk}")
    row.get_by_text("Checked in").wait_for()
    assert bar_value(page, f"Progress of {kr.title}") == "50"
    assert bar_value(page, "Progress of objective Ship a faster platform") == "25"
    assert bar_value(page, "Progress of objective Delight customers") == "25"
    assert "1 of 2" in page.get_by_role("status").filter(has_text="checked in").inner_text()
    assert page.evaluate("window.__marker") == "still here"
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    screenshot(page, "my-okrs-after-check-in")


def test_bad_value_shows_error_inline_and_keeps_input(live_server, login, page):
    c = build_cascade(OrganizationFactory(slug="journey-bad"), kr_count=1)
    kr = c.krs[0]
    login(c.owner.user.email)
    page.evaluate("window.__marker = 1")
    page.get_by_role("link", name=f"Check in on {kr.title}").click()
    # Type only once htmx has swapped the form in and focused it: text typed into a form
    # that is about to be replaced is lost (CI failed that way under load).
    expect(page.get_by_label("New value")).to_be_focused()
    page.get_by_label("Confidence (0–10)").fill("12")
    page.get_by_label("Note").fill("keep me")
    with page.expect_response(
        lambda r: "/check-in/" in r.url and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name="Save check-in").click()
    response = posted.value
    assert response.status == 200, (response.status, response.text()[:500])  # htmx swaps 2xx
    page.get_by_text("Ensure this value is less than or equal to 10.").wait_for()
    assert page.get_by_label("Note").input_value() == "keep me"
    assert page.evaluate("window.__marker") == 1
    assert not CheckIn.objects.exists()


def test_contributor_adds_an_initiative_inline(live_server, login, page, screenshot):
    c = build_cascade(OrganizationFactory(slug="journey-ini"), kr_count=1)
    kr = c.krs[0]
    login(c.contributor.user.email)
    page.goto(f"{live_server.url}/o/journey-ini/kr/{kr.pk}/")
    page.evaluate("window.__marker = 'kr page'")
    page.get_by_role("textbox", name="Initiative").fill("Cache the dependency downloads")
    page.get_by_role("button", name="Add initiative").click()
    page.get_by_role("combobox", name="Status of Cache the dependency downloads").wait_for()
    page.get_by_role("combobox", name="Status of Cache the dependency downloads").select_option(
        "doing"
    )
    with page.expect_response(lambda r: "/status/" in r.url):
        page.get_by_role("button", name="Update status of Cache the dependency downloads").click()
    ini = Initiative.objects.get(title="Cache the dependency downloads")
    assert ini.status == "doing" and ini.key_result == kr
    assert page.evaluate("window.__marker") == "kr page"
    screenshot(page, "key-result-detail")


def test_three_check_ins_by_keyboard_alone(live_server, login, page):
    c = build_cascade(OrganizationFactory(slug="journey-fast"), kr_count=3)
    login(c.owner.user.email)
    # Keyboard only: focus, Enter, type, Tab, Enter. How long it takes belongs to `make bench`.
    for number, kr in enumerate(c.krs, start=1):
        page.get_by_role("link", name=f"Check in on {kr.title}").focus()
        page.keyboard.press("Enter")
        # htmx moves focus to the autofocused field after the swap settles: wait for that
        # condition (not for the element alone), or the first keys land on the old link.
        expect(page.get_by_label("New value")).to_be_focused()
        page.keyboard.type(str(10 * number))
        page.keyboard.press("Tab")
        page.keyboard.type("7")
        page.keyboard.press("Enter")
        page.get_by_role("link", name=f"Update check-in on {kr.title}").wait_for()
        # htmx focuses the swapped row's [autofocus] link in its settle phase, 20 ms after the
        # swap: moving on before that lets it take focus back from the next row's link (the
        # next Enter then reopened this row). Wait until no swap is pending or settling.
        expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)
    assert "3 of 3" in page.locator("#week-summary").inner_text()
    values = sorted(CheckIn.objects.values_list("value", flat=True))
    assert [int(v) for v in values] == [10, 20, 30]


def test_the_reminder_link_opens_the_check_in_form_and_the_company_goal_moves(
    live_server, login, page
):
    """The email's one-click link: the form is open and focused; saving rolls the value up
    through the team objective to the company objective (which rolls up its children)."""
    c = build_cascade(OrganizationFactory(slug="journey-link"), kr_count=2)
    kr = c.krs[0]
    login(c.owner.user.email)
    page.goto(f"{live_server.url}/o/journey-link/?checkin={kr.pk}")
    value = page.get_by_label("New value")
    value.wait_for()
    expect(value).to_be_focused()
    value.fill("50")
    page.get_by_label("Confidence (0–10)").fill("8")
    page.get_by_label("Confidence (0–10)").press("Enter")
    page.locator(f"#kr-{kr.pk}").get_by_text("Checked in").wait_for()
    assert bar_value(page, "Progress of objective Delight customers") == "25"
    assert "1 still due" in page.locator("#week-summary").inner_text()


def test_a_confidence_only_update_and_a_milestone_done_by_keyboard(live_server, login, page):
    """The value starts where the KR stands (selected, so typing would replace it): Tab,
    the new confidence, Enter. A milestone is a pair of labelled radio buttons: the arrow key
    picks "Done"."""
    c = build_cascade(OrganizationFactory(slug="journey-conf"), kr_count=1)
    kr = c.krs[0]
    KeyResult.objects.filter(pk=kr.pk).update(current_value=40, progress=0.4, confidence=7)
    launch = KeyResultFactory(
        organization=c.org, objective=c.team, owner=c.owner, title="Launch the beta",
        metric_type=KeyResult.MetricType.MILESTONE, start_value=0, target_value=1,
    )  # fmt: skip
    login(c.owner.user.email)
    page.get_by_role("link", name=f"Check in on {kr.title}").click()
    value = page.get_by_label("New value")
    expect(value).to_be_focused()
    expect(value).to_have_value("40")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=f"Update check-in on {kr.title}").wait_for()
    expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)
    reading = CheckIn.objects.get(key_result=kr)
    assert (int(reading.value), reading.confidence) == (40, 3)

    page.get_by_role("link", name="Check in on Launch the beta").click()
    not_done = page.get_by_role("radio", name="Not done yet")
    expect(not_done).to_be_focused()
    expect(not_done).to_be_checked()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("radio", name="Done", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Update check-in on Launch the beta").wait_for()
    assert bar_value(page, "Progress of Launch the beta") == "100"
    launch.refresh_from_db()
    assert (launch.current_value, launch.confidence) == (1, 9)
