"""When is an organization due? Pure time math (zoneinfo), no ORM.

The ISO week itself is `okrs.rules.weeks` (one definition for the whole product).

The dispatcher runs at minute 0 of every UTC hour. An organization is due when the
dispatcher's instant falls in the one-hour window that starts at its local check-in time:
`[start, start + 1h)` where `start` is the local `checkin_hour:00` on `checkin_weekday`
converted to UTC. Working in UTC instants (not local wall-clock hours) makes DST safe:

- a local hour skipped by a spring-forward (02:00 in New York in March) still maps to one
  UTC instant (zoneinfo resolves the missing wall time with the pre-transition offset), so
  the window exists and fires exactly once;
- a local hour repeated by a fall-back (01:00 in New York in November) is the first
  occurrence only (fold=0); the second pass does not match, and the NotificationLog
  unique constraint would stop a second send anyway;
- zones with a half-hour offset (Asia/Kolkata) get the first UTC hour mark inside the
  local hour (09:30 local for a 09:00 check-in).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from accounts.models import zone_for
from okrs.rules.weeks import iso_week_of

REMINDER = "reminder"
FOLLOWUP = "followup"
DIGEST_KINDS = ("digest_owner", "digest_lead", "digest_executive", "digest_champion")
WINDOW = timedelta(hours=1)


def local_start(tz: zoneinfo.ZoneInfo, day: date, hour: int) -> datetime:
    """UTC instant of `hour:00` local on `day` (fold=0: first occurrence / pre-gap offset)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def window_day(tz: zoneinfo.ZoneInfo, now: datetime, weekday: int, hour: int) -> date | None:
    """The local day whose `weekday` `hour:00` window contains `now`, else None."""
    local_today = now.astimezone(tz).date()
    for offset in (-1, 0, 1):
        day = local_today + timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        start = local_start(tz, day, hour)
        if start <= now < start + WINDOW:
            return day
    return None


@dataclass
class DueSlot:
    """What an organization should send at this dispatch: kinds per ISO-week period."""

    period: str
    kinds: list[str] = field(default_factory=list)


def digest_due(cadence: str, day: date) -> bool:
    """Weekly: every check-in day; biweekly: even ISO weeks; off: never."""
    if cadence == "weekly":
        return True
    if cadence == "biweekly":
        return day.isocalendar()[1] % 2 == 0
    return False


def due_slot(
    *,
    timezone_name: str,
    checkin_weekday: int,
    checkin_hour: int,
    followup_weekday: int | None,
    digest_cadence: str,
    now: datetime,
) -> DueSlot | None:
    """Which kinds are due for an organization with these settings at instant `now`."""
    tz, _valid = zone_for(timezone_name)
    hour = min(max(int(checkin_hour), 0), 23)
    day = window_day(tz, now, checkin_weekday, hour)
    if day is not None:
        kinds = [REMINDER]
        if digest_due(digest_cadence, day):
            kinds.extend(DIGEST_KINDS)
        return DueSlot(period=iso_week_of(day), kinds=kinds)
    if followup_weekday is not None and followup_weekday != checkin_weekday:
        day = window_day(tz, now, followup_weekday, hour)
        if day is not None:
            return DueSlot(period=iso_week_of(day), kinds=[FOLLOWUP])
    return None


def parse_now(value: str | datetime | None) -> datetime:
    """An aware UTC datetime from an ISO string / datetime / None (= now). Naive means UTC."""
    if value is None:
        return datetime.now(UTC)
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC)
