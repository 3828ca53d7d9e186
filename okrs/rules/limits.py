"""Size limits for free text: the one place services, web forms and API serializers read.

A service refuses longer text with a field error ("Keep this under N characters."); the
web form fields and the API serializers carry the same `max_length`, so the browser and the
schema say it too. The audit log keeps at most AUDIT_VALUE characters of any one value.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.validators import clean_single_line

TITLE = 200  # objectives, key results, initiatives (the columns are CharField(200))
DESCRIPTION = 5_000  # an objective's description
RETROSPECTIVE = 10_000  # an objective's end-of-cycle retrospective
COMMENT = 5_000
NOTE = 5_000  # a check-in's note and blockers
RISK_TEXT = 5_000  # a risk's description and mitigation
AUDIT_VALUE = 500  # characters of one value kept in an audit entry's `changes`


def too_long(limit: int) -> str:
    return f"Keep this under {limit:,} characters."


def clean_text(
    value: Any, field: str, *, limit: int, required: bool = False, single_line: bool = False
) -> str:
    """`value` as stripped text, or a field error when it is missing (if required), longer
    than `limit` characters or, for a `single_line` field (titles, names: they end up in email
    subjects), holds a control character (`accounts.validators`, the one rule)."""
    text = str(value or "").strip()
    if single_line:
        text = clean_single_line(text, field=field)
    if required and not text:
        raise ValidationError({field: "This field is required."})
    if len(text) > limit:
        raise ValidationError({field: too_long(limit)}, code="max_length")
    return text


def bounded(value: Any, limit: int = AUDIT_VALUE) -> Any:
    """An audit value no longer than about `limit` characters: long text is cut and marked
    with its full length; lists and [old, new] pairs are bounded element by element."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}… [truncated, {len(value):,} characters]"
    if isinstance(value, list | tuple):
        return [bounded(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: bounded(v, limit) for k, v in value.items()}
    return value
