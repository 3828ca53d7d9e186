"""The check-in week — the one place that says which ISO week an instant belongs to.

A week is the ISO week (Monday 00:00 to Sunday 24:00) in the organization's time zone. It keys
the one-check-in-per-week rule, "checked in this week" on every page, the health rates, the
reminders' period and the digests' comparison. `notifications.schedule` reuses the zone-based
forms below; nothing else computes a week.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from okrs.models import CheckIn, KeyResult


def _aware(at: dt.datetime | None) -> dt.datetime:
    at = at or timezone.now()
    return timezone.make_aware(at, dt.UTC) if timezone.is_naive(at) else at


def iso_week_of(day: dt.date) -> str:
    """ "2026-W48" for a calendar day."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week_in(tz: zoneinfo.ZoneInfo, at: dt.datetime | None = None) -> str:
    """The ISO week of instant `at` (default now; naive means UTC) seen in zone `tz`."""
    return iso_week_of(_aware(at).astimezone(tz).date())


def week_start_in(tz: zoneinfo.ZoneInfo, at: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 in zone `tz` of the ISO week containing `at`, as an aware datetime."""
    local = _aware(at).astimezone(tz).date()
    monday = local - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time.min, tzinfo=tz)


def iso_week(organization: Organization, at: dt.datetime | None = None) -> str:
    """The ISO week of `at` (default now) in the organization's zone, e.g. "2026-W48"."""
    return iso_week_in(organization.tzinfo, at)


def week_start(organization: Organization, at: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 (organization's zone) of the week containing `at`."""
    return week_start_in(organization.tzinfo, at)


def last_complete_week(
    organization: Organization, at: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the last full week before the one containing `at` (org zone)."""
    end = week_start(organization, at)
    start = dt.datetime.combine(
        end.date() - dt.timedelta(days=7), dt.time.min, tzinfo=organization.tzinfo
    )
    return start, end


# --- "checked in this week": a key result has a check-in keyed to that ISO week ------------


def week_check_ins(*, organization_id: int, week: str) -> QuerySet[CheckIn]:
    """The organization's check-ins of one ISO week (indexed by organization, week, KR)."""
    return CheckIn.objects.filter(organization_id=organization_id, week=week)


def checked_in_q(*, organization_id: int, week: str, hashed: bool = False) -> Q:
    """On key result rows: it has a check-in in `week`. `hashed`: one `IN` over the week's
    check-ins, the cheaper plan when the filter runs over a whole cycle; otherwise an index
    probe per key result, the cheaper plan for a few of them."""
    this_week = week_check_ins(organization_id=organization_id, week=week)
    if hashed:
        return Q(pk__in=this_week.values("key_result_id"))
    return Q(Exists(this_week.filter(key_result_id=OuterRef("pk"))))


def checked_in_during(kr: KeyResult, organization: Organization, week: str) -> bool:
    """`checked_in_q` for a loaded key result: its latest check-in (`last_check_in_at`, kept by
    the check-in service) falls in `week`."""
    return kr.last_check_in_at is not None and iso_week(organization, kr.last_check_in_at) == week
