"""People and unit search: the listboxes behind the people and unit pickers (htmx
fragments), or a small page each."""

from __future__ import annotations

import re

from django.shortcuts import render

from accounts import selectors
from accounts.fields import member_label
from accounts.tenancy import org_required

RESULTS = 10
_FIELD_ID = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


@org_required
def people_search(request, org_slug: str):
    """Up to ten active members of this organization whose name, email or title contains
    `q` (SQL `icontains`, one query). htmx gets `<li role="option">`s for the combobox
    named by `field`; a plain request a page of links."""
    query = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("field", "")
    field = field if _FIELD_ID.match(field) else "people"
    people = list(
        selectors.members_for_org(organization=request.organization, search=query)[:RESULTS]
    )
    options = [{"member": m, "label": member_label(m)} for m in people]
    context = {"query": query, "field": field, "options": options}
    template = "accounts/people_search.html"
    if request.htmx:
        template += "#options"
    return render(request, template, context)


@org_required
def unit_search(request, org_slug: str):
    """Up to ten units of this organization whose name contains `q` (one query, by name).
    htmx gets `<li role="option">`s for the combobox named by `field`; a plain request a
    page of links to the units."""
    query = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("field", "")
    field = field if _FIELD_ID.match(field) else "units"
    units = list(
        selectors.units_listing(organization=request.organization, search=query, sort="name")[
            :RESULTS
        ]
    )
    context = {"query": query, "field": field, "units": units}
    template = "accounts/unit_search.html"
    if request.htmx:
        template += "#options"
    return render(request, template, context)
