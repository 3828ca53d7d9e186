"""Check-ins: one per key result per ISO week (org timezone); a second one updates the first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from okrs.models import AuditEntry, CheckIn, KeyResult
from okrs.rules import limits, policy
from okrs.rules.weeks import iso_week
from okrs.selectors.people import find_mentions
from okrs.services._common import audit, ensure_active, snapshot, to_confidence, to_decimal
from okrs.services.rollup import recompute_key_result, recompute_objective_chain
from okrs.signals import MENTION, announce

AUDITED_FIELDS = ("value", "confidence", "note", "blockers", "progress")
MAX_NOTE = limits.NOTE


DONE_WORDS = ("done", "yes", "true", "on", "1")
NOT_DONE_WORDS = ("not done", "not-done", "no", "false", "off", "0", "")


def parse_value(kr: KeyResult, value: Any) -> Decimal:
    """A check-in's value as the KR counts it, from whatever a form or the API sent: the one
    conversion. A number for every metric; a milestone also takes `true` / `false` and
    "done" / "not done" (yes/no, on/off, 1/0) and stores 1 (done) or 0 (not done)."""
    milestone = kr.metric_type == KeyResult.MetricType.MILESTONE
    if milestone and isinstance(value, bool):
        return to_decimal(int(value), field="value")
    if milestone and isinstance(value, str):
        lowered = " ".join(value.strip().lower().split())
        if lowered in DONE_WORDS:
            return to_decimal(1, field="value")
        if lowered in NOT_DONE_WORDS:
            return to_decimal(0, field="value")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({"value": "Enter the current value."})
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        # true/false means done/not done for a milestone only; a number KR needs a number.
        raise ValidationError({"value": "Enter a number."})
    number = to_decimal(value, field="value")
    if milestone:
        return to_decimal(1 if number else 0, field="value")
    return number


def _clean_text(text: str | None, field: str) -> str:
    return limits.clean_text(text, field, limit=MAX_NOTE)


def record_check_in(
    *,
    key_result: KeyResult,
    actor: Membership,
    value: Any,
    confidence: Any,
    note: str = "",
    blockers: str = "",
    at: dt.datetime | None = None,
) -> CheckIn:
    """Record this week's value and confidence for a KR and roll progress up, atomically.

    A second check-in in the same ISO week (in the organization's zone) updates that week's
    row; the audit log keeps the earlier values. Double submissions serialize on the KR row
    lock, and the unique constraint turns a lost race into an update instead of a 500.
    """
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    with transaction.atomic():
        kr = (
            KeyResult.objects.select_for_update(of=("self",))
            .select_related("objective__cycle__organization", "objective__owner", "owner")
            .get(pk=key_result.pk, organization_id=key_result.organization_id)
        )
        organization = kr.objective.cycle.organization
        ensure_active(kr.objective.cycle)
        policy.require(policy.can_check_in(actor, kr), "You may not check in on this key result.")
        number = parse_value(kr, value)
        conf = to_confidence(confidence)
        note, blockers = _clean_text(note, "note"), _clean_text(blockers, "blockers")
        week = iso_week(organization, at)

        # A back-dated check-in (seeding, corrections) must not overwrite a newer reading.
        last = kr.last_check_in_at
        is_latest = last is None or week >= iso_week(organization, last)
        if is_latest:
            kr.current_value, kr.confidence = number, conf
            kr.last_check_in_at = max(at, last) if last else at
        probe = KeyResult(
            metric_type=kr.metric_type,
            start_value=kr.start_value,
            target_value=kr.target_value,
            current_value=number,
        )
        progress = recompute_key_result(probe)
        fields = {
            "author": actor,
            "value": number,
            "confidence": conf,
            "note": note,
            "blockers": blockers,
            "progress": progress,
            "created_at": at,
        }
        check_in, created, before = _upsert(kr, week, fields)
        changes = {
            k: v
            for k, v in _changes(before, snapshot(check_in, AUDITED_FIELDS)).items()
            if v[0] != v[1]
        }
        audit(
            organization=organization,
            actor=actor,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            target_type="check_in",
            target_id=check_in.pk,
            objective_id=kr.objective_id,
            summary=f"{'Checked in' if created else 'Updated check-in'} on “{kr.title}” "
            f"for {week}: {check_in.value.normalize():f} (confidence {conf})",
            changes=changes,
        )
        if is_latest:
            recompute_key_result(kr)
            kr.save(
                update_fields=[
                    "current_value",
                    "confidence",
                    "last_check_in_at",
                    "progress",
                    "updated_at",
                ]
            )
            chain = recompute_objective_chain(kr.objective)
            if chain:
                kr.objective = chain[-1]  # freshly rolled up, its ancestors linked as `parent`
        said = f"{note}\n{blockers}"
        if "@" in said:  # @mentions in the note or blockers notify (after commit, once each)
            mentioned = find_mentions(
                said, organization_id=kr.organization_id, objective=kr.objective
            )
            announce(
                organization_id=kr.organization_id, kind=MENTION, source="check_in",
                source_id=check_in.pk, recipient_ids=[m.pk for m in mentioned if m.pk != actor.pk],
            )  # fmt: skip
    check_in.key_result = kr  # the KR as it now stands, for the caller to show
    return check_in


def _changes(before: dict | None, after: dict) -> dict:
    before = before or {}
    return {k: [before.get(k), v] for k, v in after.items()}


def _upsert(kr: KeyResult, week: str, fields: dict) -> tuple[CheckIn, bool, dict | None]:
    """The week's row, created or updated (two statements). Check-ins on a KR serialize on its
    row lock, so a concurrent insert of the same week cannot slip in between; should a writer
    around the service race anyway, the insert turns into an update (ON CONFLICT), never a
    500 or a second row."""
    lookup = {"organization_id": kr.organization_id, "key_result": kr, "week": week}
    existing = CheckIn.objects.select_for_update().filter(**lookup).first()
    if existing is None:
        row = CheckIn(**lookup, **fields)
        CheckIn.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["organization", "key_result", "week"],
            update_fields=[name for name in fields if name != "created_at"],
        )
        return row, True, None
    before = snapshot(existing, AUDITED_FIELDS)
    # Keep the week's first timestamp unless this reading is newer.
    if fields["created_at"] < existing.created_at:
        fields = {**fields, "created_at": existing.created_at}
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing, False, before
