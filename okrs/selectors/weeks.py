"""ISO weeks in an organization's time zone (the key of the one-check-in-per-week rule)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Organization


def iso_week(organization: Organization, at: dt.datetime | None = None) -> str:
    """The ISO week of `at` (default now) in the org's zone, e.g. "2026-W48"."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    year, week, _ = timezone.localtime(at, organization.tzinfo).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(organization: Organization, at: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 (org zone) of the week containing `at`, as an aware datetime."""
    local = timezone.localtime(at or timezone.now(), organization.tzinfo)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time.min, tzinfo=organization.tzinfo)
