"""Champion / coach health view: where the OKRs of a cycle need attention."""

from __future__ import annotations

from django.shortcuts import render

from accounts.models import Role
from accounts.selectors import get_unit
from accounts.tenancy import org_required
from okr_project.web import forbidden, paginate
from okrs import policy, selectors
from okrs.forms.base import units_of
from okrs.views.planning.cycles import switched_cycle

WHOLE_COMPANY_ROLES = (Role.ADMIN, Role.EXECUTIVE, Role.CHAMPION)

# The report's lists and how the page titles them; each is paginated on its own.
SECTIONS = [
    ("stale_krs", "Stale key results", "No check-in for two weeks or more."),
    ("low_confidence", "Low confidence", "Confidence 4 or below (0–10)."),
    ("objectives_without_krs", "Objectives without key results", "Add at least one KR."),
    ("krs_without_owner", "Key results without an owner", "Their owner has left."),
    ("orphans", "Orphan objectives", "Below company level but aligned to nothing."),
]


def sees_whole_company(viewer) -> bool:
    """Admins, executives and champions see every unit; leads only theirs (policy)."""
    return viewer.role in WHOLE_COMPANY_ROLES and policy.can_view_health(viewer)


def health_units(viewer):
    """Units the viewer may pick: all for admins/executives/champions, else the led ones."""
    units = units_of(viewer.organization)
    if sees_whole_company(viewer):
        return list(units)
    return [u for u in units if u.pk in policy.unit_ids_led_by(viewer)]


def _scope_unit(request, units):
    """The unit from `?unit=` (404 if foreign, "not available" if not the viewer's); leads
    without a choice get the top-most unit they lead."""
    viewer = request.membership
    raw = request.GET.get("unit")
    if raw:
        if not raw.isdigit():
            return None, "bad"
        unit = get_unit(organization=request.organization, pk=int(raw))
        return (unit, None) if policy.can_view_health(viewer, unit) else (None, "forbidden")
    if sees_whole_company(viewer):
        return None, None
    led = policy.unit_ids_led_by(viewer)
    tops = [u for u in units if u.parent_id not in led]
    return (tops[0] if tops else None), None


@org_required
def health(request, org_slug):
    viewer = request.membership
    if not policy.can_view_health(viewer):
        return forbidden(
            request,
            "The health view is for OKR champions, executives and unit leads. "
            "Your own OKRs and their check-ins are on My OKRs.",
        )
    units = health_units(viewer)
    unit, problem = _scope_unit(request, units)
    if problem == "forbidden":
        return forbidden(request, "You can see the health of the units you lead only.")
    cycles = selectors.cycles_for_org(organization=request.organization)
    cycle = switched_cycle(request, None, cycles)
    report = None
    sections = []
    if cycle is not None:
        report = selectors.health_report(
            organization=request.organization, cycle=cycle, unit=unit, viewer=request.membership
        )
        for key, title, help_text in SECTIONS:
            items = getattr(report, key, None)
            if items is None:
                continue
            page = paginate(request, items, 10, param=f"{key}_page")
            kind = "objective" if key in ("objectives_without_krs", "orphans") else "key_result"
            sections.append(
                {"key": key, "title": title, "help": help_text, "page": page, "kind": kind}
            )
    return render(
        request,
        "okrs/planning/health.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "units": units,
            "unit": unit,
            "report": report,
            "sections": sections,
            "can_pick_all": sees_whole_company(viewer),
        },
    )
