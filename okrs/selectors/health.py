"""Health dashboard and unit overview: what needs attention in a cycle.

O(what the page shows): the numbers are per-unit tallies summed over the scope
(`health_tally`: stored between reads, counted again in SQL only for the units a write or the
passing of time made stale), and each list is a queryset the page slices one page of, with its
total already known from the tallies (`Counted`). The definitions are the one place each:
`attention.stale_q` / `low_confidence_q`, `weeks.iso_week`, the counts
(`health_tally.count_by_unit`), the unit subtree (`accounts.rules.units.subtree_ids`) and
visibility (`okrs.rules.visibility`).

The check-in rates are per child unit of the scope (`health_scope`), each row its whole
subtree: a row per child, never a row per unit of the company.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit
from okr_project.paging import Counted
from okrs.models import Cycle, KeyResult, Objective
from okrs.rules import attention, visibility
from okrs.rules.visibility import visible_objectives_q
from okrs.rules.weeks import iso_week
from okrs.selectors import health_tally
from okrs.selectors.health_scope import HealthScope, UnitOutline
from okrs.selectors.health_tally import ZERO, Counts, Tally, plus


@dataclass
class CheckInRate:
    """This week's check-ins in one row of the rate table: a child unit of the scope and
    everything below it, or (`own`) the scope's own objectives — the company-level ones
    (`unit_id` None) or those of the scope unit itself."""

    unit_id: int | None
    unit_name: str
    expected: int
    done: int
    own: bool = False

    @property
    def rate(self) -> float:
        return self.done / self.expected if self.expected else 0.0

    @property
    def label(self) -> str:
        return self.unit_name if self.unit_id else "Company-level objectives"


# The lists a report offers, in the order the health page shows them.
SECTION_KEYS = (
    "stale_krs",
    "low_confidence",
    "objectives_without_krs",
    "krs_without_owner",
    "orphans",
)
# The lists of objectives; the others list key results.
OBJECTIVE_SECTIONS = ("objectives_without_krs", "orphans")


@dataclass
class HealthReport:
    cycle: Cycle
    unit: OrgUnit | None
    week: str
    objective_count: int = 0
    key_result_count: int = 0
    average_progress: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    checkin_rates: list[CheckInRate] = field(default_factory=list)
    # Every scoped objective (ordered by title); slice it, never list it whole on a page.
    objectives: Counted | None = None
    objectives_without_krs: Counted | None = None
    orphans: Counted | None = None
    stale_krs: Counted | None = None
    low_confidence: Counted | None = None
    krs_without_owner: Counted | None = None
    # What this report counted because no stored tally answered: `services.health_report`
    # stores it (okrs.services.health_tally.store).
    recount: health_tally.Recount | None = None

    @property
    def issue_count(self) -> int:
        return sum(len(getattr(self, key)) for key in SECTION_KEYS)

    @property
    def checkin_rate(self) -> float:
        expected = sum(r.expected for r in self.checkin_rates)
        return sum(r.done for r in self.checkin_rates) / expected if expected else 0.0


def _scoped(organization, cycle, unit_ids, viewer):
    # Champions coach everyone but, like anyone, see private objectives only if allowed.
    objectives = Objective.objects.filter(organization=organization, cycle=cycle).filter(
        visible_objectives_q(viewer)
    )
    krs = KeyResult.objects.filter(organization=organization, objective__cycle=cycle).filter(
        visible_objectives_q(viewer, "objective__")
    )
    if unit_ids is not None:
        objectives = objectives.filter(unit_id__in=sorted(unit_ids))
        krs = krs.filter(objective__unit_id__in=sorted(unit_ids))
    return objectives, krs


def _unit_tallies(
    *, organization, cycle, viewer, objectives, unit_ids, whole, week, now
) -> tuple[dict[int, Counts], health_tally.Recount | None]:
    """What `viewer` may see of each unit's own objectives (unit key → counts): the stored
    tallies (`health_tally.read`), public and — for those who see every private objective —
    private, plus the private objectives this viewer may open (among `objectives`, the
    scope's visible ones), counted live."""
    keys = set(unit_ids) | ({health_tally.COMPANY} if whole else set())
    stored, recount = health_tally.read(
        organization_id=organization.pk,
        cycle=cycle,
        unit_keys=keys,
        whole_cycle=whole,
        week=week,
        now=now,
    )
    every_private = visibility.sees_every_private(viewer)
    public = visibility.sees_public(viewer)
    per_unit: dict[int, Counts] = {}
    for (unit_key, private), counts in stored.items():
        if unit_key in keys and (every_private if private else public):
            per_unit[unit_key] = plus(per_unit.get(unit_key), counts)
    if not every_private:
        # Their ids first (a partial index on private objectives), then the counts of those
        # few: an aggregate joining key results to the visibility filter read all 44,000.
        # Never an empty list, so the page runs the same queries whoever reads it.
        ids = list(
            objectives.filter(visibility.visible_private_objectives_q(viewer)).values_list(
                "pk", flat=True
            )
        ) or [0]
        live, _ = health_tally.count_by_unit(
            Objective.objects.filter(organization=organization, pk__in=ids),
            KeyResult.objects.filter(organization=organization, objective_id__in=ids),
            organization_id=organization.pk,
            week=week,
            now=now,
            whole_cycle=False,
        )
        for (unit_key, _private), counts in live.items():
            if unit_key in keys:
                per_unit[unit_key] = plus(per_unit.get(unit_key), counts)
    return per_unit, recount


_KEY_RESULTS = health_tally.FIELDS.index("key_results")
_CHECKED_IN = health_tally.FIELDS.index("checked_in")


def health_report(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership,
    unit: OrgUnit | None = None,
    scope: HealthScope | None = None,
    now: dt.datetime | None = None,
) -> HealthReport:
    """What needs attention in the cycle (optionally one unit and below), as `viewer` may
    see it: private objectives (and their KRs) they may not open are left out. Pass the
    `scope` from `health_scope` (its unit wins over `unit`) to reuse its unit outline.

    The check-in rates have one row per child unit of the scope (each summing its whole
    subtree) plus the scope's own objectives. The numbers come from the units' tallies
    (`health_tally`: a row per unit, counted again only where a write or time made it
    stale), the private objectives the viewer may open (counted live unless they see every
    one) and the key results whose owner left (live: few); the lists are lazy querysets with
    their totals, for the caller to page. The same number of queries whatever the size.
    """
    now = now or timezone.now()
    week = iso_week(organization, now)
    outline = scope.outline if scope is not None else UnitOutline.load(organization, viewer)
    unit = scope.unit if scope is not None else unit
    whole = unit is None
    unit_ids = set(outline.name) if whole else outline.subtree(unit.pk)
    children = outline.children(None if whole else unit.pk)
    objectives, krs = _scoped(organization, cycle, None if whole else unit_ids, viewer)
    per_unit, recount = _unit_tallies(
        organization=organization,
        cycle=cycle,
        viewer=viewer,
        objectives=objectives,
        unit_ids=unit_ids,
        whole=whole,
        week=week,
        now=now,
    )
    bucket_of = {u: child.id for child in children for u in outline.subtree(child.id)}
    buckets: dict[int | None, Counts] = {}
    for unit_key, counts in per_unit.items():
        bucket = bucket_of.get(unit_key)
        buckets[bucket] = plus(buckets.get(bucket), counts)
    total = Tally(*functools.reduce(plus, buckets.values(), ZERO))
    rates = []
    own = buckets.get(None)
    if own is not None and own[_KEY_RESULTS]:
        unit_id, name = (None, "") if whole else (unit.pk, unit.name)
        rates.append(CheckInRate(unit_id, name, own[_KEY_RESULTS], own[_CHECKED_IN], own=True))
    for child in children:
        row = buckets.get(child.id, ZERO)
        rates.append(CheckInRate(child.id, child.name, row[_KEY_RESULTS], row[_CHECKED_IN]))

    no_krs = health_tally.without_key_results_q(organization.pk)
    ownerless = krs.filter(owner__is_active=False)
    kr_rows = krs.select_related("objective", "owner__user").annotate(
        last_activity=attention.last_activity_expression()
    )
    objective_rows = objectives.select_related("owner__user", "unit")
    return HealthReport(
        cycle=cycle,
        unit=unit,
        week=week,
        objective_count=total.objectives,
        key_result_count=total.key_results,
        average_progress=total.progress_sum / total.objectives if total.objectives else 0.0,
        status_counts=total.status_counts(),
        checkin_rates=rates,
        objectives=Counted(objective_rows.order_by("title", "id"), total.objectives),
        objectives_without_krs=Counted(
            objective_rows.filter(no_krs).order_by("title", "id"), total.without_key_results
        ),
        orphans=Counted(
            objective_rows.filter(attention.orphan_q()).order_by("title", "id"), total.orphans
        ),
        stale_krs=Counted(
            kr_rows.filter(attention.stale_q(now)).order_by("last_activity", "id"), total.stale
        ),
        low_confidence=Counted(
            kr_rows.filter(attention.low_confidence_q()).order_by("confidence", "id"),
            total.low_confidence,
        ),
        krs_without_owner=Counted(
            kr_rows.filter(owner__is_active=False).order_by("objective__title", "id"),
            ownerless.count,
        ),
        recount=recount,
    )


@dataclass
class UnitOverview:
    unit: OrgUnit
    cycle: Cycle
    objectives: Counted
    members: Counted
    sub_units: list[OrgUnit]
    report: HealthReport

    @property
    def progress(self) -> float:
        return self.report.average_progress

    @property
    def status_counts(self) -> dict[str, int]:
        return self.report.status_counts

    @property
    def checkin_rate(self) -> float:
        return self.report.checkin_rate


def unit_overview(
    *, organization: Organization, unit: OrgUnit, cycle: Cycle, viewer: Membership
) -> UnitOverview:
    """A unit's objectives (its own and its sub-units'), people and health in one cycle, as
    `viewer` may see them. Lists are lazy (`Counted`): the page shows one page of each."""
    report = health_report(organization=organization, cycle=cycle, unit=unit, viewer=viewer)
    members = (
        Membership.objects.filter(organization=organization, unit=unit, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "id")
    )
    sub_units = list(
        OrgUnit.objects.filter(organization=organization, parent=unit)
        .select_related("lead__user")
        .order_by("name", "id")
    )
    return UnitOverview(
        unit=unit,
        cycle=cycle,
        objectives=report.objectives,
        members=Counted(members, members.count()),
        sub_units=sub_units,
        report=report,
    )
