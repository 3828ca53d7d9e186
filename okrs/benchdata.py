"""A large synthetic company for `manage.py bench`: bulk-inserted, deterministic.

Bypasses the services on purpose (tens of thousands of rows in seconds); progress columns are
still computed with okrs.progress so pages show realistic numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit, Role, User
from okrs import progress
from okrs.models import CheckIn, Cycle, KeyResult, Level, Objective

BENCH_SLUG = "bench"


@dataclass(frozen=True)
class Size:
    departments: int = 20
    teams_per_department: int = 5
    people_per_team: int = 12
    objectives_per_team: int = 3
    individual_objectives_per_team: int = 4
    krs_per_objective: int = 3
    weeks_of_history: int = 6


def _user_objects(n: int) -> list[User]:
    existing = set(
        User.objects.filter(
            email__startswith="bench", email__endswith="@bench.example"
        ).values_list("email", flat=True)
    )
    users = []
    for i in range(n):
        email = f"bench{i}@bench.example"
        if email not in existing:
            user = User(email=email, full_name=f"Bench Person {i}")
            user.set_unusable_password()
            users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    return list(User.objects.filter(email__endswith="@bench.example").order_by("id"))


@transaction.atomic
def build_bench_company(size: Size | None = None) -> Organization:
    """Create (once) the `bench` organization; return it. Re-running returns the existing one."""
    size = size or Size()
    existing = Organization.objects.filter(slug=BENCH_SLUG).first()
    if existing:
        return existing
    rng = random.Random(42)
    org = Organization.objects.create(name="Bench Corp", slug=BENCH_SLUG, timezone="UTC")
    n_teams = size.departments * size.teams_per_department
    users = _user_objects(n_teams * size.people_per_team + 4)

    depts = OrgUnit.objects.bulk_create(
        [
            OrgUnit(organization=org, name=f"Department {d}", kind=OrgUnit.Kind.DEPARTMENT)
            for d in range(size.departments)
        ]
    )
    teams = OrgUnit.objects.bulk_create(
        [
            OrgUnit(organization=org, name=f"Team {d}.{t}", kind=OrgUnit.Kind.TEAM, parent=dept)
            for d, dept in enumerate(depts)
            for t in range(size.teams_per_department)
        ]
    )
    roles = [Role.ADMIN, Role.EXECUTIVE, Role.CHAMPION, Role.EXECUTIVE]
    head = [
        Membership(organization=org, user=u, role=r) for u, r in zip(users[:4], roles, strict=True)
    ]
    members = [
        Membership(
            organization=org,
            user=u,
            role=Role.MEMBER,
            unit=teams[i // size.people_per_team],
        )
        for i, u in enumerate(users[4 : 4 + n_teams * size.people_per_team])
    ]
    Membership.objects.bulk_create(head + members, batch_size=1000)
    members = list(Membership.objects.filter(organization=org, role=Role.MEMBER).order_by("id"))
    by_team: dict[int, list[Membership]] = {}
    for m in members:
        by_team.setdefault(m.unit_id, []).append(m)
    for team in teams:
        team.lead = by_team[team.id][0]
    OrgUnit.objects.bulk_update(teams, ["lead"])
    for dept, team in zip(depts, teams[:: size.teams_per_department], strict=True):
        dept.lead = by_team[team.id][1]
    OrgUnit.objects.bulk_update(depts, ["lead"])

    today = timezone.localdate()
    cycle = Cycle.objects.create(
        organization=org,
        name="Bench cycle",
        start_date=today - timedelta(weeks=size.weeks_of_history),
        end_date=today + timedelta(weeks=13 - size.weeks_of_history),
        status=Cycle.Status.ACTIVE,
    )
    ceo = Membership.objects.get(organization=org, user=users[1])

    def objective(level, owner, unit, parent, title):
        return Objective(
            organization=org,
            cycle=cycle,
            level=level,
            owner=owner,
            unit=unit,
            parent=parent,
            title=title,
        )

    company = Objective.objects.bulk_create(
        [objective(Level.COMPANY, ceo, None, None, f"Company goal {i}") for i in range(5)]
    )
    dept_objs = Objective.objects.bulk_create(
        [
            objective(Level.DEPARTMENT, d.lead, d, company[i % len(company)], f"{d.name} goal {j}")
            for i, d in enumerate(depts)
            for j in range(2)
        ]
    )
    team_objs = Objective.objects.bulk_create(
        [
            objective(
                Level.TEAM,
                t.lead,
                t,
                dept_objs[(i // size.teams_per_department) * 2],
                f"{t.name} goal {j}",
            )
            for i, t in enumerate(teams)
            for j in range(size.objectives_per_team)
        ]
    )
    indiv = Objective.objects.bulk_create(
        [
            objective(
                Level.INDIVIDUAL,
                by_team[t.id][2 + j],
                t,
                team_objs[i * size.objectives_per_team],
                f"Personal goal of {t.name} #{j}",
            )
            for i, t in enumerate(teams)
            for j in range(size.individual_objectives_per_team)
        ]
    )
    objectives = company + dept_objs + team_objs + indiv
    krs = []
    for obj in objectives:
        for k in range(size.krs_per_objective):
            target = Decimal(rng.choice([10, 50, 100, 1000]))
            krs.append(
                KeyResult(
                    organization=org,
                    objective=obj,
                    owner=obj.owner,
                    title=f"{obj.title} — KR {k + 1}",
                    metric_type=KeyResult.MetricType.INCREASE_TO,
                    start_value=0,
                    target_value=target,
                )
            )
    krs = KeyResult.objects.bulk_create(krs, batch_size=2000)
    check_ins = []
    now = timezone.now()
    for kr in krs:
        value = Decimal(0)
        weeks = rng.randint(0, size.weeks_of_history)
        for w in range(weeks, 0, -1):
            value += kr.target_value * Decimal(rng.uniform(0, 0.15))
            value = min(value, kr.target_value).quantize(Decimal("0.01"))
            at = now - timedelta(weeks=w - 1, hours=1)
            iso = at.isocalendar()
            check_ins.append(
                CheckIn(
                    organization=org,
                    key_result=kr,
                    author=kr.owner,
                    value=value,
                    confidence=rng.randint(3, 9),
                    note="Weekly update",
                    week=f"{iso[0]}-W{iso[1]:02d}",
                    created_at=at,
                    progress=progress.key_result_progress(
                        kr.metric_type, kr.start_value, kr.target_value, value
                    ),
                )
            )
        kr.current_value = value
        kr.progress = progress.key_result_progress(
            kr.metric_type, kr.start_value, kr.target_value, value
        )
        kr.last_check_in_at = now - timedelta(weeks=0, hours=1) if weeks else None
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    KeyResult.objects.bulk_update(
        krs, ["current_value", "progress", "last_check_in_at"], batch_size=2000
    )
    by_obj: dict[int, list[KeyResult]] = {}
    for kr in krs:
        by_obj.setdefault(kr.objective_id, []).append(kr)
    expected = progress.expected_progress(cycle.start_date, cycle.end_date, date.today())
    for obj in objectives:
        obj.progress = progress.objective_progress(
            (kr.progress, kr.weight) for kr in by_obj.get(obj.id, [])
        )
        obj.status = progress.derive_status(obj.progress, expected)
    Objective.objects.bulk_update(objectives, ["progress", "status"], batch_size=2000)
    return org
