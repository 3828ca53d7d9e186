"""People search: the listbox behind every people picker (an htmx fragment), or a small page."""

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
