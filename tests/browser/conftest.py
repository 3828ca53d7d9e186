"""Real-browser fixtures: Playwright driving Debian's Chromium against Django's live server.

Without /usr/bin/chromium these tests skip with a hint (CI installs it and forbids skips).
"""

import os

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR, require_chromium

# Playwright's sync API keeps an event loop in this thread; Django then thinks the test
# body is async code. The ORM calls in browser tests are plain synchronous setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One xdist worker runs all browser tests: they share one Chromium process.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # The same hang guard for `expect(...)` assertions, which otherwise give up after 5 s.
    expect.set_options(timeout=60_000)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    # A guard against a hang, not a speed goal: every wait is for a condition (an element, a
    # response); on a loaded machine a condition may take a while to come true.
    context.set_default_timeout(60_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(live_server, page):
    """`login(email, password="pw")` logs the page in through the real form."""

    def do_login(email: str, password: str = "pw"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        return page

    return do_login


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "name")` saves docs/screenshots/name.png when --screenshots is given."""

    def take(pg, name: str):
        if request.config.getoption("--screenshots"):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    return take
