"""How long ago something happened, the same way on every page: `{{ when|ago }}`."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

register = template.Library()

JUST_NOW = dt.timedelta(minutes=1)


@register.filter
def ago(value, now=None) -> str:
    """ "just now" under a minute, else "3 hours ago" / "2 days, 4 hours ago" ("in 5 minutes"
    for a moment still ahead); "" for no value."""
    if not isinstance(value, dt.datetime):
        return ""
    now = now if isinstance(now, dt.datetime) else timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    if abs(now - value) < JUST_NOW:
        return "just now"
    if value > now:
        return f"in {timeuntil(value, now)}"
    return f"{timesince(value, now)} ago"
