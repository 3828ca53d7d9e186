"""The API's JSON parser: malformed or absurdly nested JSON is a 400, never a 500.

`json.loads` recurses once per nesting level; `[` × 50,000 exhausts the interpreter stack
and raises `RecursionError`, which DRF's `JSONParser` does not catch. Real payloads are a
few levels deep, so anything deeper than `MAX_DEPTH` is refused before decoding, by a linear
scan that skips string contents.
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_DEPTH = 64
MAX_DEPTH_MESSAGE = f"JSON nested deeper than {MAX_DEPTH} levels is not accepted."


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """True if brackets outside strings nest deeper than `limit` (strings are skipped, so
    `"[[["` is depth 0; an unterminated string just leaves brackets for json to reject)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError("The body is not valid text in the declared charset.") from exc
        if json_depth_exceeds(text):
            raise ParseError(MAX_DEPTH_MESSAGE)
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
