"""Cycles: planning → active → closed; closing freezes and grades; copying carries work over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import Membership, Organization
from accounts.validators import clean_single_line
from okrs.models import AuditEntry, Cycle, KeyResult, Objective
from okrs.rules import policy
from okrs.services._common import audit, diff, ensure_open, reject_unknown, snapshot
from okrs.services.copying import copy_unfinished_okrs
from okrs.services.rollup import recompute_cycle

__all__ = [
    "activate_cycle",
    "change_cycle",
    "close_cycle",
    "copy_unfinished_okrs",
    "create_cycle",
    "update_cycle",
]
CYCLE_FIELDS = ("name", "start_date", "end_date", "status")


def _to_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = None
    try:
        parsed = parse_date(str(value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({field: "Enter a date as YYYY-MM-DD."})
    return parsed


def _same_cadence(a: Cycle, b: Cycle) -> bool:
    """Two cycles are "the same length" within 10% (quarters are 90–92 days): an annual
    cycle may run next to quarterly ones, two quarters may not overlap."""
    la, lb = (a.end_date - a.start_date).days, (b.end_date - b.start_date).days
    return abs(la - lb) <= max(7, 0.1 * max(la, lb))


def _check_no_overlapping_active(cycle: Cycle) -> None:
    others = Cycle.objects.filter(
        organization_id=cycle.organization_id,
        status=Cycle.Status.ACTIVE,
        start_date__lt=cycle.end_date,
        end_date__gt=cycle.start_date,
    ).exclude(pk=cycle.pk)
    for other in others:
        if _same_cadence(cycle, other):
            raise ValidationError(
                f"“{other.name}” ({other.start_date:%b %-d} – {other.end_date:%b %-d, %Y}) is "
                "already active and overlaps these dates. Close it first or change the dates."
            )


def _validate(cycle: Cycle) -> None:
    cycle.name = clean_single_line(cycle.name, field="name")
    if not cycle.name:
        raise ValidationError({"name": "Give the cycle a name, e.g. “Q1 2027”."})
    if len(cycle.name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    cycle.start_date = _to_date(cycle.start_date, "start_date")
    cycle.end_date = _to_date(cycle.end_date, "end_date")
    if cycle.end_date <= cycle.start_date:
        raise ValidationError({"end_date": "The end date must be after the start date."})
    if (
        Cycle.objects.filter(organization_id=cycle.organization_id, name__iexact=cycle.name)
        .exclude(pk=cycle.pk)
        .exists()
    ):
        raise ValidationError({"name": f"A cycle named “{cycle.name}” already exists."})
    if cycle.status == Cycle.Status.ACTIVE:
        _check_no_overlapping_active(cycle)


def _audit(cycle: Cycle, actor: Membership | None, action: str, summary: str, changes=None):
    audit(
        organization=cycle.organization_id,
        actor=actor,
        action=action,
        target_type="cycle",
        target_id=cycle.pk,
        objective_id=None,
        summary=summary,
        changes=changes,
    )


def create_cycle(
    *,
    organization: Organization,
    actor: Membership,
    name: str,
    start_date: Any,
    end_date: Any,
    status: str = Cycle.Status.PLANNING,
) -> Cycle:
    """A new planning (or directly active) cycle."""
    policy.require(policy.can_manage_cycles(actor), "Only admins and executives manage cycles.")
    policy.require(actor.organization_id == organization.pk, "Not a member of this organization.")
    if status not in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE):
        raise ValidationError({"status": "A new cycle starts in planning or active."})
    cycle = Cycle(
        organization=organization,
        name=name,
        start_date=start_date,
        end_date=end_date,
        status=status,
        activated_at=timezone.now() if status == Cycle.Status.ACTIVE else None,
    )
    with transaction.atomic():
        _validate(cycle)
        cycle.save()
        _audit(cycle, actor, AuditEntry.Action.CREATE, f"Created cycle “{cycle.name}”")
    return cycle


def update_cycle(*, cycle: Cycle, actor: Membership, **fields: Any) -> Cycle:
    """Rename or re-date a cycle that is not closed (status changes have their own services)."""
    reject_unknown(fields, ("name", "start_date", "end_date"))
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(
            pk=cycle.pk, organization_id=cycle.organization_id
        )
        policy.require(
            policy.can_manage_cycles(actor) and actor.organization_id == current.organization_id,
            "Only admins and executives manage cycles.",
        )
        ensure_open(current)
        before = snapshot(current, CYCLE_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate(current)
        changes = diff(before, snapshot(current, CYCLE_FIELDS))
        if changes:
            current.save()
            _audit(
                current, actor, AuditEntry.Action.UPDATE, f"Updated cycle “{current.name}”", changes
            )
    return current


def activate_cycle(*, cycle: Cycle, actor: Membership) -> Cycle:
    """Planning → active, unless an active cycle of the same length overlaps it."""
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(
            pk=cycle.pk, organization_id=cycle.organization_id
        )
        policy.require(
            policy.can_manage_cycles(actor) and actor.organization_id == current.organization_id,
            "Only admins and executives activate cycles.",
        )
        if not policy.can_activate_cycle(actor, current):
            raise ValidationError(
                "Only a cycle in planning can be activated; "
                f"this one is {current.get_status_display().lower()}."
            )
        current.status = Cycle.Status.ACTIVE
        current.activated_at = timezone.now()  # check-ins are due from this week on
        _check_no_overlapping_active(current)
        current.save(update_fields=["status", "activated_at"])
        _audit(
            current,
            actor,
            AuditEntry.Action.UPDATE,
            f"Activated cycle “{current.name}”",
            {"status": ["planning", "active"]},
        )
    return current


def close_cycle(*, cycle: Cycle, actor: Membership) -> Cycle:
    """Close an active cycle: final progress, grades default to progress, then freeze."""
    with transaction.atomic():
        current = (
            Cycle.objects.select_for_update()
            .select_related("organization")
            .get(pk=cycle.pk, organization_id=cycle.organization_id)
        )
        policy.require(policy.can_close_cycle(actor, current), "You may not close this cycle.")
        if not policy.cycle_is_open(current):
            raise ValidationError("This cycle is already closed.")
        if current.status == Cycle.Status.PLANNING:
            # Nothing has been worked on or graded yet: closing would freeze an empty plan.
            raise ValidationError(
                f"{current.name} is still in planning: activate it before closing it.",
                code="cycle_not_active",
            )
        recompute_cycle(current)
        org_id = current.organization_id
        for model, filt in (
            (KeyResult, {"objective__cycle": current}),
            (Objective, {"cycle": current}),
        ):
            rows = list(model.objects.filter(organization_id=org_id, grade__isnull=True, **filt))
            for row in rows:
                row.grade = round(row.progress, 2)
            model.objects.bulk_update(rows, ["grade"], batch_size=500)
        old = current.status
        current.status = Cycle.Status.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["status", "closed_at"])
        _audit(
            current,
            actor,
            AuditEntry.Action.UPDATE,
            f"Closed cycle “{current.name}”",
            {"status": [old, "closed"]},
        )
    return current


def change_cycle(
    *, cycle: Cycle, actor: Membership, status: str | None = None, **fields: Any
) -> Cycle:
    """Rename, re-date and move a cycle along planning → active → closed in one transaction:
    the fields that differ go through `update_cycle`, a new status through `activate_cycle` or
    `close_cycle`. A cycle never goes back (to planning, or from closed to active). Asking
    for no change at all still needs the right to change the cycle."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(
            pk=cycle.pk, organization_id=cycle.organization_id
        )
        policy.require(
            policy.can_change_cycle(actor, cycle), "Only admins and executives manage cycles."
        )
        changed = {k: v for k, v in fields.items() if getattr(cycle, k) != v}
        if changed:
            cycle = update_cycle(cycle=cycle, actor=actor, **changed)
        if status is None or status == cycle.status:
            return cycle
        if status == Cycle.Status.ACTIVE and cycle.status == Cycle.Status.PLANNING:
            return activate_cycle(cycle=cycle, actor=actor)
        if status == Cycle.Status.CLOSED:
            return close_cycle(cycle=cycle, actor=actor)
        raise ValidationError(
            {"status": f"A cycle cannot go from {cycle.status} back to {status}."},
            code="invalid_transition",
        )
