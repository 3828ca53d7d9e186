"""okrs.charts: pure geometry for the key result SVG chart."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from okrs.charts import HEIGHT, PAD_BOTTOM, PAD_LEFT, PAD_TOP, WIDTH, key_result_chart, path_data

START, END = date(2026, 10, 1), date(2026, 12, 31)


def test_path_data_draws_a_polyline():
    assert path_data([(0, 10), (5.5, 3.0)]) == "M0,10 L5.5,3"
    assert path_data([]) == ""


def test_expected_line_runs_from_start_to_target_over_the_cycle():
    chart = key_result_chart(
        start_date=START, end_date=END, start_value=0, target_value=100, readings=[]
    )
    left, right = PAD_LEFT, WIDTH - 16
    assert chart.expected_path == f"M{left},{HEIGHT - PAD_BOTTOM} L{right},{PAD_TOP}"
    assert chart.actual_path == "" and chart.points == []


def test_readings_are_sorted_and_placed_by_day_and_value():
    chart = key_result_chart(
        start_date=START,
        end_date=END,
        start_value=0,
        target_value=100,
        readings=[(date(2026, 11, 15), Decimal("50")), (START, 0)],
    )
    first, second = chart.points
    assert first.on == START and first.x == PAD_LEFT and first.y == HEIGHT - PAD_BOTTOM
    assert second.value == 50
    assert second.y == (PAD_TOP + HEIGHT - PAD_BOTTOM) / 2
    assert chart.actual_path.startswith(f"M{PAD_LEFT},")


def test_decreasing_metric_and_out_of_cycle_readings_stay_inside_the_plot():
    chart = key_result_chart(
        start_date=START,
        end_date=END,
        start_value=100,
        target_value=60,
        readings=[(date(2027, 2, 1), 40), (date(2026, 9, 1), 120)],
        today=date(2026, 11, 1),
    )
    for p in chart.points:
        assert chart.plot_left <= p.x <= chart.plot_right
        assert chart.plot_top <= p.y <= chart.plot_bottom
    assert chart.today_x is not None
    assert [t.label for t in chart.y_ticks][0] == "40"


def test_flat_values_and_empty_cycle_do_not_divide_by_zero():
    chart = key_result_chart(
        start_date=START, end_date=START, start_value=5, target_value=5, readings=[(START, 5)]
    )
    assert chart.points[0].y == (PAD_TOP + HEIGHT - PAD_BOTTOM) / 2


def test_big_numbers_get_short_axis_labels():
    chart = key_result_chart(
        start_date=START, end_date=END, start_value=0, target_value=2_000_000, readings=[]
    )
    assert chart.y_ticks[-1].label == "2M"


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
            st.decimals(min_value=-1e9, max_value=1e9, allow_nan=False, places=2),
        ),
        max_size=20,
    ),
    st.decimals(min_value=-1e6, max_value=1e6, allow_nan=False, places=2),
    st.decimals(min_value=-1e6, max_value=1e6, allow_nan=False, places=2),
)
def test_every_point_is_inside_the_plot(readings, start, target):
    chart = key_result_chart(
        start_date=START, end_date=END, start_value=start, target_value=target, readings=readings
    )
    assert len(chart.points) == len(readings)
    for p in chart.points:
        assert chart.plot_left <= p.x <= chart.plot_right
        assert chart.plot_top - 0.1 <= p.y <= chart.plot_bottom + 0.1
