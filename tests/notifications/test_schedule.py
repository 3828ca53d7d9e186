"""Local check-in windows across time zones and DST changes (pure time math)."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.schedule import DIGEST_KINDS, due_slot, parse_now

MONDAY, TUESDAY, WEDNESDAY, SUNDAY = 0, 1, 2, 6


def slot(tz, weekday, hour, now, followup=None, cadence="weekly"):
    return due_slot(
        timezone_name=tz,
        checkin_weekday=weekday,
        checkin_hour=hour,
        followup_weekday=followup,
        digest_cadence=cadence,
        now=now,
    )


def firing_hours(tz, weekday, hour, start, days=8, **kw):
    """Every hourly dispatch instant (minute 0 UTC) in the range at which the org is due."""
    at = start
    fired = []
    while at < start + timedelta(days=days):
        if slot(tz, weekday, hour, at, **kw) is not None:
            fired.append(at)
        at += timedelta(hours=1)
    return fired


@pytest.mark.parametrize(
    ("tz", "expected_utc"),
    [
        ("UTC", datetime(2026, 11, 23, 9, tzinfo=UTC)),
        ("Europe/Berlin", datetime(2026, 11, 23, 8, tzinfo=UTC)),  # CET = UTC+1
        ("America/New_York", datetime(2026, 11, 23, 14, tzinfo=UTC)),  # EST = UTC-5
        # UTC+5:30: local 09:00 is 03:30 UTC; the first dispatch inside the hour is 04:00.
        ("Asia/Kolkata", datetime(2026, 11, 23, 4, tzinfo=UTC)),
        # NZDT = UTC+13: Monday 09:00 local is Sunday 20:00 UTC.
        ("Pacific/Auckland", datetime(2026, 11, 22, 20, tzinfo=UTC)),
    ],
)
def test_monday_nine_local_fires_exactly_once_a_week_per_zone(tz, expected_utc):
    fired = firing_hours(tz, MONDAY, 9, datetime(2026, 11, 21, 0, tzinfo=UTC))
    assert fired == [expected_utc]
    assert slot(tz, MONDAY, 9, expected_utc).period == "2026-W48"


def test_skipped_local_hour_on_spring_forward_still_fires_once():
    # New York, Sunday 2026-03-08: 02:00 local does not exist (clocks jump to 03:00).
    fired = firing_hours("America/New_York", SUNDAY, 2, datetime(2026, 3, 5, tzinfo=UTC))
    assert fired == [datetime(2026, 3, 8, 7, tzinfo=UTC)]  # 03:00 EDT, right after the gap


def test_repeated_local_hour_on_fall_back_fires_once():
    # New York, Sunday 2026-11-01: 01:00 local happens twice (EDT, then EST).
    fired = firing_hours("America/New_York", SUNDAY, 1, datetime(2026, 10, 29, tzinfo=UTC))
    assert fired == [datetime(2026, 11, 1, 5, tzinfo=UTC)]  # the first 01:00 (EDT)


def test_new_york_monday_after_dst_change_moves_the_utc_hour():
    before = firing_hours("America/New_York", MONDAY, 9, datetime(2026, 3, 1, tzinfo=UTC), 7)
    after = firing_hours("America/New_York", MONDAY, 9, datetime(2026, 3, 8, tzinfo=UTC), 7)
    assert before == [datetime(2026, 3, 2, 14, tzinfo=UTC)]  # EST
    assert after == [datetime(2026, 3, 9, 13, tzinfo=UTC)]  # EDT


def test_berlin_dst_end_week_fires_once_at_the_new_offset():
    fired = firing_hours("Europe/Berlin", MONDAY, 9, datetime(2026, 10, 24, tzinfo=UTC))
    assert fired == [datetime(2026, 10, 26, 8, tzinfo=UTC)]  # CET after the 25 October change


def test_auckland_dst_start_week_fires_once():
    # NZ clocks go forward on Sunday 2026-09-27 at 02:00.
    fired = firing_hours("Pacific/Auckland", SUNDAY, 2, datetime(2026, 9, 24, tzinfo=UTC))
    assert len(fired) == 1


def test_followup_day_sends_only_the_followup():
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)  # Wednesday
    due = slot("UTC", MONDAY, 9, at, followup=WEDNESDAY)
    assert due.kinds == ["followup"]
    assert due.period == "2026-W48"
    assert slot("UTC", MONDAY, 9, at) is None


def test_checkin_day_sends_reminder_and_weekly_digests():
    assert slot("UTC", MONDAY, 9, datetime(2026, 11, 23, 9, tzinfo=UTC)).kinds == [
        "reminder",
        *DIGEST_KINDS,
    ]


def test_biweekly_digests_follow_iso_week_parity_and_off_sends_none():
    even = datetime(2026, 11, 23, 9, tzinfo=UTC)  # W48
    odd = datetime(2026, 11, 30, 9, tzinfo=UTC)  # W49
    assert slot("UTC", MONDAY, 9, even, cadence="biweekly").kinds[1:] == list(DIGEST_KINDS)
    assert slot("UTC", MONDAY, 9, odd, cadence="biweekly").kinds == ["reminder"]
    assert slot("UTC", MONDAY, 9, even, cadence="off").kinds == ["reminder"]


def test_invalid_timezone_falls_back_to_utc():
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert slot("Mars/Olympus_Mons", MONDAY, 9, at).period == "2026-W48"
    assert slot("", MONDAY, 9, at) is not None


def test_dispatch_a_few_seconds_late_still_matches():
    assert slot("UTC", MONDAY, 9, datetime(2026, 11, 23, 9, 0, 42, tzinfo=UTC)) is not None


def test_parse_now_treats_naive_as_utc():
    assert parse_now("2026-11-23T09:00:00") == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert parse_now("2026-11-23T10:00:00+01:00") == datetime(2026, 11, 23, 9, tzinfo=UTC)
