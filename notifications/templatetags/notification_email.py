"""Small number formats for notification emails (no ORM, safe on any value)."""

from django import template

from okrs.models import Objective
from okrs.rules import attention

register = template.Library()
NOT_KNOWN = "—"


@register.filter
def pct(value) -> str:
    """0.423 → "42%"."""
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return "–"


@register.filter
def points(value) -> str:
    """A progress change as signed percentage points: 0.05 → "+5 pts"; None (no reading to
    compare) → "—" (the line's note says why)."""
    if value is None:
        return NOT_KNOWN
    try:
        pts = round(float(value) * 100)
    except (TypeError, ValueError):
        return "–"
    if not pts:
        return "±0 pts"
    # A real minus sign reads better than a hyphen next to a number.
    return f"+{pts} pts" if pts > 0 else f"\u2212{abs(pts)} pts"


@register.filter
def trend(value) -> str:
    """CSS class for a change: up, down or nothing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "up" if number > 0.004 else "down" if number < -0.004 else ""


@register.filter
def confidence(line) -> str:
    """A digest line's confidence over the week: "8/10", or "7 → 4/10" when it moved; "—"
    when no reading says it."""
    now, before = getattr(line, "confidence", None), getattr(line, "confidence_before", None)
    if now is None:
        return NOT_KNOWN
    if before is None or before == now:
        return f"{now}/10"
    return f"{before} \u2192 {now}/10"


@register.filter
def severity(risk) -> str:
    """A risk's severity by the rule (`attention.risk_severity`): high, medium or low."""
    try:
        return attention.risk_severity(int(risk.score))
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter
def is_private(objective) -> bool:
    """Whether an objective is private (digests mark it, as every page does)."""
    return getattr(objective, "visibility", None) == Objective.Visibility.PRIVATE
