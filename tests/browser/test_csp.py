"""The Content-Security-Policy is on and nothing on our pages needs more than it allows:
scripts only from our files (no inline script, no on*= handlers, no hx-on / eval), the
Swagger UI from the sidecar's static files. Chromium reports every blocked script or style
on the console; the pages must work and report none."""

import re

import pytest

from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company, cascade

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


def test_pages_work_under_the_csp_without_violations(live_server, login, page, violations):
    org = factories.OrganizationFactory(name="Acme CSP", slug="acme-csp")
    other = factories.OrganizationFactory(name="Beta CSP", slug="beta-csp")
    company = build_company(org)
    executive = person(org, email="ceo@acme-csp.example", role="executive")
    person(other, email="ceo@acme-csp.example")  # a second organization to switch to
    cascade(company, owner_company=executive)

    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    login("ceo@acme-csp.example")

    # The alignment tree: htmx loads the children, our script (not hx-on) toggles them.
    page.goto(f"{live_server.url}/o/{org.slug}/alignment/")
    toggle = page.get_by_role("button", name=re.compile("Aligned objectives of Grow revenue"))
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.get_by_role("button", name=re.compile("Aligned objectives of ")).nth(1).wait_for()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator(f"#{toggle.get_attribute('aria-controls')}").is_hidden()

    # The organization switcher submits on change (was an inline onchange).
    page.get_by_label("Organization").select_option("beta-csp")
    page.wait_for_url(re.compile(r"/o/beta-csp/"))

    # A new API token is selected on focus, ready to copy (was an inline onfocus).
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.get_by_label("Token name").fill("CSP check")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token", exact=True)
    token.focus()
    assert token.evaluate(
        "el => el.value.startsWith('cairn_') && el.selectionStart === 0"
        " && el.selectionEnd === el.value.length"
    )

    # Swagger UI: local assets and a separate start-up script; it renders the schema.
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").filter(has_text="Cairn API").wait_for()

    assert violations == []
