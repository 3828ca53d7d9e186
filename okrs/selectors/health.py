"""Health dashboard and unit overview: what needs attention in a cycle."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit
from accounts.selectors import unit_subtree_ids
from okrs.models import CheckIn, Cycle, KeyResult, Level, Objective
from okrs.selectors import attention
from okrs.selectors.weeks import iso_week
from okrs.visibility import visible_objectives_q


@dataclass
class CheckInRate:
    """This week's check-ins in one unit (None = company-level objectives)."""

    unit: OrgUnit | None
    expected: int
    done: int

    @property
    def rate(self) -> float:
        return self.done / self.expected if self.expected else 0.0

    @property
    def label(self) -> str:
        return self.unit.name if self.unit else "Company"


@dataclass
class HealthReport:
    cycle: Cycle
    unit: OrgUnit | None
    week: str
    objectives: list[Objective] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)
    objectives_without_krs: list[Objective] = field(default_factory=list)
    krs_without_owner: list[KeyResult] = field(default_factory=list)
    stale_krs: list[KeyResult] = field(default_factory=list)
    low_confidence: list[KeyResult] = field(default_factory=list)
    orphans: list[Objective] = field(default_factory=list)
    checkin_rates: list[CheckInRate] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def issue_count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.objectives_without_krs,
                self.krs_without_owner,
                self.stale_krs,
                self.low_confidence,
                self.orphans,
            )
        )

    @property
    def checkin_rate(self) -> float:
        expected = sum(r.expected for r in self.checkin_rates)
        return sum(r.done for r in self.checkin_rates) / expected if expected else 0.0

    @property
    def average_progress(self) -> float:
        return (
            sum(o.progress for o in self.objectives) / len(self.objectives)
            if self.objectives
            else 0.0
        )


def _scoped(organization, cycle, unit_ids, viewer):
    # Champions coach everyone but, like anyone, see private objectives only if allowed.
    objectives = Objective.objects.filter(organization=organization, cycle=cycle).filter(
        visible_objectives_q(viewer)
    )
    krs = KeyResult.objects.filter(organization=organization, objective__cycle=cycle).filter(
        visible_objectives_q(viewer, "objective__")
    )
    if unit_ids is not None:
        objectives = objectives.filter(unit_id__in=unit_ids)
        krs = krs.filter(objective__unit_id__in=unit_ids)
    return objectives, krs


def health_report(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership,
    unit: OrgUnit | None = None,
    now: dt.datetime | None = None,
) -> HealthReport:
    """Everything that needs attention in the cycle (optionally one unit and below), as
    `viewer` may see it: private objectives (and their KRs) they may not open are left out.

    Constant queries whatever the size: units (with `unit`), objectives, key results.
    """
    now = now or timezone.now()
    week = iso_week(organization, now)
    unit_ids = (
        unit_subtree_ids(organization=organization, roots=[unit.pk]) if unit is not None else None
    )
    objectives_qs, krs_qs = _scoped(organization, cycle, unit_ids, viewer)
    objectives = list(
        objectives_qs.select_related("owner__user", "unit", "parent")
        .annotate(kr_count=Count("key_results"))
        .order_by("title", "id")
    )
    key_results = list(
        krs_qs.select_related("objective__unit", "owner__user")
        .annotate(
            checked_in_this_week=Exists(
                CheckIn.objects.filter(
                    organization=organization, key_result_id=OuterRef("pk"), week=week
                )
            ),
        )
        .order_by("objective__title", "id")
    )
    report = HealthReport(cycle=cycle, unit=unit, week=week, objectives=objectives)
    report.key_results = key_results
    report.objectives_without_krs = [o for o in objectives if o.kr_count == 0]
    report.orphans = [o for o in objectives if o.parent_id is None and o.level != Level.COMPANY]
    report.status_counts = dict(Counter(o.status for o in objectives))
    report.krs_without_owner = [kr for kr in key_results if not kr.owner.is_active]
    report.stale_krs = [kr for kr in key_results if attention.is_stale(kr, now)]
    report.low_confidence = [kr for kr in key_results if attention.is_low_confidence(kr)]
    rates: dict[int | None, CheckInRate] = {}
    for kr in key_results:
        unit_of = kr.objective.unit
        rate = rates.setdefault(unit_of.pk if unit_of else None, CheckInRate(unit_of, 0, 0))
        rate.expected += 1
        rate.done += int(kr.checked_in_this_week)
    report.checkin_rates = sorted(rates.values(), key=lambda r: (r.unit is not None, r.label))
    return report


@dataclass
class UnitOverview:
    unit: OrgUnit
    cycle: Cycle
    objectives: list[Objective]
    members: list[Membership]
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
    `viewer` may see them."""
    report = health_report(organization=organization, cycle=cycle, unit=unit, viewer=viewer)
    members = list(
        Membership.objects.filter(organization=organization, unit=unit, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    sub_units = list(
        OrgUnit.objects.filter(organization=organization, parent=unit).select_related("lead__user")
    )
    return UnitOverview(
        unit=unit,
        cycle=cycle,
        objectives=report.objectives,
        members=members,
        sub_units=sub_units,
        report=report,
    )
