"""Helpers shared by the everyday OKR pages (My OKRs, objective and key result pages).

The generic ones (403 page, pagination, safe `next`, service errors, confirmation) are the
web toolkit in `okr_project.web`; only URL and status helpers specific to these pages live here.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from okr_project.web import error_text, forbidden
from okrs.rules import policy
from okrs.rules.trash import RETENTION_TEXT

HISTORY_PAGE_SIZE = 10
ALIGNED_PAGE_SIZE = 25
LONG_LIST_PAGE_SIZE = 20


def org_url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"okrs:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def redirect_to(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    return redirect(org_url(request, name, **kwargs))


def form_status(form) -> int:
    """422 for a full page with errors; htmx only swaps 2xx answers, so inline forms get 200."""
    return 200 if not form.errors else 422


def htmx_form_status(request: HttpRequest, form) -> int:
    return 200 if request.htmx else form_status(form)


def delete_body(title: str, consequence: str) -> str:
    return (
        f"“{title}” will be deleted. {consequence} "
        f"It stays in the trash for {RETENTION_TEXT}, where an admin can restore it."
    )


def refuse(request: HttpRequest, cycle, message: str) -> HttpResponse:
    """The 403 page for a write the policy refused: the closed cycle's clear reason when
    that is why (`policy.refusal`), else `message`."""
    return forbidden(request, error_text(policy.refusal(cycle, message)))
