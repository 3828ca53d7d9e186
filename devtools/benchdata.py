"""The `bench` company: N people with a full quarter of OKR data, bulk-inserted, deterministic.

One generator for `seed_demo --employees N`, `manage.py bench` and `manage.py bench_http`.
It bypasses the services on purpose (hundreds of thousands of rows in a few minutes) but not
their rules:

- every write is a `bulk_create` (plus one `bulk_update` of the unit leads and one of the
  objectives' progress); no per-row save, no per-row service call;
- cached columns follow the check-ins: a KR's `current_value`, `confidence` and
  `last_check_in_at` are those of its latest check-in and its `progress` is
  `okrs.rules.progress.key_result_progress` of that value; objectives are rolled up once, for the
  whole cycle, by `okrs.services.rollup.recompute_objectives_in_memory` (the function
  `recompute_cycle` uses);
- at most one check-in per KR and ISO week in the organization's zone (`iso_week_in`), all of
  them inside the active cycle and in the past.

Shape for N people (~N/10 units): the company (implicit root) → divisions → departments →
teams of ~11; objectives company → division/department → team → individual, each aligned to
one a level up; 2–4 KRs of every metric type; ~12 weeks of check-ins (≈ 50 per person).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit, Role, User
from demo.people import demo_password_hash
from okrs.models import (
    AuditEntry,
    CheckIn,
    Comment,
    CommentMention,
    Cycle,
    Initiative,
    KeyResult,
    KeyResultContributor,
    Level,
    Objective,
    Risk,
    Rollup,
)
from okrs.rules import progress
from okrs.rules.weeks import iso_week_in
from okrs.services.rollup import recompute_objectives_in_memory

BENCH_SLUG = "bench"
BENCH_NAME = "Bench Corp"
BENCH_TIMEZONE = "Australia/Sydney"  # its own zone, with DST, on the other side of the date line
DOMAIN = "bench.example"
WEEKS = 12  # weeks with check-ins, the current one included
MIN_EMPLOYEES = 30

# (local part, role, title, full name) of the people without a unit. `owner` is added later.
HEADS = [
    ("ceo", Role.EXECUTIVE, "Chief Executive Officer", "Beatrice Chen"),
    ("cfo", Role.EXECUTIVE, "Chief Financial Officer", "Benedikt Fuchs"),
    ("cto", Role.EXECUTIVE, "Chief Technology Officer", "Bongani Dlamini"),
    ("admin", Role.ADMIN, "Operations Administrator", "Bianca Moretti"),
    ("admin2", Role.ADMIN, "IT Administrator", "Bjorn Halvorsen"),
    ("champion", Role.CHAMPION, "OKR Champion", "Bella Okafor"),
    ("champion2", Role.CHAMPION, "OKR Coach", "Bruno Tanaka"),
]
LOGINS = [
    ("admin", "admin"),
    ("ceo", "executive (CEO)"),
    ("champion", "OKR champion"),
    ("owner", "KR owner in the first team"),
]

FIRST = [
    "Aiden",
    "Amara",
    "Beatriz",
    "Chidi",
    "Dana",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivan",
    "Jamal",
    "Keiko",
    "Lars",
    "Leila",
    "Mateo",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rania",
    "Soren",
    "Tamar",
    "Umar",
    "Valeria",
    "Wei",
    "Xenia",
    "Yusuf",
    "Zara",
    "Ines",
    "Kofi",
    "Lucia",
    "Mikhail",
    "Noor",
    "Oscar",
    "Priyanka",
    "Rafael",
    "Sakura",
    "Tomas",
    "Uma",
    "Viktor",
]
LAST = [
    "Abara",
    "Bergstrom",
    "Castillo",
    "Dimitrov",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lindahl",
    "Mensah",
    "Nakamura",
    "Oliveira",
    "Petrov",
    "Quinn",
    "Rahman",
    "Santos",
    "Takahashi",
    "Umarov",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Acosta",
    "Brennan",
    "Costa",
    "Duarte",
    "Esposito",
    "Ferreira",
    "Garcia",
    "Horvat",
    "Ito",
    "Jovanovic",
    "Kim",
    "Lopez",
    "Moreau",
    "Novak",
]
DIVISIONS = [
    "Product Engineering",
    "Revenue",
    "Operations",
    "Customer",
    "Platform",
    "Finance",
    "People",
    "Research",
    "International",
    "Marketing",
    "Supply Chain",
    "Data",
]
DEPARTMENTS = [
    "Backend",
    "Frontend",
    "Mobile",
    "Sales",
    "Partnerships",
    "Logistics",
    "Support",
    "Infrastructure",
    "Accounting",
    "Recruiting",
    "Analytics",
    "Brand",
    "Security",
    "Quality",
    "Procurement",
    "Legal",
]
TEAMS = [
    "Falcon",
    "Harbor",
    "Atlas",
    "Comet",
    "Delta",
    "Ember",
    "Fjord",
    "Glacier",
    "Horizon",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nova",
    "Orbit",
]
NOTES = (
    "On plan.",
    "Slower week, a release slipped.",
    "Good progress after the offsite.",
    "Waiting on another team.",
    "Two customers signed this week.",
    "Blocked on the vendor for two days, caught up since.",
    "",
    "",
)
BLOCKERS = ("Waiting on the security review.", "Short-staffed this sprint.", "Budget not approved.")

MT = KeyResult.MetricType
# Metric types by share (every type occurs; increase_to is the common one).
METRICS = [MT.INCREASE_TO] * 5 + [MT.DECREASE_TO] * 2 + [MT.STAY_ABOVE, MT.STAY_BELOW, MT.MILESTONE]


@dataclass
class Shape:
    """How many of each for N people."""

    employees: int
    divisions: int = 0
    departments: int = 0
    teams: int = 0

    def __post_init__(self):
        n = self.employees
        if n < MIN_EMPLOYEES:
            raise ValueError(f"The bench company needs at least {MIN_EMPLOYEES} people.")
        self.teams = max(3, n // 11)
        self.departments = max(2, self.teams // 12)
        self.divisions = max(1, round(math.sqrt(self.departments)))


@dataclass
class _KRPlan:
    kr: KeyResult
    check_ins: list[tuple] = field(default_factory=list)  # (value, conf, week, progress, at)


@dataclass
class Result:
    organization: Organization
    created: bool
    seconds: float
    counts: dict[str, int]


def login_lines() -> list[str]:
    lines = [f"{BENCH_NAME} (/o/{BENCH_SLUG}/):"]
    lines += [f"  {local + '@' + DOMAIN:<30} {label}" for local, label in LOGINS]
    return lines


def seed_bench(employees: int, *, now: dt.datetime | None = None, log=None) -> Result:
    """Create the `bench` company with exactly `employees` people, or keep it if it already has
    that many. A `bench` company of another size is replaced."""
    started = time.perf_counter()
    log = log or (lambda msg: None)
    Shape(employees)  # validate before touching anything
    existing = Organization.objects.filter(slug=BENCH_SLUG).first()
    if existing is not None:
        if Membership.objects.filter(organization=existing).count() == employees:
            return Result(existing, False, time.perf_counter() - started, counts(existing))
        log(f"Replacing the {BENCH_SLUG} company (it has a different number of people)…")
        wipe_bench(existing)
    with transaction.atomic():
        org = _Builder(employees, now or timezone.now(), log).build()
    if connection.vendor == "postgresql":
        # After a bulk load: fresh statistics for the planner and (VACUUM, outside a
        # transaction) the visibility map, so index-only counts skip the heap — the state
        # autovacuum keeps a production database in, reached now instead of minutes later.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return Result(org, True, time.perf_counter() - started, counts(org))


def counts(org: Organization) -> dict[str, int]:
    return {
        "people": Membership.objects.filter(organization=org).count(),
        "units": OrgUnit.objects.filter(organization=org).count(),
        "objectives": Objective.objects.filter(organization=org).count(),
        "key results": KeyResult.objects.filter(organization=org).count(),
        "check-ins": CheckIn.objects.filter(organization=org).count(),
    }


def wipe_bench(org: Organization) -> None:
    """Delete the bench company fast: the big tables by plain DELETEs (no ORM collector),
    children first, then the organization itself and the users only it had."""
    with transaction.atomic():
        for model in (
            CommentMention,
            Comment,
            Risk,
            Initiative,
            KeyResultContributor,
            CheckIn,
            KeyResult,
            AuditEntry,
        ):
            model.objects.filter(organization=org)._raw_delete(model.objects.db)
        Objective.objects.filter(organization=org).update(parent=None)
        Objective.objects.filter(organization=org)._raw_delete(Objective.objects.db)
        Cycle.objects.filter(organization=org)._raw_delete(Cycle.objects.db)
        user_ids = list(
            Membership.objects.filter(organization=org).values_list("user_id", flat=True)
        )
        org.delete()
        User.objects.filter(pk__in=user_ids, memberships__isnull=True).delete()


@contextmanager
def _keep_given(*fields_) -> Iterator[None]:
    """Let bulk_create store the given `created_at` instead of "now" (auto_now_add)."""
    saved = [(f, f.auto_now_add) for f in fields_]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


class _Builder:
    def __init__(self, employees: int, now: dt.datetime, log: Callable[[str], None]):
        self.shape = Shape(employees)
        self.now = now
        self.log = log
        self.rng = random.Random(20261126 + employees)
        self.tz = None
        self.audit: list[AuditEntry] = []
        self.t0 = time.perf_counter()

    def _step(self, what: str) -> None:
        self.log(f"  {time.perf_counter() - self.t0:6.1f} s  {what}")

    # ---- people and units ---------------------------------------------------------------
    def build(self) -> Organization:
        self.org = Organization.objects.create(
            name=BENCH_NAME, slug=BENCH_SLUG, timezone=BENCH_TIMEZONE, checkin_weekday=0
        )
        self.tz = self.org.tzinfo
        self._units()
        self._people()
        self._step(f"{self.shape.employees} people, {len(self.all_units)} units")
        self._cycle()
        self._objectives()
        self._step(f"{len(self.objectives)} objectives")
        self._key_results()
        self._step(f"{len(self.krs)} key results")
        self._check_ins()
        self._rollup()
        self._step("roll-up")
        self._collaboration()
        self._flush_audit()
        self._step("comments, initiatives, risks, audit")
        return self.org

    def _units(self) -> None:
        s, org = self.shape, self.org
        self.divisions = OrgUnit.objects.bulk_create(
            [
                OrgUnit(organization=org, name=_nth(DIVISIONS, i), kind=OrgUnit.Kind.DEPARTMENT)
                for i in range(s.divisions)
            ]
        )
        self.departments = OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    organization=org,
                    name=f"{_nth(DEPARTMENTS, i)} {i + 1}",
                    kind=OrgUnit.Kind.DEPARTMENT,
                    parent=self.divisions[i % s.divisions],
                )
                for i in range(s.departments)
            ]
        )
        self.teams = OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    organization=org,
                    name=f"{_nth(TEAMS, i)} {i + 1}",
                    kind=OrgUnit.Kind.TEAM,
                    parent=self.departments[i % s.departments],
                )
                for i in range(s.teams)
            ],
            batch_size=1000,
        )
        self.all_units = self.divisions + self.departments + self.teams

    def _people(self) -> None:
        s, org = self.shape, self.org
        password = demo_password_hash()
        rows: list[tuple[str, str, str, str, OrgUnit | None]] = []  # local, name, role, title, unit
        for local, role, title, name in HEADS:
            rows.append((local, name, role, title, None))
        for kind, units in (
            ("Head of", self.divisions),
            ("Director,", self.departments),
            ("Lead,", self.teams),
        ):
            for unit in units:
                rows.append(("", "", Role.MEMBER, f"{kind} {unit.name}", unit))
        others = s.employees - len(rows)
        for i in range(others):
            team = self.teams[i % s.teams]
            local, name = ("owner", "Oona Owner") if i == 0 else ("", "")
            rows.append((local, name, Role.MEMBER, "Engineer" if i % 3 else "Analyst", team))
        emails = []
        for i, (local, name, role, title, unit) in enumerate(rows):
            if not name:
                name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
                rows[i] = (local, name, role, title, unit)
            emails.append(
                f"{local}@{DOMAIN}" if local else f"{_slug(name)}.{i}@{DOMAIN}".replace(" ", "")
            )
        known = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
        User.objects.bulk_create(
            [
                User(email=e, full_name=r[1], password=password)
                for e, r in zip(emails, rows, strict=True)
                if e not in known
            ],
            batch_size=2000,
        )
        users = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
        self.handles = {users[e]: e.split("@")[0] for e in emails}

        def member(i: int, reports_to: Membership | None) -> Membership:
            _local, _name, role, title, unit = rows[i]
            return Membership(
                organization=org,
                user_id=users[emails[i]],
                role=role,
                title=title,
                unit=unit,
                reports_to=reports_to,
            )

        n_heads = len(HEADS)
        ceo = Membership.objects.bulk_create([member(0, None)])[0]
        heads = Membership.objects.bulk_create([member(i, ceo) for i in range(1, n_heads)])
        first = n_heads
        div_leads = Membership.objects.bulk_create(
            [member(first + i, ceo) for i in range(s.divisions)]
        )
        first += s.divisions
        dept_leads = Membership.objects.bulk_create(
            [member(first + i, div_leads[i % s.divisions]) for i in range(s.departments)]
        )
        first += s.departments
        team_leads = Membership.objects.bulk_create(
            [member(first + i, dept_leads[i % s.departments]) for i in range(s.teams)],
            batch_size=1000,
        )
        first += s.teams
        members = Membership.objects.bulk_create(
            [member(first + i, team_leads[i % s.teams]) for i in range(others)],
            batch_size=2000,
        )
        for unit, lead in zip(self.all_units, div_leads + dept_leads + team_leads, strict=True):
            unit.lead = lead
        OrgUnit.objects.bulk_update(self.all_units, ["lead"], batch_size=500)
        self.people = {"ceo": ceo, **{h[0]: m for h, m in zip(HEADS[1:], heads, strict=True)}}
        self.people["owner"] = members[0]
        self.div_leads, self.dept_leads, self.team_leads = div_leads, dept_leads, team_leads
        self.team_members: dict[int, list[Membership]] = defaultdict(list)
        for m in members:
            self.team_members[m.unit_id].append(m)
        self.members = members

    # ---- the cycle and its objectives ---------------------------------------------------
    def _cycle(self) -> None:
        today = timezone.localtime(self.now, self.tz).date()
        self.this_monday = today - dt.timedelta(days=today.weekday())
        start = self.this_monday - dt.timedelta(weeks=WEEKS - 1)
        self.cycle = Cycle.objects.create(
            organization=self.org,
            name=f"Bench quarter from {start:%d %b %Y}",
            start_date=start,
            end_date=start + dt.timedelta(weeks=13, days=-1),
            status=Cycle.Status.ACTIVE,
        )
        self.created_at = dt.datetime.combine(start, dt.time(9), tzinfo=self.tz)

    def _objective(self, level, owner, unit, parent, title, *, private=False) -> Objective:
        both = level in (Level.COMPANY, Level.DEPARTMENT)
        return Objective(
            organization=self.org,
            cycle=self.cycle,
            level=level,
            owner=owner,
            unit=unit,
            parent=parent,
            title=title[:200],
            description=f"A {level} objective of {BENCH_NAME}.",
            rollup=Rollup.BOTH if both else Rollup.KEY_RESULTS,
            visibility=Objective.Visibility.PRIVATE if private else Objective.Visibility.PUBLIC,
            created_at=self.created_at,
        )

    def _insert(self, objectives: list[Objective]) -> list[Objective]:
        with _keep_given(Objective._meta.get_field("created_at")):
            made = Objective.objects.bulk_create(objectives, batch_size=2000)
        for o in made:
            self._log("objective", o.pk, o.pk, f"Created objective “{o.title}”", o.owner)
        return made

    def _objectives(self) -> None:
        rng, p = self.rng, self.people
        company = self._insert(
            [
                self._objective(Level.COMPANY, p[owner], None, None, title)
                for owner, title in (
                    ("ceo", "Become the category leader in our markets"),
                    ("cfo", "Grow revenue 35% with healthy margins"),
                    ("cto", "Ship a platform customers can rely on"),
                    ("ceo", "Be a place where great people do their best work"),
                )
            ]
        )
        division_objs = self._insert(
            [
                self._objective(
                    Level.DEPARTMENT,
                    lead,
                    unit,
                    company[(i * 2 + j) % len(company)],
                    f"{unit.name}: {_nth(_DIVISION_GOALS, i + j)}",
                )
                for i, (unit, lead) in enumerate(zip(self.divisions, self.div_leads, strict=True))
                for j in range(2)
            ]
        )
        by_unit: dict[int, list[Objective]] = defaultdict(list)
        for o in division_objs:
            by_unit[o.unit_id].append(o)
        dept_objs = self._insert(
            [
                self._objective(
                    Level.DEPARTMENT,
                    lead,
                    unit,
                    rng.choice(by_unit[unit.parent_id]),
                    f"{unit.name}: {_nth(_DEPARTMENT_GOALS, i + j)}",
                )
                for i, (unit, lead) in enumerate(
                    zip(self.departments, self.dept_leads, strict=True)
                )
                for j in range(2)
            ]
        )
        for o in dept_objs:
            by_unit[o.unit_id].append(o)
        team_objs = self._insert(
            [
                self._objective(
                    Level.TEAM,
                    lead,
                    unit,
                    rng.choice(by_unit[unit.parent_id]),
                    f"{unit.name}: {_nth(_TEAM_GOALS, i + j)}",
                )
                for i, (unit, lead) in enumerate(zip(self.teams, self.team_leads, strict=True))
                for j in range(2)
            ]
        )
        for o in team_objs:
            by_unit[o.unit_id].append(o)
        individual = []
        for i, m in enumerate(self.members):
            n = 2 if rng.random() < 0.4 else 1
            for j in range(n):
                private = m != self.people["owner"] and rng.random() < 0.1
                individual.append(
                    self._objective(
                        Level.INDIVIDUAL,
                        m,
                        m.unit,
                        rng.choice(by_unit[m.unit_id]),
                        _nth(_PERSONAL_GOALS, i + j),
                        private=private,
                    )
                )
        individual = self._insert(individual)
        self.objectives = company + division_objs + dept_objs + team_objs + individual
        self.team_objs = team_objs

    # ---- key results and their check-ins -------------------------------------------------
    def _key_results(self) -> None:
        rng = self.rng
        plans: list[_KRPlan] = []
        contributors: list[tuple[int, Membership]] = []
        for o in self.objectives:
            team = self.team_members.get(o.unit_id, []) if o.level == Level.TEAM else []
            for k in range(rng.randint(2, 4)):
                # Team KRs go to the team's members in turn; the rest to the objective's owner.
                owner = team[(o.pk + k) % len(team)] if team else o.owner
                if o.owner == self.people["owner"] and k == 0:
                    metric = MT.INCREASE_TO
                else:
                    metric = METRICS[rng.randrange(len(METRICS))]
                plan = self._plan(o, owner, metric, k)
                plans.append(plan)
                if team and len(team) > 1 and rng.random() < 0.3:
                    contributors.append((len(plans) - 1, team[(o.pk + k + 1) % len(team)]))
        with _keep_given(KeyResult._meta.get_field("created_at")):
            krs = KeyResult.objects.bulk_create([p.kr for p in plans], batch_size=2000)
        self.krs, self.plans = krs, plans
        KeyResultContributor.objects.bulk_create(
            [
                KeyResultContributor(organization=self.org, key_result=krs[i], membership=m)
                for i, m in contributors
            ],
            batch_size=2000,
        )
        for kr in krs:
            self._log(
                "key_result", kr.pk, kr.objective_id, f"Added key result “{kr.title}”", kr.owner
            )

    def _plan(self, o: Objective, owner: Membership, metric: str, k: int) -> _KRPlan:
        rng = self.rng
        unit, label = KeyResult.Unit.COUNT, ""
        if metric == MT.MILESTONE:
            start, target, title = 0.0, 1.0, f"Launch milestone {k + 1} of “{o.title[:60]}”"
        elif metric in (MT.STAY_ABOVE, MT.STAY_BELOW):
            target = float(rng.choice([95, 98, 99.5]))
            unit = KeyResult.Unit.PERCENT
            word = "above" if metric == MT.STAY_ABOVE else "below"
            if metric == MT.STAY_BELOW:
                target = round(100 - target, 1)
            start, title = target, f"Keep the error rate {word} {target}% (KR {k + 1})"
            if metric == MT.STAY_ABOVE:
                title = f"Keep availability {word} {target}% (KR {k + 1})"
        else:
            scale = rng.choice([10, 50, 100, 1000, 250000])
            low, high = float(rng.randint(0, scale // 2)), float(scale)
            if scale == 250000:
                unit, label = KeyResult.Unit.CURRENCY, "AUD"
            if metric == MT.INCREASE_TO:
                start, target = low, high
                title = f"Grow {_nth(_MEASURES, o.pk + k)} from {low:g} to {high:g}"
            else:
                start, target = high, low
                title = f"Cut {_nth(_PROBLEMS, o.pk + k)} from {high:g} to {low:g}"
        kr = KeyResult(
            organization=self.org,
            objective=o,
            owner=owner,
            title=title[:200],
            metric_type=metric,
            start_value=_dec(start),
            target_value=_dec(target),
            current_value=_dec(start),
            unit=unit,
            unit_label=label,
            confidence=5,
            due_date=self.cycle.end_date,
            created_at=self.created_at,
        )
        plan = _KRPlan(kr)
        self._history(plan, start, target)
        if plan.check_ins:
            value, conf, _week, prog, at = plan.check_ins[-1]
            kr.current_value, kr.confidence, kr.last_check_in_at = value, conf, at
        kr.progress = progress.key_result_progress(
            metric, kr.start_value, kr.target_value, kr.current_value
        )
        return plan

    def _history(self, plan: _KRPlan, start: float, target: float) -> None:
        """Weekly readings from the cycle's first week to now; some KRs skip weeks, a few went
        quiet weeks ago (stale) and a few were never checked in."""
        rng, kr = self.rng, plan.kr
        habit = rng.random()
        if habit < 0.03:
            return  # never checked in
        attendance = 0.97 if habit > 0.25 else 0.7
        stopped = rng.randint(3, 8) if habit < 0.08 else 0  # weeks ago of the last check-in
        reach = rng.uniform(0.2, 1.1)
        confidence = rng.randint(3, 9)
        met_from = rng.randint(2, 11)
        seen: set[str] = set()
        for ago in range(WEEKS - 1, stopped - 1, -1):
            if rng.random() > attendance and ago != stopped:
                continue
            day = self.this_monday - dt.timedelta(weeks=ago, days=-rng.randint(0, 4))
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)), self.tz)
            if at >= self.now:
                continue  # this week's check-in has not happened yet
            week = iso_week_in(self.tz, at)
            if week in seen:  # cannot happen (one day per week), but the rule is the rule
                continue
            seen.add(week)
            elapsed = (WEEKS - ago) / WEEKS
            metric = kr.metric_type
            if metric == MT.MILESTONE:
                value = 1.0 if reach >= 1 and ago <= 2 else 0.0
            elif metric in (MT.STAY_ABOVE, MT.STAY_BELOW):
                ok = (WEEKS - ago) >= met_from or rng.random() < 0.3
                delta = rng.uniform(0.1, 1.0) * (1 if ok else -1)
                value = target + delta if metric == MT.STAY_ABOVE else target - delta
            else:
                share = max(0.0, min(1.0, reach * elapsed + rng.uniform(-0.04, 0.04)))
                value = start + (target - start) * share
            value_d = _dec(value)
            confidence = max(0, min(10, confidence + rng.choice((-1, 0, 0, 0, 1))))
            prog = progress.key_result_progress(metric, kr.start_value, kr.target_value, value_d)
            plan.check_ins.append((value_d, confidence, week, prog, at))

    def _check_ins(self) -> None:
        rng, org = self.rng, self.org
        batch: list[CheckIn] = []
        total = 0
        for plan, kr in zip(self.plans, self.krs, strict=True):
            for value, conf, week, prog, at in plan.check_ins:
                batch.append(
                    CheckIn(
                        organization=org,
                        key_result_id=kr.pk,
                        author_id=kr.owner_id,
                        value=value,
                        confidence=conf,
                        note=NOTES[rng.randrange(len(NOTES))],
                        blockers=BLOCKERS[rng.randrange(3)] if conf <= 3 else "",
                        week=week,
                        progress=prog,
                        created_at=at,
                    )
                )
                self._log(
                    "check_in",
                    0,
                    kr.objective_id,
                    f"Checked in on “{kr.title}”: {value}",
                    kr.owner,
                    at,
                )
            if len(batch) >= 20000:
                total += self._flush_check_ins(batch)
                batch = []
        total += self._flush_check_ins(batch)
        self._step(f"{total} check-ins")

    def _flush_check_ins(self, batch: list[CheckIn]) -> int:
        made = CheckIn.objects.bulk_create(batch, batch_size=5000)
        # The audit entries of these check-ins are the last len(batch) ones logged.
        entries = self.audit[-len(made) :] if made else []
        for entry, check_in in zip(entries, made, strict=True):
            entry.target_id = check_in.pk
        self._flush_audit()
        return len(made)

    def _rollup(self) -> None:
        by_objective: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in self.krs:
            by_objective[kr.objective_id].append(kr)
        self.cycle.organization = self.org
        recompute_objectives_in_memory(self.objectives, by_objective, self.cycle, now=self.now)
        Objective.objects.bulk_update(self.objectives, ["progress", "status"], batch_size=1000)

    # ---- comments, initiatives, risks ----------------------------------------------------
    def _collaboration(self) -> None:
        rng, org = self.rng, self.org
        comments, mentions, initiatives, risks = [], [], [], []
        for o in self.team_objs:
            team = self.team_members.get(o.unit_id) or [o.owner]
            if rng.random() < 0.5:
                who = rng.choice(team)
                comments.append(
                    (
                        Comment(
                            organization=org,
                            objective=o,
                            author=o.owner,
                            body=f"@{self.handles[who.user_id]} can you share the numbers?",
                        ),
                        who,
                    )
                )
        for kr in self.krs:
            roll = rng.random()
            if roll < 0.08:
                comments.append(
                    (
                        Comment(
                            organization=org,
                            key_result=kr,
                            author=kr.owner,
                            body=rng.choice(NOTES[:6]) or "Update coming next week.",
                        ),
                        None,
                    )
                )
            if kr.objective.level in (Level.TEAM, Level.DEPARTMENT) or roll < 0.1:
                for j in range(rng.randint(1, 2)):
                    initiatives.append(
                        Initiative(
                            organization=org,
                            key_result=kr,
                            assignee=kr.owner,
                            title=f"{_nth(_INITIATIVES, kr.pk + j)}",
                            created_by=kr.owner,
                            status=rng.choice(list(Initiative.State.values)),
                            due_date=self.cycle.end_date,
                        )
                    )
            if rng.random() < 0.07:
                risks.append(
                    Risk(
                        organization=org,
                        key_result=kr,
                        owner=kr.owner,
                        description=_nth(_RISKS, kr.pk),
                        likelihood=rng.randint(1, 3),
                        impact=rng.randint(1, 3),
                        mitigation="Agreed a fallback with the team.",
                        status=rng.choice(["open", "open", "mitigated", "closed"]),
                    )
                )
        made = Comment.objects.bulk_create([c for c, _ in comments], batch_size=2000)
        for comment, (_c, who) in zip(made, comments, strict=True):
            if who is not None:
                mentions.append(CommentMention(organization=org, comment=comment, membership=who))
        CommentMention.objects.bulk_create(mentions, batch_size=2000)
        Initiative.objects.bulk_create(initiatives, batch_size=2000)
        Risk.objects.bulk_create(risks, batch_size=2000)

    # ---- audit -------------------------------------------------------------------------
    def _log(self, target_type, target_id, objective_id, summary, actor, at=None) -> None:
        self.audit.append(
            AuditEntry(
                organization=self.org,
                actor=actor,
                action=AuditEntry.Action.CREATE,
                target_type=target_type,
                target_id=target_id,
                objective_id_ref=objective_id,
                summary=summary[:255],
                created_at=at or self.created_at,
            )
        )

    def _flush_audit(self) -> None:
        with _keep_given(AuditEntry._meta.get_field("created_at")):
            AuditEntry.objects.bulk_create(self.audit, batch_size=5000)
        self.audit = []


def _dec(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


def _nth(items, i: int) -> str:
    return items[i % len(items)]


def _slug(name: str) -> str:
    return ".".join(name.lower().split())


_DIVISION_GOALS = (
    "win the enterprise segment",
    "make every release boring",
    "double the partner channel",
    "run the business on one set of numbers",
    "halve time to value for new customers",
)
_DEPARTMENT_GOALS = (
    "ship the new onboarding",
    "cut operating cost per customer",
    "raise quality of what we ship",
    "build a predictable pipeline",
    "make support effortless",
    "hire and keep great people",
)
_TEAM_GOALS = (
    "faster, more reliable releases",
    "close more qualified deals",
    "delight new customers in week one",
    "pay down the riskiest tech debt",
    "automate the manual reporting",
    "make the product easy to evaluate",
)
_PERSONAL_GOALS = (
    "Grow as a technical leader",
    "Own the on-call experience",
    "Become the team's data expert",
    "Build strong customer relationships",
    "Learn the billing domain end to end",
    "Mentor two new joiners",
)
_MEASURES = (
    "weekly active accounts",
    "qualified leads",
    "automated tests",
    "signed contracts",
    "NPS responses",
    "self-serve upgrades",
)
_PROBLEMS = (
    "open support tickets",
    "p95 latency (ms)",
    "escaped defects",
    "manual deployment steps",
    "days to close a deal",
    "customer churn",
)
_INITIATIVES = (
    "Run a customer interview series",
    "Automate the weekly report",
    "Pair on the flaky test suite",
    "Draft the launch plan",
    "Profile the slowest endpoints",
    "Run a pricing experiment",
)
_RISKS = (
    "A key vendor may slip its delivery date.",
    "Hiring for the role may take longer than planned.",
    "Depends on another team's roadmap.",
    "Budget may be cut mid-quarter.",
)
