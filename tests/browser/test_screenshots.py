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
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    base = f"{live_server.url}/o/acme"

    login("owner@acme.example", "demo")
    _visit(page, f"{base}/", console_errors)
    screenshot(page, "my-okrs")
    kr = KeyResult.objects.filter(
        organization__slug="acme", owner__user__email="owner@acme.example"
    ).order_by("-objective__cycle__start_date", "id")[0]
    _visit(
        page,
        live_server.url
        + reverse("okrs:key_result_detail", kwargs={"org_slug": "acme", "key_result_id": kr.pk}),
        console_errors,
    )
    screenshot(page, "key-result-detail")
    _visit(
        page,
        live_server.url
        + reverse(
            "okrs:objective_detail", kwargs={"org_slug": "acme", "objective_id": kr.objective_id}
        ),
        console_errors,
    )
    screenshot(page, "objective-detail")

    page.context.clear_cookies()
    login("ceo@acme.example", "demo")
    _visit(
        page, live_server.url + reverse("okrs:company", kwargs={"org_slug": "acme"}), console_errors
    )
    screenshot(page, "company-overview")
    _visit(
        page,
        live_server.url + reverse("okrs:alignment", kwargs={"org_slug": "acme"}),
        console_errors,
    )
    screenshot(page, "alignment-tree")

    page.context.clear_cookies()
    login("champion@acme.example", "demo")
    _visit(
        page, live_server.url + reverse("okrs:health", kwargs={"org_slug": "acme"}), console_errors
    )
    screenshot(page, "health")

    page.context.clear_cookies()
    login("admin@acme.example", "demo")
    _visit(page, f"{base}/people/", console_errors)
    screenshot(page, "org-chart")


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
