"""Facts about a cycle: its dates in the organization's zone, and what copying its
unfinished OKRs carries over (pure: no queries)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from okrs.models import Cycle


def local_today(cycle: Cycle, now: dt.datetime | None = None) -> dt.date:
    """Today in the cycle's organization's zone."""
    return timezone.localtime(now or timezone.now(), cycle.organization.tzinfo).date()


def starts_later(cycle: Cycle, now: dt.datetime | None = None) -> bool:
    """The cycle's start date is still ahead: activating it now opens check-ins early (a
    key result is due for a check-in from the week its cycle is activated)."""
    return local_today(cycle, now) < cycle.start_date


def days_until_start(cycle: Cycle, now: dt.datetime | None = None) -> int:
    return (cycle.start_date - local_today(cycle, now)).days


# --- copying unfinished OKRs into the next cycle --------------------------------------------


def unfinished_q() -> Q:
    """What "copy unfinished OKRs" carries over: objectives (and key results) not yet done."""
    return Q(progress__lt=1)


def copy_key(objective) -> tuple[str, int, str]:
    """An objective already in the target cycle with the same title, owner and level is the
    copy of the source one: copying again skips it."""
    return (objective.title, objective.owner_id, objective.level)
