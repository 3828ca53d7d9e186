"""One validator for display names that end up in email headers and pages.

An organization, unit or person name is interpolated into mail subjects ("You are invited to
<org> on Cairn"); a line break there makes Django refuse the header (BadHeaderError). Names
are one line of text: no C0/C1 control characters (tab, line breaks and NUL included) and no
Unicode line/paragraph separators. Used by the model fields, the forms built from them and
the services that write names, so every path refuses the same input with the same message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
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
