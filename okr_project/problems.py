"""The one shape of an RFC 9457 problem, for every answer the API gives: DRF's exception
handler (`okr_project.problem_details`), the error handlers, middleware and the lockout.
Plain Django, so anything may import it early."""

from __future__ import annotations

import re
from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
_UNENCODABLE = re.compile("[\ud800-\udfff]")
TYPE_BASE = "https://cairn.example/problems/"

TITLES = {
    400: "Invalid request",
    401: "Authentication required",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
}
SLUGS = {
    400: "validation-error",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    415: "unsupported-media-type",
    428: "precondition-required",
    429: "throttled",
    500: "server-error",
}


def _encodable(value: Any) -> Any:
    """Messages may quote what the client sent; a lone surrogate in them could not be encoded
    as UTF-8 and would turn the 400 into a 500. Each becomes U+FFFD (the JSON parser refuses
    them in bodies already; this holds for every other way a message can quote input)."""
    if isinstance(value, str):
        return _UNENCODABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    return value


def problem_body(
    status_code: int, detail: str, *, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The one shape of an RFC 9457 problem: type, title, status, detail (and `errors`)."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + SLUGS.get(status_code, "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": _encodable(detail),
    }
    if errors:
        body["errors"] = _encodable(errors)
    return body


def problem_json(status_code: int, detail: str) -> JsonResponse:
    """`problem_body` as a plain Django response, for answers given outside DRF (error
    handlers, middleware, the lockout)."""
    return JsonResponse(
        problem_body(status_code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )
