"""The API's JSON parser: malformed, absurdly nested or not-quite-text JSON is a 400, never a 500.

`json.loads` recurses once per nesting level; `[` × 50,000 exhausts the interpreter stack
and raises `RecursionError`, which DRF's `JSONParser` does not catch. Real payloads are a
few levels deep, so anything deeper than `MAX_DEPTH` is refused before decoding, by a linear
scan that skips string contents.

JSON may spell a lone UTF-16 surrogate (`"\\ud800"`); `json` decodes it into a Python string
that is not text: UTF-8 cannot encode it, so PostgreSQL, email and the JSON renderer all fail
on it. A body holding one (in a key or a value, at any depth) is refused as a 400. A proper
pair (`"\\ud83c\\udfaf"`) is one character and is accepted.
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
_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = (
    "The JSON holds a lone UTF-16 surrogate escape (such as \\ud800), which is not text."
)


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
            data = json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if "\\u" in text and has_surrogates(data):
            raise ParseError(SURROGATE_MESSAGE)
        return data


def has_surrogates(value) -> bool:
    """True if a lone surrogate is in any string of this decoded JSON (keys included).
    Iterative: depth is already bounded, but a wide document must not cost recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
