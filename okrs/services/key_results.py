"""Key results: create, update, delete, grade, contributors. Audited; progress rolls up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from okrs.models import AuditEntry, KeyResult, KeyResultContributor, Objective
from okrs.rules import policy
from okrs.rules.trash import RETENTION_TEXT
from okrs.services._common import (
    audit_row,
    check_version,
    diff,
    ensure_active_member,
    ensure_open,
    full_clean,
    initial_changes,
    lock,
    reject_unknown,
    snapshot,
    to_confidence,
    to_decimal,
)
from okrs.services.rollup import recompute_key_result, recompute_objective_chain
from okrs.services.trash import trash_key_result

MT = KeyResult.MetricType
AUDITED_FIELDS = (
    "title",
    "owner",
    "metric_type",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "unit_label",
    "weight",
    "confidence",
    "due_date",
    "grade",
)
# Values change through check-ins and grades through grade_key_result, not through edits.
EDITABLE_FIELDS = (
    *(f for f in AUDITED_FIELDS if f not in ("current_value", "grade")),
    "contributors",
)


def validate_metric(metric_type: str, start, target) -> None:
    """Direction rules: an increase needs target > start, a decrease target < start."""
    if metric_type not in MT.values:
        raise ValidationError({"metric_type": "Choose a metric type."})
    if metric_type in (MT.INCREASE_TO, MT.DECREASE_TO) and start == target:
        raise ValidationError({"target_value": "The target must differ from the start value."})
    if metric_type == MT.INCREASE_TO and target < start:
        raise ValidationError(
            {"target_value": "For “increase to”, the target must be above the start value."}
        )
    if metric_type == MT.DECREASE_TO and target > start:
        raise ValidationError(
            {"target_value": "For “decrease to”, the target must be below the start value."}
        )


def _clean_numbers(kr: KeyResult) -> None:
    kr.start_value = to_decimal(kr.start_value, field="start_value")
    kr.target_value = to_decimal(kr.target_value, field="target_value")
    kr.current_value = to_decimal(kr.current_value, field="current_value")
    kr.weight = to_decimal(kr.weight, field="weight", places=2)
    if kr.weight < 0:
        raise ValidationError({"weight": "A weight cannot be negative."})
    if kr.weight > 9999:
        raise ValidationError({"weight": "A weight must be below 10,000."})
    kr.confidence = to_confidence(kr.confidence)
    if kr.metric_type == MT.MILESTONE:
        # A milestone is done (1) or not (0) whatever numbers a form sent.
        kr.start_value, kr.target_value = 0, 1
        kr.current_value = 1 if kr.current_value else 0
    validate_metric(kr.metric_type, kr.start_value, kr.target_value)


def _clean_contributors(kr: KeyResult, contributors: Iterable[Membership]) -> list[Membership]:
    people = list({m.pk: m for m in contributors or ()}.values())
    for person in people:
        ensure_active_member(kr.organization_id, person, field="contributors")
    return people


def _write_contributors(kr: KeyResult, people: list[Membership]) -> None:
    KeyResultContributor.objects.filter(organization_id=kr.organization_id, key_result=kr).exclude(
        membership__in=people
    ).delete()
    existing = set(
        KeyResultContributor.objects.filter(
            organization_id=kr.organization_id, key_result=kr
        ).values_list("membership_id", flat=True)
    )
    KeyResultContributor.objects.bulk_create(
        KeyResultContributor(organization_id=kr.organization_id, key_result=kr, membership=p)
        for p in people
        if p.pk not in existing
    )


def _add_contributors(kr: KeyResult, people: list[Membership]) -> None:
    """A new KR's contributors (nothing to compare with yet: one insert)."""
    if people:
        KeyResultContributor.objects.bulk_create(
            KeyResultContributor(organization_id=kr.organization_id, key_result=kr, membership=p)
            for p in people
        )


def create_key_result(
    *,
    objective: Objective,
    actor: Membership,
    title: str,
    owner: Membership,
    metric_type: str,
    start_value: Any,
    target_value: Any,
    unit: str = KeyResult.Unit.COUNT,
    unit_label: str = "",
    weight: Any = 1,
    confidence: Any = 5,
    due_date=None,
    contributors: Iterable[Membership] = (),
    copied_from: KeyResult | None = None,
    defer_rollup: bool = False,
) -> KeyResult:
    """Add a KR to `objective`; its current value starts at the start value.

    `copied_from`: the key result this one carries over from a closed cycle (copying
    unfinished OKRs): allowed by `policy.can_copy_unfinished` on the source's cycle instead
    of the right to edit the objective, audited as "Copied … from <cycle>".
    `defer_rollup`: a batch of creates (the copy) rolls its cycle up once at its end
    (`recompute_cycle`, in the same transaction) instead of after each one."""
    objective = Objective.objects.select_related("cycle__organization", "owner", "unit").get(
        pk=objective.pk, organization_id=objective.organization_id
    )
    ensure_open(objective.cycle)
    if copied_from is None:
        policy.require(
            policy.can_edit_objective(actor, objective),
            "You may not add key results to this objective.",
        )
    else:
        policy.require(
            copied_from.organization_id == objective.organization_id
            and policy.can_copy_unfinished(actor, copied_from.objective.cycle),
            "Only admins and executives copy OKRs between cycles, out of a closed cycle.",
        )
    kr = KeyResult(
        organization=objective.cycle.organization,
        objective=objective,
        title=(title or "").strip(),
        owner=owner,
        metric_type=metric_type,
        start_value=start_value,
        target_value=target_value,
        current_value=0 if metric_type == MT.MILESTONE else start_value,
        unit=unit,
        unit_label=unit_label or "",
        weight=weight,
        confidence=confidence,
        due_date=due_date,
    )
    ensure_active_member(objective.organization_id, owner, field="owner")
    _clean_numbers(kr)
    people = _clean_contributors(kr, contributors)
    full_clean(kr)
    recompute_key_result(kr)
    if copied_from is None:
        summary = f"Added key result “{kr.title}”"
    else:
        summary = f"Copied “{kr.title}” from {copied_from.objective.cycle.name}"
    with transaction.atomic():
        kr.save()
        _add_contributors(kr, people)
        audit_row(
            kr,
            actor=actor,
            action=AuditEntry.Action.CREATE,
            summary=summary,
            changes=initial_changes(kr, AUDITED_FIELDS),
        )
        if not defer_rollup:
            recompute_objective_chain(objective)
    return kr


def _locked(kr: KeyResult) -> KeyResult:
    return lock(kr, "objective__cycle__organization", "objective__owner", "owner")


def update_key_result(
    *, key_result: KeyResult, actor: Membership, expected_version: int | None = None, **fields
) -> KeyResult:
    """Change a KR's definition (values change through check-ins)."""
    reject_unknown(fields, EDITABLE_FIELDS)
    contributors = fields.pop("contributors", None)
    with transaction.atomic():
        kr = _locked(key_result)
        ensure_open(kr.objective.cycle)
        policy.require(policy.can_edit_key_result(actor, kr), "You may not edit this key result.")
        check_version(kr, expected_version)
        before = snapshot(kr, AUDITED_FIELDS)
        before_people = sorted(kr.contributors.values_list("id", flat=True))
        for name, value in fields.items():
            setattr(kr, name, value.strip() if name == "title" and value else value)
        if "owner" in fields:
            ensure_active_member(kr.organization_id, kr.owner, field="owner")
        if kr.metric_type != before["metric_type"] and "start_value" not in fields:
            kr.current_value = kr.start_value
        _clean_numbers(kr)
        full_clean(kr)
        changes = diff(before, snapshot(kr, AUDITED_FIELDS))
        if contributors is not None:
            people = _clean_contributors(kr, contributors)
            after_people = sorted(p.pk for p in people)
            if after_people != before_people:
                changes["contributors"] = [before_people, after_people]
                _write_contributors(kr, people)
        if not changes:
            return kr
        recompute_key_result(kr)
        kr.version += 1
        kr.save()
        audit_row(
            kr,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            summary=f"Updated key result “{kr.title}”",
            changes=changes,
        )
        recompute_objective_chain(kr.objective)
    return kr


def delete_key_result(*, key_result: KeyResult, actor: Membership) -> None:
    """Move a KR (with its check-ins, initiatives and risks) to the trash for `RETENTION`; the
    objective's progress follows at once."""
    with transaction.atomic():
        kr = _locked(key_result)
        ensure_open(kr.objective.cycle)
        policy.require(policy.can_edit_key_result(actor, kr), "You may not delete this key result.")
        objective = kr.objective
        audit_row(
            kr,
            actor=actor,
            action=AuditEntry.Action.DELETE,
            summary=f"Deleted key result “{kr.title}” (in the trash for {RETENTION_TEXT})",
            changes=snapshot(kr, AUDITED_FIELDS),
        )
        trash_key_result(kr, at=timezone.now())
        recompute_objective_chain(objective)


def grade_key_result(*, key_result: KeyResult, actor: Membership, grade: Any) -> KeyResult:
    """Set a KR's final grade (0.0–1.0) before its cycle closes."""
    value = float(to_decimal(grade, field="grade"))
    if not 0.0 <= value <= 1.0:
        raise ValidationError({"grade": "A grade is between 0.0 and 1.0."})
    with transaction.atomic():
        kr = _locked(key_result)
        ensure_open(kr.objective.cycle)
        policy.require(
            policy.can_grade_key_result(actor, kr),
            "You may not grade this key result.",
        )
        if kr.grade != value:
            old = kr.grade
            kr.grade = value
            kr.version += 1
            kr.save(update_fields=["grade", "version", "updated_at"])
            audit_row(
                kr,
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                summary=f"Graded key result “{kr.title}”: {value:.1f}",
                changes={"grade": [old, value]},
            )
    return kr


def set_contributors(
    *, key_result: KeyResult, actor: Membership, contributors: Iterable[Membership]
) -> None:
    """Replace the KR's contributors (members of the same organization)."""
    update_key_result(key_result=key_result, actor=actor, contributors=list(contributors))


__all__ = [
    "create_key_result",
    "update_key_result",
    "delete_key_result",
    "grade_key_result",
    "set_contributors",
    "validate_metric",
]
