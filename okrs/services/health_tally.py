"""Health tallies, the writes: invalidate a unit's stored counts when its OKRs change, and
store the counts a health report made (`okrs.selectors.health_tally` explains the tallies
and counts them; docs/decisions/0007)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction

from accounts.models import OrgUnit
from okrs.models import Cycle, HealthTally, Objective
from okrs.selectors.health_tally import COMPANY, FIELDS, Recount

logger = logging.getLogger(__name__)

_ROWS_PER_INSERT = 500  # a multi-row VALUES (≈20 parameters a row; SQLite allows 32,766)

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


def store(recount: Recount | None) -> None:
    """Store the counts a report made (`selectors.health_tally.Recount`), except for rows a
    writer invalidated since they were read. Never fails the page that counted them."""
    if recount is None:
        return
    organization_id, cycle, week, now = (
        recount.organization_id,
        recount.cycle,
        recount.week,
        recount.now,
    )
    counted, seen_generation = recount.counted, recount.seen_generation
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
