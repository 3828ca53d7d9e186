"""Reminder and digest emails rendered in a real Chromium: self-contained, readable.

With `--screenshots` the PNGs go to docs/screenshots/email-reminder.png / email-digest.png.
"""

from datetime import timedelta

import pytest
from django.core import mail

from notifications import delivery
from notifications.models import Kind
from tests import factories
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR, require_chromium
from tests.notifications.conftest import MONDAY_9, WEEK, check_in
from tests.notifications.test_digests import made

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def rich_company(company):
    """A few KRs with two weeks of readings, so the digest shows change, confidence from → to,
    a first reading and one that went stale."""
    week_ago, two_weeks_ago = MONDAY_9 - timedelta(days=7), MONDAY_9 - timedelta(days=14)
    for kr, before, now, confidence in ((company.kr_a, 0.2, 0.45, 8), (company.kr_b, 0.5, 0.4, 4)):
        check_in(kr, week="2026-W46", at=two_weeks_ago, progress=before, confidence=6)
        check_in(kr, week="2026-W47", at=week_ago, progress=now, confidence=confidence)
    extra = made(
        factories.KeyResultFactory(
            organization=company.org,
            objective=company.objective,
            owner=company.owner,
            title="Zero sev-1 incidents for the quarter",
        ),
        MONDAY_9 - timedelta(days=40),
    )
    check_in(extra, week="2026-W45", at=MONDAY_9 - timedelta(days=21), progress=0.7, confidence=6)


def render(company, kind):
    mail.outbox.clear()
    delivery.deliver_batch(
        organization=company.org,
        kind=kind,
        period=WEEK,
        membership_ids=[company.owner.pk],
        now=MONDAY_9,
        task_id="screenshot",
    )
    (message,) = mail.outbox
    return message.alternatives[0][0]


def test_reminder_and_digest_emails_render_self_contained(company, tmp_path, request):
    require_chromium()
    from playwright.sync_api import sync_playwright

    rich_company(company)
    # Render before Playwright starts its event loop: ORM calls made while that loop runs
    # would open a second database connection that outlives the test.
    pages = {
        name: render(company, kind)
        for kind, name in ((Kind.REMINDER, "email-reminder"), (Kind.DIGEST_OWNER, "email-digest"))
    }
    out_dir = SCREENSHOT_DIR if request.config.getoption("--screenshots") else tmp_path
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, html in pages.items():
            source = tmp_path / f"{name}.html"
            source.write_text(html)
            page = chromium.new_page(viewport={"width": 720, "height": 600})
            requests = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(source.as_uri())
            assert [url for url in requests if not url.startswith("file:")] == []
            card = page.locator(".card")
            assert (
                card.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
            )
            assert page.get_by_text("Unsubscribe from this email").is_visible()
            page.screenshot(path=str(out_dir / f"{name}.png"), full_page=True)
            page.close()
        chromium.close()
