"""Units index and unit page: objectives of the current cycle, people, check-in health."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from accounts.models import OrgUnit
from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs import policy, selectors
from okrs.views.planning.common import resolve_cycle


def units_in_org(organization):
    """Every unit of the organization in tree order (one query, recursive CTE)."""
    return (
        OrgUnit.objects.with_tree_fields()
        .filter(organization=organization)
        .select_related("lead__user")
        .annotate(member_count=Count("members", distinct=True))
    )


@org_required
def unit_list(request, org_slug):
    units = list(units_in_org(request.organization))
    return render(request, "okrs/planning/unit_list.html", {"units": units})


@org_required
def unit_detail(request, org_slug, unit_id):
    unit = get_object_or_404(
        OrgUnit.objects.select_related("lead__user", "parent"),
        organization=request.organization,
        pk=unit_id,
    )
    viewer = request.membership
    cycle = resolve_cycle(request, None)
    overview = stale = None
    if cycle is not None:
        overview = selectors.unit_overview(
            organization=request.organization, unit=unit, cycle=cycle, viewer=viewer
        )
        stale = paginate(request, overview.report.stale_krs, 10)
    return render(
        request,
        "okrs/planning/unit_detail.html",
        {
            "unit": unit,
            "cycle": cycle,
            "overview": overview,
            "stale": stale,
            "can_view_health": policy.can_view_health(viewer, unit),
            "can_add": cycle is not None
            and policy.can_create_objective(
                viewer, level=unit.kind, unit=unit, owner=viewer, cycle=cycle
            ),
        },
    )
