"""Small helpers shared by the people pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
