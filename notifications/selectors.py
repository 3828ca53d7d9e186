"""Reads for notifications. Every function takes the organization and filters on it first;
each runs a constant number of queries however many members or KRs there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from accounts.models import Membership, Organization, OrgUnit, Role
from notifications.models import Notification, NotificationLog, NotificationOptOut
from okrs.models import CheckIn, Cycle, KeyResult, KeyResultContributor, Objective, Risk
from okrs.rules.visibility import visible_objectives_q
from okrs.rules.weeks import week_check_ins
from okrs.selectors.cycles import active_cycle  # the one definition of "the active cycle"


def cycle_key_results(
    *, organization: Organization, cycle: Cycle, within: Q | None = None
) -> list[KeyResult]:
    """All KRs of a cycle (or those `within` selects) with objective, unit and owner loaded
    (one query)."""
    return list(
        _cycle_key_results(organization, cycle, within)
        .select_related("objective__owner", "objective__unit", "owner__user")
        .order_by("objective__title", "id")
    )


def _cycle_key_results(organization: Organization, cycle: Cycle, within: Q | None):
    key_results = KeyResult.objects.filter(organization=organization, objective__cycle=cycle)
    return key_results.filter(within) if within is not None else key_results


def contributors_by_key_result(
    *, organization: Organization, key_results: list[KeyResult]
) -> dict[int, list[int]]:
    """KR id → contributor membership ids (one query)."""
    rows = KeyResultContributor.objects.filter(
        organization=organization, key_result__in=[kr.pk for kr in key_results]
    ).values_list("key_result_id", "membership_id")
    result: dict[int, list[int]] = defaultdict(list)
    for kr_id, membership_id in rows:
        result[kr_id].append(membership_id)
    return result


def checked_in_key_result_ids(
    *, organization: Organization, week: str, cycle: Cycle, within: Q | None = None
) -> set[int]:
    """KRs of the cycle (or those `within` selects) that already have a check-in in this ISO
    week (one query)."""
    check_ins = week_check_ins(organization_id=organization.pk, week=week).filter(
        key_result__objective__cycle=cycle
    )
    if within is not None:
        check_ins = check_ins.filter(
            key_result__in=_cycle_key_results(organization, cycle, within).values("pk")
        )
    return set(check_ins.values_list("key_result_id", flat=True))


@dataclass
class DueRecipient:
    """A member and exactly the KRs they still have to check in on this week."""

    membership: Membership
    key_results: list[KeyResult] = field(default_factory=list)


def due_recipients(
    *,
    organization: Organization,
    week: str,
    include_contributors: bool,
    reader_ids: Iterable[int] | None = None,
) -> list[DueRecipient]:
    """Owners (and contributors if asked) of active-cycle KRs not yet checked in this week.

    Inactive members are included on purpose: the sender logs them as skipped with a reason.
    `reader_ids` (a delivery batch): only the KRs those members own (or contribute to) are
    read — each of them gets exactly their full list, and a batch never reads the whole
    company's key results.
    """
    cycle = active_cycle(organization=organization)
    if cycle is None:
        return []
    within = None
    if reader_ids is not None:
        ids = sorted(set(reader_ids))
        within = Q(owner_id__in=ids)
        if include_contributors:
            contributed = KeyResultContributor.objects.filter(
                organization=organization, membership_id__in=ids
            ).values("key_result_id")
            within |= Q(pk__in=contributed)
    key_results = cycle_key_results(organization=organization, cycle=cycle, within=within)
    done = checked_in_key_result_ids(
        organization=organization, week=week, cycle=cycle, within=within
    )
    due = [kr for kr in key_results if kr.pk not in done]
    per_member: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in due:
        per_member[kr.owner_id].append(kr)
    if include_contributors and due:
        contributors = contributors_by_key_result(organization=organization, key_results=due)
        for kr in due:
            for membership_id in contributors.get(kr.pk, []):
                if kr not in per_member[membership_id]:
                    per_member[membership_id].append(kr)
    members = memberships_by_id(organization=organization, ids=list(per_member))
    return [
        DueRecipient(membership=members[mid], key_results=krs)
        for mid, krs in sorted(per_member.items())
        if mid in members
    ]


def memberships_by_id(*, organization: Organization, ids: list[int]) -> dict[int, Membership]:
    """Memberships of this organization with these ids (others' ids are simply absent)."""
    rows = Membership.objects.filter(organization=organization, pk__in=ids).select_related(
        "user", "unit"
    )
    return {m.pk: m for m in rows}


def digest_readers(*, organization: Organization, kind: str) -> list[Membership]:
    """Who reads this digest kind: KR owners, unit leads, executives or champions."""
    members = Membership.objects.filter(organization=organization).select_related("user", "unit")
    if kind == "digest_owner":
        cycle = active_cycle(organization=organization)
        if cycle is None:
            return []
        owner_ids = KeyResult.objects.filter(
            organization=organization, objective__cycle=cycle
        ).values("owner_id")
        return list(members.filter(pk__in=owner_ids).order_by("pk"))
    if kind == "digest_lead":
        lead_ids = OrgUnit.objects.filter(organization=organization, lead__isnull=False).values(
            "lead_id"
        )
        return list(members.filter(pk__in=lead_ids).order_by("pk"))
    role = {"digest_executive": Role.EXECUTIVE, "digest_champion": Role.CHAMPION}.get(kind)
    if role is None:
        return []
    return list(members.filter(role=role).order_by("pk"))


def opted_out_kinds(*, organization: Organization, membership: Membership) -> set[str]:
    return set(
        NotificationOptOut.objects.filter(
            organization=organization, membership=membership
        ).values_list("kind", flat=True)
    )


def opted_out_member_ids(*, organization: Organization, kind: str, ids: list[int]) -> set[int]:
    return set(
        NotificationOptOut.objects.filter(
            organization=organization, kind=kind, membership_id__in=ids
        ).values_list("membership_id", flat=True)
    )


def logs_for(
    *, organization: Organization, kind: str, period: str, ids: list[int]
) -> dict[int, NotificationLog]:
    rows = NotificationLog.objects.filter(
        organization=organization, kind=kind, period=period, recipient_id__in=ids
    )
    return {row.recipient_id: row for row in rows}


def notifications_for_member(
    *, organization: Organization, membership: Membership, unread_only: bool = False
) -> QuerySet[Notification]:
    """The member's notifications (`unread_only`: not read yet); one about an objective only
    while they may open it (the title was written when they could; it may have become
    private or been trashed since)."""
    about_visible = Q(objective__isnull=True) | visible_objectives_q(membership, "objective__")
    rows = Notification.objects.filter(organization=organization, recipient=membership).filter(
        about_visible
    )
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(*, organization: Organization, membership: Membership) -> int:
    return notifications_for_member(
        organization=organization, membership=membership, unread_only=True
    ).count()


LOG_ADMINS_ONLY = "Only organization admins can see the notification log."


def notification_log(
    *,
    organization: Organization,
    kind: str = "",
    status: str = "",
    period: str = "",
) -> QuerySet[NotificationLog]:
    """The organization's log, newest first, with recipients loaded; optional filters."""
    rows = NotificationLog.objects.filter(organization=organization).select_related(
        "recipient__user"
    )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if period:
        rows = rows.filter(period=period)
    return rows


@dataclass(frozen=True)
class Reading:
    """A key result's latest check-in before some instant."""

    progress: float
    confidence: int
    at: datetime


def readings_before(
    *,
    organization: Organization,
    cycle: Cycle,
    before: datetime,
    within: Q | None = None,
) -> dict[int, Reading]:
    """KR id → its latest check-in strictly before `before` (progress, confidence, when), for
    the cycle's KRs (or those `within` selects), one query: the latest reading found per KR by
    the (key result, created_at) index, never a read of every earlier check-in."""
    latest = CheckIn.objects.filter(
        organization=organization, key_result_id=OuterRef("pk"), created_at__lt=before
    ).order_by("-created_at", "-id")
    rows = (
        _cycle_key_results(organization, cycle, within)
        .order_by()
        .annotate(
            reading_progress=Subquery(latest.values("progress")[:1]),
            reading_confidence=Subquery(latest.values("confidence")[:1]),
            reading_at=Subquery(latest.values("created_at")[:1]),
        )
        .filter(reading_progress__isnull=False)
        .values_list("pk", "reading_progress", "reading_confidence", "reading_at")
    )
    return {kr_id: Reading(progress, confidence, at) for kr_id, progress, confidence, at in rows}


# The objectives of some units in one cycle and everything aligned below them, however deep
# and whatever its unit (their progress rolls those up): one recursive CTE down the tree.
_SUBTREE_SQL = """
    WITH RECURSIVE down (id) AS (
        SELECT id FROM okrs_objective
        WHERE organization_id = %s AND cycle_id = %s AND deleted_at IS NULL
          AND unit_id = ANY(%s)
        UNION
        SELECT o.id FROM okrs_objective o JOIN down ON o.parent_id = down.id
        WHERE o.organization_id = %s AND o.cycle_id = %s AND o.deleted_at IS NULL
    ) SELECT id FROM down
"""


def units_objective_tree(*, organization: Organization, cycle: Cycle, unit_ids: list[int]):
    """The ids (a subquery) of the objectives of these units in `cycle` and of every
    objective aligned below them."""
    org, cycle_id = organization.pk, cycle.pk
    return RawSQL(_SUBTREE_SQL, (org, cycle_id, list(unit_ids), org, cycle_id))


def cycle_objectives(
    *, organization: Organization, cycle: Cycle, within: Q | None = None
) -> list[Objective]:
    """All objectives of a cycle (or those `within` selects) with owner and unit (one
    query); callers filter per reader through `okrs.rules.visibility`."""
    objectives = Objective.objects.filter(organization=organization, cycle=cycle)
    if within is not None:
        objectives = objectives.filter(within)
    return list(objectives.select_related("owner__user", "unit").order_by("title", "id"))


def open_risks(*, organization: Organization, cycle: Cycle, within: Q | None = None) -> list[Risk]:
    """Open risks of a cycle (on the KRs `within` selects, if given), highest score first
    (one query); filter per reader."""
    risks = Risk.objects.filter(
        organization=organization, key_result__objective__cycle=cycle, status=Risk.State.OPEN
    )
    if within is not None:
        risks = risks.filter(
            key_result__in=_cycle_key_results(organization, cycle, within).values("pk")
        )
    risks = list(risks.select_related("key_result__objective__owner"))
    risks.sort(key=lambda r: (-r.score, r.pk))
    return risks
