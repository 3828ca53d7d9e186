"""Progress roll-up: KR progress from its values, objective progress up the alignment chain.

The math lives in okrs/rules/progress.py; this module only loads the numbers and stores the results.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from okrs.models import Cycle, KeyResult, Objective
from okrs.rules import progress as math
from okrs.services import health_tally


def recompute_key_result(kr: KeyResult) -> float:
    """Set `kr.progress` from its metric and values (in memory; the caller saves)."""
    kr.progress = math.key_result_progress(
        kr.metric_type, kr.start_value, kr.target_value, kr.current_value
    )
    return kr.progress


def _plan_date(cycle: Cycle, now: dt.datetime | None) -> dt.date:
    """The date the linear plan is measured on: today in the org's zone, within the cycle."""
    if cycle.status == Cycle.Status.CLOSED:
        return cycle.end_date
    now = now or timezone.now()
    return timezone.localtime(now, cycle.organization.tzinfo).date()


def _kr_confidence(pairs: list[tuple[float, float, int]]) -> float | None:
    """Weighted mean confidence of the KRs (`progress.mean_confidence`); None without KRs."""
    return math.mean_confidence((w, c) for _p, w, c in pairs)


def apply_status(
    objective: Objective, confidence: float | None, on: dt.date, *, kr_count: int, child_count: int
) -> None:
    """Derive the status (an override, when set, wins). Nothing to measure: not started."""
    cycle = objective.cycle
    if not math.has_progress_items(kr_count, child_count, objective.rollup):
        derived = math.NOT_STARTED
    else:
        expected = math.expected_progress(cycle.start_date, cycle.end_date, on)
        derived = math.derive_status(objective.progress, expected, confidence)
    objective.status = objective.status_override or derived


def _progress(objective: Objective, pairs, children) -> float:
    return math.objective_progress(
        [(p, w) for p, w, _c in pairs], children, rollup=objective.rollup
    )


# Ids of an objective and its ancestors in one cycle, walked up from the objective (one
# recursive CTE over the chain itself, not over the cycle). Which of them are live is the
# default manager's filter (`okrs.models.live_q`) on the outer query: trashing an objective
# unaligns its children, so a live chain never passes through the trash. The depth cap only
# bounds a chain corrupted into a loop around the service; real chains are at most
# MAX_ALIGNMENT_DEPTH long.
_CHAIN_CAP = 1000
_CHAIN_SQL = """
    WITH RECURSIVE up (id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM okrs_objective
        WHERE id = %s AND organization_id = %s AND cycle_id = %s
        UNION
        SELECT o.id, o.parent_id, up.depth + 1 FROM okrs_objective o JOIN up ON o.id = up.parent_id
        WHERE o.organization_id = %s AND o.cycle_id = %s AND up.depth < %s
    ) SELECT id FROM up
"""


def _lock_chain(objective: Objective) -> list[Objective]:
    """The objective and its ancestors, root first, read and row-locked in one query (locks
    taken in id order, so two roll-ups never deadlock)."""
    org, cycle = objective.organization_id, objective.cycle_id
    params = (objective.pk, org, cycle, org, cycle, _CHAIN_CAP)
    rows = {
        o.pk: o
        for o in Objective.objects.select_for_update(of=("self",))
        .filter(organization_id=org, pk__in=RawSQL(_CHAIN_SQL, params))
        .select_related("cycle__organization", "owner")
        .order_by("pk")
    }
    chain, seen, node = [], set(), rows.get(objective.pk)
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        parent = rows.get(node.parent_id)
        if parent is not None:
            node.parent = parent  # linked in memory: walking up the chain costs no query
        node = parent
    chain.reverse()
    return chain


def _chain_inputs(organization_id: int, chain_ids: list[int]):
    """KRs of the chain (progress, weight, confidence) and the chain's children (progress),
    in one query (UNION ALL)."""
    krs = (
        KeyResult.objects.filter(organization_id=organization_id, objective_id__in=chain_ids)
        .annotate(kind=Value(0))
        .values_list("kind", "objective_id", "id", "progress", "weight", "confidence")
        .order_by()
    )
    kids = (
        Objective.objects.filter(organization_id=organization_id, parent_id__in=chain_ids)
        .annotate(
            kind=Value(1),
            no_weight=Value(Decimal(0), output_field=DecimalField(max_digits=6, decimal_places=2)),
            no_confidence=Value(0),
        )
        .values_list("kind", "parent_id", "id", "progress", "no_weight", "no_confidence")
        .order_by()
    )
    return krs.union(kids, all=True)


def recompute_objective_chain(objective: Objective | None, *, now: dt.datetime | None = None):
    """Recompute progress and status of `objective` and each of its ancestors.

    Only the ancestor chain moves (incremental), in the caller's transaction. Four statements
    whatever the depth: the chain read and locked (one recursive CTE over the chain), the KRs
    and children of the chain (one UNION ALL), one bulk update, and the chain's units'
    health tallies invalidated (one upsert). Returns the chain, root first,
    each node's `parent` linked to the loaded ancestor.
    """
    if objective is None:
        return []
    # Locked before its KRs and children are read, so two check-ins on sibling KRs serialize
    # here: the second reads the first's committed values instead of overwriting the parent
    # with a stale mean (a lost update).
    chain = _lock_chain(objective)
    if not chain:
        return []
    chain_ids = [o.pk for o in chain]
    krs = defaultdict(list)
    children: dict[int, dict[int, float]] = defaultdict(dict)
    for kind, owner_id, row_id, prog, weight, conf in _chain_inputs(
        objective.organization_id, chain_ids
    ):
        if kind == 0:
            krs[owner_id].append((prog, weight, conf))
        else:
            children[owner_id][row_id] = prog
    on = _plan_date(chain[-1].cycle, now)
    # Bottom-up: each ancestor sees its child's fresh progress.
    for node in reversed(chain):
        pairs = krs[node.pk]
        kids = list(children[node.pk].values())
        node.progress = _progress(node, pairs, kids)
        apply_status(node, _kr_confidence(pairs), on, kr_count=len(pairs), child_count=len(kids))
        if node.parent_id is not None:
            children[node.parent_id][node.pk] = node.progress
    Objective.objects.bulk_update(chain, ["progress", "status"])
    # Every write to OKRs ends here (or in `recompute_cycle`): the units of the chain hold
    # the changed objectives, key results and check-ins; their health tallies are stale now.
    health_tally.invalidate(objective.organization_id, [(o.cycle_id, o.unit_id) for o in chain])
    if objective.pk == chain[-1].pk:
        objective.progress, objective.status = chain[-1].progress, chain[-1].status
    return chain


def recompute_cycle(cycle: Cycle, *, now: dt.datetime | None = None) -> None:
    """Recompute every KR and objective of a cycle, leaves first (seeding, copying, closing)."""
    objectives = list(Objective.objects.filter(organization_id=cycle.organization_id, cycle=cycle))
    key_results = list(
        KeyResult.objects.filter(organization_id=cycle.organization_id, objective__cycle=cycle)
    )
    for kr in key_results:
        recompute_key_result(kr)
    KeyResult.objects.bulk_update(key_results, ["progress"], batch_size=500)
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in key_results:
        by_objective[kr.objective_id].append(kr)
    recompute_objectives_in_memory(objectives, by_objective, cycle, now=now)
    Objective.objects.bulk_update(objectives, ["progress", "status"], batch_size=500)
    health_tally.invalidate_cycle(cycle)


def recompute_objectives_in_memory(
    objectives: Iterable[Objective],
    krs_by_objective: dict[int, list[KeyResult]],
    cycle: Cycle,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Leaves-first progress and status for a set of objectives of one cycle (no queries
    beyond `cycle.organization`)."""
    objectives = list(objectives)
    by_id = {o.pk: o for o in objectives}
    kids: dict[int, list[Objective]] = defaultdict(list)
    for o in objectives:
        if o.parent_id in by_id:
            kids[o.parent_id].append(o)
    on = _plan_date(cycle, now)
    done: set[int] = set()

    def visit(o: Objective, path: frozenset[int]) -> None:
        if o.pk in done or o.pk in path:
            return
        for child in kids[o.pk]:
            visit(child, path | {o.pk})
        pairs = [(kr.progress, kr.weight, kr.confidence) for kr in krs_by_objective[o.pk]]
        o.progress = _progress(o, pairs, [c.progress for c in kids[o.pk]])
        o.cycle = cycle
        apply_status(o, _kr_confidence(pairs), on, kr_count=len(pairs), child_count=len(kids[o.pk]))
        done.add(o.pk)

    for o in objectives:
        visit(o, frozenset())
