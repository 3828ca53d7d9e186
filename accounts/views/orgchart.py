"""The org chart: an expandable unit tree plus a searchable, filterable, paginated members
list. O(what it shows): the top two levels of units (one query), deeper ones on expand
(htmx), one page of members, at most ten matching units."""

from __future__ import annotations

from django.shortcuts import render

from accounts import selectors
from accounts.models import OrgUnit, Role
from accounts.tenancy import org_required
from accounts.views.common import PAGE_SIZE
from okr_project.web import paginate


def _unit_from(request) -> OrgUnit | None:
    """`?unit=` when it names a unit of this organization; anything else is ignored."""
    return selectors.find_unit(organization=request.organization, pk=request.GET.get("unit"))


@org_required
def chart(request, org_slug: str):
    organization = request.organization
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    unit = _unit_from(request)
    members = selectors.members_for_org(
        organization=organization, search=search, unit=unit, role=role
    )
    page = paginate(request, members, PAGE_SIZE)
    context = {
        "page": page,
        "search": search,
        "role": role,
        "unit": unit,
        "roles": Role.choices,
        "filtered": bool(search or role or unit),
        "matching_units": selectors.search_units(organization=organization, search=search),
    }
    template = "accounts/orgchart.html"
    if request.htmx and request.htmx.target == "members":
        template += "#members"
    else:
        context["tree"] = selectors.chart_top(organization=organization)
    return render(request, template, context)


@org_required
def unit_children(request, org_slug: str, unit_id: int):
    """The units right below one unit: `<li>`s for the tree (htmx), or a page of its own."""
    unit = selectors.get_unit(organization=request.organization, pk=unit_id)
    context = {
        "parent": unit,
        "units": selectors.chart_children(organization=request.organization, parent=unit),
    }
    template = "accounts/unit_children.html"
    if request.htmx:
        template += "#children"
    return render(request, template, context)
