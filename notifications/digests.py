"""Digest content for each reader, built from one snapshot of the active cycle.

`DigestSnapshot.load` runs a fixed handful of queries per organization; every reader's
digest is then cut from it in Python, so a batch of 50 readers costs the same as one.
Progress is read when the snapshot is taken, i.e. as of sending.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from accounts.models import Membership, Organization, OrgUnit
from notifications import schedule, selectors
from okrs.models import Cycle, KeyResult, Level, Objective, Risk

STALE_AFTER = timedelta(days=14)
LOW_CONFIDENCE = 4
TOP = 5


@dataclass
class KeyResultLine:
    key_result: KeyResult
    progress: float
    change: float | None  # since the last check-in before this week; None = no earlier reading
    confidence: int
    stale: bool

    @property
    def title(self) -> str:
        return self.key_result.title

    @property
    def objective_title(self) -> str:
        return self.key_result.objective.title

    @property
    def owner_name(self) -> str:
        return self.key_result.owner.name


@dataclass
class DigestSnapshot:
    organization: Organization
    cycle: Cycle
    now: datetime
    week: str
    lines: list[KeyResultLine]
    objectives: list[Objective]
    units: list[OrgUnit]
    risks: list[Risk]
    checked_in: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, *, organization: Organization, now: datetime) -> DigestSnapshot | None:
        """None when there is no active cycle (nothing to digest)."""
        cycle = selectors.active_cycle(organization=organization)
        if cycle is None:
            return None
        tz, _ = schedule.zone_for(organization.timezone)
        week = schedule.iso_week(tz, now)
        key_results = selectors.cycle_key_results(organization=organization, cycle=cycle)
        baseline = selectors.progress_before(
            organization=organization,
            key_results=key_results,
            before=schedule.week_start(tz, now),
        )
        lines = [
            KeyResultLine(
                key_result=kr,
                progress=kr.progress,
                change=(kr.progress - baseline[kr.pk]) if kr.pk in baseline else None,
                confidence=kr.confidence,
                stale=kr.last_check_in_at is None or kr.last_check_in_at < now - STALE_AFTER,
            )
            for kr in key_results
        ]
        objectives = list(
            Objective.objects.filter(organization=organization, cycle=cycle)
            .select_related("owner__user", "unit")
            .order_by("title", "id")
        )
        units = list(OrgUnit.objects.filter(organization=organization).order_by("name"))
        risks = list(
            Risk.objects.filter(
                organization=organization,
                key_result__objective__cycle=cycle,
                status=Risk.State.OPEN,
            ).select_related("key_result")
        )
        risks.sort(key=lambda r: (-r.score, r.pk))
        checked_in = selectors.checked_in_key_result_ids(
            organization=organization, week=week, cycle=cycle
        )
        return cls(organization, cycle, now, week, lines, objectives, units, risks, checked_in)

    def unit_subtree(self, roots: set[int]) -> set[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit in self.units:
            children[unit.parent_id].append(unit.pk)
        found, stack = set(), list(roots)
        while stack:
            unit_id = stack.pop()
            if unit_id not in found:
                found.add(unit_id)
                stack.extend(children.get(unit_id, []))
        return found

    def missing_members(self, unit_ids: set[int]) -> list[Membership]:
        """Owners in these units with at least one KR not checked in this week."""
        seen: dict[int, Membership] = {}
        for line in self.lines:
            owner = line.key_result.owner
            if line.key_result.pk in self.checked_in or owner.unit_id not in unit_ids:
                continue
            if owner.is_active:
                seen.setdefault(owner.pk, owner)
        return sorted(seen.values(), key=lambda m: m.name.lower())


def owner_digest(snapshot: DigestSnapshot, reader: Membership) -> dict:
    lines = [line for line in snapshot.lines if line.key_result.owner_id == reader.pk]
    return {"lines": lines, "stale_count": sum(1 for line in lines if line.stale)}


def lead_digest(snapshot: DigestSnapshot, reader: Membership) -> dict:
    led = {unit.pk for unit in snapshot.units if unit.lead_id == reader.pk}
    unit_ids = snapshot.unit_subtree(led)
    return {
        "units": [unit for unit in snapshot.units if unit.pk in led],
        "objectives": [o for o in snapshot.objectives if o.unit_id in unit_ids],
        "missing": snapshot.missing_members(unit_ids),
    }


def executive_digest(snapshot: DigestSnapshot, reader: Membership) -> dict:
    movers = [line for line in snapshot.lines if line.change]
    movers.sort(key=lambda line: (-abs(line.change or 0), line.key_result.pk))
    return {
        "company_objectives": [o for o in snapshot.objectives if o.level == Level.COMPANY],
        "movers": movers[:TOP],
        "risks": snapshot.risks[:TOP],
        "open_risk_count": len(snapshot.risks),
    }


def champion_digest(snapshot: DigestSnapshot, reader: Membership) -> dict:
    return {
        "stale": [line for line in snapshot.lines if line.stale],
        "low_confidence": [line for line in snapshot.lines if line.confidence <= LOW_CONFIDENCE],
        "unaligned": [
            o for o in snapshot.objectives if o.parent_id is None and o.level != Level.COMPANY
        ],
    }


BUILDERS = {
    "digest_owner": owner_digest,
    "digest_lead": lead_digest,
    "digest_executive": executive_digest,
    "digest_champion": champion_digest,
}


def digest_context(snapshot: DigestSnapshot, kind: str, reader: Membership) -> dict:
    """Template context for one reader's digest of this kind."""
    context = BUILDERS[kind](snapshot, reader)
    context.update(cycle=snapshot.cycle, week=snapshot.week)
    return context
