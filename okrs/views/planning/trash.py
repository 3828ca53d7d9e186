"""The trash (admins): objectives and key results deleted in the last 30 days, restorable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.tenancy import org_required
from okr_project.web import error_text, forbidden, paginate
from okrs import services
from okrs.rules import policy
from okrs.selectors import trash as selectors

ADMINS_ONLY = "Only admins can see and restore the trash."


def _back(org_slug: str):
    return redirect(reverse("okrs:trash", kwargs={"org_slug": org_slug}))


@org_required
def trash(request, org_slug):
    if not policy.can_manage_org(request.membership):
        return forbidden(request, ADMINS_ONLY)
    organization = request.organization
    return render(
        request,
        "okrs/planning/trash.html",
        {
            "objectives": paginate(
                request, selectors.trashed_objectives(organization=organization), 25
            ),
            "key_results": paginate(
                request,
                selectors.trashed_key_results(organization=organization),
                25,
                param="kr_page",
            ),
        },
    )


def _restore(request, org_slug, call, title: str):
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Restored “{title}”.")
    return _back(org_slug)


@org_required
@require_POST
def restore_objective(request, org_slug, objective_id):
    if not policy.can_manage_org(request.membership):
        return forbidden(request, ADMINS_ONLY)
    objective = selectors.get_trashed_objective(organization=request.organization, pk=objective_id)
    return _restore(
        request,
        org_slug,
        lambda: services.restore_objective(
            organization=request.organization, objective_id=objective.pk, actor=request.membership
        ),
        objective.title,
    )


@org_required
@require_POST
def restore_key_result(request, org_slug, key_result_id):
    if not policy.can_manage_org(request.membership):
        return forbidden(request, ADMINS_ONLY)
    kr = selectors.get_trashed_key_result(organization=request.organization, pk=key_result_id)
    return _restore(
        request,
        org_slug,
        lambda: services.restore_key_result(
            organization=request.organization, key_result_id=kr.pk, actor=request.membership
        ),
        kr.title,
    )
