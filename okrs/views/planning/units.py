"""Units index and unit page: objectives of the current cycle, people, check-in health."""

from __future__ import annotations

from django.shortcuts import render

from accounts.selectors import UNIT_SORTS, get_unit, units_listing, with_member_counts
from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs import services
from okrs.rules import policy
from okrs.views.planning.common import resolve_cycle

UNITS_PER_PAGE = 50


@org_required
def unit_list(request, org_slug):
    """Units a page at a time (O(page): counts for the page's units only), searchable by
    name, in tree order or by name."""
    org = request.organization
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "")
    sort = sort if sort in UNIT_SORTS else "tree"
    page = paginate(
        request, units_listing(organization=org, search=search, sort=sort), UNITS_PER_PAGE
    )
    page.object_list = with_member_counts(page.object_list, organization=org)
    return render(
        request,
        "okrs/planning/unit_list.html",
        {"page": page, "search": search, "sort": sort, "sorts": UNIT_SORTS.items()},
    )


@org_required
def unit_detail(request, org_slug, unit_id):
    unit = get_unit(organization=request.organization, pk=unit_id)
    viewer = request.membership
    cycle = resolve_cycle(request, None)
    overview = stale = objectives = people = None
    if cycle is not None:
        overview = services.unit_overview(
            organization=request.organization, unit=unit, cycle=cycle, viewer=viewer
        )
        # One page of each list (their totals come with the overview: no COUNT per list).
        stale = paginate(request, overview.report.stale_krs, 10)
        objectives = paginate(request, overview.objectives, 25, param="objectives_page")
        people = paginate(request, overview.members, 25, param="people_page")
    return render(
        request,
        "okrs/planning/unit_detail.html",
        {
            "unit": unit,
            "cycle": cycle,
            "overview": overview,
            "stale": stale,
            "objectives": objectives,
            "people": people,
            "can_view_health": policy.can_view_health(viewer, unit),
            "can_add": cycle is not None
            and policy.can_create_objective(
                viewer, level=unit.kind, unit=unit, owner=viewer, cycle=cycle
            ),
        },
    )
