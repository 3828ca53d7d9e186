"""Small helpers shared by the people pages: friendly 403, pagination, and the two shapes
every write takes (a form backed by a service, and a confirmed one-click action)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms import apply_errors

PAGE_SIZE = 25


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """A friendly 403 page, styled like the rest (never a bare error)."""
    return render(
        request,
        "accounts/forbidden.html",
        {"message": message or "Only admins can change people, the org chart and settings."},
        status=403,
    )


def paginate(request: HttpRequest, items, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; out-of-range or junk page numbers fall back to a valid page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def save_form(
    request: HttpRequest, form, call: Callable[[], object], *, success: str, redirect_to: str
) -> HttpResponse | None:
    """Run the service behind a valid form. A refusal becomes the friendly 403, a domain
    ValidationError lands on the form (None: render the form again), success redirects."""
    try:
        call()
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success)
    return redirect(redirect_to)


def confirm_action(
    request: HttpRequest,
    call: Callable[[], object],
    *,
    title: str,
    body: str,
    confirm_label: str,
    cancel_url: str,
    success: str,
    redirect_to: str,
    danger: bool = True,
) -> HttpResponse:
    """GET asks for confirmation; POST runs the service. Refusals show on the same page."""
    error = ""
    if request.method == "POST":
        try:
            call()
        except (PermissionDenied, ValidationError) as exc:
            error = " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    context = {
        "title": title,
        "body": body,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "danger": danger,
        "error": error,
    }
    return render(request, "accounts/confirm.html", context, status=400 if error else 200)
