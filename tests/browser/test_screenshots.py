"""Every main page renders with the demo data in a real browser, without console errors.

With `--screenshots` (`make screenshots`) the pages are also saved to docs/screenshots/.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from okrs.models import KeyResult

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


def test_phone_width_layout_has_no_horizontal_scroll(demo, live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("owner@acme.example")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "my-okrs-phone")
    context.close()
    assert width <= 390 + 1, f"page is {width}px wide on a 390px phone"
