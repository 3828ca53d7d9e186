"""Helpers shared by the everyday OKR pages (My OKRs, objective and key result pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

HISTORY_PAGE_SIZE = 10
LONG_LIST_PAGE_SIZE = 20


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A styled 403 page with a way back, instead of Django's bare one."""
    return render(request, "okrs/work/forbidden.html", {"message": message}, status=403)


def paginate(request: HttpRequest, items, *, param: str = "page", per_page: int) -> Page:
    """A page of `items`; a bad or out-of-range page number falls back to the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` URL from the form or query when it points back into this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def org_url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"okrs:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def redirect_to(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    return redirect(org_url(request, name, **kwargs))


def form_status(form) -> int:
    """422 for a full page with errors; htmx only swaps 2xx answers, so inline forms get 200."""
    return 200 if not form.errors else 422


def htmx_form_status(request: HttpRequest, form) -> int:
    return 200 if request.htmx else form_status(form)


def error_text(exc: Exception) -> str:
    """One readable sentence from a domain ValidationError / PermissionDenied."""
    return " ".join(
        getattr(exc, "messages", None) or [str(exc) or "You are not allowed to do that."]
    )


def confirm_delete(
    request: HttpRequest,
    *,
    thing: str,
    title: str,
    consequence: str,
    delete: Callable[[], None],
    cancel_url: str,
    done_url: str,
) -> HttpResponse:
    """GET: a confirmation page. POST: run `delete` (a service call) and go to `done_url`;
    a domain error goes back to `cancel_url` with the reason as a message."""
    if request.method == "POST":
        try:
            delete()
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect(cancel_url)
        messages.success(request, f"{thing.capitalize()} “{title}” deleted.")
        return redirect(done_url)
    ctx = {"thing": thing, "title": title, "cancel_url": cancel_url, "consequence": consequence}
    return render(request, "okrs/work/confirm_delete.html", ctx)
