"""Key result and check-in reads."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from accounts.models import Membership, Organization
from okrs.models import CheckIn, Cycle, KeyResult, KeyResultContributor
from okrs.rules import visibility
from okrs.rules.visibility import visible_key_results_q
from okrs.rules.weeks import checked_in_q, iso_week
from okrs.selectors.cycles import active_cycle, active_cycles


def _member_key_results(
    organization: Organization, membership: Membership, cycle: Cycle | Subquery
) -> QuerySet[KeyResult]:
    """KRs the member owns or contributes to in `cycle` (one query for the contributions)."""
    # Loaded as a (short) id list: `owner = … OR pk IN (subquery)` makes PostgreSQL scan every
    # KR of the company (bench_explain), while `owner = … OR pk IN (1, 2, …)` uses two indexes.
    contributed = list(
        KeyResultContributor.objects.filter(
            organization=organization, membership=membership
        ).values_list("key_result_id", flat=True)
    )
    return KeyResult.objects.filter(organization=organization, objective__cycle=cycle).filter(
        Q(owner=membership) | Q(pk__in=contributed)
    )


def _checked_in_this_week(organization: Organization) -> Q:
    return checked_in_q(organization_id=organization.pk, week=iso_week(organization))


# Individual → team → department → company is at most three hops up: the chain My OKRs
# shows above each objective, loaded with the row.
_ALIGNMENT_CHAIN = (
    "objective__parent__parent__parent",
    "objective__parent__owner",
    "objective__parent__parent__owner",
    "objective__parent__parent__parent__owner",
)


def key_results_for_member(
    *, organization: Organization, membership: Membership, cycle: Cycle | None = None
) -> QuerySet[KeyResult]:
    """KRs the member owns or contributes to in `cycle` (default: the active cycle), with
    objective (and the three objectives above it, with owners), owner and contributors
    loaded, and annotated with:

    - `is_owner` / `checked_in_this_week` (bool),
    - `recent_check_ins`: the KR's check-ins, newest first (a list; [0] is the last one).
    """
    cycle = cycle or active_cycle(organization=organization)
    if cycle is None:
        return KeyResult.objects.none()
    return (
        _member_key_results(organization, membership, cycle)
        .select_related("objective__cycle", "objective__owner__user", "objective__unit")
        .select_related("owner__user", *_ALIGNMENT_CHAIN)
        .annotate(
            checked_in_this_week=ExpressionWrapper(
                _checked_in_this_week(organization), output_field=BooleanField()
            ),
            is_owner=ExpressionWrapper(Q(owner=membership), output_field=BooleanField()),
        )
        .prefetch_related(
            Prefetch("contributors", queryset=Membership.objects.select_related("user")),
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.select_related("author__user").order_by("-created_at"),
                to_attr="recent_check_ins",
            ),
        )
    )


def week_check_in_counts(*, organization: Organization, membership: Membership) -> tuple[int, int]:
    """(checked in this week, total) over the member's key results of the active cycle — the
    My OKRs week summary without loading the list: two queries (contributions, one aggregate).
    Every KR on that list is one the member may check in on (owner or contributor, an active
    cycle: `policy.can_check_in`), so all of them count."""
    cycle = Subquery(active_cycles(organization=organization).values("pk")[:1])
    totals = _member_key_results(organization, membership, cycle).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=_checked_in_this_week(organization)),
    )
    return totals["done"], totals["total"]


def visible_key_results(
    *, organization: Organization, viewer: Membership | None
) -> QuerySet[KeyResult]:
    """Key results of objectives the viewer may see, in any cycle, with contributors
    preloaded."""
    return (
        KeyResult.objects.filter(organization=organization)
        .filter(visibility.visible_key_results_q(viewer))
        .prefetch_related("contributors")
    )


def get_key_result(*, organization: Organization, pk: Any, viewer: Membership | None) -> KeyResult:
    """The KR if it is in this organization and its objective is visible to `viewer`."""
    try:
        kr = (
            KeyResult.objects.select_related(
                "objective__cycle__organization",
                "objective__owner__user",
                "objective__unit",
                "owner__user",
            )
            .prefetch_related(
                Prefetch("contributors", queryset=Membership.objects.select_related("user"))
            )
            .get(organization=organization, pk=int(pk))
        )
    except (KeyResult.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("Key result not found.") from None
    if not visibility.can_view_key_result(viewer, kr):
        raise Http404("Key result not found.")
    return kr


def check_ins_for_key_result(
    *, organization: Organization, key_result: KeyResult, viewer: Membership | None
) -> QuerySet[CheckIn]:
    """The KR's check-ins, newest first, with their authors (none if `viewer` may not see
    the KR's objective)."""
    return (
        CheckIn.objects.filter(organization=organization, key_result=key_result)
        .filter(visible_key_results_q(viewer, prefix="key_result__"))
        .select_related("author__user")
        .order_by("-created_at", "-id")
    )
