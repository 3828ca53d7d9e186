"""The web toolkit: the few shapes every server-rendered page shares, defined once.

- `forbidden(request, message)`: the one friendly 403 page (`templates/forbidden.html`);
- `paginate(request, items, per_page)`: a page of a list (junk or out-of-range numbers fall back
  to the first / last page), rendered with the one partial `templates/partials/_pagination.html`;
- `safe_next_url(request, default)`: the `next` URL when it points back into this site;
- `error_text(exc)` / `apply_service_error(form, exc)`: a service's `ValidationError` or
  `PermissionDenied` as one sentence, or onto a form (field errors next to their field);
- `submit_to_service(form, call)`: the try/except around a service call behind a valid form;
  `submit_and_redirect(...)`: the same, then a success message and a redirect;
- `confirm(...)`: GET shows a confirmation page (`templates/confirm.html`), POST runs the action.

Views in okrs, accounts and notifications import these; nothing here knows about OKRs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

FORBIDDEN_TEMPLATE = "forbidden.html"
CONFIRM_TEMPLATE = "confirm.html"
PAGINATION_TEMPLATE = "partials/_pagination.html"
DEFAULT_REFUSAL = "You are not allowed to do that."


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """A styled 403 page saying why, with a way back (never Django's bare one)."""
    return render(request, FORBIDDEN_TEMPLATE, {"message": message or DEFAULT_REFUSAL}, status=403)


def paginate(
    request: HttpRequest, items: Any, per_page: int, *, param: str = "page", latest: bool = False
) -> Page:
    """The page named by `?<param>=`; a missing or junk number gives the first page (with
    `latest`, a missing number gives the last page: a chronological thread opens at its
    newest entries), one past the end the last page (never an error)."""
    paginator = Paginator(items, max(int(per_page), 1))
    number = request.GET.get(param)
    if latest and number is None:
        number = paginator.num_pages
    return paginator.get_page(number)


def safe_next_url(request: HttpRequest, default: str) -> str:
    """`next` from the form or the query string when it stays on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def error_text(exc: Exception) -> str:
    """One readable sentence from a domain `ValidationError` / `PermissionDenied`."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages) or DEFAULT_REFUSAL
    return str(exc) or DEFAULT_REFUSAL


def apply_service_error(form: forms.Form, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's error on the form: field errors next to their field when the form has
    it, everything else (and a refusal) as a non-field error. Never raises."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, error_text(exc))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
        return
    form.add_error(None, exc.messages)


def submit_to_service(form: forms.Form, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run `call` (a service) behind a valid form: `(True, its result)`, or `(False, None)`
    after putting its `ValidationError` / `PermissionDenied` on the form."""
    try:
        return True, call()
    except (ValidationError, PermissionDenied) as exc:
        apply_service_error(form, exc)
        return False, None


def submit_and_redirect(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str,
) -> HttpResponse | None:
    """`submit_to_service`, then on success a message (`success`, or `success(result)`: one
    saying what the service did) and a redirect to `redirect_to`; None when the service
    refused (its errors are on the form: render the form again)."""
    ok, result = submit_to_service(form, call)
    if not ok:
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to)


def confirm(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    title: str,
    body: str,
    confirm_label: str,
    cancel_url: str,
    success: str,
    done_url: str,
    danger: bool = True,
) -> HttpResponse:
    """GET: a confirmation page. POST: run `action` (a service call); success → a message and
    `done_url`; a domain refusal shows on the same page (400) with the reason."""
    error = ""
    if request.method == "POST":
        try:
            action()
        except (PermissionDenied, ValidationError) as exc:
            error = error_text(exc)
        else:
            messages.success(request, success)
            return redirect(done_url)
    context = {
        "title": title,
        "body": body,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "danger": danger,
        "error": error,
    }
    return render(request, CONFIRM_TEMPLATE, context, status=400 if error else 200)
