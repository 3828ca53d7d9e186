"""Every main page renders with the demo data in a real browser, without console errors.

With `--screenshots` (`make screenshots`) the pages are also saved to docs/screenshots/.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership
from okrs.models import Cycle, KeyResult

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def _visit(page, url, console_errors):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} → {response.status}"
    page.wait_for_load_state("networkidle")
    assert not console_errors, f"console errors on {url}: {console_errors}"


def test_main_pages_render_for_each_role(demo, live_server, login, page, screenshot):
    # Look rows up before the browser starts: ORM calls inside Playwright's loop open a
    # second connection that outlives the test on PostgreSQL.
    kr = KeyResult.objects.filter(
        organization__slug="acme", owner__user__email="owner@acme.example"
    ).order_by("-objective__cycle__start_date", "id")[0]

    def url(name: str, **kwargs) -> str:
        return live_server.url + reverse(name, kwargs={"org_slug": "acme", **kwargs})

    tour = [
        ("owner@acme.example", url("okrs:my_okrs"), "my-okrs"),
        (
            "owner@acme.example",
            url("okrs:key_result_detail", key_result_id=kr.pk),
            "key-result-detail",
        ),
        (
            "owner@acme.example",
            url("okrs:objective_detail", objective_id=kr.objective_id),
            "objective-detail",
        ),
        ("ceo@acme.example", url("okrs:cycle_overview_current"), "company-overview"),
        ("ceo@acme.example", url("okrs:alignment_current"), "alignment-tree"),
        ("champion@acme.example", url("okrs:health"), "health"),
        ("admin@acme.example", url("orgchart:chart"), "org-chart"),
        ("admin@acme.example", url("notifications:list"), "notifications"),
    ]
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    current = None
    for email, target, name in tour:
        if email != current:
            page.context.clear_cookies()
            login(email, "demo")
            current = email
        _visit(page, target, console_errors)
        screenshot(page, name)


PHONE_TOUR = [
    ("owner@acme.example", "okrs:my_okrs", {}, "my-okrs-phone"),
    ("ceo@acme.example", "okrs:cycle_overview_current", {}, "company-overview-phone"),
    ("owner@acme.example", "okrs:objective_detail", {"objective_id": "kr.objective_id"}, None),
    ("owner@acme.example", "okrs:key_result_detail", {"key_result_id": "kr.pk"}, None),
    ("admin@acme.example", "orgchart:chart", {}, "people-phone"),
    ("champion@acme.example", "okrs:health", {}, "health-phone"),
]


def test_key_pages_fit_a_phone(demo, live_server, browser, screenshot):
    """At 390 px nothing scrolls sideways; the key pages are saved at that width."""
    kr = KeyResult.objects.filter(
        organization__slug="acme", owner__user__email="owner@acme.example"
    ).order_by("-objective__cycle__start_date", "id")[0]
    ids = {"kr.objective_id": kr.objective_id, "kr.pk": kr.pk}
    names = {"okrs:objective_detail": "objective-detail-phone"}
    names["okrs:key_result_detail"] = "key-result-detail-phone"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    current, widths = None, {}
    for email, name, kwargs, shot in PHONE_TOUR:
        if email != current:
            context.clear_cookies()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill("demo")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state("networkidle")
            current = email
        path = reverse(name, kwargs={"org_slug": "acme", **{k: ids[v] for k, v in kwargs.items()}})
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, shot or names[name])
    context.close()
    assert all(w <= 390 for w in widths.values()), f"wider than a 390px phone: {widths}"


def test_people_page_loads_okrs_in_place_and_switches_to_graded_cycle(
    demo, live_server, login, page, screenshot
):
    """A person's page loads their OKRs with htmx; choosing the closed cycle swaps in its
    grades and the address bar follows (a reload shows the same cycle)."""
    people = {
        m.user.email.split("@")[0]: m.pk
        for m in Membership.objects.filter(organization__slug="acme").select_related("user")
    }
    closed = Cycle.objects.get(organization__slug="acme", status=Cycle.Status.CLOSED)

    def member_url(local: str) -> str:
        path = reverse(
            "orgchart:member", kwargs={"org_slug": "acme", "membership_id": people[local]}
        )
        return live_server.url + path

    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    login("ceo@acme.example", "demo")
    # Olivia: a private objective of her own (the CEO may open it) and KRs she owns under
    # her lead's objective.
    _visit(page, member_url("owner"), console_errors)
    section = page.locator("#person-okrs")
    expect(section.get_by_text("Become the team's go-to performance engineer")).to_be_visible()
    expect(section.get_by_text("Private", exact=True)).to_be_visible()
    expect(
        section.get_by_role("heading", name="Key results under other people's objectives")
    ).to_be_visible()
    screenshot(page, "person-okrs")

    # Priya, last quarter: the switcher swaps the section in place, with grades.
    _visit(page, member_url("platform.lead"), console_errors)
    expect(section.get_by_text("average progress")).to_be_visible()
    page.get_by_label("Cycle").select_option(str(closed.pk))
    expect(section.get_by_text("Average grade")).to_be_visible()
    expect(section.get_by_role("link", name="Stabilise the platform")).to_be_visible()
    expect(page).to_have_url(f"{member_url('platform.lead')}?cycle={closed.pk}")
    assert not console_errors, console_errors
    screenshot(page, "person-okrs-graded")
