"""Digest content for each reader, built from one snapshot of the active cycle.

A digest reports the **last complete week** (Monday to Sunday in the organization's zone,
before the week containing the send instant) against the week before it, whatever day it is
sent: movers, new risks, missed check-ins and confidence drops of that week.

`DigestSnapshot.load` runs a fixed handful of queries per delivery batch, over what that
batch's readers can be shown (their own key results for owner digests, their units' subtrees
for lead digests, the company for executives and champions); every reader's digest is then
cut from it in Python — through `okrs.rules.visibility`, so a reader never sees an objective (or its
key results, risks or counts) they may not open. The delivery batch primes the readers'
visibility facts, so a batch of 50 readers costs the same as one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from accounts.models import Membership, Organization, OrgUnit
from accounts.rules.units import subtree_ids
from notifications import selectors
from notifications.models import Kind
from okrs.models import Cycle, KeyResult, Level, Objective, Risk
from okrs.rules import attention, weeks
from okrs.rules.visibility import can_view_key_result, can_view_objective

TOP = 5


@dataclass
class KeyResultLine:
    key_result: KeyResult
    progress: float  # at the end of the reported week
    change: float | None  # over the reported week; None = no reading by its end
    confidence: int  # latest as of the end of the reported week
    confidence_before: int | None  # latest as of its start (None = no reading yet)
    stale: bool
    checked_in: bool  # a check-in during the reported week

    @property
    def title(self) -> str:
        return self.key_result.title

    @property
    def objective(self) -> Objective:
        return self.key_result.objective

    @property
    def objective_title(self) -> str:
        return self.key_result.objective.title

    @property
    def owner_name(self) -> str:
        return self.key_result.owner.name

    @property
    def confidence_dropped(self) -> bool:
        return self.confidence_before is not None and self.confidence < self.confidence_before


@dataclass
class DigestSnapshot:
    organization: Organization
    cycle: Cycle
    now: datetime
    week: str  # the reported (last complete) week, e.g. "2026-W47"
    week_from: datetime
    week_to: datetime
    lines: list[KeyResultLine]
    objectives: list[Objective]
    units: list[OrgUnit]
    risks: list[Risk]  # open risks, highest score first
    new_risk_ids: set[int] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        *,
        organization: Organization,
        now: datetime,
        kind: str | None = None,
        reader_ids: Iterable[int] | None = None,
    ) -> DigestSnapshot | None:
        """None when there is no active cycle (nothing to digest). With `kind` and
        `reader_ids` (a delivery batch), only what those readers' digests of that kind can
        show is loaded (`_batch_scope`); the per-reader cut (`ReaderView`) is the same."""
        cycle = selectors.active_cycle(organization=organization)
        if cycle is None:
            return None
        start, end = weeks.last_complete_week(organization, now)
        week = weeks.iso_week(organization, start)
        units = list(OrgUnit.objects.filter(organization=organization).order_by("name"))
        within_krs, within_objectives = _batch_scope(kind, reader_ids, units)
        scope = {"organization": organization, "cycle": cycle, "within": within_krs}
        key_results = selectors.cycle_key_results(**scope)
        at_end = selectors.readings_before(before=end, **scope)
        at_start = selectors.readings_before(before=start, **scope)
        checked_in = selectors.checked_in_key_result_ids(week=week, **scope)
        lines = [
            _line(kr, at_start.get(kr.pk), at_end.get(kr.pk), kr.pk in checked_in, now)
            for kr in key_results
        ]
        objectives = selectors.cycle_objectives(
            organization=organization, cycle=cycle, within=within_objectives
        )
        risks = selectors.open_risks(**scope)
        new_risk_ids = {r.pk for r in risks if start <= r.created_at < end}
        return cls(
            organization, cycle, now, week, start, end, lines, objectives, units, risks,
            new_risk_ids,
        )  # fmt: skip

    def missing_members(self, lines: list[KeyResultLine], unit_ids: set[int]) -> list[Membership]:
        """Active owners in these units with a key result not checked in during the week."""
        seen: dict[int, Membership] = {}
        for line in lines:
            owner = line.key_result.owner
            if not line.checked_in and owner.unit_id in unit_ids and owner.is_active:
                seen.setdefault(owner.pk, owner)
        return sorted(seen.values(), key=lambda m: m.name.lower())


def _batch_scope(
    kind: str | None, reader_ids: Iterable[int] | None, units: list[OrgUnit]
) -> tuple[Q | None, Q | None]:
    """What a batch of readers' digests of one kind can show, as filters on (key results,
    objectives); (None, None): the whole cycle. Each digest is cut from the snapshot per
    reader afterwards, so a filter may take more than a reader sees, never less:

    - owner digests list the reader's own key results: those they own;
    - lead digests cover the units they lead and everything below them: their objectives,
      and key results on them or owned by someone in them (the "missing check-ins" list
      goes by the owner's unit);
    - executive and champion digests read the whole company (a handful of readers).

    A batch of 50 owners thus loads their own few hundred key results, not the company's, so
    a batch costs the same at any company size (docs/benchmarks.md, fan-out).
    """
    if reader_ids is None or kind not in (Kind.DIGEST_OWNER, Kind.DIGEST_LEAD):
        return None, None
    ids = sorted(set(reader_ids))
    if kind == Kind.DIGEST_OWNER:
        owned = KeyResult.objects.filter(owner_id__in=ids)
        return Q(owner_id__in=ids), Q(pk__in=owned.values("objective_id"))
    readers = set(ids)
    led = {unit.pk for unit in units if unit.lead_id in readers}
    unit_ids = sorted(subtree_ids(((unit.pk, unit.parent_id) for unit in units), led))
    in_units = Q(objective__unit_id__in=unit_ids) | Q(owner__unit_id__in=unit_ids)
    return in_units, Q(unit_id__in=unit_ids)


def _line(kr: KeyResult, before, after, checked_in: bool, now: datetime) -> KeyResultLine:
    baseline = 0.0
    if after is None:
        progress = kr.progress if kr.last_check_in_at is None else baseline
        change, confidence = None, kr.confidence
    else:
        progress, confidence = after
        change = progress - (before[0] if before else baseline)
    return KeyResultLine(
        key_result=kr,
        progress=progress,
        change=change,
        confidence=confidence,
        confidence_before=before[1] if before else None,
        stale=attention.is_stale(kr, now),  # stale and low confidence: as of sending
        checked_in=checked_in,
    )


@dataclass
class ReaderView:
    """The snapshot as one reader may see it: nothing of an objective they may not open."""

    snapshot: DigestSnapshot
    reader: Membership
    lines: list[KeyResultLine]
    objectives: list[Objective]
    risks: list[Risk]

    @classmethod
    def of(cls, snapshot: DigestSnapshot, reader: Membership) -> ReaderView:
        def visible(objective: Objective) -> bool:
            return can_view_objective(reader, objective)

        return cls(
            snapshot,
            reader,
            [line for line in snapshot.lines if visible(line.objective)],
            [o for o in snapshot.objectives if visible(o)],
            [r for r in snapshot.risks if can_view_key_result(reader, r.key_result)],
        )


def owner_digest(view: ReaderView) -> dict:
    lines = [line for line in view.lines if line.key_result.owner_id == view.reader.pk]
    return {"lines": lines, "stale_count": sum(1 for line in lines if line.stale)}


def lead_digest(view: ReaderView) -> dict:
    units = view.snapshot.units
    led = {unit.pk for unit in units if unit.lead_id == view.reader.pk}
    unit_ids = subtree_ids(((u.pk, u.parent_id) for u in units), led)
    return {
        "units": [unit for unit in units if unit.pk in led],
        "objectives": [o for o in view.objectives if o.unit_id in unit_ids],
        "missing": view.snapshot.missing_members(view.lines, unit_ids),
    }


def executive_digest(view: ReaderView) -> dict:
    movers = [line for line in view.lines if line.change]
    movers.sort(key=lambda line: (-abs(line.change or 0), line.key_result.pk))
    new_risks = [r for r in view.risks if r.pk in view.snapshot.new_risk_ids]
    return {
        "company_objectives": [o for o in view.objectives if o.level == Level.COMPANY],
        "movers": movers[:TOP],
        "risks": view.risks[:TOP],
        "new_risks": new_risks[:TOP],
        "open_risk_count": len(view.risks),
        "confidence_drops": [line for line in view.lines if line.confidence_dropped][:TOP],
    }


def champion_digest(view: ReaderView) -> dict:
    return {
        "stale": [line for line in view.lines if line.stale],
        "low_confidence": [
            line for line in view.lines if attention.is_low_confidence(line.key_result)
        ],
        "missed": [line for line in view.lines if not line.checked_in],
        "unaligned": [o for o in view.objectives if attention.is_orphan(o)],
    }


BUILDERS = {
    "digest_owner": owner_digest,
    "digest_lead": lead_digest,
    "digest_executive": executive_digest,
    "digest_champion": champion_digest,
}


def digest_context(snapshot: DigestSnapshot, kind: str, reader: Membership) -> dict:
    """Template context for one reader's digest of this kind."""
    context = BUILDERS[kind](ReaderView.of(snapshot, reader))
    context.update(cycle=snapshot.cycle, week=snapshot.week)
    return context
