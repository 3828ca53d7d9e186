"""The trash: what was deleted within `RETENTION`, for the admins who may restore it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from accounts.models import Organization
from okrs.models import KeyResult, Objective, live_q
from okrs.rules.trash import restorable_q


def trashed_objectives(*, organization: Organization):
    """Objectives in the trash, newest first, with owner and cycle (one query)."""
    return (
        Objective.all_objects.filter(restorable_q(now=timezone.now()), organization=organization)
        .select_related("owner__user", "cycle")
        .order_by("-deleted_at", "-id")
    )


def trashed_key_results(*, organization: Organization):
    """Key results trashed on their own (their objective is live), newest first."""
    return (
        KeyResult.all_objects.filter(
            restorable_q(now=timezone.now()), live_q("objective__"), organization=organization
        )
        .select_related("owner__user", "objective")
        .order_by("-deleted_at", "-id")
    )


def _get(queryset, pk: Any, label: str):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, queryset.model.DoesNotExist):
        raise Http404(f"{label} not found in the trash.") from None


def get_trashed_objective(*, organization: Organization, pk: Any) -> Objective:
    return _get(trashed_objectives(organization=organization), pk, "Objective")


def get_trashed_key_result(*, organization: Organization, pk: Any) -> KeyResult:
    return _get(trashed_key_results(organization=organization), pk, "Key result")
