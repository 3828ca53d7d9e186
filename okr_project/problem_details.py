"""RFC 9457 problem details for every error the API returns.

DRF's own exceptions (auth, throttling, parsing, 405, 415), Django's `Http404`,
`PermissionDenied` and `ValidationError` raised by services, and our `ConflictError` (409)
and `PreconditionFailed` (412) all come out as `application/problem+json` with
`type`, `title`, `status`, `detail` and, for validation errors, `errors` (field → messages).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from okr_project.errors import ConflictError
from okr_project.problems import (
    PROBLEM_CONTENT_TYPE,
    problem_body,
    problem_json,
)


class Conflict(exceptions.APIException):
    """409: the row changed since the client read it (version mismatch)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This item was changed by someone else. Reload it and try again."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """412: an `If-Match` header named a version that is no longer current."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The If-Match header does not match the current version. Reload it."
    default_code = "precondition_failed"


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _flatten(errors: Any) -> dict[str, Any]:
    """DRF errors as a dict of field → messages (lists/nesting kept as strings)."""
    if isinstance(errors, dict):
        return {str(k): _as_messages(v) for k, v in errors.items()}
    return {"non_field_errors": _as_messages(errors)}


def _as_messages(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_messages(v) if isinstance(v, (dict, list)) else str(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _as_messages(v) for k, v in value.items()}
    return [str(value)]


def _first_message(errors: dict[str, Any]) -> str:
    for field, messages in errors.items():
        message = messages
        while isinstance(message, (list, dict)) and message:
            message = message[0] if isinstance(message, list) else next(iter(message.values()))
        if isinstance(message, str):
            return message if field == "non_field_errors" else f"{field}: {message}"
    return "The request is not valid."


def problem(
    status_code: int, detail: str, *, errors: dict[str, Any] | None = None, headers=None
) -> Response:
    """A problem-details response (DRF) with the standard members."""
    body = problem_body(status_code, detail, errors=errors)
    response = Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF `EXCEPTION_HANDLER`: every known error becomes problem details."""
    if isinstance(exc, ConflictError):  # a ValidationError subclass: test it first
        errors = _django_validation_errors(exc)
        return problem(409, _first_message(errors) if errors else Conflict.default_detail)
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        return problem(400, _first_message(errors), errors=errors)
    if isinstance(exc, Http404):
        return problem(404, "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, str(exc) or "You do not have permission to do this.")

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's handler500 answer (problem JSON for /api/)
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(as_serializer_error(exc))
        return problem(400, _first_message(errors), errors=errors, headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, (list, dict)):
        errors = _flatten(detail)
        return problem(response.status_code, _first_message(errors), errors=errors)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait)))
    return problem(response.status_code, str(detail), headers=headers)


def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Plain Django view: the answer for /api/v1/ paths that match no endpoint."""
    return problem_json(404, "No API endpoint at this address. See /api/docs/.")
