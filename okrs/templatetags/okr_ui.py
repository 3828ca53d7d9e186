"""Small presentational helpers shared by every OKR page: progress bars, status pills."""

from django import template

register = template.Library()

STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}


@register.inclusion_tag("okrs/partials/_progress.html")
def progress_bar(value, label: str = "Progress", element_id: str = ""):
    """A labelled progress bar; `value` is a fraction in [0, 1]."""
    try:
        fraction = max(0.0, min(1.0, float(value or 0)))
    except (TypeError, ValueError):
        fraction = 0.0
    return {"percent": round(fraction * 100), "label": label, "element_id": element_id}


@register.inclusion_tag("okrs/partials/_status.html")
def status_pill(status: str):
    return {"status": status, "label": STATUS_LABELS.get(status, status or "—")}


@register.filter
def percent(value) -> str:
    try:
        return f"{round(float(value or 0) * 100)}%"
    except (TypeError, ValueError):
        return "—"
