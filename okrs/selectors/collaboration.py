"""Reads around an objective or key result: aligned children, initiatives, risks, comments.

Single-row lookups answer 404 for another tenant's row *and* for a row whose objective the
viewer may not see (the one visibility rule: `okrs.rules.policy.can_view_objective` /
`okrs.selectors.visible_objectives_q`), so ids leak nothing. Rows come with the key result,
objective and cycle loaded: the policy's write predicates need the cycle, without a query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Membership, Organization
from okrs.models import Comment, Initiative, KeyResult, Objective, Risk
from okrs.rules import policy
from okrs.rules.visibility import can_view_key_result, visible_objectives_q

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


def get_initiative(*, organization: Organization, pk: Any, viewer: Membership | None) -> Initiative:
    """The initiative if it is in this organization and its objective is visible; else 404."""
    try:
        row = (
            Initiative.objects.select_related(*_KR_RELATED)
            .prefetch_related(_contributors())
            .get(organization=organization, pk=_pk(pk))
        )
    except Initiative.DoesNotExist:
        raise Http404("Initiative not found.") from None
    if not can_view_key_result(viewer, row.key_result):
        raise Http404("Initiative not found.")
    return row


def get_risk(*, organization: Organization, pk: Any, viewer: Membership | None) -> Risk:
    """The risk if it is in this organization and its objective is visible; else 404."""
    try:
        row = (
            Risk.objects.select_related(*_KR_RELATED)
            .prefetch_related(_contributors())
            .get(organization=organization, pk=_pk(pk))
        )
    except Risk.DoesNotExist:
        raise Http404("Risk not found.") from None
    if not can_view_key_result(viewer, row.key_result):
        raise Http404("Risk not found.")
    return row


def get_comment(*, organization: Organization, pk: Any, viewer: Membership | None) -> Comment:
    """The comment if it is in this organization and the objective it belongs to (directly
    or through its KR) is visible; else 404."""
    try:
        row = Comment.objects.select_related(
            "author__user",
            "objective__cycle",
            "key_result__objective__cycle",
        ).get(organization=organization, pk=_pk(pk))
    except Comment.DoesNotExist:
        raise Http404("Comment not found.") from None
    objective = row.objective if row.objective_id else row.key_result.objective
    if not policy.can_view_objective(viewer, objective):
        raise Http404("Comment not found.")
    return row
