"""Server-rendered SVG charts: pure Python, no ORM, no Django.

`key_result_chart` turns a KR's check-ins into the geometry of a small line chart
(actual values as a polyline, the linear plan from start to target over the cycle as a
dashed line). Templates draw the SVG from the returned numbers, so the page needs no JS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Number = Decimal | int | float

WIDTH = 640
HEIGHT = 240
PAD_LEFT = 56
PAD_RIGHT = 16
PAD_TOP = 16
PAD_BOTTOM = 32


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: date
    value: float


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class LineChart:
    """Everything a template needs to draw the chart; coordinates are in SVG user units."""

    width: int
    height: int
    actual_path: str
    expected_path: str
    points: list[Point] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    today_x: float | None = None
    plot_left: float = PAD_LEFT
    plot_right: float = WIDTH - PAD_RIGHT
    plot_top: float = PAD_TOP
    plot_bottom: float = HEIGHT - PAD_BOTTOM


def _fmt(n: float) -> str:
    """Short, stable number formatting for SVG attributes and axis labels."""
    text = f"{n:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _label(n: float) -> str:
    if abs(n) < 10:
        text = f"{n:.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if abs(n) >= 1_000_000:
        return f"{_fmt(n / 1_000_000)}M"
    if abs(n) >= 10_000:
        return f"{_fmt(n / 1000)}k"
    return _fmt(n)


def path_data(points: Iterable[tuple[float, float]]) -> str:
    """SVG path `d` for a polyline through the points ("" when there are none)."""
    parts = [f"{'M' if i == 0 else 'L'}{_fmt(x)},{_fmt(y)}" for i, (x, y) in enumerate(points)]
    return " ".join(parts)


def key_result_chart(
    *,
    start_date: date,
    end_date: date,
    start_value: Number,
    target_value: Number,
    readings: Iterable[tuple[date, Number]],
    today: date | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> LineChart:
    """Geometry of "value over time vs plan" for one key result.

    `readings` are (day, value) pairs in any order; days outside the cycle are clamped to
    its edges so a late check-in still shows. The y-range always covers start, target and
    every reading, so neither line is ever cut off.
    """
    if end_date <= start_date:
        end_date = date.fromordinal(start_date.toordinal() + 1)
    span_days = (end_date - start_date).days
    start_f, target_f = float(start_value), float(target_value)
    data = sorted((d, float(v)) for d, v in readings)
    values = [start_f, target_f, *(v for _, v in data)]
    low, high = min(values), max(values)
    if high == low:
        # A flat range would divide by zero; give it a band of ±1 around the value.
        low, high = low - 1, high + 1
    left, right = PAD_LEFT, width - PAD_RIGHT
    top, bottom = PAD_TOP, height - PAD_BOTTOM

    def x_of(day: date) -> float:
        offset = min(max((day - start_date).days, 0), span_days)
        return round(left + (right - left) * offset / span_days, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * (value - low) / (high - low), 1)

    points = [Point(x_of(d), y_of(v), d, v) for d, v in data]
    expected = [(x_of(start_date), y_of(start_f)), (x_of(end_date), y_of(target_f))]
    y_ticks = [
        Tick(y_of(low + (high - low) * i / 4), _label(low + (high - low) * i / 4)) for i in range(5)
    ]
    x_ticks = [
        Tick(left, start_date.strftime("%b %-d")),
        Tick(right, end_date.strftime("%b %-d")),
    ]
    today_x = x_of(today) if today and start_date <= today <= end_date else None
    return LineChart(
        width=width,
        height=height,
        actual_path=path_data((p.x, p.y) for p in points),
        expected_path=path_data(expected),
        points=points,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        today_x=today_x,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
    )
