"""What a digest says, read from the email the delivery path really sends (issue 17, items 3
and 4): only what is true ("no check-in yet", "first reading", "created this week" — never
"new" for what is merely unknown), due only what existed in an active cycle during the week,
and for every reader the week against the one before — progress and confidence from → to,
what moved most, what went stale — with the thresholds the rules hold.

MONDAY_9 is in 2026-W48: every digest sent that week reports 2026-W47 (Nov 16–22).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail

from notifications import delivery
from notifications.models import Kind
from okrs.models import Cycle, Level
from okrs.rules import attention
from tests.notifications.conftest import MONDAY_9, WEEK, check_in
from tests.notifications.test_digests import IN_W46, IN_W47, W46, W47, key_result, made, objective

WEDNESDAY = MONDAY_9 + timedelta(days=2)


def email(company, kind, reader, *, now=MONDAY_9) -> tuple[str, str]:
    """(plain text, HTML) of the one digest of `kind` the delivery path sends to `reader`."""
    mail.outbox.clear()
    counts = delivery.deliver_batch(
        organization=company.org, kind=kind, period=f"{WEEK}-{now:%a}", membership_ids=[reader.pk],
        now=now, task_id="t",
    )  # fmt: skip
    assert counts.sent == 1, counts
    (message,) = mail.outbox
    return message.body, message.alternatives[0][0]


def line_of(text: str, title: str) -> str:
    (line,) = [row for row in text.splitlines() if row.startswith(f"- {title}")]
    return line


def test_an_owner_digest_says_what_it_knows_and_never_calls_the_unknown_new(company):
    old = key_result(company, company.objective, "Two months quiet", at=MONDAY_9 - timedelta(60))
    fresh = key_result(company, company.objective, "Made on Wednesday", at=IN_W47 + timedelta(2))
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.3, confidence=6)  # its first ever
    check_in(company.kr_b, week=W46, at=IN_W46, progress=0.2, confidence=7)
    check_in(company.kr_b, week=W47, at=IN_W47, progress=0.5, confidence=5)
    text, html = email(company, Kind.DIGEST_OWNER, company.owner)
    assert not re.search(r"\bnew\b", text + html, re.IGNORECASE)
    assert line_of(text, old.title) == (
        "- Two months quiet: 0% (—, no check-in yet), confidence 5/10, stale"
    )
    assert line_of(text, fresh.title) == (
        "- Made on Wednesday: 0% (—, created this week, no check-in yet), confidence 5/10"
    )
    assert line_of(text, "p95 latency") == (
        "- p95 latency under 200 ms: 30% (+30 pts, first reading), confidence 6/10"
    )
    assert line_of(text, "Deploy daily") == "- Deploy daily: 50% (+30 pts), confidence 7 → 5/10"
    assert "You checked in on 2 of the 4 due that week." in text
    assert "Moved most: p95 latency under 200 ms (+30 pts)." in text
    assert "no check-in yet" in html and "first reading" in html and "created this week" in html
    assert "7 → 5/10" in html


def test_a_key_result_is_due_only_if_it_existed_in_an_active_cycle_that_week(company):
    """Sent Monday, or re-sent on Wednesday: a key result made after the week (even before
    the digest ran) owed it nothing and is not in it; a check-in made since does not count."""
    check_in(company.kr_a, week=W47, at=IN_W47)
    check_in(company.kr_b, week=W47, at=IN_W47)
    check_in(company.kr_lead, week=W47, at=IN_W47)
    key_result(company, company.objective, "Made Monday at 8", at=MONDAY_9 - timedelta(hours=1))
    late = key_result(company, company.objective, "Made Tuesday", at=MONDAY_9 + timedelta(1))
    check_in(late, week=WEEK, at=MONDAY_9 + timedelta(days=1, hours=2))
    for now in (MONDAY_9, WEDNESDAY):
        text, _html = email(company, Kind.DIGEST_CHAMPION, company.champion, now=now)
        assert f"OKR health, {company.cycle.name}, {W47}" in text
        assert "Made Monday at 8" not in text and "Made Tuesday" not in text
        assert f"Missed a check-in in {W47} (0):" in text
        assert "3 of the 3 key results due were checked in." in text
        lead, _html = email(company, Kind.DIGEST_LEAD, company.lead, now=now)
        assert "- everyone checked in" in lead


def test_nothing_was_due_in_a_week_before_the_cycle_was_activated(company):
    Cycle.objects.filter(pk=company.cycle.pk).update(activated_at=MONDAY_9 + timedelta(days=1))
    text, html = email(company, Kind.DIGEST_CHAMPION, company.champion, now=WEDNESDAY)
    assert f"Missed a check-in in {W47} (0):" in text
    assert "- no key result owed a check-in that week" in text
    assert "No key result owed a check-in that week." in html
    lead, _html = email(company, Kind.DIGEST_LEAD, company.lead, now=WEDNESDAY)
    assert "- no key result owed a check-in that week" in lead


def _moving_week(company):
    """W46 → W47: latency 20% → 50% (confidence 8 → 8), deploys 40% → 30% (7 → 3), a key
    result that went stale in W47, and a team objective below in another unit."""
    check_in(company.kr_a, week=W46, at=IN_W46, progress=0.2, confidence=8)
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.5, confidence=8)
    check_in(company.kr_b, week=W46, at=IN_W46, progress=0.4, confidence=7)
    check_in(company.kr_b, week=W47, at=IN_W47, progress=0.3, confidence=3)
    quiet = key_result(company, company.objective, "Quiet since October", at=IN_W46 - timedelta(30))
    check_in(quiet, week="2026-W45", at=MONDAY_9 - timedelta(days=20), progress=0.6)
    return quiet


def test_a_lead_digest_reports_the_week_against_the_one_before(company):
    _moving_week(company)
    text, html = email(company, Kind.DIGEST_LEAD, company.lead)
    # The department objective: KRs 20/40/60% → 50/30/60% (the mean: 40% → 46.7%).
    assert line_of(text, "Ship a faster product").startswith(
        "- Ship a faster product [Engineering, Lena Lead]: 47% (+7 pts), "
    )
    moved = text[text.index("Moved most") : text.index("Confidence drops")]
    assert moved.index("p95 latency") < moved.index("Deploy daily")  # +30 before −10
    drops = text[text.index("Confidence drops") : text.index("Went stale")]
    assert "Deploy daily [Otto Owner]: 30% (\u221210 pts), confidence 7 → 3/10" in drops
    stale = text[text.index("Went stale") : text.index("Missed a check-in")]
    assert "Quiet since October" in stale and "went stale" in stale
    assert "+7 pts" in html and "7 → 3/10" in html and "went stale" in html


def test_an_executive_digest_shows_company_objectives_moving_and_confidence_from_to(company):
    _moving_week(company)
    check_in(company.kr_lead, week=W46, at=IN_W46, progress=0.5, confidence=6)
    check_in(company.kr_lead, week=W47, at=IN_W47, progress=0.5, confidence=6)
    text, html = email(company, Kind.DIGEST_EXECUTIVE, company.ceo)
    # Delight customers rolls up its KR (50%) and the department objective (40% → 46.7%).
    assert line_of(text, "Delight customers").startswith(
        "- Delight customers [Carla Ceo]: 48% (+3 pts), "
    )
    assert "Deploy daily [Otto Owner]: 30% (\u221210 pts), confidence 7 → 3/10" in text
    assert "Quiet since October" in text[text.index("Went stale") :]
    assert "+3 pts" in html and "7 → 3/10" in html


def test_a_champion_digest_names_what_went_stale_and_what_moved(company):
    _moving_week(company)
    text, html = email(company, Kind.DIGEST_CHAMPION, company.champion)
    assert "1 went stale that week" in text
    assert "- Quiet since October [Otto Owner]: 60% (±0 pts, not checked in that week)" in text
    low = text[text.index("Low confidence") : text.index("Missed a check-in")]
    assert "Deploy daily" in low and "7 → 3/10" in low
    assert "Moved most in" in text and "p95 latency under 200 ms [Otto Owner]: 50% (+30" in text
    assert "went stale" in html


def test_digest_thresholds_come_from_the_rules(company, monkeypatch):
    _moving_week(company)
    text, html = email(company, Kind.DIGEST_CHAMPION, company.champion)
    assert "no check-in for 14 days or more" in text and "confidence 4 or below" in text
    monkeypatch.setattr(attention, "STALE_AFTER_TEXT", "three weeks")
    monkeypatch.setattr(attention, "LOW_CONFIDENCE", 5)
    text, html = email(company, Kind.DIGEST_CHAMPION, company.champion, now=WEDNESDAY)
    assert "no check-in for three weeks or more" in text and "confidence 5 or below" in text
    assert "No check-in for three weeks or more" in html and "Confidence 5 or below" in html
    assert not re.search(r"\b14 days\b|\b4 or below\b", text + html)


def test_an_objective_made_during_the_week_says_so(company):
    made(company.objective, IN_W47 + timedelta(days=1))
    team = objective(company, "Started this week", level=Level.TEAM, at=IN_W47)
    assert team.created_at == IN_W47
    text, _html = email(company, Kind.DIGEST_LEAD, company.lead)
    assert "Started this week [Engineering, Otto Owner]: 0% (—, created this week)" in text


def test_a_private_objective_in_a_lead_digest_says_it_is_private(company):
    objective(company, "Quiet reorg", visibility="private")
    text, html = email(company, Kind.DIGEST_LEAD, company.lead)
    assert line_of(text, "Quiet reorg").startswith(
        "- Quiet reorg [Engineering, Otto Owner, private]:"
    )
    assert "private</span>" in html
    assert "[Engineering, Lena Lead]" in line_of(text, "Ship a faster product")  # public: no mark
