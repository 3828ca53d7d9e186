"""Small presentational helpers shared by every OKR page: progress bars, status pills."""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from okrs.models import Objective, Status
from okrs.rules import attention
from okrs.rules.mentions import MENTION_TAIL, names_of

register = template.Library()

STATUS_LABELS = dict(Status.choices)  # every status by its label, "not_started" included


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
    return {"status": status, "label": STATUS_LABELS.get(status, "—")}


# How each risk severity (okrs.rules.attention.risk_severity) is drawn.
_SEVERITY_PILL = {"high": "pill-off_track", "medium": "pill-at_risk", "low": "pill-neutral"}


@register.filter
def risk_pill(score) -> str:
    """The pill class for a risk's score, by the one severity rule."""
    return _SEVERITY_PILL[attention.risk_severity(int(score))]


@register.inclusion_tag("okrs/partials/_private.html")
def private_marker(objective):
    """The "Private" marker beside a private objective wherever it is listed (pages only list
    objectives the viewer may open, so whoever sees the marker may see the objective)."""
    visibility = getattr(objective, "visibility", None)
    return {"private": visibility == Objective.Visibility.PRIVATE}


@register.filter
def percent(value) -> str:
    try:
        return f"{round(float(value or 0) * 100)}%"
    except (TypeError, ValueError):
        return "—"


def _number(value) -> str:
    """A stored Decimal without its trailing zeros: 12.5000 → "12.5", 40.0000 → "40"."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if not number.is_finite():
        return "—"
    if number == number.to_integral_value():
        return f"{number.to_integral_value():,}"
    return f"{number.normalize():,f}"


def _with_unit(kr, value) -> str:
    if kr.metric_type == "milestone":
        return "done" if value and Decimal(str(value)) != 0 else "not done"
    text = _number(value)
    if kr.unit == "percent":
        return f"{text}%"
    if kr.unit == "currency":
        return f"{kr.unit_label or '$'} {text}".strip()
    return f"{text} {kr.unit_label}".strip()


@register.filter
def number(value) -> str:
    return _number(value)


@register.filter
def kr_value(kr) -> str:
    """The KR's current value with its unit, e.g. "42 tickets", "EUR 1,200", "done"."""
    return _with_unit(kr, kr.current_value)


@register.filter
def kr_target(kr) -> str:
    if kr.metric_type == "milestone":
        return "done"
    prefix = {"stay_above": "≥ ", "stay_below": "≤ "}.get(kr.metric_type, "")
    return prefix + _with_unit(kr, kr.target_value)


@register.filter
def value_with_unit(value, kr) -> str:
    """A check-in value shown the way its KR counts: `{{ check_in.value|value_with_unit:kr }}`."""
    return _with_unit(kr, value)


@register.filter
def comment_html(comment) -> str:
    """A comment's text, escaped, with line breaks kept and its real @mentions highlighted
    (the members stored as mentioned — an unknown `@name` stays plain text). Reads the
    prefetched `mentions__user`."""
    html = str(conditional_escape(comment.body or ""))
    for member in comment.mentions.all():
        for name in names_of(member):
            pattern = re.compile(
                "@" + re.escape(str(conditional_escape(name))) + MENTION_TAIL, re.IGNORECASE
            )
            html = pattern.sub(lambda m: f'<span class="mention">{m.group(0)}</span>', html)
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 — input escaped above


@register.filter
def kr_summary(kr) -> str:
    """One short line on where a KR stands, worded for its metric type."""
    if kr.metric_type == "milestone":
        return "Milestone: done" if kr.current_value else "Milestone: not done yet"
    current, target = _with_unit(kr, kr.current_value), kr_target(kr)
    if kr.metric_type == "increase_to":
        return f"{current} of {target}"
    if kr.metric_type == "decrease_to":
        return f"{current}, down to {target}"
    return f"{current} (target {target})"
