"""Cycle close: grade every objective and key result, write retrospectives, close, copy on."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.tenancy import org_required
from okr_project.web import apply_service_error, error_text, paginate, submit_to_service
from okrs import selectors, services
from okrs.forms.planning import CopyUnfinishedForm, GradeForm
from okrs.models import LEVEL_RANK
from okrs.rules import policy
from okrs.services import grading

TEMPLATE = "okrs/planning/cycle_close.html"


SCOPE_TEXT = {
    policy.GRADE_ALL: "You can grade every objective and key result of this cycle.",
    policy.GRADE_UNITS: (
        "You can grade the objectives of the units you lead (and the units below them), "
        "their key results, and the OKRs you own. Other rows are shown read-only."
    ),
    policy.GRADE_OWN: (
        "You can grade the objectives and key results you own. Other rows are shown read-only."
    ),
}


def initial_grade(row) -> Decimal:
    """The grade, or the progress before grading, as the Decimal the form compares (a float
    would never equal the submitted value, so every untouched row would count as changed)."""
    return Decimal(str(round(row.grade if row.grade is not None else row.progress, 2)))


def objective_form(objective, data=None) -> GradeForm:
    initial = {
        "grade": initial_grade(objective),
        "retrospective": objective.retrospective,
    }
    form = GradeForm(data, initial=initial, prefix=f"o{objective.pk}")
    form.fields["grade"].widget.attrs["aria-label"] = f"Grade for {objective.title}"
    form.fields["retrospective"].widget.attrs["aria-label"] = f"Retrospective for {objective.title}"
    return form


def key_result_form(kr, data=None) -> GradeForm:
    form = GradeForm(
        data,
        initial={"grade": initial_grade(kr)},
        prefix=f"k{kr.pk}",
    )
    del form.fields["retrospective"]  # retrospectives are written per objective
    form.fields["grade"].widget.attrs["aria-label"] = f"Grade for {kr.title}"
    return form


def page_objectives(request, cycle):
    """This page of the cycle's objectives, each with its KRs, a grade form per row and
    `can_grade` per row (asked of the policy)."""
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
            kr.can_grade = policy.can_grade_key_result(viewer, kr)
    return objectives


def gradable_rows(objectives):
    """(kind, row) for every row of the page the viewer may grade."""
    for objective in objectives:
        if objective.can_grade:
            yield "objective", objective
        for kr in objective.key_results.all():
            if kr.can_grade:
                yield "key_result", kr


def close_context(request, cycle, *, bound=None, objectives=None):
    """Every objective of the cycle with its KRs and a grade form per row.

    `bound` replaces one row's form with a submitted (invalid) one, so its errors show;
    `objectives` is a page already built (with bound forms) by the batch save.
    """
    viewer = request.membership
    if objectives is None:
        objectives = page_objectives(request, cycle)
    if bound is not None:
        for objective in objectives:
            _swap_bound(objective, bound)
    can_copy = policy.can_copy_unfinished(viewer, cycle)
    targets = (
        list(selectors.copy_targets(organization=request.organization, source=cycle))
        if can_copy
        else []
    )
    copied = [(t, selectors.already_copied(source=cycle, target=t)) for t in targets]
    return {
        "cycle": cycle,
        "objectives": objectives,
        "any_gradable": any(True for _ in gradable_rows(objectives)),
        "scope_text": SCOPE_TEXT[policy.grading_scope(viewer)],
        "can_close": policy.can_grade_and_close(viewer, cycle),
        "can_copy": can_copy,
        "already_copied": [(t, rows) for t, rows in copied if rows],
        "copy_form": CopyUnfinishedForm(
            cycles=selectors.copy_targets(organization=request.organization, source=cycle)
        ),
    }


def _swap_bound(objective, bound):
    kind, row, form = bound
    if kind == "objective" and row.pk == objective.pk:
        objective.form = form
    for kr in objective.key_results.all():
        if kind == "key_result" and row.pk == kr.pk:
            kr.form = form


def close_url(request, cycle):
    url = reverse("okrs:cycle_close", args=[request.organization.slug, cycle.pk])
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdigit() else url


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


def _grade_entries(rows):
    """The changed rows as `save_grades` takes them, and the form of each row key."""
    entries = {grading.OBJECTIVES: [], grading.KEY_RESULTS: []}
    forms = {}
    for kind, row, form in rows:
        entry = {"id": row.pk, "grade": form.cleaned_data["grade"]}
        if kind == "objective":
            entry["retrospective"] = form.cleaned_data["retrospective"]
        name = grading.OBJECTIVES if kind == "objective" else grading.KEY_RESULTS
        forms[grading.row_key(name, len(entries[name]))] = form
        entries[name].append(entry)
    return entries, forms


def _save_changed(request, cycle, changed) -> bool:
    """Save the changed rows through the grading service (all or none); its errors go on
    the rows' forms (or, when they name no row, into a message)."""
    entries, forms = _grade_entries(changed)
    try:
        services.save_grades(
            cycle=cycle,
            actor=request.membership,
            objective_grades=entries[grading.OBJECTIVES],
            kr_grades=entries[grading.KEY_RESULTS],
        )
    except (ValidationError, PermissionDenied) as exc:
        per_row = grading.errors_by_row(exc) if isinstance(exc, ValidationError) else {}
        for key, error in per_row.items():
            apply_service_error(forms[key], error)
        if not per_row:
            messages.error(request, f"Nothing was saved: {error_text(exc)}")
        return False
    return True


@require_POST
@org_required
def cycle_grades(request, org_slug, cycle_id):
    """Save every grade of one page of the close page at once: each row the viewer may grade
    is validated; all changed rows are saved in one transaction, or none (errors per row)."""
    cycle = selectors.get_cycle(organization=request.organization, pk=cycle_id)
    back = redirect(close_url(request, cycle))
    if not policy.cycle_is_open(cycle):
        messages.error(request, policy.CLOSED_MESSAGE)
        return back
    objectives = page_objectives(request, cycle)
    rows = []
    for kind, row in gradable_rows(objectives):
        build = objective_form if kind == "objective" else key_result_form
        if f"{build(row).prefix}-grade" not in request.POST:
            continue  # not on the submitted page (e.g. added since): left as it is
        row.form = build(row, request.POST)
        rows.append((kind, row, row.form))
    if not rows:
        messages.info(request, "There were no grades to save on this page.")
        return back
    valid = all([form.is_valid() for _, _, form in rows])  # every row, so each shows its errors
    changed = [(k, r, f) for k, r, f in rows if f.has_changed()] if valid else []
    if changed:
        valid = _save_changed(request, cycle, changed)
    if not valid:
        errors = sum(1 for _, _, form in rows if form.errors)
        if errors:
            messages.error(
                request,
                f"Nothing was saved: {errors} row(s) need a fix (see the messages next to them).",
            )
        ctx = close_context(request, cycle, objectives=objectives)
        return render(request, TEMPLATE, ctx, status=422)
    if changed:
        messages.success(request, f"Saved {len(changed)} grade(s).")
    else:
        messages.info(request, "No grade changed: nothing to save.")
    return back


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
    form = CopyUnfinishedForm(
        request.POST,
        cycles=selectors.copy_targets(organization=request.organization, source=source),
    )
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
