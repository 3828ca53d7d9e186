"""Objective pages: detail (KRs, aligned children, comments, history), create, edit, delete."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.selectors import get_unit
from accounts.tenancy import org_required
from okr_project.web import confirm, paginate, submit_to_service
from okrs import selectors, services
from okrs.forms import ObjectiveForm
from okrs.models import Level, Objective, Rollup
from okrs.rules import policy
from okrs.views.work.comments import comments_context, post_comment
from okrs.views.work.common import (
    ALIGNED_PAGE_SIZE,
    HISTORY_PAGE_SIZE,
    delete_body,
    form_status,
    org_url,
    redirect_to,
    refuse,
)

ROLLUP_IN_WORDS = {
    Rollup.KEY_RESULTS: "Its key results",
    Rollup.CHILDREN: "Its aligned objectives",
    Rollup.BOTH: "Its key results and aligned objectives",
}

_LEVEL_BELOW = {
    Level.COMPANY: Level.DEPARTMENT,
    Level.DEPARTMENT: Level.TEAM,
    Level.TEAM: Level.INDIVIDUAL,
    Level.INDIVIDUAL: Level.INDIVIDUAL,
}


def _objective(request: HttpRequest, objective_id: int) -> Objective:
    return selectors.get_objective(
        organization=request.organization, pk=objective_id, viewer=request.membership
    )


@org_required
def objective_detail(request: HttpRequest, org_slug: str, objective_id: int) -> HttpResponse:
    org, me = request.organization, request.membership
    objective = _objective(request, objective_id)
    parent = objective.parent if objective.parent_id else None
    if parent is not None and not policy.can_view_objective(me, parent):
        parent = None
    # One page of what aligns here (an objective may have hundreds), visible ones only.
    children = paginate(
        request,
        selectors.alignment_children(organization=org, parent=objective, viewer=me),
        ALIGNED_PAGE_SIZE,
        param="aligned",
    )
    key_results = objective.key_results.all()  # prefetched by get_objective
    history = paginate(
        request,
        selectors.audit_for_objective(organization=org, objective=objective),
        HISTORY_PAGE_SIZE,
        param="history",
    )
    history_entries = selectors.readable_history(
        organization=org, viewer=me, entries=history.object_list
    )
    url = org_url(request, "objective_comment", objective_id=objective.pk)
    ctx = {
        "objective": objective,
        "parent": parent,
        "children": children,
        "key_results": list(key_results),
        "history": history,
        "history_entries": history_entries,
        "rollup_in_words": ROLLUP_IN_WORDS.get(objective.rollup, ""),
        # The policy answers for the cycle state too (a closed cycle is read-only).
        "can_edit": policy.can_edit_objective(me, objective),
        # Grades are given on the cycle's close page (a GET page; the grade view is POST).
        "can_grade": policy.can_grade(me, objective),
        "can_add_aligned": policy.can_add_aligned(me, objective),
        **comments_context(request, objective, post_url=url),
    }
    if request.htmx and request.GET.get("history"):
        return render(request, "okrs/work/objective_detail.html#history", ctx)
    return render(request, "okrs/work/objective_detail.html", ctx)


def _initial_for_create(request: HttpRequest) -> dict:
    """Defaults from ?parent=, ?level=, ?cycle=, ?unit=; ids that are not ours are ignored."""
    org, me = request.organization, request.membership
    initial: dict = {"owner": me, "unit": me.unit, "level": Level.INDIVIDUAL}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        try:
            parent = _objective(request, int(parent_id))
        except Http404:
            parent = None
        if parent is not None:
            initial.update(parent=parent, cycle=parent.cycle, level=_LEVEL_BELOW[parent.level])
    cycle_id = request.GET.get("cycle", "")
    if "cycle" not in initial and cycle_id.isdigit():
        with contextlib.suppress(Http404):
            initial["cycle"] = selectors.get_cycle(organization=org, pk=int(cycle_id))
    if "cycle" not in initial:
        initial["cycle"] = selectors.current_cycle(organization=org)
    if request.GET.get("level") in Level.values:
        initial["level"] = request.GET["level"]
    # Never preselect a level the member may not create (the form does not offer it).
    allowed = policy.creatable_levels(me)
    initial["level"] = policy.preferred_level(initial["level"], allowed) or Level.INDIVIDUAL
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        with contextlib.suppress(Http404):
            initial["unit"] = get_unit(organization=org, pk=int(unit_id))
    if initial["level"] == Level.COMPANY:
        initial["unit"] = None
    return initial


@org_required
def objective_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    org, me = request.organization, request.membership
    if request.method == "POST":
        form = ObjectiveForm(request.POST, organization=org, viewer=me)
        if form.is_valid():
            ok, objective = submit_to_service(
                form,
                lambda: services.create_objective(
                    organization=org, actor=me, **form.service_fields()
                ),
            )
            if ok:
                messages.success(request, f"Objective “{objective.title}” created.")
                return redirect_to(request, "objective_detail", objective_id=objective.pk)
    else:
        form = ObjectiveForm(organization=org, viewer=me, initial=_initial_for_create(request))
    ctx = {"form": form, "objective": None}
    return render(request, "okrs/work/objective_form.html", ctx, status=form_status(form))


@org_required
def objective_edit(request: HttpRequest, org_slug: str, objective_id: int) -> HttpResponse:
    org, me = request.organization, request.membership
    objective = _objective(request, objective_id)
    if not policy.can_edit_objective(me, objective):
        return refuse(
            request, objective.cycle, "Only the owner and those who lead its unit can edit it."
        )
    if request.method == "POST":
        form = ObjectiveForm(request.POST, organization=org, viewer=me, instance=objective)
        if form.is_valid():
            ok, _ = submit_to_service(
                form,
                lambda: services.update_objective(
                    objective=objective,
                    actor=me,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                ),
            )
            if ok:
                messages.success(request, "Objective saved.")
                return redirect_to(request, "objective_detail", objective_id=objective.pk)
    else:
        form = ObjectiveForm(
            organization=org,
            viewer=me,
            instance=objective,
            initial=ObjectiveForm.initial_for(objective),
        )
    ctx = {"form": form, "objective": objective}
    return render(request, "okrs/work/objective_form.html", ctx, status=form_status(form))


@org_required
@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, org_slug: str, objective_id: int) -> HttpResponse:
    """GET asks for confirmation; only a POST deletes."""
    me = request.membership
    objective = _objective(request, objective_id)
    if not policy.can_edit_objective(me, objective):
        return refuse(
            request, objective.cycle, "Only the owner and those who lead its unit can delete it."
        )
    return confirm(
        request,
        lambda: services.delete_objective(objective=objective, actor=me),
        title="Delete this objective?",
        body=delete_body(
            objective.title,
            "Its key results, check-ins and comments are deleted too; "
            "aligned objectives are kept but no longer aligned.",
        ),
        confirm_label="Delete objective",
        cancel_url=org_url(request, "objective_detail", objective_id=objective.pk),
        success=f"Objective “{objective.title}” deleted.",
        done_url=org_url(request, "my_okrs"),
    )


@org_required
@require_http_methods(["GET", "POST"])
def objective_comment(request: HttpRequest, org_slug: str, objective_id: int) -> HttpResponse:
    objective = _objective(request, objective_id)
    return post_comment(
        request,
        objective,
        post_url=org_url(request, "objective_comment", objective_id=objective.pk),
        back_url=org_url(request, "objective_detail", objective_id=objective.pk),
    )
