"""Find anything: `/o/<org>/search/?q=`, the header's search box.

Without JavaScript the header form opens this page: every kind (objectives, key results,
people, units) with its total and its own pages (`?objectives_page=` …, 10 a page). With
htmx the header box asks the same URL as you type and gets the dropdown: the first few hits
of each kind as ARIA listbox options, and "See all results". Every read is
`okrs.selectors.search` (visibility inside the query, paged in SQL).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs.selectors import search as selectors

PAGE_SIZE = 10
DROPDOWN_PER_KIND = 4
TEMPLATE = "okrs/search.html"
LABELS = {
    "objectives": "Objectives",
    "key_results": "Key results",
    "people": "People",
    "units": "Units",
}


# Where each kind of hit opens: (URL name, its id kwarg).
HIT_PAGES = {
    "objectives": ("okrs:objective_detail", "objective_id"),
    "key_results": ("okrs:key_result_detail", "key_result_id"),
    "people": ("orgchart:member", "membership_id"),
    "units": ("okrs:unit_detail", "unit_id"),
}


def _with_links(kind: str, rows, org_slug: str) -> list:
    name, kwarg = HIT_PAGES[kind]
    rows = list(rows)
    for row in rows:
        row.search_href = reverse(name, kwargs={"org_slug": org_slug, kwarg: row.pk})
    return rows


@require_safe
@org_required
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    hits = selectors.search(
        organization=request.organization, viewer=request.membership, query=request.GET.get("q")
    )
    context = {"query": hits.query}
    if request.htmx:
        if not hits.query:
            return HttpResponse("")  # an emptied box: no list
        # The dropdown: a slice of each list (LIMIT in SQL), no totals.
        context["groups"] = [
            {
                "kind": kind,
                "label": LABELS[kind],
                "rows": _with_links(kind, hits.of(kind)[:DROPDOWN_PER_KIND], org_slug),
            }
            for kind in selectors.KINDS
        ]
        context["found"] = any(group["rows"] for group in context["groups"])
        return render(request, f"{TEMPLATE}#dropdown", context)
    context["sections"] = []
    for kind in selectors.KINDS if hits.query else ():
        page = paginate(request, hits.of(kind), PAGE_SIZE, param=f"{kind}_page")
        page.object_list = _with_links(kind, page.object_list, org_slug)
        context["sections"].append({"kind": kind, "label": LABELS[kind], "page": page})
    return render(request, TEMPLATE, context)
