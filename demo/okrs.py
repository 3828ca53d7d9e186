"""Demo cycles and OKRs for `seed_demo`: a closed, graded last quarter and an active current one.

Bulk-inserted (a whole company in a few dozen queries) with progress computed by the same
roll-up the services use. Idempotent: an organization that already has cycles is left alone.
Deterministic: the numbers depend only on the organization's slug and today's date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit
from okrs.models import (
    AuditEntry,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    KeyResultContributor,
    Level,
    Objective,
    Risk,
)
from okrs.rules.progress import key_result_progress
from okrs.rules.weeks import iso_week
from okrs.services.collaboration import add_comment
from okrs.services.objectives import default_rollup
from okrs.services.rollup import recompute_cycle

WEEKS = 6


@dataclass(frozen=True)
class KR:
    title: str
    metric: str
    start: float
    target: float
    owner: str  # email local part
    reach: float  # share of the way covered by the last check-in
    confidence: int
    unit: str = "count"
    label: str = ""
    last_week: int = 0  # weeks ago of the last check-in; None-like -1 = never checked in
    contributor: str = ""


@dataclass(frozen=True)
class Obj:
    key: str
    title: str
    level: str
    owner: str
    unit: str = ""
    parent: str = ""
    krs: tuple[KR, ...] = ()
    visibility: str = "public"


INC, DEC, ABOVE, BELOW, MS = "increase_to", "decrease_to", "stay_above", "stay_below", "milestone"
CUR = "currency"

ACTIVE = (
    Obj("c1", "Become the most reliable platform in our market", Level.COMPANY, "ceo", krs=(
        KR("Cut customer-facing incidents from 12 to 4 a quarter", DEC, 12, 4, "ceo", .5, 7,
           "custom", "incidents"),
    )),
    Obj("c2", "Grow revenue 40% with healthy margins", Level.COMPANY, "cfo", krs=(
        KR("Reach $12M annual recurring revenue", INC, 8.5e6, 12e6, "cfo", .45, 6, CUR, "USD"),
    )),
    Obj("c3", "Customers love working with us", Level.COMPANY, "ceo", krs=(
        KR("Raise NPS from 32 to 45", INC, 32, 45, "ceo", .4, 6, "custom", "NPS"),
    )),
    Obj("d_eng", "Ship a faster, more stable product", Level.DEPARTMENT, "eng.head",
        "Engineering", "c1", (KR("Halve escaped bugs from 40 to 20 a month", DEC, 40, 20,
                                  "eng.head", .5, 7, "custom", "bugs"),)),
    Obj("d_sales", "Build a predictable sales engine", Level.DEPARTMENT, "sales.head", "Sales",
        "c2", (KR("Keep pipeline coverage at 3x or more", ABOVE, 2.4, 3, "sales.head", 1, 7,
                  "custom", "x"),)),
    Obj("d_mkt", "Fill the pipeline with qualified leads", Level.DEPARTMENT, "marketing.head",
        "Marketing", "c2", (KR("Raise marketing-qualified leads from 350 to 600 a month", INC, 350,
                               600, "marketing.head", .6, 8),)),
    # Deliberately without KRs: its progress comes from the Support objective below it.
    Obj("d_cs", "Make support effortless", Level.DEPARTMENT, "cs.head", "Customer Success",
        "c3"),
    Obj("t_platform", "Make the platform fast and boringly reliable", Level.TEAM,
        "platform.lead", "Platform", "d_eng", (
            KR("Cut p95 API latency from 420 ms to 200 ms", DEC, 420, 200, "owner", .55, 7,
               "custom", "ms", contributor="contributor"),
            KR("Keep monthly uptime at 99.95% or better", ABOVE, 99.9, 99.95, "owner", 1, 8,
               "percent", last_week=1),
            KR("Migrate 12 services to the new runtime", INC, 0, 12, "owner", .25, 4,
               last_week=3),
            KR("Publish the incident-response runbook", MS, 0, 1, "owner", 0, 6,
               last_week=-1),
        )),
    Obj("t_mobile", "Release a mobile app customers rate 4.5+", Level.TEAM, "mobile.lead",
        "Mobile", "d_eng", (
            KR("Lift the app-store rating from 3.8 to 4.5", INC, 3.8, 4.5, "mobile.lead", .6, 7,
               "custom", "stars"),
            KR("Keep crash-free sessions above 99.5%", ABOVE, 99.0, 99.5, "mobile.lead", .4, 3,
               "percent"),
        )),
    Obj("t_enterprise", "Close more enterprise deals", Level.TEAM, "enterprise.lead",
        "Enterprise Sales", "d_sales", (
            KR("Close $2M in new enterprise ARR", INC, 0, 2e6, "enterprise.lead", .45, 6, CUR,
               "USD"),
            KR("Shorten the sales cycle from 90 to 60 days", DEC, 90, 60, "enterprise.lead", .3,
               4, "custom", "days", last_week=3),
        )),
    # Deliberately an orphan: not aligned to anything (the health page flags it).
    Obj("t_smb", "Make SMB onboarding fully self-serve", Level.TEAM, "smb.lead", "SMB Sales",
        "", (
            KR("Grow self-serve trials from 300 to 800 a month", INC, 300, 800, "smb.lead", .5, 6),
            KR("Keep monthly churn below 2%", BELOW, 2.4, 2, "smb.lead", 1, 8, "percent"),
        )),
    Obj("t_growth", "Double organic signups", Level.TEAM, "growth.lead", "Growth", "d_mkt", (
        KR("Increase organic signups from 1,200 to 2,400 a month", INC, 1200, 2400, "growth.lead",
           .65, 8),
        KR("Launch the partner referral program", MS, 0, 1, "growth.lead", 1, 9),
    )),
    Obj("t_support", "Resolve tickets faster", Level.TEAM, "support.lead", "Support", "d_cs", (
        KR("Cut first response time from 8 h to 2 h", DEC, 8, 2, "support.lead", .7, 8, "custom",
           "hours"),
        KR("Raise CSAT from 85% to 92%", INC, 85, 92, "support.lead", .35, 4, "percent"),
    )),
    Obj("i_owner", "Become the team's go-to performance engineer", Level.INDIVIDUAL, "owner",
        parent="t_platform", visibility="private", krs=(
            KR("Give an internal talk on profiling", MS, 0, 1, "owner", 0, 7, last_week=2),
        )),
    Obj("i_contributor", "Learn the observability stack", Level.INDIVIDUAL, "contributor",
        parent="t_platform", krs=(
            KR("Build 5 service dashboards", INC, 0, 5, "contributor", .6, 8),
        )),
)  # fmt: skip

PAST = (
    Obj("p1", "Lay the foundations for reliable growth", Level.COMPANY, "ceo"),
    Obj("p_platform", "Stabilise the platform", Level.TEAM, "platform.lead", "Platform", "p1", (
        KR("Reduce pages per week from 25 to 5", DEC, 25, 5, "owner", .8, 8, "custom", "pages"),
        KR("Move CI to the new build farm", MS, 0, 1, "owner", 1, 9),
    )),
    Obj("p_sales", "Open the enterprise segment", Level.TEAM, "enterprise.lead",
        "Enterprise Sales", "p1", (
            KR("Sign 5 enterprise logos", INC, 0, 5, "enterprise.lead", .6, 6),
        )),
    Obj("p_support", "Tame the ticket backlog", Level.TEAM, "support.lead", "Support", "p1", (
        KR("Cut the open backlog from 900 to 300 tickets", DEC, 900, 300, "support.lead", .45, 4),
    )),
)  # fmt: skip

RETROSPECTIVES = {
    "p1": "Good quarter overall; sales needed more enablement than we planned for.",
    "p_platform": "Paging dropped sharply once the flaky alerts were removed. Keep the habit.",
    "p_sales": "Three logos signed; two slipped into next quarter after security reviews.",
    "p_support": "Hiring came late; the backlog only started shrinking in the last month.",
}


def _quarter(day: dt.date, offset: int = 0) -> tuple[dt.date, dt.date, str]:
    index = (day.year * 4 + (day.month - 1) // 3) + offset
    year, q = divmod(index, 4)
    start = dt.date(year, q * 3 + 1, 1)
    end = dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end, f"Q{q + 1} {year}"


class _Seeder:
    def __init__(self, organization: Organization):
        self.org = organization
        self.now = timezone.now()
        self.rng = random.Random(organization.slug)
        members = Membership.objects.filter(organization=organization).select_related("user")
        self.people = {m.user.email.split("@")[0]: m for m in members}
        self.units = {u.name: u for u in OrgUnit.objects.filter(organization=organization)}
        self.audit: list[AuditEntry] = []

    def cycle(self, offset: int, status: str) -> Cycle:
        start, end, name = _quarter(timezone.localtime(self.now, self.org.tzinfo).date(), offset)
        return Cycle.objects.create(
            organization=self.org, name=name, start_date=start, end_date=end, status=status,
            closed_at=self.now if status == Cycle.Status.CLOSED else None,
        )  # fmt: skip

    def objectives(self, cycle: Cycle, specs: tuple[Obj, ...]) -> dict[str, Objective]:
        made: dict[str, Objective] = {}
        created = timezone.make_aware(dt.datetime.combine(cycle.start_date, dt.time(10)))
        for spec in specs:  # parents come first in the specs; each needs its parent's id
            owner = self.people[spec.owner]
            unit = owner.unit if spec.level == Level.INDIVIDUAL else self.units.get(spec.unit)
            made[spec.key] = Objective.objects.create(
                organization=self.org, cycle=cycle, level=spec.level, owner=owner, unit=unit,
                parent=made.get(spec.parent), title=spec.title, visibility=spec.visibility,
                # The service's default by level: company and department objectives roll up
                # their aligned objectives too, so check-ins below move the company's.
                rollup=default_rollup(spec.level), description=f"Owned by {owner.name}.",
            )  # fmt: skip
            made[spec.key].created_at = created
        Objective.objects.bulk_update(made.values(), ["created_at"])
        for o in made.values():
            self._log("objective", o.pk, o.pk, f"Created objective “{o.title}”", o.owner, created)
        return made

    def key_results(self, objectives, specs, *, history: bool) -> dict[str, list[KeyResult]]:
        rows: list[tuple[KR, KeyResult]] = []
        for spec in specs:
            objective = objectives[spec.key]
            for k in spec.krs:
                kr = KeyResult(
                    organization=self.org, objective=objective, owner=self.people[k.owner],
                    title=k.title, metric_type=k.metric, start_value=Decimal(str(k.start)),
                    target_value=Decimal(str(k.target)), current_value=Decimal(str(k.start)),
                    unit=k.unit, unit_label=self._label(k), confidence=k.confidence,
                    due_date=objective.cycle.end_date,
                )  # fmt: skip
                rows.append((k, kr))
        KeyResult.objects.bulk_create([kr for _, kr in rows])
        contributors, check_ins = [], []
        for k, kr in rows:
            kr.created_at = objectives[next(iter(objectives))].created_at
            if k.contributor:
                contributors.append(
                    KeyResultContributor(
                        organization=self.org, key_result=kr, membership=self.people[k.contributor]
                    )
                )
            self._log("key_result", kr.pk, kr.objective_id, f"Added key result “{kr.title}”",
                      kr.owner, kr.created_at)  # fmt: skip
            check_ins += self._history(k, kr) if history else self._final(k, kr)
        KeyResultContributor.objects.bulk_create(contributors)
        CheckIn.objects.bulk_create(check_ins)
        for check_in in check_ins:
            check_in.audit_entry.target_id = check_in.pk
        KeyResult.objects.bulk_update(
            [kr for _, kr in rows],
            ["current_value", "confidence", "last_check_in_at", "created_at"],
        )
        return {"all": [kr for _, kr in rows]}

    def _label(self, k: KR) -> str:
        european = self.org.timezone.startswith("Europe/")
        return "EUR" if k.label == "USD" and european else k.label

    def _value(self, k: KR, share: float) -> Decimal:
        if k.metric == MS:
            return Decimal(1 if share >= 1 else 0)
        if k.metric in (ABOVE, BELOW):
            # Start below (above) the bar; "reach" 1 means the condition now holds.
            value = k.target + (k.target - k.start) * 0.1 if share >= 1 else k.start
            return Decimal(str(round(value, 2)))
        return Decimal(str(round(k.start + (k.target - k.start) * share, 2)))

    def _history(self, k: KR, kr: KeyResult) -> list[CheckIn]:
        """Weekly check-ins up to `last_week` weeks ago, drifting towards `reach`."""
        if k.last_week < 0:
            return []
        out = []
        weeks = range(WEEKS - 1, k.last_week - 1, -1)
        for i, ago in enumerate(weeks, start=1):
            share = max(0.0, min(1.0, k.reach * i / len(weeks) + self.rng.uniform(-0.03, 0.03)))
            share = k.reach if ago == k.last_week else share
            # Exactly `ago` weeks back: one reading per ISO week, never two in the same one.
            at = self.now - dt.timedelta(weeks=ago)
            confidence = max(0, min(10, k.confidence + (1 if i < len(weeks) - 1 else 0)))
            out.append(self._check_in(k, kr, share, confidence, at))
        return out

    def _final(self, k: KR, kr: KeyResult) -> list[CheckIn]:
        end = timezone.make_aware(dt.datetime.combine(kr.objective.cycle.end_date, dt.time(16)))
        return [self._check_in(k, kr, k.reach, k.confidence, end)]

    def _check_in(self, k: KR, kr: KeyResult, share: float, confidence: int, at) -> CheckIn:
        value = self._value(k, share)
        kr.current_value, kr.confidence, kr.last_check_in_at = value, confidence, at
        progress = key_result_progress(k.metric, k.start, k.target, value)
        note = self.rng.choice(
            ["On plan.", "Slower week, a release slipped.", "Good progress after the offsite.",
             "Waiting on another team.", ""]
        )  # fmt: skip
        self._log("check_in", 0, kr.objective_id, f"Checked in on “{kr.title}”: {value}",
                  kr.owner, at)  # fmt: skip
        check_in = CheckIn(
            organization=self.org, key_result=kr, author=kr.owner, value=value,
            confidence=confidence, note=note, week=iso_week(self.org, at), progress=progress,
            created_at=at,
        )  # fmt: skip
        check_in.audit_entry = self.audit[-1]  # its id is known only after the bulk insert
        return check_in

    def _log(self, target_type, target_id, objective_id, summary, actor, at) -> None:
        entry = AuditEntry(
            organization=self.org, actor=actor, action=AuditEntry.Action.CREATE,
            target_type=target_type, target_id=target_id, objective_id_ref=objective_id,
            summary=summary[:255],
        )  # fmt: skip
        entry.seed_at = at
        self.audit.append(entry)

    def flush_audit(self) -> None:
        AuditEntry.objects.bulk_create(self.audit)
        for entry in self.audit:
            entry.created_at = entry.seed_at
        AuditEntry.objects.bulk_update(self.audit, ["created_at"], batch_size=500)

    def collaboration(self, objectives: dict[str, Objective], krs: list[KeyResult]) -> None:
        by_title = {kr.title: kr for kr in krs}
        latency = by_title["Cut p95 API latency from 420 ms to 200 ms"]
        runtime = by_title["Migrate 12 services to the new runtime"]
        deals = by_title["Close $2M in new enterprise ARR"]
        csat = by_title["Raise CSAT from 85% to 92%"]
        p = self.people
        Initiative.objects.bulk_create([
            Initiative(organization=self.org, key_result=latency, title="Add a read-through "
                       "cache for the catalogue API", assignee=p["contributor"], status="doing",
                       created_by=p["owner"]),
            Initiative(organization=self.org, key_result=latency, title="Profile the five "
                       "slowest endpoints", assignee=p["owner"], status="done",
                       created_by=p["owner"]),
            Initiative(organization=self.org, key_result=runtime, title="Write the migration "
                       "checklist", assignee=p["owner"], status="todo", created_by=p["owner"]),
            Initiative(organization=self.org, key_result=deals, title="Build an ROI calculator "
                       "for prospects", assignee=p["enterprise.lead"], status="doing",
                       created_by=p["enterprise.lead"]),
            Initiative(organization=self.org, key_result=csat, title="Roll out reply macros",
                       assignee=p["support.lead"], status="todo", created_by=p["support.lead"]),
        ])  # fmt: skip
        Risk.objects.bulk_create([
            Risk(organization=self.org, key_result=runtime, description="The runtime vendor "
                 "may slip its GA date.", likelihood=3, impact=2, owner=p["owner"],
                 mitigation="Keep two services on the old runtime as a fallback."),
            Risk(organization=self.org, key_result=deals, description="Two large deals wait "
                 "on security reviews.", likelihood=2, impact=3, owner=p["enterprise.lead"],
                 mitigation="Pre-fill the security questionnaire with the platform team."),
            Risk(organization=self.org, key_result=csat, description="New support hires "
                 "start late.", likelihood=2, impact=2, status="mitigated"),
        ])  # fmt: skip
        add_comment(
            actor=p["ceo"], objective=objectives["t_platform"],
            body="Great momentum on latency. @owner, could you show the dashboard at the "
            "all-hands? @platform.lead FYI.",
        )  # fmt: skip
        add_comment(
            actor=p["platform.lead"], key_result=runtime,
            body="@owner this has not moved in three weeks. Anything blocking? @contributor "
            "might be able to help with the first two services.",
        )  # fmt: skip
        add_comment(
            actor=p["champion"], objective=objectives["t_smb"],
            body="This objective is not aligned to anything yet. @smb.lead, should it support "
            "the sales department objective?",
        )  # fmt: skip


def seed_okrs(organization: Organization) -> None:
    """A closed, graded last quarter and an active current quarter for the demo roster."""
    if Cycle.objects.filter(organization=organization).exists():
        return
    seeder = _Seeder(organization)
    required = {spec.owner for spec in ACTIVE + PAST}
    if not required <= seeder.people.keys():
        return  # not the demo roster: nothing sensible to seed
    with transaction.atomic():
        past = seeder.cycle(-1, Cycle.Status.ACTIVE)
        past_objectives = seeder.objectives(past, PAST)
        seeder.key_results(past_objectives, PAST, history=False)
        past.status = Cycle.Status.CLOSED
        past.save(update_fields=["status"])
        recompute_cycle(past)
        _grade(past, past_objectives)

        active = seeder.cycle(0, Cycle.Status.ACTIVE)
        objectives = seeder.objectives(active, ACTIVE)
        krs = seeder.key_results(objectives, ACTIVE, history=True)["all"]
        recompute_cycle(active)
        seeder.collaboration(objectives, krs)
        seeder.flush_audit()


def _grade(cycle: Cycle, objectives: dict[str, Objective]) -> None:
    """Final grades: progress, nudged by the owner's judgement on one KR, plus retrospectives."""
    krs = list(
        KeyResult.objects.filter(organization_id=cycle.organization_id, objective__cycle=cycle)
    )
    for kr in krs:
        kr.grade = round(min(1.0, kr.progress + (0.1 if kr.metric_type == INC else 0)), 1)
    KeyResult.objects.bulk_update(krs, ["grade"])
    rows = list(Objective.objects.filter(pk__in=[o.pk for o in objectives.values()]))
    key_by_pk = {o.pk: key for key, o in objectives.items()}
    for o in rows:
        o.grade = round(o.progress, 1)
        o.retrospective = RETROSPECTIVES.get(key_by_pk[o.pk], "")
    Objective.objects.bulk_update(rows, ["grade", "retrospective"])
