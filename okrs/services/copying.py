"""Carry unfinished OKRs from one cycle into the next."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership
from okrs.models import AuditEntry, Cycle, KeyResult, KeyResultContributor, Objective
from okrs.rules import policy
from okrs.services._common import ensure_open
from okrs.services.rollup import recompute_cycle


def _depth_order(objectives: list[Objective]) -> list[Objective]:
    """Parents before children (within the given set)."""
    by_id = {o.pk: o for o in objectives}

    def depth(o: Objective) -> int:
        d, seen = 0, set()
        while o.parent_id in by_id and o.pk not in seen:
            seen.add(o.pk)
            o, d = by_id[o.parent_id], d + 1
        return d

    return sorted(objectives, key=lambda o: (depth(o), o.pk))


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
        organization_id=org_id, cycle=source, progress__lt=1
    ).select_related("owner")
    return [o for o in unfinished.order_by("title", "id") if (o.title, o.owner_id, o.level) in keys]


def copy_unfinished_okrs(*, source: Cycle, target: Cycle, actor: Membership) -> list[Objective]:
    """Copy objectives with progress < 1 and their unfinished KRs into `target`.

    Copied KRs start where the old ones stand (start = last current value); alignment between
    copied objectives is kept; an objective already copied (same title, owner, level) is
    skipped, so running it twice does not duplicate anything.
    """
    if source.organization_id != target.organization_id:
        raise ValidationError({"target": "Choose a cycle of the same organization."})
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose a different cycle to copy into."})
    policy.require(
        policy.can_manage_cycles(actor) and actor.organization_id == source.organization_id,
        "Only admins and executives copy OKRs between cycles.",
    )
    org_id = source.organization_id
    with transaction.atomic():
        source = Cycle.objects.get(pk=source.pk, organization_id=org_id)
        if not policy.can_copy_unfinished(actor, source):
            raise ValidationError(
                f"{source.name} is still {source.get_status_display().lower()}: close it "
                "before copying its unfinished OKRs.",
                code="cycle_not_closed",
            )
        target = Cycle.objects.select_for_update().get(pk=target.pk, organization_id=org_id)
        ensure_open(target)
        unfinished = list(
            Objective.objects.filter(organization_id=org_id, cycle=source, progress__lt=1)
            .select_related("owner")
            .order_by("id")
        )
        existing = {
            (o.title, o.owner_id, o.level): o
            for o in Objective.objects.filter(organization_id=org_id, cycle=target)
        }
        krs: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in KeyResult.objects.filter(
            organization_id=org_id, objective__in=unfinished, progress__lt=1
        ).prefetch_related("contributors"):
            krs[kr.objective_id].append(kr)
        mapping: dict[int, Objective] = {}
        created: list[Objective] = []
        entries: list[AuditEntry] = []
        for old in _depth_order(unfinished):
            key = (old.title, old.owner_id, old.level)
            if key in existing:
                mapping[old.pk] = existing[key]
                continue
            if not old.owner.is_active:
                continue  # nobody to carry it; it stays in the old cycle's history
            new = Objective.objects.create(
                organization_id=org_id,
                cycle=target,
                level=old.level,
                unit_id=old.unit_id,
                owner_id=old.owner_id,
                parent=mapping.get(old.parent_id),
                title=old.title,
                description=old.description,
                visibility=old.visibility,
            )
            mapping[old.pk] = new
            created.append(new)
            entries.append(_entry(org_id, actor, "objective", new.pk, new.pk, new.title, source))
            for kr in krs[old.pk]:
                copy = KeyResult.objects.create(
                    organization_id=org_id,
                    objective=new,
                    owner_id=kr.owner_id,
                    title=kr.title,
                    metric_type=kr.metric_type,
                    start_value=_restart(kr),
                    target_value=kr.target_value,
                    current_value=_restart(kr),
                    unit=kr.unit,
                    unit_label=kr.unit_label,
                    weight=kr.weight,
                    confidence=kr.confidence,
                )
                KeyResultContributor.objects.bulk_create(
                    KeyResultContributor(organization_id=org_id, key_result=copy, membership=m)
                    for m in kr.contributors.all()
                )
                entries.append(
                    _entry(org_id, actor, "key_result", copy.pk, new.pk, copy.title, source)
                )
        AuditEntry.objects.bulk_create(entries)
        recompute_cycle(target)
    for objective in created:
        objective.refresh_from_db(fields=["progress", "status"])
    return created


def _restart(kr: KeyResult):
    """Start value of the copy: where the old KR stands. A milestone restarts at not-done."""
    if kr.metric_type == KeyResult.MetricType.MILESTONE:
        return 0
    return kr.current_value


def _entry(org_id, actor, target_type, target_id, objective_id, title, source) -> AuditEntry:
    return AuditEntry(
        organization_id=org_id,
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target_type=target_type,
        target_id=target_id,
        objective_id_ref=objective_id,
        summary=f"Copied “{title}” from {source.name}"[:255],
    )
