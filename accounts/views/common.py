"""The people pages' one shape on top of the web toolkit (`okr_project.web`): a form backed
by a service. The 403 page, pagination and confirmation pages are the toolkit's."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from okr_project.web import apply_service_error, error_text, forbidden

PAGE_SIZE = 25
ADMINS_ONLY = "Only admins can change people, the org chart and settings."


def admins_only(request: HttpRequest) -> HttpResponse:
    """The 403 page for the admin-only people pages."""
    return forbidden(request, ADMINS_ONLY)


def save_form(
    request: HttpRequest, form, call: Callable[[], object], *, success: str, redirect_to: str
) -> HttpResponse | None:
    """Run the service behind a valid form. A refusal becomes the friendly 403, a domain
    ValidationError lands on the form (None: render the form again), success redirects."""
    try:
        call()
    except PermissionDenied as exc:
        return forbidden(request, error_text(exc))
    except ValidationError as exc:
        apply_service_error(form, exc)
        return None
    messages.success(request, success)
    return redirect(redirect_to)
