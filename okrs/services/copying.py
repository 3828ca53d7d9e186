"""Carry unfinished OKRs from one cycle into the next."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from accounts.models import Membership
from okrs.models import Cycle, KeyResult, Objective
from okrs.rules import policy
from okrs.rules.cycles import copy_key, unfinished_q
from okrs.services._common import ensure_open
from okrs.services.key_results import create_key_result
from okrs.services.objectives import create_objective
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


def copy_unfinished_okrs(*, source: Cycle, target: Cycle, actor: Membership) -> list[Objective]:
    """Copy objectives with progress < 1 and their unfinished KRs into `target`.

    Every copy goes through the create services (`create_objective`, `create_key_result`),
    so it is checked, audited ("Copied … from <source>") and rolled up like any create, and
    keeps what still makes sense of its source: level, unit, owner, title, description,
    visibility, roll-up and alignment (to the copy of its parent); a KR's metric, target,
    unit, weight, confidence and active contributors, starting where the old one stands
    (start = its last value; a milestone restarts at not done); a due date only when it
    falls inside the new cycle. A KR whose owner left goes to the objective's owner. An
    objective already copied (same title, owner, level) is skipped, so running it twice
    duplicates nothing.
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
            Objective.objects.filter(unfinished_q(), organization_id=org_id, cycle=source)
            .select_related("owner__user", "unit")
            .order_by("id")
        )
        existing = {
            copy_key(o): o for o in Objective.objects.filter(organization_id=org_id, cycle=target)
        }
        krs: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in (
            KeyResult.objects.filter(
                unfinished_q(), organization_id=org_id, objective__in=unfinished
            )
            .select_related("owner__user")
            .prefetch_related(
                Prefetch(
                    "contributors",
                    queryset=Membership.objects.filter(is_active=True).select_related("user"),
                )
            )
            .order_by("id")
        ):
            krs[kr.objective_id].append(kr)
        mapping: dict[int, Objective] = {}
        created: list[Objective] = []
        for old in _depth_order(unfinished):
            key = copy_key(old)
            if key in existing:
                mapping[old.pk] = existing[key]
                continue
            if not old.owner.is_active:
                continue  # nobody to carry it; it stays in the old cycle's history
            old.cycle = source  # the copy's audit names it; no query
            new = create_objective(
                organization=target.organization,
                actor=actor,
                cycle=target,
                level=old.level,
                title=old.title,
                owner=old.owner,
                unit=old.unit,
                parent=mapping.get(old.parent_id),
                description=old.description,
                visibility=old.visibility,
                rollup=old.rollup,
                copied_from=old,
                defer_rollup=True,
            )
            mapping[old.pk] = new
            created.append(new)
            for kr in krs[old.pk]:
                kr.objective = old
                create_key_result(
                    objective=new,
                    actor=actor,
                    title=kr.title,
                    owner=kr.owner if kr.owner.is_active else new.owner,
                    metric_type=kr.metric_type,
                    start_value=_restart(kr),
                    target_value=kr.target_value,
                    unit=kr.unit,
                    unit_label=kr.unit_label,
                    weight=kr.weight,
                    confidence=kr.confidence,
                    due_date=_due_date(kr, target),
                    contributors=kr.contributors.all(),
                    copied_from=kr,
                    defer_rollup=True,
                )
        recompute_cycle(target)  # once for the whole copy (each create deferred its own)
    # The copies' progress and status as their key results and aligned copies left them.
    fresh = {
        o.pk: o
        for o in Objective.objects.filter(
            organization_id=org_id, pk__in=[o.pk for o in created]
        ).only("progress", "status")
    }
    for objective in created:
        objective.progress = fresh[objective.pk].progress
        objective.status = fresh[objective.pk].status
    return created


def _restart(kr: KeyResult):
    """Start value of the copy: where the old KR stands. A milestone restarts at not-done."""
    if kr.metric_type == KeyResult.MetricType.MILESTONE:
        return 0
    return kr.current_value


def _due_date(kr: KeyResult, target: Cycle):
    """The old due date, when it still falls inside the new cycle (else none)."""
    if kr.due_date and target.start_date <= kr.due_date <= target.end_date:
        return kr.due_date
    return None
