"""Helpers shared by the planning views: cycle resolution and the page size.

Pagination, the 403 page and service errors are the web toolkit (`okr_project.web`).
"""

from __future__ import annotations

from django.http import HttpRequest

from okrs import selectors
from okrs.models import Cycle

PAGE_SIZE = 25


def resolve_cycle(request: HttpRequest, cycle_id: int | None) -> Cycle | None:
    """The cycle named in the URL (404 if not in this org), else the org's current one."""
    if cycle_id is not None:
        return selectors.get_cycle(organization=request.organization, pk=cycle_id)
    return selectors.current_cycle(organization=request.organization)
