"""Key result pages: detail (chart, check-ins, initiatives, risks, comments), create, edit,
delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.tenancy import org_required
from okr_project.web import confirm, paginate, submit_to_service
from okrs import selectors, services
from okrs.charts import key_result_chart
from okrs.forms import InitiativeForm, KeyResultForm, RiskForm
from okrs.models import Initiative, KeyResult
from okrs.rules import policy
from okrs.views.work.comments import comments_context, post_comment
from okrs.views.work.common import (
    LONG_LIST_PAGE_SIZE,
    delete_body,
    form_status,
    org_url,
    redirect_to,
    refuse,
)

# Wide and short: the chart spans the card; axis labels stay legible when scaled down.
CHART_WIDTH, CHART_HEIGHT = 900, 260
# The same chart drawn for a phone (about as wide as its screen, so the labels keep their
# size): the page carries both and the stylesheet shows the one that fits.
PHONE_CHART_WIDTH, PHONE_CHART_HEIGHT = 360, 240


def get_kr(request: HttpRequest, key_result_id: int) -> KeyResult:
    """The KR (404 when not in this org or not visible), with its cycle and contributors
    loaded for the policy checks."""
    return selectors.get_key_result(
        organization=request.organization, pk=key_result_id, viewer=request.membership
    )


def initiatives_context(request: HttpRequest, kr: KeyResult, form=None) -> dict:
    me = request.membership
    initiatives = selectors.initiatives_for_key_result(
        organization=request.organization, key_result=kr
    )
    for initiative in initiatives:
        initiative.can_edit = policy.can_edit_initiative(me, initiative)
    can_manage = policy.can_manage_initiatives(me, kr)
    if form is None and can_manage:
        form = InitiativeForm(
            organization=request.organization, initial={"assignee": me}, auto_id="id_ini_%s"
        )
    return {
        "kr": kr,
        "initiatives": initiatives,
        "initiative_form": form,
        "initiative_states": Initiative.State.choices,
        "can_manage_initiatives": can_manage,
        "organization": request.organization,
    }


def _chart(
    request: HttpRequest,
    kr: KeyResult,
    check_ins: list,
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
):
    cycle, tz = kr.objective.cycle, request.organization.tzinfo
    readings = [(timezone.localtime(ci.created_at, tz).date(), ci.value) for ci in check_ins]
    if not readings or min(d for d, _ in readings) > cycle.start_date:
        readings.append((cycle.start_date, kr.start_value))  # the line starts where the KR did
    return key_result_chart(
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        start_value=kr.start_value,
        target_value=kr.target_value,
        readings=readings,
        today=timezone.localdate(timezone=tz),
        width=width,
        height=height,
    )


@org_required
def key_result_detail(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    org, me = request.organization, request.membership
    kr = get_kr(request, key_result_id)
    all_check_ins = list(
        selectors.check_ins_for_key_result(organization=org, key_result=kr, viewer=me)
    )
    url = org_url(request, "key_result_comment", key_result_id=kr.pk)
    risks = selectors.risks_for_key_result(organization=org, key_result=kr)
    for risk in risks:
        risk.can_edit = policy.can_edit_risk(me, risk)
        risk.can_close = policy.can_close_risk(me, risk)
    ctx = {
        **initiatives_context(request, kr),
        "objective": kr.objective,
        "chart": _chart(request, kr, all_check_ins),
        "phone_chart": _chart(
            request, kr, all_check_ins, width=PHONE_CHART_WIDTH, height=PHONE_CHART_HEIGHT
        ),
        "check_ins": paginate(request, all_check_ins, LONG_LIST_PAGE_SIZE, param="check_ins"),
        "risks": risks,
        "risk_form": RiskForm(organization=org, auto_id="id_risk_%s"),
        # The policy answers for the cycle state too (a closed cycle is read-only).
        "can_check_in": policy.can_check_in(me, kr),
        "can_edit": policy.can_edit_key_result(me, kr),
        "can_manage_risks": policy.can_manage_risks(me, kr),
        **comments_context(request, kr, post_url=url),
    }
    return render(request, "okrs/work/key_result_detail.html", ctx)


@org_required
def key_result_create(request: HttpRequest, org_slug: str, objective_id: int) -> HttpResponse:
    org, me = request.organization, request.membership
    objective = selectors.get_objective(organization=org, pk=objective_id, viewer=me)
    if not policy.can_edit_objective(me, objective):
        return refuse(
            request,
            objective.cycle,
            "Only those who may edit the objective can add key results.",
        )
    if request.method == "POST":
        form = KeyResultForm(request.POST, organization=org)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            ok, kr = submit_to_service(
                form, lambda: services.create_key_result(objective=objective, actor=me, **data)
            )
            if ok:
                messages.success(request, f"Key result “{kr.title}” added.")
                return redirect_to(request, "objective_detail", objective_id=objective.pk)
    else:
        form = KeyResultForm(organization=org, initial={"owner": me})
    ctx = {"form": form, "objective": objective, "kr": None}
    return render(request, "okrs/work/key_result_form.html", ctx, status=form_status(form))


@org_required
def key_result_edit(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    org, me = request.organization, request.membership
    kr = get_kr(request, key_result_id)
    if not policy.can_edit_key_result(me, kr):
        return refuse(
            request,
            kr.objective.cycle,
            "Only the KR owner and the objective's editors can edit it.",
        )
    if request.method == "POST":
        form = KeyResultForm(request.POST, organization=org)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            ok, _ = submit_to_service(
                form,
                lambda: services.update_key_result(
                    key_result=kr, actor=me, expected_version=version, **data
                ),
            )
            if ok:
                messages.success(request, "Key result saved.")
                return redirect_to(request, "key_result_detail", key_result_id=kr.pk)
    else:
        form = KeyResultForm(organization=org, initial=KeyResultForm.initial_for(kr))
    ctx = {"form": form, "objective": kr.objective, "kr": kr}
    return render(request, "okrs/work/key_result_form.html", ctx, status=form_status(form))


@org_required
@require_http_methods(["GET", "POST"])
def key_result_delete(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    """GET asks for confirmation; only a POST deletes."""
    me = request.membership
    kr = get_kr(request, key_result_id)
    if not policy.can_edit_key_result(me, kr):
        return refuse(
            request,
            kr.objective.cycle,
            "Only the KR owner and the objective's editors can delete it.",
        )
    return confirm(
        request,
        lambda: services.delete_key_result(key_result=kr, actor=me),
        title="Delete this key result?",
        body=delete_body(
            kr.title,
            "Its check-ins, initiatives, risks and comments are deleted too, and "
            "the objective's progress is recalculated.",
        ),
        confirm_label="Delete key result",
        cancel_url=org_url(request, "key_result_detail", key_result_id=kr.pk),
        success=f"Key result “{kr.title}” deleted.",
        done_url=org_url(request, "objective_detail", objective_id=kr.objective_id),
    )


@org_required
@require_http_methods(["GET", "POST"])
def key_result_comment(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    kr = get_kr(request, key_result_id)
    return post_comment(
        request,
        kr,
        post_url=org_url(request, "key_result_comment", key_result_id=kr.pk),
        back_url=org_url(request, "key_result_detail", key_result_id=kr.pk),
    )


def back_to_kr(request: HttpRequest, kr: KeyResult, anchor: str = "") -> HttpResponse:
    return redirect(org_url(request, "key_result_detail", key_result_id=kr.pk) + anchor)
