"""The product's shared definitions at their edges: stale, low confidence, the check-in week
in the organization's zone (midnight, DST), and the unit subtree."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from accounts.rules.units import subtree_ids
from okrs.models import KeyResult, Objective
from okrs.rules import attention, weeks
from tests import factories

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def kr(created, checked=None, confidence=5):
    return KeyResult(created_at=created, last_check_in_at=checked, confidence=confidence)


@pytest.mark.parametrize(
    ("created_days_ago", "checked_days_ago", "stale"),
    [
        (1, None, False),  # created yesterday, never checked in: not stale yet
        (14, None, False),  # exactly 14 days: the edge is not stale
        (15, None, True),
        (60, 13, False),
        (60, 14, False),
        (60, 15, True),
    ],
)
def test_stale_edges_in_python_and_sql_agree(db, created_days_ago, checked_days_ago, stale):
    created = NOW - dt.timedelta(days=created_days_ago)
    checked = None if checked_days_ago is None else NOW - dt.timedelta(days=checked_days_ago)
    assert attention.is_stale(kr(created, checked), NOW) is stale
    row = factories.KeyResultFactory(last_check_in_at=checked)
    KeyResult.objects.filter(pk=row.pk).update(created_at=created)
    assert KeyResult.objects.filter(attention.stale_q(NOW), pk=row.pk).exists() is stale


@pytest.mark.parametrize(("confidence", "low"), [(0, True), (4, True), (5, False), (10, False)])
def test_low_confidence_edge(db, confidence, low):
    assert attention.is_low_confidence(kr(NOW, confidence=confidence)) is low
    row = factories.KeyResultFactory(confidence=confidence)
    assert KeyResult.objects.filter(attention.low_confidence_q(), pk=row.pk).exists() is low


@pytest.mark.parametrize(
    ("level", "aligned", "orphan"),
    [("company", False, False), ("department", False, True), ("team", True, False)],
)
def test_orphan_in_python_and_sql_agree(db, level, aligned, orphan):
    parent = factories.ObjectiveFactory(level="company") if aligned else None
    row = factories.ObjectiveFactory(
        organization=parent.organization if parent else factories.OrganizationFactory(),
        level=level,
        parent=parent,
    )
    assert attention.is_orphan(row) is orphan
    assert Objective.objects.filter(attention.orphan_q(), pk=row.pk).exists() is orphan


def test_week_turns_at_midnight_in_the_organization_zone():
    org = factories.OrganizationFactory.build(timezone="America/New_York")
    sunday_late = dt.datetime(2026, 11, 29, 23, 59, tzinfo=NEW_YORK)  # UTC: Monday 04:59
    monday = dt.datetime(2026, 11, 30, 0, 0, tzinfo=NEW_YORK)
    assert weeks.iso_week(org, sunday_late) == "2026-W48"
    assert weeks.iso_week(org, monday) == "2026-W49"
    assert weeks.week_start(org, sunday_late) == dt.datetime(2026, 11, 23, tzinfo=NEW_YORK)
    utc_org = factories.OrganizationFactory.build(timezone="UTC")
    assert weeks.iso_week(utc_org, sunday_late) == "2026-W49"  # same instant, another zone


def test_week_across_a_dst_change():
    org = factories.OrganizationFactory.build(timezone="America/New_York")
    # Clocks go back on Sunday 2026-11-01: that Sunday is still the week of Oct 26.
    after_fallback = dt.datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK)
    assert weeks.iso_week(org, after_fallback) == "2026-W44"
    start, end = weeks.last_complete_week(org, dt.datetime(2026, 11, 4, tzinfo=NEW_YORK))
    assert start == dt.datetime(2026, 10, 26, tzinfo=NEW_YORK)
    assert end == dt.datetime(2026, 11, 2, tzinfo=NEW_YORK)
    elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(days=7, hours=1)  # a 169-hour week, still one week


def test_naive_instants_mean_utc():
    org = factories.OrganizationFactory.build(timezone="Asia/Tokyo")
    assert weeks.iso_week(org, dt.datetime(2026, 11, 29, 16, 0)) == "2026-W49"  # Mon 01:00 JST


def test_unit_subtree_walks_down_and_survives_a_cycle():
    edges = [(1, None), (2, 1), (3, 2), (4, None), (5, 3), (3, 5)]
    assert subtree_ids(edges, [2]) == {2, 3, 5}
    assert subtree_ids(edges, []) == set()
    assert subtree_ids(edges, [4]) == {4}
