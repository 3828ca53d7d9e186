"""Champion / coach health view: where the OKRs of a cycle need attention.

Thin: who sees which part of the company is `selectors.health_scope` (the same answer the
API gives), the numbers and lists are `selectors.health_report`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from accounts.tenancy import org_required
from okr_project.web import forbidden, paginate
from okrs import selectors, services
from okrs.views.planning.cycles import switched_cycle

# The report's lists and how the page titles them; each is paginated on its own.
SECTIONS = [
    ("stale_krs", "Stale key results", "No check-in for two weeks or more."),
    ("low_confidence", "Low confidence", "Confidence 4 or below (0–10)."),
    ("objectives_without_krs", "Objectives without key results", "Add at least one KR."),
    ("krs_without_owner", "Key results without an owner", "Their owner has left."),
    ("orphans", "Orphan objectives", "Below company level but aligned to nothing."),
]
UNITS_PER_PAGE = 50


@org_required
def health(request, org_slug):
    try:
        scope = selectors.health_scope(
            organization=request.organization,
            viewer=request.membership,
            unit=request.GET.get("unit"),
        )
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except selectors.InvalidUnit:
        raise Http404("Unit not found.") from None
    cycles = selectors.cycles_for_org(organization=request.organization)
    cycle = switched_cycle(request, None, cycles)
    report = None
    sections = []
    rates = None
    if cycle is not None:
        report = services.health_report(
            organization=request.organization, cycle=cycle, viewer=request.membership, scope=scope
        )
        rates = paginate(request, report.checkin_rates, UNITS_PER_PAGE, param="units_page")
        for key, title, help_text in SECTIONS:
            page = paginate(request, getattr(report, key), 10, param=f"{key}_page")
            kind = "objective" if key in selectors.OBJECTIVE_SECTIONS else "key_result"
            sections.append(
                {"key": key, "title": title, "help": help_text, "page": page, "kind": kind}
            )
    return render(
        request,
        "okrs/planning/health.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "scope": scope,
            "unit": scope.unit,
            "report": report,
            "rates": rates,
            "sections": sections,
        },
    )
