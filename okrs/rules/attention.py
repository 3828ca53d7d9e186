"""What "needs attention" means — each definition once, in both forms (Python and SQL).

Health, the API's `?stale=` filter, digests and reminders all ask here. Tests pin the edges
(tests/okrs/test_definitions.py).

- **Stale**: no activity for `STALE_AFTER` or longer, where activity is the last check-in or,
  for a key result never checked in, its creation. A key result created yesterday is not stale.
- **Low confidence**: the latest confidence is `LOW_CONFIDENCE` or less on the 0–10 scale.
- **Orphan** (unaligned): an objective below company level aligned to nothing.
- **Due in a week**: a key result owes a check-in for a week only if it existed, in an active
  cycle, during that week (created before the week ended, in a cycle activated before then).
- **Risk severity**: likelihood × impact (1–9) is high from `HIGH_RISK`, medium from
  `MEDIUM_RISK`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.db.models.functions import Coalesce

from okrs.models import Cycle, KeyResult, Level, Objective

STALE_AFTER = dt.timedelta(days=14)
STALE_AFTER_TEXT = f"{STALE_AFTER.days} days"
LOW_CONFIDENCE = 4
HIGH_RISK = 6
MEDIUM_RISK = 3


def risk_severity(score: int) -> str:
    """ "high", "medium" or "low" for a risk's score (likelihood × impact, 1–9)."""
    if score >= HIGH_RISK:
        return "high"
    return "medium" if score >= MEDIUM_RISK else "low"


def stale_cutoff(now: dt.datetime) -> dt.datetime:
    """Activity strictly before this instant is stale."""
    return now - STALE_AFTER


def turns_stale_at(activity: dt.datetime) -> dt.datetime:
    """The instant after which a key result last active at `activity` is stale (`is_stale`:
    the cutoff is strict, so at exactly this instant it is not stale yet)."""
    return activity + STALE_AFTER


def last_activity(kr: KeyResult) -> dt.datetime:
    return kr.last_check_in_at or kr.created_at


def last_activity_expression(prefix: str = "") -> Coalesce:
    """`last_activity` as an annotation (the same definition, in SQL)."""
    return Coalesce(F(f"{prefix}last_check_in_at"), F(f"{prefix}created_at"))


def is_stale(kr: KeyResult, now: dt.datetime) -> bool:
    return last_activity(kr) < stale_cutoff(now)


def was_stale(activity: dt.datetime, at: dt.datetime) -> bool:
    """`is_stale` as of instant `at`, for a key result whose last activity by then was
    `activity` (its latest check-in before `at`, or its creation)."""
    return activity < stale_cutoff(at)


def stale_q(now: dt.datetime, prefix: str = "") -> Q:
    """The same as `is_stale`, as a filter on KeyResult (or via `prefix`)."""
    cutoff = stale_cutoff(now)
    return Q(**{f"{prefix}last_check_in_at__lt": cutoff}) | Q(
        **{f"{prefix}last_check_in_at__isnull": True, f"{prefix}created_at__lt": cutoff}
    )


def is_low_confidence(kr: KeyResult) -> bool:
    return confidence_is_low(kr.confidence)


def confidence_is_low(confidence: int | None) -> bool:
    """The low-confidence rule for a reading (None: no reading, not low)."""
    return confidence is not None and confidence <= LOW_CONFIDENCE


def low_confidence_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}confidence__lte": LOW_CONFIDENCE})


def is_orphan(objective: Objective) -> bool:
    return objective.parent_id is None and objective.level != Level.COMPANY


def orphan_q(prefix: str = "") -> Q:
    """The same as `is_orphan`, as a filter on Objective (or via `prefix`)."""
    return Q(**{f"{prefix}parent__isnull": True}) & ~Q(**{f"{prefix}level": Level.COMPANY})


def active_since(cycle: Cycle) -> dt.datetime | None:
    """When check-ins opened in `cycle`: its activation; for an active or closed cycle made
    without the services (seeded), the start of its first day. None while it is planned."""
    if cycle.activated_at is not None:
        return cycle.activated_at
    if cycle.status == Cycle.Status.PLANNING:
        return None
    return dt.datetime.combine(cycle.start_date, dt.time.min, tzinfo=cycle.organization.tzinfo)


def was_due(kr: KeyResult, cycle: Cycle, week_end: dt.datetime) -> bool:
    """Whether `kr` owed a check-in for the week ending at `week_end` (see the module)."""
    opened = active_since(cycle)
    return kr.created_at < week_end and opened is not None and opened < week_end
