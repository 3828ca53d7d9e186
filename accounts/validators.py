"""One rule for single-line text: names and titles that end up in email headers and pages.

An organization, unit or person name, an objective, key result or initiative title, a cycle
name is interpolated into mail subjects ("You are invited to <org> on Cairn", "Ana mentioned
you on <title>"); a line break there makes Django refuse the header (BadHeaderError). These
fields are one line of text: no C0/C1 control characters (tab, line breaks and NUL included),
no Unicode line/paragraph separators and no lone UTF-16 surrogates (not text: UTF-8 cannot
encode them). The model fields, the forms, the API serializers and the services all use
`validate_single_line`, so every path refuses the same input with the same message.

`as_single_line` is the other half, for output: every email subject goes through it where it
is built, so a value written before the rule (or quoted from elsewhere) still makes one line.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MESSAGE = "Use a single line of text without control characters (such as line breaks or tabs)."


@deconstructible
class SingleLineTextValidator:
    message = MESSAGE
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and _FORBIDDEN.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineTextValidator)


validate_single_line = SingleLineTextValidator()


def clean_single_line(value: str, *, field: str) -> str:
    """Strip surrounding spaces and refuse control characters, as {field: message}."""
    value = (value or "").strip()
    try:
        validate_single_line(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return value


def as_single_line(value: str) -> str:
    """`value` made one line: each run of the characters the rule refuses becomes one space.
    For email subjects (and anything else that must be a header-safe line)."""
    return " ".join(_FORBIDDEN.sub(" ", value or "").split())
