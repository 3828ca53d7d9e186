"""Pure progress math: examples and properties (bounds, monotonicity, weights)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrs.rules import progress as p

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0, max_value=1)
# Weights are stored with two decimals: 0 or at least 0.01 (subnormal floats underflow).
weight = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1000))
metric = st.sampled_from([p.INCREASE_TO, p.DECREASE_TO, p.STAY_ABOVE, p.STAY_BELOW, p.MILESTONE])


@pytest.mark.parametrize(
    ("metric_type", "start", "target", "current", "expected"),
    [
        (p.INCREASE_TO, 0, 100, 25, 0.25),
        (p.INCREASE_TO, 10, 20, 5, 0.0),  # below start clamps to 0
        (p.INCREASE_TO, 10, 20, 30, 1.0),  # past target clamps to 1
        (p.DECREASE_TO, 100, 60, 80, 0.5),
        (p.DECREASE_TO, Decimal("400"), Decimal("200"), Decimal("300"), 0.5),
        (p.STAY_ABOVE, 0, 95, 96, 1.0),
        (p.STAY_ABOVE, 0, 95, 94.9, 0.0),
        (p.STAY_BELOW, 0, 2, 2, 1.0),
        (p.STAY_BELOW, 0, 2, 3, 0.0),
        (p.MILESTONE, 0, 1, 0, 0.0),
        (p.MILESTONE, 0, 1, 1, 1.0),
    ],
)
def test_key_result_progress_examples(metric_type, start, target, current, expected):
    assert p.key_result_progress(metric_type, start, target, current) == pytest.approx(expected)


def test_unknown_metric_type_raises():
    with pytest.raises(ValueError):
        p.key_result_progress("sideways", 0, 1, 0)


@given(metric, finite, finite, finite)
def test_kr_progress_is_always_between_zero_and_one(metric_type, start, target, current):
    assert 0.0 <= p.key_result_progress(metric_type, start, target, current) <= 1.0


@given(finite, finite, finite, finite)
def test_increase_progress_never_falls_when_the_value_rises(start, target, a, b):
    assume(target > start)
    low, high = sorted((a, b))
    assert p.key_result_progress(p.INCREASE_TO, start, target, low) <= p.key_result_progress(
        p.INCREASE_TO, start, target, high
    )


@given(finite, finite, finite, finite)
def test_decrease_progress_never_falls_when_the_value_drops(start, target, a, b):
    assume(target < start)
    low, high = sorted((a, b))
    assert p.key_result_progress(p.DECREASE_TO, start, target, high) <= p.key_result_progress(
        p.DECREASE_TO, start, target, low
    )


@given(st.lists(st.tuples(fraction, weight), max_size=20))
def test_weighted_mean_is_bounded_by_its_inputs(pairs):
    result = p.weighted_mean(pairs)
    counted = [v for v, w in pairs if w > 0]
    assert 0.0 <= result <= 1.0
    if counted:
        assert min(counted) - 1e-9 <= result <= max(counted) + 1e-9
    else:
        assert result == 0.0


@given(st.lists(st.tuples(fraction, weight), min_size=1, max_size=10), st.floats(0.1, 10))
def test_scaling_all_weights_changes_nothing(pairs, factor):
    scaled = [(v, w * factor) for v, w in pairs]
    assert p.weighted_mean(scaled) == pytest.approx(p.weighted_mean(pairs), abs=1e-9)


@given(fraction, fraction, weight)
def test_more_weight_pulls_the_mean_towards_that_kr(a, b, w):
    assume(w > 1)
    pulled = p.weighted_mean([(a, 1), (b, w)])
    even = p.weighted_mean([(a, 1), (b, 1)])
    assert abs(pulled - b) <= abs(even - b) + 1e-9


def test_objective_progress_by_rollup_choice():
    krs, kids = [(0.2, 1)], [1.0]
    assert p.objective_progress(krs, kids, rollup=p.ROLLUP_KEY_RESULTS) == pytest.approx(0.2)
    assert p.objective_progress(krs, kids, rollup=p.ROLLUP_CHILDREN) == pytest.approx(1.0)
    assert p.objective_progress(krs, kids, rollup=p.ROLLUP_BOTH) == pytest.approx(0.6)
    assert p.objective_progress([(1.0, 1), (0.0, 3)], rollup=p.ROLLUP_BOTH) == 0.25
    assert p.objective_progress([], [0.5, 1.0], rollup=p.ROLLUP_BOTH) == 0.75
    for rollup in (p.ROLLUP_KEY_RESULTS, p.ROLLUP_CHILDREN, p.ROLLUP_BOTH):
        assert p.objective_progress([], [], rollup=rollup) == 0.0
    # A company objective with its own KR at 0 % and an aligned child at 71 % moves.
    assert p.objective_progress([(0.0, 1)], [0.71], rollup=p.ROLLUP_BOTH) > 0


def test_nothing_to_measure_means_not_started():
    assert not p.has_progress_items(0, 0, p.ROLLUP_BOTH)
    assert not p.has_progress_items(0, 3, p.ROLLUP_KEY_RESULTS)
    assert not p.has_progress_items(2, 0, p.ROLLUP_CHILDREN)
    assert p.has_progress_items(0, 1, p.ROLLUP_BOTH)


rollup = st.sampled_from([p.ROLLUP_KEY_RESULTS, p.ROLLUP_CHILDREN, p.ROLLUP_BOTH])


@given(st.lists(st.tuples(fraction, weight), max_size=5), st.lists(fraction, max_size=5), rollup)
def test_objective_progress_stays_in_bounds(krs, kids, mode):
    assert 0.0 <= p.objective_progress(krs, kids, rollup=mode) <= 1.0


@given(
    st.lists(st.tuples(fraction, weight), max_size=5),
    st.lists(fraction, min_size=1, max_size=5),
    st.data(),
    rollup,
)
def test_a_child_moving_up_never_moves_the_parent_down(krs, kids, data, mode):
    i = data.draw(st.integers(0, len(kids) - 1))
    higher = list(kids)
    higher[i] = data.draw(st.floats(min_value=kids[i], max_value=1))
    before = p.objective_progress(krs, kids, rollup=mode)
    after = p.objective_progress(krs, higher, rollup=mode)
    assert after >= before - 1e-9


def test_expected_progress_is_linear_over_the_cycle():
    start, end = date(2026, 10, 1), date(2026, 12, 31)
    assert p.expected_progress(start, end, start) == 0.0
    assert p.expected_progress(start, end, date(2026, 11, 15)) == pytest.approx(45 / 91)
    assert p.expected_progress(start, end, date(2027, 2, 1)) == 1.0


@pytest.mark.parametrize(
    ("progress", "expected", "confidence", "status"),
    [
        (0.5, 0.5, 8, p.ON_TRACK),
        (0.35, 0.5, 8, p.AT_RISK),  # 15 points behind
        (0.2, 0.5, 8, p.OFF_TRACK),  # 30 points behind
        (0.9, 0.5, 5, p.AT_RISK),  # ahead, but unsure
        (0.9, 0.5, 2, p.OFF_TRACK),
        (0.5, 0.5, None, p.ON_TRACK),
    ],
)
def test_derive_status_from_gap_and_confidence(progress, expected, confidence, status):
    assert p.derive_status(progress, expected, confidence) == status
