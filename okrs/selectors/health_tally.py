"""Health tallies: the health counts of each unit's own objectives, kept between reads.

The health summary of a whole company used to aggregate every objective and key result of the
cycle on each read (≈80 ms of SQL at 44,000 key results). Now each count is defined here once
(`count_by_unit`, SQL aggregates grouped by unit and privacy) and its result is stored per
(cycle, unit, public/private) in `HealthTally`; a report sums a row per unit of its scope and
counts only what no stored row answers.

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

from django.db import DatabaseError, connection, transaction
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

from accounts.models import OrgUnit
from okrs.models import Cycle, HealthTally, KeyResult, Objective, Status
from okrs.rules import attention, weeks

logger = logging.getLogger(__name__)

MAX_AGE = dt.timedelta(hours=1)
COMPANY = 0  # the unit key of objectives without a unit (company-level ones)
_ROWS_PER_INSERT = 500  # a multi-row VALUES (≈20 parameters a row; SQLite allows 32,766)
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


def read(
    *,
    organization_id: int,
    cycle: Cycle,
    unit_keys: set[int],
    whole_cycle: bool,
    week: str,
    now: dt.datetime,
) -> dict[Key, Counts]:
    """Tallies of every objective (public and private) of these units in the cycle: the stored
    rows still valid, the rest counted now (one grouped pass over those units only) and
    stored. `whole_cycle`: `unit_keys` are all the units (and COMPANY) — no filter needed."""
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
        return found
    counted = _count_units(organization_id, cycle, missing, whole_cycle, week, now)
    _store(organization_id, cycle, counted, seen_generation, week, now)
    for key, (counts, _expires) in counted.items():
        found[key] = counts
    return found


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


_COLUMNS = (
    "organization_id",
    "cycle_id",
    "unit_key",
    "private",
    "generation",
    "valid",
    "week",
    "computed_at",
    "expires_at",
    *FIELDS,
)


def _upsert(rows: list[tuple], on_conflict: str, *, pipelined: bool = False) -> None:
    """INSERT … ON CONFLICT (cycle, unit, private) DO UPDATE: as one multi-row statement per
    `_ROWS_PER_INSERT` rows, or (`pipelined`, for the thousands of a recount) one row per
    parameter set through `executemany`, which psycopg pipelines — binding one 2,000-row
    VALUES took longer than running it."""
    table = connection.ops.quote_name(HealthTally._meta.db_table)
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    head = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES "
    tail = f" ON CONFLICT (cycle_id, unit_key, private) DO UPDATE SET {on_conflict}"
    with connection.cursor() as cursor:
        if pipelined:
            cursor.executemany(head + one + tail, rows)
            return
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            batch = rows[start : start + _ROWS_PER_INSERT]
            cursor.execute(
                head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row]
            )


def _when(value: dt.datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def _store(organization_id, cycle, counted, seen_generation, week, now) -> None:
    """Store fresh counts, unless a writer invalidated the row since it was read."""
    table = connection.ops.quote_name(HealthTally._meta.db_table)
    rows = [
        (
            organization_id,
            cycle.pk,
            unit_key,
            private,
            seen_generation.get((unit_key, private), 0),
            True,
            week,
            _when(now),
            _when(expires),
            *counts,
        )
        for (unit_key, private), (counts, expires) in sorted(counted.items())
    ]
    update = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[5:])
    try:
        with transaction.atomic():
            _upsert(
                rows, f"{update} WHERE {table}.generation = EXCLUDED.generation", pipelined=True
            )
    except DatabaseError:
        # A cache write never fails the page: a deadlock with a writer, the cycle deleted
        # meanwhile (its foreign key, checked at commit)… The counts served are right; they
        # are just counted again next time.
        logger.warning("health tallies of cycle %s not stored", cycle.pk, exc_info=True)


def invalidate(organization_id: int, pairs: Iterable[tuple[int, int | None]]) -> None:
    """Distrust the tallies of these (cycle id, unit id or None) from now on — call it in the
    transaction that changes their objectives, key results or check-ins (one statement)."""
    keys = sorted({(cycle_id, unit_id or COMPANY) for cycle_id, unit_id in pairs})
    if not keys:
        return
    table = connection.ops.quote_name(HealthTally._meta.db_table)
    zeros = tuple(0 for _ in FIELDS)
    rows = [
        (organization_id, cycle_id, unit_key, private, 1, False, "", None, None, *zeros)
        for cycle_id, unit_key in keys
        for private in (False, True)
    ]
    _upsert(rows, f"generation = {table}.generation + 1, valid = EXCLUDED.valid")


def invalidate_objectives(organization_id: int, objective_ids: Iterable[int]) -> None:
    """`invalidate` the units of these objectives (trashed ones included)."""
    ids = sorted(set(objective_ids))
    if ids:
        pairs = (
            Objective.all_objects.filter(organization_id=organization_id, pk__in=ids)
            .values_list("cycle_id", "unit_id")
            .distinct()
        )
        invalidate(organization_id, list(pairs))


def invalidate_cycle(cycle: Cycle) -> None:
    """`invalidate` every unit of the cycle (a whole-cycle recompute: closing, copying)."""
    units = OrgUnit.objects.filter(organization_id=cycle.organization_id).values_list(
        "id", flat=True
    )
    invalidate(cycle.organization_id, [(cycle.pk, None), *((cycle.pk, u) for u in units)])
