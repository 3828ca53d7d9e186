"""Reads around an objective or key result: aligned children, initiatives, risks, comments.

Single-row lookups answer 404 for another tenant's row *and* for a row whose objective the
viewer may not see (the one visibility rule: `okrs.rules.visibility.visible_objectives_q` and
`visible_key_results_q`), so ids leak nothing. Rows come with the key result,
objective and cycle loaded: the policy's write predicates need the cycle, without a query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Membership, Organization
from okrs.models import Comment, Initiative, KeyResult, Objective, Risk
from okrs.rules.visibility import visible_key_results_q, visible_objectives_q

# What a key result page needs of the KR behind an initiative or a risk.
_KR_RELATED = (
    "key_result__objective__cycle__organization",
    "key_result__objective__owner__user",
    "key_result__objective__unit",
    "key_result__owner__user",
)


def _contributors() -> Prefetch:
    return Prefetch("key_result__contributors", queryset=Membership.objects.select_related("user"))


def _pk(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404("Not found.") from None


def aligned_children(
    *, organization: Organization, objective: Objective, viewer: Membership | None
) -> list[Objective]:
    """The visible objectives aligned directly to `objective`, with owner and unit."""
    return list(
        Objective.objects.filter(organization=organization, parent=objective)
        .filter(visible_objectives_q(viewer))
        .select_related("owner__user", "unit", "cycle")
        .order_by("title", "id")
    )


def initiatives_for_key_result(
    *, organization: Organization, key_result: KeyResult
) -> list[Initiative]:
    """The KR's initiatives with their assignees; each carries the (loaded) KR, so the
    policy checks on them run no query."""
    rows = list(
        Initiative.objects.filter(organization=organization, key_result=key_result)
        .select_related("assignee__user")
        .order_by("id")
    )
    for row in rows:
        row.key_result = key_result
    return rows


def risks_for_key_result(*, organization: Organization, key_result: KeyResult) -> list[Risk]:
    """The KR's risks with their owners (each carries the loaded KR)."""
    rows = list(
        Risk.objects.filter(organization=organization, key_result=key_result)
        .select_related("owner__user")
        .order_by("id")
    )
    for row in rows:
        row.key_result = key_result
    return rows


def comments_for(*, organization: Organization, target: Objective | KeyResult) -> QuerySet:
    """The comments on an objective or a KR (the caller already may see it), oldest first,
    with authors and mentions."""
    field = "key_result" if isinstance(target, KeyResult) else "objective"
    return (
        Comment.objects.filter(organization=organization, **{field: target})
        .select_related("author__user")
        .prefetch_related("mentions__user")
        .order_by("created_at", "id")
    )


def visible_initiatives(
    *, organization: Organization, viewer: Membership | None
) -> QuerySet[Initiative]:
    """Initiatives on key results the viewer may see (API lists, single-row lookups)."""
    return Initiative.objects.filter(organization=organization).filter(
        visible_key_results_q(viewer, prefix="key_result__")
    )


def visible_risks(*, organization: Organization, viewer: Membership | None) -> QuerySet[Risk]:
    """Risks on key results the viewer may see."""
    return Risk.objects.filter(organization=organization).filter(
        visible_key_results_q(viewer, prefix="key_result__")
    )


def visible_comments(*, organization: Organization, viewer: Membership | None) -> QuerySet[Comment]:
    """Comments on objectives (or on key results of objectives) the viewer may see."""
    on_objective = Q(objective__isnull=False) & visible_objectives_q(viewer, prefix="objective__")
    on_key_result = Q(key_result__isnull=False) & visible_key_results_q(
        viewer, prefix="key_result__"
    )
    return Comment.objects.filter(organization=organization).filter(on_objective | on_key_result)


def _one(queryset: QuerySet, pk: Any, label: str):
    row = queryset.filter(pk=_pk(pk)).first()
    if row is None:
        raise Http404(f"{label} not found.")
    return row


def get_initiative(*, organization: Organization, pk: Any, viewer: Membership | None) -> Initiative:
    """The initiative if it is in this organization and its objective is visible; else 404."""
    rows = visible_initiatives(organization=organization, viewer=viewer)
    rows = rows.select_related(*_KR_RELATED).prefetch_related(_contributors())
    return _one(rows, pk, "Initiative")


def get_risk(*, organization: Organization, pk: Any, viewer: Membership | None) -> Risk:
    """The risk if it is in this organization and its objective is visible; else 404."""
    rows = visible_risks(organization=organization, viewer=viewer)
    rows = rows.select_related(*_KR_RELATED).prefetch_related(_contributors())
    return _one(rows, pk, "Risk")


def get_comment(*, organization: Organization, pk: Any, viewer: Membership | None) -> Comment:
    """The comment if it is in this organization and the objective it belongs to (directly
    or through its KR) is visible; else 404."""
    rows = visible_comments(organization=organization, viewer=viewer).select_related(
        "author__user", "objective__cycle", "key_result__objective__cycle"
    )
    return _one(rows, pk, "Comment")
