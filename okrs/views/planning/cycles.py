"""Company cycle overview and cycle management (list, create, edit, activate)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Organization
from accounts.tenancy import org_required
from okr_project.web import CONFIRM_TEMPLATE, error_text, forbidden, submit_to_service
from okrs import selectors, services
from okrs.forms.planning import CycleForm, CycleSwitchForm
from okrs.models import Cycle, Level
from okrs.rules import cycles as cycle_rules
from okrs.rules import policy, weeks
from okrs.views.planning.common import resolve_cycle

OVERVIEW = "okrs/planning/overview.html"


def switched_cycle(request, cycle_id, cycles):
    """The cycle from the URL, or from the `?cycle=` switcher (invalid ids fall back)."""
    if cycle_id is None and "cycle" in request.GET:
        form = CycleSwitchForm(request.GET, cycles=cycles)
        if form.is_valid():
            return form.cleaned_data["cycle"]
        messages.warning(request, "That cycle does not exist; showing the current one.")
    if cycle_id is None:
        return selectors.current_cycle(organization=request.organization, among=cycles)
    return resolve_cycle(request, cycle_id)


@org_required
def cycle_overview(request, org_slug, cycle_id=None):
    """Company objectives of one cycle with their roll-up progress; the company landing page."""
    org, viewer = request.organization, request.membership
    cycles = selectors.cycles_for_org(organization=org)
    cycle = switched_cycle(request, cycle_id, cycles)
    objectives = []
    if cycle is not None:
        objectives = list(
            selectors.objectives_for_cycle(
                organization=org, cycle=cycle, viewer=viewer, level=Level.COMPANY
            )
        )
    company_progress = sum(o.progress for o in objectives) / len(objectives) if objectives else 0.0
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "switch_form": CycleSwitchForm(initial={"cycle": cycle}, cycles=cycles),
        "objectives": objectives,
        "company_progress": company_progress,
        "can_create_company": policy.can_create_objective(
            viewer, level=Level.COMPANY, unit=None, owner=viewer, cycle=cycle
        ),
    }
    template = f"{OVERVIEW}#cycle-content" if request.htmx else OVERVIEW
    return TemplateResponse(request, template, context)


@org_required
def cycle_list(request, org_slug):
    viewer = request.membership
    cycles = list(
        selectors.cycles_with_objective_counts(organization=request.organization, viewer=viewer)
    )
    for cycle in cycles:
        cycle.organization = request.organization  # the page's own row: no query per cycle
        cycle.can_grade_and_close = policy.can_grade_and_close(viewer, cycle)
        cycle.can_see_grades = cycle.is_closed and policy.can_close_cycle(viewer, cycle)
        cycle.can_edit = policy.can_edit_cycle(viewer, cycle)
        cycle.can_activate = policy.can_activate_cycle(viewer, cycle)
        cycle.starts_later = cycle.can_activate and cycle_rules.starts_later(cycle)
    return render(
        request,
        "okrs/planning/cycle_list.html",
        {"cycles": cycles},
    )


@org_required
def cycle_create(request, org_slug):
    if not policy.can_manage_cycles(request.membership):
        return forbidden(request, "Only admins and executives can create cycles.")
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, cycle = submit_to_service(
            form,
            lambda: services.create_cycle(
                organization=request.organization, actor=request.membership, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, f"Cycle “{cycle.name}” created. It starts in planning.")
            return redirect("okrs:cycle_list", org_slug=org_slug)
    return render(request, "okrs/planning/cycle_form.html", {"form": form, "cycle": None})


@org_required
def cycle_edit(request, org_slug, cycle_id):
    cycle = selectors.get_cycle(organization=request.organization, pk=cycle_id)
    if not policy.can_manage_cycles(request.membership):
        return forbidden(request, "Only admins and executives can edit cycles.")
    initial = {"name": cycle.name, "start_date": cycle.start_date, "end_date": cycle.end_date}
    form = CycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = submit_to_service(
            form,
            lambda: services.update_cycle(
                cycle=cycle, actor=request.membership, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, f"Cycle “{form.cleaned_data['name']}” saved.")
            return redirect("okrs:cycle_list", org_slug=org_slug)
    return render(request, "okrs/planning/cycle_form.html", {"form": form, "cycle": cycle})


def _early_activation_page(request, cycle):
    """The confirmation a cycle activated before its start date needs: it says that
    check-ins are due at once, and when the reminders come."""
    org = request.organization
    days = cycle_rules.days_until_start(cycle)
    weekday = Organization.Weekday(org.checkin_weekday).label
    return render(
        request,
        CONFIRM_TEMPLATE,
        {
            "title": f"Activate {cycle.name} before it starts?",
            "body": (
                f"{cycle.name} starts on {cycle.start_date:%A, %B} {cycle.start_date.day}, "
                f"{cycle.start_date.year} (in {days} day{'s' if days != 1 else ''}). "
                "Activating it now opens check-ins at once: its key results are due for a "
                f"check-in from this week ({weeks.iso_week(org)}), the reminders go out on "
                f"{weekday}s at {org.checkin_hour:02d}:00, and the digests count a key result "
                "without a check-in as missed."
            ),
            "confirm_label": "Activate now",
            "cancel_url": reverse("okrs:cycle_list", kwargs={"org_slug": org.slug}),
            "danger": False,
            "hidden": {"early": "yes"},
        },
    )


@require_http_methods(["GET", "POST"])
@org_required
def cycle_activate(request, org_slug, cycle_id):
    """planning → active. The list asks for confirmation before posting here; a cycle whose
    start date is still ahead is confirmed on a page of its own, which says that check-ins
    are due at once (GET, or a POST without `early=yes`, shows it)."""
    cycle = selectors.get_cycle(organization=request.organization, pk=cycle_id)
    early = cycle.status == Cycle.Status.PLANNING and cycle_rules.starts_later(cycle)
    if request.method == "GET" or (early and request.POST.get("early") != "yes"):
        if not policy.can_activate_cycle(request.membership, cycle):
            return forbidden(request, "Only admins and executives activate cycles in planning.")
        if not early:
            return redirect("okrs:cycle_list", org_slug=org_slug)  # nothing to confirm here
        return _early_activation_page(request, cycle)
    try:
        services.activate_cycle(cycle=cycle, actor=request.membership)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Cycle “{cycle.name}” is now active.")
    return redirect("okrs:cycle_list", org_slug=org_slug)
