"""The org chart: unit tree plus a searchable, filterable, paginated members list."""

from __future__ import annotations

from django.shortcuts import render

from accounts import selectors
from accounts.models import OrgUnit, Role
from accounts.tenancy import org_required
from accounts.views.common import PAGE_SIZE
from okr_project.web import paginate


@org_required
def chart(request, org_slug: str):
    organization = request.organization
    units = selectors.units_for_org(organization=organization)
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    unit_id = request.GET.get("unit", "")
    # Only this organization's units can be picked; anything else is ignored, not an error.
    unit: OrgUnit | None = next((u for u in units if str(u.pk) == unit_id), None)
    members = selectors.members_for_org(
        organization=organization, search=search, unit=unit, role=role
    )
    page = paginate(request, members, PAGE_SIZE)
    context = {
        "tree": selectors.unit_tree_from(units),
        "units": units,
        "page": page,
        "search": search,
        "role": role,
        "unit": unit,
        "roles": Role.choices,
        "is_admin": request.membership.is_admin,
        "filtered": bool(search or role or unit),
    }
    template = "accounts/orgchart.html"
    if request.htmx and request.htmx.target == "members":
        template += "#members"
    return render(request, template, context)
