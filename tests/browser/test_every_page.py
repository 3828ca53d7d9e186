"""Every page of the crawl, in Chromium, as each role: it fits a phone and axe finds nothing
serious.

For each role (admin, executive, champion, unit lead, plain member; and the pages before
logging in) the crawl (tests/crawl.py) follows every link and htmx GET from My OKRs with the
demo data and keeps the first page of each kind (view and query parameter names). Chromium
then opens each page at 390 × 844: `document.documentElement.scrollWidth` may not exceed the
viewport, and no box in it may scroll sideways either (a table cut off in its wrapper). It
runs axe-core (the copy axe-playwright-python ships) there and again at 1280 × 860 on the
same page. A serious or critical violation fails the test; a moderate or minor one must be
listed, with its reason, in docs/ui.md ("Accessibility").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from tests.crawl import crawl, page_kinds

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # a crawl

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
ROLES = {
    "admin": "admin@acme.example",
    "executive": "ceo@acme.example",
    "champion": "champion@acme.example",
    "unit lead": "platform.lead@acme.example",
    "member": "owner@acme.example",
}
# Pages a link does not reach: a search typed in the header, filters typed in a GET form.
TYPED = (
    "/o/acme/search/?q=a",
    "/o/acme/people/?q=a",
    "/o/acme/people/search/?q=a",
    "/o/acme/people/units/search/?q=a",
    "/o/acme/alignment/search/?q=a",
    "/o/acme/units/?q=a&sort=name",
    "/o/acme/alignment/?q=a&status=on_track",
    "/o/acme/security/?kind=login",
    "/o/acme/notifications/log/?status=sent",
)
# (page, the status it answers): an unknown invitation is a 404 page of its own.
ANONYMOUS = (
    ("/accounts/login/", 200),
    ("/accounts/password-reset/", 200),
    ("/accounts/password-reset/sent/", 200),
    ("/accounts/invitations/not-a-token/", 404),
    ("/accounts/reset/MQ/set-password/", 200),
)
SERIOUS = ("serious", "critical")
UI_DOC = Path(__file__).resolve().parents[2] / "docs" / "ui.md"
AXE_RUN = "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
# Boxes that scroll sideways inside the page (a table cut off in its wrapper counts too).
SCROLLS_SIDEWAYS = """() => Array.from(document.querySelectorAll("body *")).filter((el) => {
  const overflow = getComputedStyle(el).overflowX;
  return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
}).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""
# What htmx marks while a request or swap is in flight (sections with hx-trigger="load").
IN_FLIGHT = ".htmx-request, .htmx-settling, .htmx-swapping"


def accepted_rules() -> set[str]:
    """The axe rules docs/ui.md lists (first column of its "Accessibility" table) with why
    they are accepted."""
    text = UI_DOC.read_text()
    section = text[text.index("## Accessibility") :]
    return set(re.findall(r"^\| `([\w-]+)` \|", section, flags=re.M))


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    unlisted: set[str] = field(default_factory=set)
    visited: int = 0


def _axe(page, url: str, width: str, found: Findings, accepted: set[str]) -> None:
    for violation in page.evaluate(AXE_RUN):
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
        where = f"{url} at {width}: {violation['id']} ({violation['impact']}) on {targets}"
        if violation["impact"] in SERIOUS:
            found.problems.append(f"{where}: {violation['help']}")
        elif violation["id"] not in accepted:
            found.unlisted.add(where)


def look_at(page, base: str, urls: list[tuple[str, int]]) -> Findings:
    """Open each (url, expected status) at phone width, measure it, run axe there and at
    desktop width."""
    found, accepted = Findings(), accepted_rules()
    for url, status in urls:
        page.set_viewport_size(PHONE)
        response = page.goto(base + url)
        if response is None or response.status != status:
            found.problems.append(f"{url} → {response.status if response else 'no answer'}")
            continue
        expect(page.locator(IN_FLIGHT)).to_have_count(0)
        page.evaluate(AXE_SCRIPT)  # once per page: both runs below use it
        found.visited += 1
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            found.problems.append(f"{url} scrolls sideways on a phone: {wide[0]} > {wide[1]} px")
        for box in page.evaluate(SCROLLS_SIDEWAYS):
            found.problems.append(f"{url}: {box} scrolls sideways on a phone")
        _axe(page, url, "390 px", found, accepted)
        page.set_viewport_size(DESKTOP)
        _axe(page, url, "1280 px", found, accepted)
    return found


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def _report(found: Findings) -> str:
    lines = found.problems + [
        f"{u} — not listed in docs/ui.md (Accessibility): fix it or list it with a reason"
        for u in sorted(found.unlisted)
    ]
    return "\n".join(lines)


def _pages_of(email: str) -> tuple[Client, list[str]]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    pages = crawl(
        client, "/o/acme/", prefix="/o/acme/", one_per_kind=True,
        extra=("/accounts/profile/", "/accounts/tokens/", *TYPED),
    )  # fmt: skip
    return client, page_kinds(pages)


def test_every_page_fits_a_phone_and_axe_finds_nothing_serious_for_every_role(
    demo, live_server, browser
):
    """One test for the five roles: the demo data is seeded once (it takes a while)."""
    report, visited = [], {}
    for role, email in ROLES.items():
        client, urls = _pages_of(email)
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(60_000)
        cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
        context.add_cookies([{**cookie, "url": live_server.url}])
        try:
            found = look_at(context.new_page(), live_server.url, [(u, 200) for u in urls])
        finally:
            context.close()
        visited[role] = found.visited
        if found.problems or found.unlisted:
            report.append(f"As {role}:\n{_report(found)}")
    assert not report, "\n".join(report)
    assert min(visited.values()) >= 25, f"few pages visited: the crawl proves little: {visited}"


def test_the_pages_before_logging_in_fit_a_phone_and_axe_finds_nothing_serious(
    live_server, browser
):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(60_000)
    try:
        found = look_at(context.new_page(), live_server.url, list(ANONYMOUS))
    finally:
        context.close()
    assert not found.problems and not found.unlisted, _report(found)
