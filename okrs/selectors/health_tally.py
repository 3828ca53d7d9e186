"""Health tallies: the health counts of each unit's own objectives, kept between reads.

Each count is defined here once (`count_by_unit`, SQL aggregates grouped by unit and privacy)
and its result is kept per (cycle, unit, public/private) in `HealthTally`, so a report sums a
row per unit of its scope and counts only what no stored row answers — a company's health
does not aggregate its whole cycle on every read. The writes (invalidation, storing a
recount) are `okrs.services.health_tally`.

A stored row is trusted while all of these hold:
- no write touched the unit's objectives since it was counted: every service that changes an
  objective, a key result or a check-in calls `invalidate` in its own transaction (the roll-up
  does, for the whole chain it recomputes; `tests/okrs/test_health_tally.py` walks the
  services and compares with a fresh count);
- it was counted this ISO week (`checked_in` is "checked in this week");
- it is before `expires_at`: the moment the first counted key result turns stale by time alone
  (`attention.turns_stale_at`), and at most `MAX_AGE` after counting — a bound on any write
  path that forgot to invalidate.

Races: a writer bumps `generation` (inserting the row if there is none); a reader stores its
count only if the generation is still the one it read before counting (`INSERT … ON CONFLICT
… DO UPDATE … WHERE generation = excluded.generation`), so a count that may predate a write is
never stored as valid. The rows are PostgreSQL-row-level-secured like every tenant table.

Visibility stays the one rule (`okrs.rules.visibility`): rows hold every objective, split public /
private; a reader sums the public rows (`sees_public`), the private rows only if they see every
private objective (`sees_every_private`), and otherwise counts the private ones they may see
live (`visible_private_objectives_q`: few rows, a partial index).
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)

from okrs.models import Cycle, HealthTally, KeyResult, Objective, Status
from okrs.rules import attention, weeks

logger = logging.getLogger(__name__)

MAX_AGE = dt.timedelta(hours=1)
COMPANY = 0  # the unit key of objectives without a unit (company-level ones)
_COUNT_WHOLE_CYCLE_FROM = 500  # units to recount: from here one pass over the cycle beats IN

STATUS_FIELDS = {
    Status.NOT_STARTED: "not_started",
    Status.ON_TRACK: "on_track",
    Status.AT_RISK: "at_risk",
    Status.OFF_TRACK: "off_track",
}
assert set(STATUS_FIELDS) == set(Status.values), "every status needs a tally column"


def without_key_results_q(organization_id: int) -> Q:
    return ~Exists(
        KeyResult.objects.filter(organization_id=organization_id, objective_id=OuterRef("pk"))
    )


@dataclass
class Tally:
    """Health counts of a set of objectives (and their live key results)."""

    objectives: int = 0
    progress_sum: float = 0.0
    without_key_results: int = 0
    orphans: int = 0
    not_started: int = 0
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    key_results: int = 0
    checked_in: int = 0
    stale: int = 0
    low_confidence: int = 0

    def status_counts(self) -> dict[str, int]:
        return {s: getattr(self, f) for s, f in STATUS_FIELDS.items() if getattr(self, f)}


FIELDS = tuple(f.name for f in fields(Tally))
# A tally while it is summed: its FIELDS as a plain tuple (thousands per report — cheaper to
# make, add and collect than objects).
Counts = tuple
ZERO: Counts = (0,) * len(FIELDS)
Key = tuple[int, bool]  # (unit key, private)


def plus(a: Counts | None, b: Counts) -> Counts:
    return b if a is None else tuple(map(operator.add, a, b))


def count_by_unit(
    objectives: QuerySet,
    key_results: QuerySet,
    *,
    organization_id: int,
    week: str,
    now: dt.datetime,
    whole_cycle: bool,
) -> tuple[dict[Key, Counts], dict[Key, dt.datetime]]:
    """The health counts of these objectives and key results (already scoped and filtered),
    per (unit key, private): two grouped aggregates, sent as one query (`UNION ALL`, each
    branch filling the other's columns with zeros). Also, per key, when the first key result
    counted as not stale turns stale.

    "Checked in this week" is `weeks.checked_in_q`, hashed once when counting the whole cycle
    and an index probe per key result for a unit's few (docs/benchmarks.md, health).
    """
    zero, nothing = Value(0), Value(None, output_field=DateTimeField())
    objective_counts = {
        "objectives": Count("pk"),
        "progress_sum": Sum("progress"),
        "without_key_results": Count("pk", filter=without_key_results_q(organization_id)),
        "orphans": Count("pk", filter=attention.orphan_q()),
        **{f: Count("pk", filter=Q(status=s)) for s, f in STATUS_FIELDS.items()},
    }
    checked_in = weeks.checked_in_q(organization_id=organization_id, week=week, hashed=whole_cycle)
    stale = attention.stale_q(now)
    kr_counts = {
        "key_results": Count("pk"),
        "checked_in": Count("pk", filter=checked_in),
        "stale": Count("pk", filter=stale),
        "low_confidence": Count("pk", filter=attention.low_confidence_q()),
    }
    columns = ("group_unit", "group_visibility", *FIELDS, "oldest_fresh")
    objective_rows = (
        objectives.order_by()
        .values(group_unit=F("unit_id"), group_visibility=F("visibility"))
        .annotate(
            **objective_counts,
            **{name: zero for name in kr_counts},
            oldest_fresh=nothing,
        )
        .values_list(*columns)
    )
    kr_rows = (
        key_results.order_by()
        .values(group_unit=F("objective__unit_id"), group_visibility=F("objective__visibility"))
        .annotate(
            **{name: zero for name in objective_counts},
            **kr_counts,
            oldest_fresh=Min(attention.last_activity_expression(), filter=~stale),
        )
        .values_list(*columns)
    )
    tallies: dict[Key, Counts] = {}
    turns_stale: dict[Key, dt.datetime] = {}
    for unit_id, visibility, *counts, oldest_fresh in objective_rows.union(kr_rows, all=True):
        key = _key(unit_id, visibility)
        tallies[key] = plus(tallies.get(key), tuple(c or 0 for c in counts))
        if oldest_fresh is not None:
            turns_stale[key] = attention.turns_stale_at(oldest_fresh)
    return tallies, turns_stale


def _key(unit_id: int | None, visibility: str) -> Key:
    return (unit_id or COMPANY, visibility == Objective.Visibility.PRIVATE)


@dataclass
class Recount:
    """Counts a read made because no stored tally answered, for
    `okrs.services.health_tally.store` to keep: per key (counts, when they expire), and the
    generation of each row when it was read (a writer bumped since: not stored)."""

    organization_id: int
    cycle: Cycle
    counted: dict[Key, tuple[Counts, dt.datetime]]
    seen_generation: dict[Key, int]
    week: str
    now: dt.datetime


def read(
    *,
    organization_id: int,
    cycle: Cycle,
    unit_keys: set[int],
    whole_cycle: bool,
    week: str,
    now: dt.datetime,
) -> tuple[dict[Key, Counts], Recount | None]:
    """Tallies of every objective (public and private) of these units in the cycle: the stored
    rows still valid, the rest counted now (one grouped pass over those units only), and the
    `Recount` to store (None when every stored row answered). `whole_cycle`: `unit_keys` are
    all the units (and COMPANY) — no filter needed."""
    stored = HealthTally.objects.filter(organization_id=organization_id, cycle=cycle)
    if not whole_cycle:
        stored = stored.filter(unit_key__in=sorted(unit_keys))
    # Judged in SQL: a thousand rows' timestamps parsed in Python cost more than the query.
    fresh = Q(valid=True, week=week, computed_at__lte=now, expires_at__gt=now)
    found: dict[Key, Counts] = {}
    seen_generation: dict[Key, int] = {}
    for row in stored.values_list(
        "unit_key", "private", "generation", ExpressionWrapper(fresh, BooleanField()), *FIELDS
    ):
        key = (row[0], row[1])
        seen_generation[key] = row[2]
        if row[3]:
            found[key] = row[4:]
    missing = sorted(u for u in unit_keys if (u, False) not in found or (u, True) not in found)
    if not missing:
        return found, None
    counted = _count_units(organization_id, cycle, missing, whole_cycle, week, now)
    for key, (counts, _expires) in counted.items():
        found[key] = counts
    return found, Recount(organization_id, cycle, counted, seen_generation, week, now)


def _count_units(organization_id, cycle, unit_keys, whole_cycle, week, now):
    objectives = Objective.objects.filter(organization_id=organization_id, cycle=cycle)
    key_results = KeyResult.objects.filter(
        organization_id=organization_id, objective__cycle=cycle, objective__deleted_at__isnull=True
    )
    everything = whole_cycle and len(unit_keys) >= _COUNT_WHOLE_CYCLE_FROM
    if not everything:
        objectives = objectives.filter(_units_q(unit_keys))
        key_results = key_results.filter(_units_q(unit_keys, "objective__"))
    tallies, turns_stale = count_by_unit(
        objectives,
        key_results,
        organization_id=organization_id,
        week=week,
        now=now,
        whole_cycle=everything,
    )
    cap = now + MAX_AGE
    counted = {}
    for unit_key in unit_keys:
        for private in (False, True):
            key = (unit_key, private)
            expires = min(turns_stale.get(key, cap), cap)
            counted[key] = (tallies.get(key, ZERO), expires)
    return counted


def _units_q(unit_keys: Iterable[int], prefix: str = "") -> Q:
    """Objectives (via `prefix`) of these unit keys."""
    keys = set(unit_keys)
    units = Q(**{f"{prefix}unit_id__in": sorted(keys - {COMPANY})})
    if COMPANY in keys:
        units |= Q(**{f"{prefix}unit__isnull": True})
    return units
