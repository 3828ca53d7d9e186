"""Cycle close: grade every objective and key result, write retrospectives, close, copy on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.tenancy import org_required
from okr_project.web import error_text, paginate, submit_to_service
from okrs import policy, selectors, services
from okrs.forms.planning import CopyUnfinishedForm, GradeForm
from okrs.models import LEVEL_RANK, Cycle

TEMPLATE = "okrs/planning/cycle_close.html"


def objective_form(objective, data=None) -> GradeForm:
    initial = {
        "grade": round(objective.grade if objective.grade is not None else objective.progress, 2),
        "retrospective": objective.retrospective,
    }
    return GradeForm(data, initial=initial, prefix=f"o{objective.pk}")


def key_result_form(kr, data=None) -> GradeForm:
    form = GradeForm(
        data,
        initial={"grade": round(kr.grade if kr.grade is not None else kr.progress, 2)},
        prefix=f"k{kr.pk}",
    )
    del form.fields["retrospective"]  # retrospectives are written per objective
    return form


def copy_targets(organization, source):
    return (
        selectors.cycles_for_org(organization=organization)
        .exclude(pk=source.pk)
        .exclude(status=Cycle.Status.CLOSED)
    )


def close_context(request, cycle, *, bound=None):
    """Every objective of the cycle with its KRs and a grade form per row.

    `bound` replaces one row's form with a submitted (invalid) one, so its errors show.
    """
    viewer = request.membership
    objectives = sorted(
        selectors.objectives_for_cycle(
            organization=request.organization, cycle=cycle, viewer=viewer
        ),
        key=lambda o: (LEVEL_RANK[o.level], o.title.lower()),
    )
    objectives = paginate(request, objectives, 20)
    for objective in objectives:
        objective.form = objective_form(objective)
        objective.can_grade = policy.can_grade(viewer, objective)
        for kr in objective.key_results.all():
            kr.form = key_result_form(kr)
        if bound is not None:
            _swap_bound(objective, bound)
    return {
        "cycle": cycle,
        "objectives": objectives,
        "can_close": policy.can_close_cycle(viewer, cycle),
        "can_copy": policy.can_manage_cycles(viewer),
        "copy_form": CopyUnfinishedForm(cycles=copy_targets(request.organization, cycle)),
    }


def _swap_bound(objective, bound):
    kind, row, form = bound
    if kind == "objective" and row.pk == objective.pk:
        objective.form = form
    for kr in objective.key_results.all():
        if kind == "key_result" and row.pk == kr.pk:
            kr.form = form


@org_required
def cycle_close(request, org_slug, cycle_id):
    cycle = selectors.get_cycle(organization=request.organization, pk=cycle_id)
    if request.method == "POST":
        try:
            services.close_cycle(cycle=cycle, actor=request.membership)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                f"{cycle.name} is closed. Ungraded OKRs got their progress as grade; "
                "you can now copy unfinished OKRs to the next cycle.",
            )
        return redirect("okrs:cycle_close", org_slug=org_slug, cycle_id=cycle.pk)
    return render(request, TEMPLATE, close_context(request, cycle))


def _grade_response(request, cycle, kind, row, form, *, saved):
    """htmx: the row again (with errors or a "Saved" note). Without JS: back to the page."""
    if request.htmx:
        if kind == "objective":
            row.form = form if not saved else objective_form(row)
            template, ctx = f"{TEMPLATE}#objective-grade", {"objective": row, "saved": saved}
            row.can_grade = True
        else:
            row.form = form if not saved else key_result_form(row)
            template, ctx = f"{TEMPLATE}#kr-grade", {"kr": row, "saved": saved}
        ctx["cycle"] = cycle
        # htmx 2 does not swap 4xx answers, so a row with errors comes back as 200.
        return render(request, template, ctx)
    back = redirect("okrs:cycle_close", org_slug=request.organization.slug, cycle_id=cycle.pk)
    if saved:
        messages.success(request, f"Grade saved for “{row.title}”.")
        return back
    if not any(form.errors.get(name) for name in form.fields):
        # Refused as a whole (permission, closed cycle): the row may not even show a form.
        messages.error(request, " ".join(form.non_field_errors()))
        return back
    ctx = close_context(request, cycle, bound=(kind, row, form))
    return render(request, TEMPLATE, ctx, status=422)


@require_POST
@org_required
def objective_grade(request, org_slug, objective_id):
    objective = selectors.get_objective(
        organization=request.organization, pk=objective_id, viewer=request.membership
    )
    form = objective_form(objective, request.POST)
    saved = False
    if form.is_valid():
        saved, graded = submit_to_service(
            form,
            lambda: services.grade_objective(
                objective=objective,
                actor=request.membership,
                grade=float(form.cleaned_data["grade"]),
                retrospective=form.cleaned_data["retrospective"],
            ),
        )
        objective = graded or objective
    return _grade_response(request, objective.cycle, "objective", objective, form, saved=saved)


@require_POST
@org_required
def key_result_grade(request, org_slug, key_result_id):
    kr = selectors.get_key_result(
        organization=request.organization, pk=key_result_id, viewer=request.membership
    )
    form = key_result_form(kr, request.POST)
    saved = False
    if form.is_valid():
        saved, graded = submit_to_service(
            form,
            lambda: services.grade_key_result(
                key_result=kr, actor=request.membership, grade=float(form.cleaned_data["grade"])
            ),
        )
        kr = graded or kr
    return _grade_response(request, kr.objective.cycle, "key_result", kr, form, saved=saved)


@require_POST
@org_required
def cycle_copy(request, org_slug, cycle_id):
    source = selectors.get_cycle(organization=request.organization, pk=cycle_id)
    form = CopyUnfinishedForm(request.POST, cycles=copy_targets(request.organization, source))
    if not form.is_valid():
        messages.error(request, "Choose an open cycle to copy the unfinished OKRs to.")
        return redirect("okrs:cycle_close", org_slug=org_slug, cycle_id=source.pk)
    target = form.cleaned_data["target"]
    try:
        copied = services.copy_unfinished_okrs(
            source=source, target=target, actor=request.membership
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("okrs:cycle_close", org_slug=org_slug, cycle_id=source.pk)
    if copied:
        messages.success(request, f"Copied {len(copied)} unfinished objective(s) to {target.name}.")
    else:
        messages.info(request, f"Nothing to copy: every objective of {source.name} was finished.")
    return redirect("okrs:cycle_overview", org_slug=org_slug, cycle_id=target.pk)
