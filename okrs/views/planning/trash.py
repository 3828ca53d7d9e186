"""The trash (admins): objectives and key results deleted within the retention, restorable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.tenancy import org_required, requires
from okr_project.web import error_text, paginate
from okrs import services
from okrs.rules import policy
from okrs.rules.trash import RETENTION_TEXT
from okrs.selectors import trash as selectors


def _back(org_slug: str):
    return redirect(reverse("okrs:trash", kwargs={"org_slug": org_slug}))


@org_required
@requires(policy.can_manage_trash, policy.TRASH_ADMINS_ONLY)
def trash(request, org_slug):
    organization = request.organization
    return render(
        request,
        "okrs/planning/trash.html",
        {
            "objectives": paginate(
                request, selectors.trashed_objectives(organization=organization), 25
            ),
            "retention": RETENTION_TEXT,
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
@requires(policy.can_manage_trash, policy.TRASH_ADMINS_ONLY)
def restore_objective(request, org_slug, objective_id):
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
@requires(policy.can_manage_trash, policy.TRASH_ADMINS_ONLY)
def restore_key_result(request, org_slug, key_result_id):
    kr = selectors.get_trashed_key_result(organization=request.organization, pk=key_result_id)
    return _restore(
        request,
        org_slug,
        lambda: services.restore_key_result(
            organization=request.organization, key_result_id=kr.pk, actor=request.membership
        ),
        kr.title,
    )
