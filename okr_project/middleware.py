"""Request hygiene that must run before any view reads the URL.

PostgreSQL text cannot hold a NUL byte: a `%00` that reaches a query raises `DataError`, a
500. Rather than guard every `?q=`, `?period=` and URL converter, one middleware answers 400
to any request whose path or query string (after percent-decoding) carries a C0 control
character. In query *values* tab, line feed and carriage return are allowed (a GET form may
submit a textarea); in the path and in parameter names nothing below 0x20 (nor DEL) is.
Form and JSON bodies are validated by their fields (Django and DRF both refuse NUL).
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.template.loader import render_to_string

from okr_project.problems import problem_json

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "The address contains control characters (such as a NUL byte)."


def has_control_characters(path: str, query: dict[str, list[str]]) -> bool:
    if _CONTROL.search(path):
        return True
    for key, values in query.items():
        if _CONTROL.search(key) or any(_CONTROL_IN_VALUE.search(v) for v in values):
            return True
    return False


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path, dict(request.GET.lists())):
            return bad_request(request)
        return self.get_response(request)


def bad_request(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_json(400, MESSAGE)
    # A page of its own, rendered without the request: no session, user or database is read
    # for an address that must not reach them.
    return HttpResponse(render_to_string("400.html", {"message": MESSAGE}), status=400)
