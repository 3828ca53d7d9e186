"""A person's OKRs: the section of the people page, and its own page without JavaScript.

The people page (accounts, which never imports okrs) loads this view's fragment with htmx
(`hx-trigger="load"`) and links here for browsers without JavaScript: accounts stays free of
OKR code, the OKR reads stay in okrs behind the one visibility rule, and the cycle switcher
and pages work the same in both places. `?cycle=` picks the cycle (the first of the
switcher by default), `?page=` / `?krpage=` page the two lists.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_htmx.http import replace_url

from accounts import selectors as people
from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs.models import Cycle
from okrs.selectors.people import cycles_for_person, person_okrs

OBJECTIVES_PAGE_SIZE = 10
KEY_RESULTS_PAGE_SIZE = 20
TEMPLATE = "okrs/people/person_okrs.html"


def _chosen(request: HttpRequest, cycles: list[Cycle]) -> Cycle | None:
    """The switcher's choice; a missing, junk or foreign id gives the first cycle."""
    wanted = request.GET.get("cycle", "").strip()
    return next((c for c in cycles if str(c.pk) == wanted), cycles[0] if cycles else None)


@require_safe
@org_required
def person_okrs_view(request: HttpRequest, org_slug: str, membership_id: int) -> HttpResponse:
    org, viewer = request.organization, request.membership
    member = people.get_membership(organization=org, pk=membership_id)
    cycles = cycles_for_person(organization=org, member=member, viewer=viewer)
    cycle = _chosen(request, cycles)
    context = {"member": member, "cycles": cycles, "cycle": cycle, "okrs": None}
    if cycle is not None:
        okrs = person_okrs(organization=org, member=member, viewer=viewer, cycle=cycle)
        context.update(
            okrs=okrs,
            objectives=paginate(request, okrs.objectives, OBJECTIVES_PAGE_SIZE),
            key_results=paginate(request, okrs.key_results, KEY_RESULTS_PAGE_SIZE, param="krpage"),
        )
    if not request.htmx:
        return render(request, TEMPLATE, context)
    response = render(request, f"{TEMPLATE}#person-okrs", context)
    current = request.htmx.current_url_abs_path
    if "cycle" in request.GET and current:
        # The switcher swapped the section in place: the address bar follows the choice, so
        # a reload or a shared link shows the same cycle (the people page passes it on).
        replace_url(response, f"{current.split('?')[0]}?{request.GET.urlencode()}")
    return response
