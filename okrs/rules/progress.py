"""Pure progress math: no ORM, no Django. Numbers in, numbers out.

All results are fractions in [0, 1]. Values may be Decimal, int or float.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

INCREASE_TO = "increase_to"
DECREASE_TO = "decrease_to"
STAY_ABOVE = "stay_above"
STAY_BELOW = "stay_below"
MILESTONE = "milestone"

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"

ROLLUP_KEY_RESULTS = "key_results"
ROLLUP_CHILDREN = "children"
ROLLUP_BOTH = "both"
CHILD_WEIGHT = 1  # an aligned child counts like one key result of weight 1

Number = Decimal | int | float


def clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def key_result_progress(metric_type: str, start: Number, target: Number, current: Number) -> float:
    """Progress of one key result.

    - increase_to / decrease_to: the share of the way from start to target, clamped.
      (decrease_to works the same with start > target: 100 → 60, now 80 ⇒ 0.5.)
    - stay_above / stay_below: 1.0 while the condition holds against the target, else 0.0.
    - milestone: 1.0 when current is non-zero (done), else 0.0.
    """
    start, target, current = float(start), float(target), float(current)
    if metric_type == MILESTONE:
        return 1.0 if current != 0 else 0.0
    if metric_type == STAY_ABOVE:
        return 1.0 if current >= target else 0.0
    if metric_type == STAY_BELOW:
        return 1.0 if current <= target else 0.0
    if metric_type in (INCREASE_TO, DECREASE_TO):
        span = target - start
        if span == 0:
            return 1.0 if current == target else 0.0
        return clamp((current - start) / span)
    raise ValueError(f"Unknown metric type: {metric_type!r}")


def weighted_mean(pairs: Iterable[tuple[float, Number]]) -> float:
    """Weighted mean of (progress, weight) pairs; 0 when there is no weight at all."""
    total_weight = 0.0
    total = 0.0
    for value, weight in pairs:
        w = float(weight)
        if w <= 0:
            continue
        total_weight += w
        total += clamp(float(value)) * w
    if total_weight == 0:
        return 0.0
    return clamp(total / total_weight)


def objective_progress(
    key_results: Iterable[tuple[float, Number]],
    children: Iterable[float] = (),
    rollup: str = ROLLUP_BOTH,
) -> float:
    """An objective's progress, by its roll-up choice:

    - `key_results`: the weighted mean of its KRs (aligned children ignored);
    - `children`: the plain mean of its aligned children (KRs ignored);
    - `both`: each aligned child counts as one more item of weight 1 beside the weighted KRs.
    With nothing to average, 0. A child moving up never moves the parent down.
    """
    krs = [(p, w) for p, w in key_results] if rollup != ROLLUP_CHILDREN else []
    kids = [(c, CHILD_WEIGHT) for c in children] if rollup != ROLLUP_KEY_RESULTS else []
    return weighted_mean(krs + kids)


def objectives_progress(
    objectives: Iterable[tuple[int, int | None, str]],
    key_results: dict[int, list[tuple[float, Number]]],
) -> dict[int, float]:
    """Progress of every objective of a set — (id, parent id, roll-up) — from its key
    results' (progress, weight) and its aligned children in the set, leaves first (the same
    `objective_progress` as the roll-up). A loop, should one exist, is cut where it closes."""
    nodes = {pk: (parent, rollup) for pk, parent, rollup in objectives}
    kids: dict[int, list[int]] = {}
    for pk, (parent, _rollup) in nodes.items():
        if parent in nodes:
            kids.setdefault(parent, []).append(pk)
    done: dict[int, float] = {}

    def visit(pk: int, path: frozenset[int]) -> float:
        if pk in done:
            return done[pk]
        children = [visit(c, path | {pk}) for c in kids.get(pk, []) if c not in path]
        done[pk] = objective_progress(key_results.get(pk, []), children, rollup=nodes[pk][1])
        return done[pk]

    for pk in nodes:
        visit(pk, frozenset())
    return done


def mean_confidence(items: Iterable[tuple[Number, int]]) -> float | None:
    """Weighted mean confidence of key results, from (weight, confidence) pairs; a weight of
    0 counts as 1 here (such a KR still matters to how sure the owner is). None without KRs."""
    pairs = [(max(float(w), 0.0) or 1.0, c) for w, c in items]
    if not pairs:
        return None
    return sum(w * c for w, c in pairs) / sum(w for w, _c in pairs)


def has_progress_items(kr_count: int, child_count: int, rollup: str = ROLLUP_BOTH) -> bool:
    """Whether anything feeds the objective's progress (otherwise it is "not started")."""
    if rollup == ROLLUP_KEY_RESULTS:
        return kr_count > 0
    if rollup == ROLLUP_CHILDREN:
        return child_count > 0
    return kr_count + child_count > 0


def expected_progress(start: date, end: date, on: date) -> float:
    """Where a linear plan would be on `on`, for a cycle from start to end."""
    days = (end - start).days
    if days <= 0:
        return 1.0
    return clamp((on - start).days / days)


# How far behind the linear plan (in progress points, 0–1) or how unsure (0–10) an objective
# may be before its status says so.
OFF_TRACK_GAP = 0.25
AT_RISK_GAP = 0.10
OFF_TRACK_CONFIDENCE = 3
AT_RISK_CONFIDENCE = 6


def derive_status(progress: float, expected: float, confidence: float | None = None) -> str:
    """On track / at risk / off track from progress against plan and (0–10) confidence.

    Behind plan by more than `OFF_TRACK_GAP`, or confidence at most `OFF_TRACK_CONFIDENCE`:
    off track. Behind by more than `AT_RISK_GAP`, or confidence at most `AT_RISK_CONFIDENCE`:
    at risk. Otherwise on track.
    """
    gap = expected - progress
    if gap > OFF_TRACK_GAP or (confidence is not None and confidence <= OFF_TRACK_CONFIDENCE):
        return OFF_TRACK
    if gap > AT_RISK_GAP or (confidence is not None and confidence <= AT_RISK_CONFIDENCE):
        return AT_RISK
    return ON_TRACK
