"""A person's OKRs as another member sees them (the OKR section of a people page).

Everything goes through the one visibility rule (`okrs.rules.visibility`, required `viewer`): an
objective of the person that the viewer may not open is not listed, not counted and not
averaged, and neither are its key results. The lists are querysets the caller pages; the
page costs the same number of queries whatever the person owns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, Organization
from okr_project.paging import Counted
from okrs.models import Cycle, KeyResult, KeyResultContributor, Objective
from okrs.rules import policy, visibility
from okrs.rules.mentions import MAX_MENTIONS, match_mentions, mention_tokens
from okrs.rules.visibility import visible_key_results_q, visible_objectives_q
from okrs.selectors.key_results import key_results_for_member
from okrs.selectors.objectives import objectives_for_cycle

# The switcher's order: what is happening now, what is being planned, then the past.
_STATUS_ORDER = {Cycle.Status.ACTIVE: 0, Cycle.Status.PLANNING: 1, Cycle.Status.CLOSED: 2}


@dataclass
class PersonOkrs:
    """One cycle of a person's OKRs, as `viewer` may see them."""

    cycle: Cycle
    # Objectives the person owns (company → individual, then title), KRs prefetched.
    objectives: Counted
    # KRs the person owns or contributes to under someone else's objective; `is_owner` says
    # which (a contribution otherwise).
    key_results: QuerySet[KeyResult]
    objective_count: int
    graded_count: int
    average_grade: float | None  # over the graded objectives
    average_progress: float | None


def cycles_for_person(
    *, organization: Organization, member: Membership, viewer: Membership | None
) -> list[Cycle]:
    """The cycles a people page offers, in one query: active ones (latest first), planning
    ones in which the person has OKRs the viewer may see, then closed ones newest first.
    The first is the default."""
    owns = Objective.objects.filter(
        organization=organization, cycle=OuterRef("pk"), owner=member
    ).filter(visible_objectives_q(viewer))
    contributed = KeyResultContributor.objects.filter(
        organization=organization, membership=member
    ).values("key_result_id")
    works_on = (
        KeyResult.objects.filter(organization=organization, objective__cycle=OuterRef("pk"))
        .filter(Q(owner=member) | Q(pk__in=contributed))
        .filter(visible_key_results_q(viewer))
    )
    cycles = list(
        Cycle.objects.filter(organization=organization)
        .filter(~Q(status=Cycle.Status.PLANNING) | Exists(owns) | Exists(works_on))
        .order_by("-start_date", "-id")
    )
    return sorted(cycles, key=lambda c: _STATUS_ORDER.get(c.status, 3))  # stable: newest first


def person_okrs(
    *,
    organization: Organization,
    member: Membership,
    viewer: Membership | None,
    cycle: Cycle,
) -> PersonOkrs:
    """`member`'s objectives and key results in `cycle` that `viewer` may see, with the
    counts and averages of the visible objectives only (one aggregate query)."""
    objectives = objectives_for_cycle(
        organization=organization, cycle=cycle, viewer=viewer, owner=member
    )
    totals = objectives.order_by().aggregate(
        count=Count("id"),
        graded=Count("grade"),
        average_grade=Avg("grade"),
        average_progress=Avg("progress"),
    )
    key_results = (
        # The "owns or contributes to" rule is My OKRs' own selector; here only what the
        # viewer may see, and not the ones already listed under the person's objectives.
        key_results_for_member(organization=organization, membership=member, cycle=cycle)
        .filter(visible_key_results_q(viewer))
        .exclude(objective__owner=member)
        .prefetch_related(None)
    )
    return PersonOkrs(
        cycle=cycle,
        objectives=Counted(objectives, totals["count"]),
        key_results=key_results,
        objective_count=totals["count"],
        graded_count=totals["graded"],
        average_grade=totals["average_grade"],
        average_progress=totals["average_progress"],
    )


def find_mentions(body: str, *, organization_id: int, objective: Objective) -> list[Membership]:
    """Active members `body` mentions who may open `objective` (three queries at most).
    Candidates are found in SQL from the words after each `@`, so a mention costs the same at
    any company size."""
    tokens = mention_tokens(body)
    if not tokens:
        return []
    q = Q()
    for token in tokens:
        q |= Q(user__email__istartswith=f"{token}@") | Q(user__full_name__istartswith=token)
    candidates = list(
        Membership.objects.filter(organization_id=organization_id, is_active=True)
        .filter(q)
        .select_related("user")[: MAX_MENTIONS * 5]
    )
    visibility.prime_viewers(candidates)
    return [
        m for m in match_mentions(body, candidates) if visibility.can_view_objective(m, objective)
    ]


def objective_owner_choices(
    *, organization: Organization, viewer: Membership | None, keep: Membership | None = None
) -> QuerySet[Membership]:
    """The active members an objective form offers as its owner: those the create rule lets
    `viewer` give an objective to (`policy.objective_owners_q`, applied in SQL), plus `keep`
    (an edited objective's current owner), by name."""
    members = Membership.objects.filter(organization=organization, is_active=True)
    allowed = policy.objective_owners_q(viewer)
    if allowed is not None:
        if keep is not None:
            allowed |= Q(pk=keep.pk)
        members = members.filter(allowed)
    return members.select_related("user").order_by("user__full_name", "user__email")
