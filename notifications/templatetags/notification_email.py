"""Small number formats for notification emails (no ORM, safe on any value)."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.423 → "42%"."""
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return "–"


@register.filter
def points(value) -> str:
    """A progress change as signed percentage points: 0.05 → "+5 pts"; None → "new"."""
    if value is None:
        return "new"
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
