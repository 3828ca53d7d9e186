"""Initiatives and risks on a key result.

Initiatives are inline (htmx swaps the `#initiatives` section); risks use small plain forms.
Every endpoint also works without JavaScript (POST → redirect back to the KR page).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.tenancy import org_required
from okr_project.web import error_text, submit_to_service
from okrs import selectors, services
from okrs.forms import InitiativeForm, InitiativeStatusForm, RiskForm
from okrs.models import Risk
from okrs.rules import policy
from okrs.views.work.common import form_status, refuse
from okrs.views.work.key_results import back_to_kr, get_kr, initiatives_context


def _error_text_of(form) -> str:
    return " ".join(form.non_field_errors()) or "Please correct the initiative."


def _initiatives_answer(request: HttpRequest, kr, form=None, *, error: str = "") -> HttpResponse:
    if request.htmx:
        ctx = {**initiatives_context(request, kr, form), "initiative_error": error}
        return render(request, "okrs/work/_initiatives.html", ctx)
    if error:
        messages.error(request, error)
    return back_to_kr(request, kr, "#initiatives")


@org_required
@require_POST
def initiative_create(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    kr = get_kr(request, key_result_id)
    form = InitiativeForm(request.POST, organization=request.organization, auto_id="id_ini_%s")
    if form.is_valid():
        ok, _ = submit_to_service(
            form,
            lambda: services.create_initiative(
                key_result=kr, actor=request.membership, **form.cleaned_data
            ),
        )
        if ok:
            if not request.htmx:
                messages.success(request, "Initiative added.")
            return _initiatives_answer(request, kr)
    # Someone who may not add initiatives does not see the form, so say why up top.
    shows_form = policy.can_manage_initiatives(request.membership, kr)
    error = "" if shows_form else _error_text_of(form)
    if request.htmx:
        return _initiatives_answer(request, kr, form, error=error)
    ctx = {
        **initiatives_context(request, kr, form),
        "objective": kr.objective,
        "initiative_error": error,
    }
    return render(request, "okrs/work/initiative_form.html", ctx, status=422)


@org_required
@require_POST
def initiative_update(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    """Change an initiative's status (the inline select on the KR page)."""
    initiative = selectors.get_initiative(
        organization=request.organization, pk=initiative_id, viewer=request.membership
    )
    kr = initiative.key_result
    form = InitiativeStatusForm(request.POST)
    if not form.is_valid():
        return _initiatives_answer(request, kr, error="Choose a status from the list.")
    try:
        services.update_initiative(
            initiative=initiative, actor=request.membership, status=form.cleaned_data["status"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _initiatives_answer(request, kr, error=error_text(exc))
    return _initiatives_answer(request, kr)


@org_required
@require_POST
def risk_create(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    kr = get_kr(request, key_result_id)
    form = RiskForm(request.POST, organization=request.organization, auto_id="id_risk_%s")
    if form.is_valid():
        ok, _ = submit_to_service(
            form,
            lambda: services.create_risk(
                key_result=kr, actor=request.membership, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, "Risk recorded.")
            return back_to_kr(request, kr, "#risks")
    ctx = {"form": form, "kr": kr, "risk": None, "objective": kr.objective}
    return render(request, "okrs/work/risk_form.html", ctx, status=422)


def _risk(request: HttpRequest, risk_id: int) -> tuple[Risk, object]:
    """The risk and its KR (404 when not in this org or its objective is not visible)."""
    risk = selectors.get_risk(
        organization=request.organization, pk=risk_id, viewer=request.membership
    )
    return risk, risk.key_result


@org_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, org_slug: str, risk_id: int) -> HttpResponse:
    risk, kr = _risk(request, risk_id)
    org = request.organization
    if not policy.can_edit_risk(request.membership, risk):
        return refuse(request, kr.objective.cycle, "You may not change this risk.")
    if request.method == "POST":
        form = RiskForm(request.POST, organization=org)
        if form.is_valid():
            ok, _ = submit_to_service(
                form,
                lambda: services.update_risk(
                    risk=risk, actor=request.membership, **form.cleaned_data
                ),
            )
            if ok:
                messages.success(request, "Risk saved.")
                return back_to_kr(request, kr, "#risks")
    else:
        fields = ("description", "likelihood", "impact", "mitigation", "owner", "status")
        form = RiskForm(organization=org, initial={f: getattr(risk, f) for f in fields})
    ctx = {"form": form, "kr": kr, "risk": risk, "objective": kr.objective}
    return render(request, "okrs/work/risk_form.html", ctx, status=form_status(form))


@org_required
@require_POST
def risk_close(request: HttpRequest, org_slug: str, risk_id: int) -> HttpResponse:
    risk, kr = _risk(request, risk_id)
    try:
        services.update_risk(risk=risk, actor=request.membership, status=Risk.State.CLOSED)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Risk closed.")
    return back_to_kr(request, kr, "#risks")
