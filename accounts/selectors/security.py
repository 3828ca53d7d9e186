"""Reading the security log (organization admins: page and API)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organization, SecurityEvent


def events_for_org(
    *,
    organization: Organization,
    kind: str = "",
    person: Membership | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[SecurityEvent]:
    """The organization's events, newest first; optionally of one kind, by or about one
    person (their seat acted, or their account is concerned), within days (inclusive, in
    the organization's time zone). People loaded in the same query."""
    events = SecurityEvent.objects.filter(organization=organization).select_related(
        "actor__user", "user"
    )
    if kind:
        events = events.filter(kind=kind)
    if person is not None:
        events = events.filter(Q(actor=person) | Q(user_id=person.user_id))
    zone = organization.tzinfo
    start = _midnight(since, zone) if since is not None else None
    if start is not None:
        events = events.filter(created_at__gte=start)
    end = _midnight(until, zone, days_later=1) if until is not None else None
    if end is not None:
        events = events.filter(created_at__lt=end)
    return events.order_by("-created_at", "-id")


def _midnight(day: dt.date, zone, *, days_later: int = 0) -> dt.datetime | None:
    """Midnight at the start of `day` (+ days) in `zone`, as UTC; None past either end of the
    calendar (9999-12-31 + 1 day, midnight of year 1 east of UTC): the range is then open on
    that side, which is what such a bound means."""
    try:
        local = dt.datetime.combine(day + dt.timedelta(days=days_later), dt.time.min, tzinfo=zone)
        return local.astimezone(dt.UTC)
    except OverflowError:
        return None


def member_choices(*, organization: Organization) -> QuerySet[Membership]:
    """Everyone who holds or held a seat (a deactivated member's events still matter)."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def detail_lines(detail: dict) -> list[str]:
    """The detail as short readable lines: "role: member → admin", "fields: name, timezone"."""
    lines = []
    for key, value in (detail or {}).items():
        label = str(key).replace("_", " ")
        if isinstance(value, list) and len(value) == 2 and key not in ("fields",):
            text = f"{_text(value[0])} → {_text(value[1])}"
        elif isinstance(value, list):
            text = ", ".join(_text(v) for v in value)
        elif isinstance(value, dict):
            text = "; ".join(
                f"{k}: {_text(v[0])} → {_text(v[1])}"
                if isinstance(v, list) and len(v) == 2
                else f"{k}: {_text(v)}"
                for k, v in value.items()
            )
        else:
            text = _text(value)
        lines.append(f"{label}: {text}")
    return lines


def _text(value) -> str:
    return "—" if value is None or value == "" else str(value)
