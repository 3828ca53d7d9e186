"""Helpers shared by the planning views: cycle resolution, pagination, error messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from okrs import selectors
from okrs.models import Cycle

PAGE_SIZE = 25


def resolve_cycle(request: HttpRequest, cycle_id: int | None) -> Cycle | None:
    """The cycle named in the URL (404 if not in this org), else the org's current one."""
    if cycle_id is not None:
        return selectors.get_cycle(organization=request.organization, pk=cycle_id)
    return selectors.current_cycle(organization=request.organization)


def paginate(
    request: HttpRequest, items, *, param: str = "page", per_page: int = PAGE_SIZE
) -> Page:
    """A page of `items`; a bad or out-of-range page number falls back to the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def error_text(exc: Exception) -> str:
    """One sentence from a domain ValidationError/PermissionDenied, for a message or a form."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You are not allowed to do that."


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
