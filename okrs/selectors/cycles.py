"""Cycle reads, always scoped to one organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Membership, Organization
from okrs.models import Cycle, Objective
from okrs.rules.cycles import copy_key, unfinished_q
from okrs.rules.visibility import visible_objectives_q


def cycles_for_org(*, organization: Organization) -> QuerySet[Cycle]:
    """The organization's cycles, newest first."""
    return Cycle.objects.filter(organization=organization).order_by("-start_date", "name")


def get_cycle(*, organization: Organization, pk: Any) -> Cycle:
    """The cycle with this id in this organization, or Http404 (also for bad ids)."""
    try:
        return Cycle.objects.select_related("organization").get(
            organization=organization, pk=int(pk)
        )
    except (Cycle.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("Cycle not found.") from None


def cycles_with_objective_counts(
    *, organization: Organization, viewer: Membership | None
) -> QuerySet[Cycle]:
    """The organization's cycles, newest first, each with `objective_count`: the live
    objectives of that cycle `viewer` may see (a private one they may not open, or one in
    the trash, is not counted). One query: a correlated count per cycle."""
    visible = (
        Objective.objects.filter(organization=organization, cycle=OuterRef("pk"))
        .filter(visible_objectives_q(viewer))
        .order_by()
        .values("cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cycles_for_org(organization=organization).annotate(
        objective_count=Coalesce(Subquery(visible, output_field=IntegerField()), Value(0))
    )


def open_cycles(*, organization: Organization) -> QuerySet[Cycle]:
    """Cycles that are not closed (planning or active), newest first: where OKRs may still
    be created or copied to."""
    return cycles_for_org(organization=organization).exclude(status=Cycle.Status.CLOSED)


def copy_targets(*, organization: Organization, source: Cycle) -> QuerySet[Cycle]:
    """The cycles unfinished OKRs of `source` may be copied into: every other open cycle."""
    return open_cycles(organization=organization).exclude(pk=source.pk)


def active_cycles(*, organization: Organization) -> QuerySet[Cycle]:
    """Active cycles, the one people check in on first (the latest-starting)."""
    return Cycle.objects.filter(organization=organization, status=Cycle.Status.ACTIVE).order_by(
        "-start_date", "-id"
    )


def active_cycle(*, organization: Organization) -> Cycle | None:
    """The cycle people check in on: the active one (the latest-starting if several), or None.
    Planning and closed cycles never count (My OKRs, reminders, digests)."""
    return active_cycles(organization=organization).select_related("organization").first()


def current_cycle(
    *, organization: Organization, among: QuerySet[Cycle] | None = None
) -> Cycle | None:
    """The active cycle (the latest-starting one if several), else the newest planning one,
    else the newest cycle; None for an organization without cycles. `among`: the page's
    `cycles_for_org` queryset, picked from (and filled, so the page's cycle switcher reads
    the same rows) instead of reading the cycles twice."""
    if among is None:
        cycles = list(cycles_for_org(organization=organization).select_related("organization"))
    else:
        cycles = list(among)
        for cycle in cycles:
            cycle.organization = organization  # the page's own row: no query for it
    for status in (Cycle.Status.ACTIVE, Cycle.Status.PLANNING):
        for cycle in cycles:
            if cycle.status == status:
                return cycle
    return cycles[0] if cycles else None


def next_cycle(*, organization: Organization, today: dt.date) -> Cycle | None:
    """Between cycles, the one coming: the planning cycle that starts soonest from `today`
    on, else (every planned one should have started already) the latest-starting one."""
    planned = Cycle.objects.filter(organization=organization, status=Cycle.Status.PLANNING)
    coming = planned.filter(start_date__gte=today).order_by("start_date", "name").first()
    return coming or planned.order_by("-start_date", "name").first()


def last_closed_cycle(*, organization: Organization) -> Cycle | None:
    """The cycle that ended last (the newest closed one by end date)."""
    return (
        Cycle.objects.filter(organization=organization, status=Cycle.Status.CLOSED)
        .order_by("-end_date", "-id")
        .first()
    )


def already_copied(*, source: Cycle, target: Cycle) -> list[Objective]:
    """The unfinished objectives of `source` that `target` already holds (same title, owner
    and level): `copy_unfinished_okrs` skips them, so the copy step lists them as done."""
    if source.organization_id != target.organization_id or source.pk == target.pk:
        return []
    org_id = source.organization_id
    keys = set(
        Objective.objects.filter(organization_id=org_id, cycle=target).values_list(
            "title", "owner_id", "level"
        )
    )
    if not keys:
        return []
    unfinished = Objective.objects.filter(
        unfinished_q(), organization_id=org_id, cycle=source
    ).select_related("owner")
    return [o for o in unfinished.order_by("title", "id") if copy_key(o) in keys]
