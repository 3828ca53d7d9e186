"""Digest content for each reader, built from one snapshot of the active cycle.

A digest reports the **last complete week** (Monday to Sunday in the organization's zone,
before the week containing the send instant) against the week before it, whatever day it is
sent: where each key result and objective stood at the end of that week and how far it moved
during it, confidence from → to, what moved most, what went stale, who missed a check-in
that was due, and the risks raised. Everything is as of the end of the week — a check-in
made since counts for the next digest — and says what is true: a key result with no reading
yet says so ("no check-in yet"), one read for the first time that week says "first reading",
one created that week "created this week". A key result owes a check-in for the week only if
it existed, in an active cycle, during it (`attention.was_due`); one created after the week
is not in that week's digest at all.

`DigestSnapshot.load` runs a fixed handful of queries per delivery batch, over what that
batch's readers can be shown (their own key results for owner digests, their units' subtrees
for lead digests, the company for executives and champions); every reader's digest is then
cut from it in Python — through `okrs.rules.visibility`, so a reader never sees an objective
(or its key results, risks or counts) they may not open. The delivery batch primes the
readers' visibility facts, so a batch of 50 readers costs the same as one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from accounts.models import Membership, Organization, OrgUnit
from accounts.rules.units import subtree_ids
from notifications import selectors
from notifications.models import Kind
from okrs.models import Cycle, KeyResult, Level, Objective, Risk, Status
from okrs.rules import attention, progress, weeks
from okrs.rules.visibility import can_view_key_result, can_view_objective

TOP = 5
CREATED_THIS_WEEK = "created this week"
FIRST_READING = "first reading"
NO_CHECK_IN_YET = "no check-in yet"
NOT_THIS_WEEK = "not checked in that week"


@dataclass
class KeyResultLine:
    """One key result over the reported week."""

    key_result: KeyResult
    progress: float  # at the end of the week
    progress_before: float  # at its start (its start value's progress before any reading)
    confidence: int | None  # the latest by the end of the week; None: not known
    confidence_before: int | None  # the latest by its start; None: no reading by then
    read: bool  # a check-in by the end of the week
    checked_in: bool  # a check-in during the week
    first_reading: bool  # the first check-in ever came during the week
    created_in_week: bool
    stale: bool  # as of the end of the week (`attention`)
    went_stale: bool  # stale at its end, not at its start
    due: bool  # it owed a check-in for the week (`attention.was_due`)

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
    def change(self) -> float | None:
        """Progress points moved during the week (None: no reading by its end)."""
        return self.progress - self.progress_before if self.read else None

    @property
    def missed(self) -> bool:
        return self.due and not self.checked_in

    @property
    def confidence_dropped(self) -> bool:
        return (
            self.confidence is not None
            and self.confidence_before is not None
            and self.confidence < self.confidence_before
        )

    @property
    def low_confidence(self) -> bool:
        return attention.confidence_is_low(self.confidence)

    @property
    def note(self) -> str:
        """What the numbers cannot say by themselves."""
        notes = [CREATED_THIS_WEEK] if self.created_in_week else []
        if not self.read:
            notes.append(NO_CHECK_IN_YET)
        elif self.first_reading:
            notes.append(FIRST_READING)
        elif self.due and not self.checked_in:
            notes.append(NOT_THIS_WEEK)
        return ", ".join(notes)


@dataclass
class ObjectiveLine:
    """One objective over the reported week: its progress at the end of the week and at its
    start, rolled up from its key results and aligned objectives as they stood then."""

    objective: Objective
    progress: float
    progress_before: float | None  # None: it did not exist yet when the week started
    status: str  # at the end of the week

    @property
    def title(self) -> str:
        return self.objective.title

    @property
    def change(self) -> float | None:
        return None if self.progress_before is None else self.progress - self.progress_before

    @property
    def created_in_week(self) -> bool:
        return self.progress_before is None

    @property
    def note(self) -> str:
        return CREATED_THIS_WEEK if self.created_in_week else ""

    @property
    def private(self) -> bool:
        return self.objective.visibility == Objective.Visibility.PRIVATE

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def movers(lines: Iterable[KeyResultLine], limit: int = TOP) -> list[KeyResultLine]:
    """The lines that moved most during the week (either way), biggest first."""
    moved = [line for line in lines if line.change]
    moved.sort(key=lambda line: (-abs(line.change or 0), line.key_result.pk))
    return moved[:limit]


@dataclass
class DigestSnapshot:
    organization: Organization
    cycle: Cycle
    now: dt.datetime
    week: str  # the reported (last complete) week, e.g. "2026-W47"
    week_from: dt.datetime
    week_to: dt.datetime  # exclusive: the Monday after
    lines: list[KeyResultLine]  # the key results that existed by the end of the week
    objectives: list[Objective]
    units: list[OrgUnit]
    risks: list[Risk]  # open risks, highest score first
    new_risk_ids: set[int] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        *,
        organization: Organization,
        now: dt.datetime,
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
        within_krs, within_objectives = _batch_scope(organization, cycle, kind, reader_ids, units)
        scope = {"organization": organization, "cycle": cycle, "within": within_krs}
        key_results = selectors.cycle_key_results(**scope)
        at_end = selectors.readings_before(before=end, **scope)
        at_start = selectors.readings_before(before=start, **scope)
        checked_in = selectors.checked_in_key_result_ids(week=week, **scope)
        week_bounds = (start, end)
        lines = [
            _line(
                kr, cycle, at_start.get(kr.pk), at_end.get(kr.pk), kr.pk in checked_in, week_bounds
            )
            for kr in key_results
            if kr.created_at < end  # one created since did not exist during the week
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

    @cached_property
    def objective_lines(self) -> dict[int, ObjectiveLine]:
        """Objective id → its line, for the objectives that existed by the end of the week:
        the roll-up (`progress.objectives_progress`) over the key results and aligned
        objectives of the snapshot as they stood at the end of the week and at its start."""
        start, end = self.week_from, self.week_to
        at_end = [o for o in self.objectives if o.created_at < end]
        at_start = [o for o in at_end if o.created_at < start]
        krs_end: dict[int, list] = defaultdict(list)
        krs_start: dict[int, list] = defaultdict(list)
        confidences: dict[int, list] = defaultdict(list)
        for line in self.lines:
            kr = line.key_result
            krs_end[kr.objective_id].append((line.progress, kr.weight))
            if line.confidence is not None:
                confidences[kr.objective_id].append((kr.weight, line.confidence))
            if kr.created_at < start:
                krs_start[kr.objective_id].append((line.progress_before, kr.weight))
        nodes = [(o.pk, o.parent_id, o.rollup) for o in at_end]
        after = progress.objectives_progress(nodes, krs_end)
        before = progress.objectives_progress(
            [(o.pk, o.parent_id, o.rollup) for o in at_start], krs_start
        )
        children: dict[int, int] = defaultdict(int)
        for o in at_end:
            children[o.parent_id] += 1
        last_day = timezone_date(self.organization, end - dt.timedelta(microseconds=1))
        expected = progress.expected_progress(self.cycle.start_date, self.cycle.end_date, last_day)
        result = {}
        for o in at_end:
            status = o.status_override or (
                progress.derive_status(
                    after[o.pk], expected, progress.mean_confidence(confidences[o.pk])
                )
                if progress.has_progress_items(len(krs_end[o.pk]), children[o.pk], o.rollup)
                else progress.NOT_STARTED
            )
            result[o.pk] = ObjectiveLine(o, after[o.pk], before.get(o.pk), status)
        return result

    def missing_members(self, lines: list[KeyResultLine], unit_ids: set[int]) -> list[Membership]:
        """Active owners in these units with a key result that owed a check-in for the week
        and got none."""
        seen: dict[int, Membership] = {}
        for line in lines:
            owner = line.key_result.owner
            if line.missed and owner.unit_id in unit_ids and owner.is_active:
                seen.setdefault(owner.pk, owner)
        return sorted(seen.values(), key=lambda m: m.name.lower())


def timezone_date(organization: Organization, at: dt.datetime) -> dt.date:
    return at.astimezone(organization.tzinfo).date()


def _batch_scope(
    organization: Organization,
    cycle: Cycle,
    kind: str | None,
    reader_ids: Iterable[int] | None,
    units: list[OrgUnit],
) -> tuple[Q | None, Q | None]:
    """What a batch of readers' digests of one kind can show, as filters on (key results,
    objectives); (None, None): the whole cycle. Each digest is cut from the snapshot per
    reader afterwards, so a filter may take more than a reader sees, never less:

    - owner digests list the reader's own key results: those they own;
    - lead digests cover the units they lead and everything below them: their objectives
      and everything aligned below those (their progress rolls it up, whatever its unit), the
      key results on all of them, and those owned by someone in the units (the "missed a
      check-in" list goes by the owner's unit);
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
    tree = selectors.units_objective_tree(organization=organization, cycle=cycle, unit_ids=unit_ids)
    return Q(objective_id__in=tree) | Q(owner__unit_id__in=unit_ids), Q(pk__in=tree)


def _line(
    kr: KeyResult,
    cycle: Cycle,
    before: selectors.Reading | None,
    after: selectors.Reading | None,
    checked_in: bool,
    week: tuple[dt.datetime, dt.datetime],
) -> KeyResultLine:
    """The key result over the week [start, end), from its latest readings before each end."""
    start, end = week
    initial = progress.key_result_progress(
        kr.metric_type, kr.start_value, kr.target_value, kr.start_value
    )
    never_read = kr.last_check_in_at is None
    existed_at_start = kr.created_at < start
    activity_end = after.at if after else kr.created_at
    activity_start = before.at if before else kr.created_at
    stale = attention.was_stale(activity_end, end)
    return KeyResultLine(
        key_result=kr,
        progress=after.progress if after else initial,
        progress_before=before.progress if before else initial,
        # Without any reading, the confidence it was created with (the row holds it still).
        confidence=after.confidence if after else (kr.confidence if never_read else None),
        confidence_before=before.confidence if before else None,
        read=after is not None,
        checked_in=checked_in,
        first_reading=after is not None and before is None,
        created_in_week=not existed_at_start,
        stale=stale,
        went_stale=stale and existed_at_start and not attention.was_stale(activity_start, start),
        due=attention.was_due(kr, cycle, end),
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

    def objective_lines(self, objectives: Iterable[Objective]) -> list[ObjectiveLine]:
        known = self.snapshot.objective_lines
        return [known[o.pk] for o in objectives if o.pk in known]


def _week_story(lines: list[KeyResultLine]) -> dict:
    """What every digest says about its key results: what moved most, what went stale, what
    lost confidence, and how many were checked in of those due."""
    due = [line for line in lines if line.due]
    return {
        "movers": movers(lines),
        "went_stale": [line for line in lines if line.went_stale],
        "confidence_drops": [line for line in lines if line.confidence_dropped][:TOP],
        "due_count": len(due),
        "checked_in_count": sum(1 for line in due if line.checked_in),
    }


def owner_digest(view: ReaderView) -> dict:
    lines = [line for line in view.lines if line.key_result.owner_id == view.reader.pk]
    return {
        "lines": lines,
        "stale_count": sum(1 for line in lines if line.stale),
        **_week_story(lines),
    }


def lead_digest(view: ReaderView) -> dict:
    units = view.snapshot.units
    led = {unit.pk for unit in units if unit.lead_id == view.reader.pk}
    unit_ids = subtree_ids(((u.pk, u.parent_id) for u in units), led)
    lines = [line for line in view.lines if line.objective.unit_id in unit_ids]
    return {
        "units": [unit for unit in units if unit.pk in led],
        "objectives": view.objective_lines(o for o in view.objectives if o.unit_id in unit_ids),
        "missing": view.snapshot.missing_members(view.lines, unit_ids),
        **_week_story(lines),
    }


def executive_digest(view: ReaderView) -> dict:
    new_risks = [r for r in view.risks if r.pk in view.snapshot.new_risk_ids]
    story = _week_story(view.lines)
    return {
        "company_objectives": view.objective_lines(
            o for o in view.objectives if o.level == Level.COMPANY
        ),
        **story,
        "went_stale_count": len(story["went_stale"]),
        "went_stale": story["went_stale"][:TOP],
        "risks": view.risks[:TOP],
        "new_risks": new_risks[:TOP],
        "open_risk_count": len(view.risks),
    }


def champion_digest(view: ReaderView) -> dict:
    end = view.snapshot.week_to
    story = _week_story(view.lines)
    return {
        "stale": [line for line in view.lines if line.stale],
        "low_confidence": [line for line in view.lines if line.low_confidence],
        "missed": [line for line in view.lines if line.missed],
        "unaligned": [o for o in view.objectives if o.created_at < end and attention.is_orphan(o)],
        "movers": story["movers"],
        "went_stale": story["went_stale"],
        "due_count": story["due_count"],
        "checked_in_count": story["checked_in_count"],
    }


BUILDERS = {
    "digest_owner": owner_digest,
    "digest_lead": lead_digest,
    "digest_executive": executive_digest,
    "digest_champion": champion_digest,
}


def digest_context(snapshot: DigestSnapshot, kind: str, reader: Membership) -> dict:
    """Template context for one reader's digest of this kind; the thresholds come from the
    rules (`okrs.rules.attention`), never from a template."""
    context = BUILDERS[kind](ReaderView.of(snapshot, reader))
    context.update(
        cycle=snapshot.cycle,
        week=snapshot.week,
        week_from=timezone_date(snapshot.organization, snapshot.week_from),
        week_last_day=timezone_date(
            snapshot.organization, snapshot.week_to - dt.timedelta(microseconds=1)
        ),
        stale_after=attention.STALE_AFTER_TEXT,
        low_confidence_max=attention.LOW_CONFIDENCE,
    )
    return context
