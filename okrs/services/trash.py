"""The trash: deleting an objective or a key result moves it there for `RETENTION`.

While trashed, a row is hidden everywhere by construction (the default managers and
`okrs.rules.visibility` skip it: pages, API, counts, roll-up, digests, reminders). An admin restores
it from the trash page; the `okrs.tasks.purge_trash` beat task deletes it for good after
`RETENTION`. Deleting an objective trashes its live key results with it (same instant, so
restoring brings exactly those back) and unaligns the objectives aligned to it; restoring
re-aligns those that are still unaligned.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from okrs.models import AuditEntry, KeyResult, Objective
from okrs.rules import policy
from okrs.rules.trash import RETENTION, RETENTION_TEXT, restorable_q
from okrs.services import health_tally
from okrs.services._common import audit_row, ensure_open
from okrs.services.rollup import recompute_objective_chain

GONE = f"This is no longer in the trash (restored, or deleted for good after {RETENTION_TEXT})."


def trash_objective(objective: Objective, *, at: dt.datetime) -> list[int]:
    """Move a (locked) objective and its live KRs to the trash; unalign its children.
    Returns the ids of the objectives that were aligned to it."""
    detached = list(
        Objective.objects.filter(
            organization_id=objective.organization_id, parent=objective
        ).values_list("id", flat=True)
    )
    Objective.objects.filter(organization_id=objective.organization_id, pk__in=detached).update(
        parent=None
    )
    KeyResult.objects.filter(organization_id=objective.organization_id, objective=objective).update(
        deleted_at=at
    )
    Objective.objects.filter(pk=objective.pk).update(deleted_at=at)
    objective.deleted_at = at
    return detached


def trash_key_result(key_result: KeyResult, *, at: dt.datetime) -> None:
    KeyResult.objects.filter(pk=key_result.pk).update(deleted_at=at)
    key_result.deleted_at = at


def _restorable(queryset, pk, now: dt.datetime):
    row = queryset.filter(restorable_q(now=now), pk=pk).first()
    if row is None:
        raise ValidationError(GONE)
    return row


def restore_objective(*, organization, objective_id: int, actor: Membership) -> Objective:
    """Bring a trashed objective back with the KRs trashed with it (admins, within
    `RETENTION`)."""
    policy.require(policy.can_manage_trash(actor), policy.TRASH_ADMINS_ONLY)
    now = timezone.now()
    with transaction.atomic():
        objective = _restorable(
            Objective.all_objects.select_for_update().filter(organization=organization),
            objective_id,
            now,
        )
        ensure_open(objective.cycle)
        if (
            objective.parent_id is not None
            and not Objective.objects.filter(pk=objective.parent_id).exists()
        ):
            objective.parent = None  # its own parent was trashed meanwhile: come back unaligned
        KeyResult.all_objects.filter(
            organization=organization, objective=objective, deleted_at=objective.deleted_at
        ).update(deleted_at=None)
        objective.deleted_at = None
        objective.save(update_fields=["deleted_at", "parent", "updated_at"])
        realigned = _realign_children(objective)
        audit_row(
            objective,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            summary=f"Restored objective “{objective.title}” from the trash"
            + (f"; {len(realigned)} aligned objective(s) re-aligned" if realigned else ""),
            changes={"restored": [None, True]},
        )
        recompute_objective_chain(objective)
        health_tally.invalidate_objectives(objective.organization_id, realigned)
    return objective


def _realign_children(objective: Objective) -> list[int]:
    """Children unaligned by the delete (from its audit entry) that are still unaligned."""
    entry = (
        AuditEntry.objects.filter(
            organization_id=objective.organization_id,
            target_type="objective",
            target_id=objective.pk,
            action=AuditEntry.Action.DELETE,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    ids = (entry.changes or {}).get("unaligned_children", []) if entry else []
    if not isinstance(ids, list) or not ids:
        return []
    children = Objective.objects.filter(
        organization_id=objective.organization_id,
        cycle_id=objective.cycle_id,
        pk__in=[i for i in ids if isinstance(i, int)],
        parent__isnull=True,
    )
    realigned = list(children.values_list("id", flat=True))
    children.update(parent=objective)
    return realigned


def restore_key_result(*, organization, key_result_id: int, actor: Membership) -> KeyResult:
    """Bring a trashed key result back (admins, within `RETENTION`; its objective must be
    live)."""
    policy.require(policy.can_manage_trash(actor), policy.TRASH_ADMINS_ONLY)
    now = timezone.now()
    with transaction.atomic():
        kr = _restorable(
            KeyResult.all_objects.select_for_update()
            .filter(organization=organization)
            .select_related("objective__cycle"),
            key_result_id,
            now,
        )
        if kr.objective.deleted_at is not None:
            raise ValidationError(
                f"Its objective “{kr.objective.title}” is in the trash: restore that first."
            )
        ensure_open(kr.objective.cycle)
        kr.deleted_at = None
        kr.save(update_fields=["deleted_at", "updated_at"])
        audit_row(
            kr,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            summary=f"Restored key result “{kr.title}” from the trash",
            changes={"restored": [None, True]},
        )
        recompute_objective_chain(kr.objective)
    return kr


def purge_trash(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete for good what has been in the trash longer than RETENTION (all tenants)."""
    cutoff = (now or timezone.now()) - RETENTION
    krs, _ = KeyResult.all_objects.filter(deleted_at__lt=cutoff).delete()
    objectives, _ = Objective.all_objects.filter(deleted_at__lt=cutoff).delete()
    return {"deleted": krs + objectives}
