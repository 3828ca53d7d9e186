"""Objectives: create, update, delete, grade. Every write is audited and rolls progress up."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit
from accounts.rules.tenancy import require_same_org
from okrs.models import LEVEL_RANK, AuditEntry, Cycle, Level, Objective, Rollup, Status
from okrs.rules import limits, policy
from okrs.rules.trash import RETENTION_TEXT
from okrs.selectors.objectives import MAX_ALIGNMENT_DEPTH
from okrs.services import health_tally
from okrs.services._common import (
    audit_row,
    check_version,
    conflict_on_concurrent_write,
    diff,
    ensure_active_member,
    ensure_open,
    full_clean,
    initial_changes,
    lock,
    reject_unknown,
    snapshot,
    to_decimal,
)
from okrs.services.rollup import recompute_objective_chain
from okrs.services.trash import trash_objective

AUDITED_FIELDS = (
    "title",
    "description",
    "level",
    "unit",
    "owner",
    "parent",
    "visibility",
    "status_override",
    "rollup",
    "grade",
    "retrospective",
)
EDITABLE_FIELDS = tuple(f for f in AUDITED_FIELDS if f not in ("grade", "retrospective"))


def default_rollup(level: str) -> str:
    """Company and department objectives are usually measured by what cascades below them
    as well as their own key results; team and individual ones by their key results."""
    return Rollup.BOTH if level in (Level.COMPANY, Level.DEPARTMENT) else Rollup.KEY_RESULTS


def _normalise_unit(level: str, unit: OrgUnit | None, owner: Membership) -> OrgUnit | None:
    """Company objectives have no unit; an individual objective sits in its owner's unit."""
    if level == Level.COMPANY:
        return None
    if level == Level.INDIVIDUAL:
        return owner.unit
    if unit is None:
        raise ValidationError({"unit": f"A {level} objective needs a unit."})
    return unit


def _check_parent(objective: Objective, parent: Objective | None) -> None:
    """Same organization, same cycle, a level the same or higher, and no loop."""
    if parent is None:
        return
    require_same_org(parent, objective.organization_id, field="parent", label="parent objective")
    if parent.cycle_id != objective.cycle_id:
        raise ValidationError({"parent": "Align to an objective of the same cycle."})
    if LEVEL_RANK[parent.level] > LEVEL_RANK[objective.level]:
        raise ValidationError(
            {
                "parent": f"A {objective.get_level_display().lower()} objective cannot align "
                f"to a lower-level ({parent.get_level_display().lower()}) objective."
            }
        )
    if objective.pk is None:
        return
    if parent.pk == objective.pk:
        raise ValidationError({"parent": "An objective cannot align to itself."})
    chain = Objective.objects.tree_filter(
        organization_id=objective.organization_id, cycle_id=objective.cycle_id
    ).ancestors(parent, include_self=True)
    if chain.filter(pk=objective.pk).exists():
        raise ValidationError(
            {"parent": "That objective is aligned to this one; aligning back would make a loop."}
        )


def _check_depth(objective: Objective, parent: Objective | None) -> None:
    """An alignment chain is at most MAX_ALIGNMENT_DEPTH levels: the parent's chain, plus
    this objective and (when it moves) everything aligned below it. Bounded work: at most
    one query for the chain and one per level below."""
    if parent is None:
        return
    chain = (
        Objective.objects.tree_filter(
            organization_id=parent.organization_id, cycle_id=parent.cycle_id
        )
        .ancestors(parent, include_self=True)
        .count()
    )
    height, frontier = 1, [objective.pk] if objective.pk else []
    while frontier and chain + height <= MAX_ALIGNMENT_DEPTH:
        frontier = list(
            Objective.objects.filter(
                organization_id=objective.organization_id, parent_id__in=frontier
            ).values_list("pk", flat=True)
        )
        height += 1 if frontier else 0
    if chain + height > MAX_ALIGNMENT_DEPTH:
        raise ValidationError(
            {
                "parent": f"Alignment chains are at most {MAX_ALIGNMENT_DEPTH} levels deep; "
                "align to an objective higher up."
            }
        )


def _lock_chain(parent: Objective | None) -> None:
    """Lock the new parent and its ancestors (id order) before the loop check, so two
    concurrent re-parentings cannot both pass it and close a loop."""
    if parent is None:
        return
    ids = (
        Objective.objects.tree_filter(
            organization_id=parent.organization_id, cycle_id=parent.cycle_id
        )
        .ancestors(parent, include_self=True)
        .values_list("pk", flat=True)
    )
    list(
        Objective.objects.select_for_update()
        .filter(organization_id=parent.organization_id, pk__in=list(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_parent_visible(actor: Membership, parent: Objective | None) -> None:
    # A private objective one cannot see must not be discoverable by aligning to its id.
    if parent is not None and not policy.can_view_objective(actor, parent):
        raise ValidationError({"parent": "Choose an objective you can see."})


def _validate(objective: Objective) -> None:
    org_id = objective.organization_id
    objective.title = limits.clean_text(
        objective.title, "title", limit=limits.TITLE, single_line=True
    )
    objective.description = limits.clean_text(
        objective.description, "description", limit=limits.DESCRIPTION
    )
    if objective.level not in Level.values:
        raise ValidationError({"level": "Choose company, department, team or individual."})
    require_same_org(objective.cycle, org_id, field="cycle", label="cycle")
    ensure_active_member(org_id, objective.owner, field="owner")
    require_same_org(objective.unit, org_id, field="unit", label="unit")
    objective.unit = _normalise_unit(objective.level, objective.unit, objective.owner)
    _check_parent(objective, objective.parent)
    if objective.status_override and objective.status_override not in Status.values:
        raise ValidationError({"status_override": "Choose on track, at risk or off track."})
    if objective.rollup not in Rollup.values:
        raise ValidationError({"rollup": "Choose key results, aligned objectives, or both."})
    full_clean(objective)


def create_objective(
    *,
    organization: Organization,
    actor: Membership,
    cycle: Cycle,
    level: str,
    title: str,
    owner: Membership,
    unit: OrgUnit | None = None,
    parent: Objective | None = None,
    description: str = "",
    visibility: str = Objective.Visibility.PUBLIC,
    rollup: str | None = None,
    copied_from: Objective | None = None,
    defer_rollup: bool = False,
) -> Objective:
    """Create an objective in `cycle`, aligned to `parent`, and roll progress up. `rollup`
    defaults by level (`default_rollup`).

    `copied_from`: the objective this one carries over from a closed cycle (copying
    unfinished OKRs). The same checks and writes, but the right to do it is
    `policy.can_copy_unfinished` on the source's cycle (admins and executives may carry
    anyone's objective), and the audit says "Copied … from <cycle>". `defer_rollup`: a batch
    of creates (the copy) rolls its cycle up once at its end (`recompute_cycle`, in the same
    transaction) instead of after each one."""
    require_same_org(cycle, organization.pk, field="cycle", label="cycle")
    # The caller's copy may predate a close; the stored status decides.
    cycle = Cycle.objects.select_related("organization").get(pk=cycle.pk)
    ensure_open(cycle)
    objective = Objective(
        organization=organization,
        cycle=cycle,
        level=level,
        title=(title or "").strip(),
        owner=owner,
        unit=unit,
        parent=parent,
        description=description or "",
        visibility=visibility,
        rollup=rollup or default_rollup(level),
    )
    _check_parent_visible(actor, parent)
    _validate(objective)
    _check_depth(objective, parent)
    if copied_from is None:
        policy.require(
            policy.can_create_objective(actor, level=level, unit=objective.unit, owner=owner),
            f"You may not create {level} objectives here.",
        )
        summary = f"Created objective “{objective.title}”"
    else:
        policy.require(
            copied_from.organization_id == organization.pk
            and policy.can_copy_unfinished(actor, copied_from.cycle),
            "Only admins and executives copy OKRs between cycles, out of a closed cycle.",
        )
        summary = f"Copied “{objective.title}” from {copied_from.cycle.name}"
    with transaction.atomic():
        objective.save()
        audit_row(
            objective,
            actor=actor,
            action=AuditEntry.Action.CREATE,
            summary=summary,
            changes=initial_changes(objective, AUDITED_FIELDS),
        )
        if not defer_rollup:
            recompute_objective_chain(objective)
    return objective


def _locked(objective: Objective) -> Objective:
    return lock(objective, "cycle__organization", "owner", "unit", "parent")


def update_objective(
    *, objective: Objective, actor: Membership, expected_version: int | None = None, **fields: Any
) -> Objective:
    """Change an objective's editable fields; `ConflictError` if `expected_version` is stale."""
    reject_unknown(fields, EDITABLE_FIELDS)
    with conflict_on_concurrent_write(
        "Someone changed this alignment at the same moment. Reload and try again."
    ):
        return _update_objective(objective, actor, expected_version, fields)


def _update_objective(objective, actor, expected_version, fields) -> Objective:
    with transaction.atomic():
        current = _locked(objective)
        ensure_open(current.cycle)
        policy.require(
            policy.can_edit_objective(actor, current), "You may not edit this objective."
        )
        check_version(current, expected_version)
        before = snapshot(current, AUDITED_FIELDS)
        old_parent, old_unit_id = current.parent, current.unit_id
        for name, value in fields.items():
            setattr(current, name, value.strip() if name == "title" and value else value)
        if current.status_override is None:
            current.status_override = ""
        moved = current.parent_id != (old_parent.pk if old_parent else None)
        if moved:
            _check_parent_visible(actor, current.parent)
            _lock_chain(current.parent)  # two moves at once serialize (or one gets a 409)
        _validate(current)
        if moved:
            _check_depth(current, current.parent)
        after = snapshot(current, AUDITED_FIELDS)
        # Only a real move needs the right to create there: forms resend unchanged values.
        if any(before[k] != after[k] for k in ("level", "unit", "owner")):
            policy.require(
                policy.can_create_objective(
                    actor, level=current.level, unit=current.unit, owner=current.owner
                ),
                "You may not move this objective there.",
            )
        if (
            current.level != before["level"]
            and current.children.filter(
                level__in=[
                    lv for lv, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[current.level]
                ]
            ).exists()
        ):
            raise ValidationError(
                {"level": "Objectives of a higher level are aligned to this one."}
            )
        changes = diff(before, snapshot(current, AUDITED_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save()
        audit_row(
            current,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            summary=f"Updated objective “{current.title}”",
            changes=changes,
        )
        recompute_objective_chain(current)
        if old_parent is not None and old_parent.pk != current.parent_id:
            recompute_objective_chain(old_parent)
        if old_unit_id != current.unit_id:  # the unit it left counts one objective less
            health_tally.invalidate(current.organization_id, [(current.cycle_id, old_unit_id)])
    current.refresh_from_db()
    return current


def delete_objective(*, objective: Objective, actor: Membership) -> None:
    """Move an objective with its KRs to the trash (an admin can restore it within `RETENTION`);
    objectives aligned to it become unaligned."""
    with transaction.atomic():
        current = _locked(objective)
        ensure_open(current.cycle)
        policy.require(
            policy.can_edit_objective(actor, current), "You may not delete this objective."
        )
        parent = current.parent
        detached = trash_objective(current, at=timezone.now())
        audit_row(
            current,
            actor=actor,
            action=AuditEntry.Action.DELETE,
            summary=f"Deleted objective “{current.title}” (in the trash for {RETENTION_TEXT})"
            + (f"; {len(detached)} aligned objective(s) unaligned" if detached else ""),
            changes=snapshot(current, AUDITED_FIELDS) | {"unaligned_children": detached},
        )
        if parent is not None:
            recompute_objective_chain(parent)
        # Its unit counts it no more; the units of the unaligned children count new orphans.
        health_tally.invalidate_objectives(current.organization_id, [current.pk, *detached])


def grade_objective(
    *, objective: Objective, actor: Membership, grade: Any, retrospective: str = ""
) -> Objective:
    """Set the final grade (0.0–1.0) and retrospective before the cycle closes."""
    value = float(to_decimal(grade, field="grade"))
    if not 0.0 <= value <= 1.0:
        raise ValidationError({"grade": "A grade is between 0.0 and 1.0."})
    retrospective = limits.clean_text(retrospective, "retrospective", limit=limits.RETROSPECTIVE)
    with transaction.atomic():
        current = _locked(objective)
        ensure_open(current.cycle)
        policy.require(policy.can_grade(actor, current), "You may not grade this objective.")
        before = snapshot(current, ("grade", "retrospective"))
        current.grade = value
        current.retrospective = retrospective
        changes = diff(before, snapshot(current, ("grade", "retrospective")))
        if changes:
            current.version += 1
            current.save(update_fields=["grade", "retrospective", "version", "updated_at"])
            audit_row(
                current,
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                summary=f"Graded objective “{current.title}”: {value:.1f}",
                changes=changes,
            )
    return current
