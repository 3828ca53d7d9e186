"""`seed_demo --employees N`: the shape of the generated `bench` company and the consistency
of its cached columns (devtools/benchdata.py)."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, Organization, OrgUnit, Role, User
from okrs.models import (
    LEVEL_RANK,
    CheckIn,
    Comment,
    Cycle,
    Initiative,
    KeyResult,
    Level,
    Objective,
    Risk,
)
from okrs.rules import progress
from okrs.rules.weeks import iso_week
from okrs.services.rollup import recompute_cycle

# Slow by design: builds the bench company (`make test-fast` skips it).
pytestmark = pytest.mark.slow

N = 60


@pytest.fixture
def bench(db):
    call_command("seed_demo", employees=N, stdout=_Null())
    return Organization.objects.get(slug="bench")


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def test_people_units_and_roles(bench):
    assert bench.timezone not in ("UTC", "America/New_York", "Europe/Berlin")
    assert Organization.objects.filter(slug__in=["acme", "globex"]).count() == 2
    members = Membership.objects.filter(organization=bench)
    assert members.count() == N
    roles = Counter(members.values_list("role", flat=True))
    assert roles[Role.ADMIN] >= 1 and roles[Role.EXECUTIVE] >= 2 and roles[Role.CHAMPION] >= 1
    for local in ("admin", "ceo", "champion", "owner"):
        user = User.objects.get(email=f"{local}@bench.example")
        assert user.check_password("demo")
    units = list(OrgUnit.objects.filter(organization=bench))
    by_id = {u.pk: u for u in units}

    def depth(unit):
        return 1 if unit.parent_id is None else 1 + depth(by_id[unit.parent_id])

    # company (implicit root) → divisions → departments → teams
    assert {depth(u) for u in units} == {1, 2, 3}
    assert all(u.lead_id for u in units)
    assert all(by_id[u.parent_id].kind == OrgUnit.Kind.DEPARTMENT for u in units if u.parent_id)
    assert {u.kind for u in units if depth(u) == 3} == {OrgUnit.Kind.TEAM}
    # everyone but the company-level people sits in a unit and reports to someone
    assert not members.filter(unit__isnull=False, reports_to__isnull=True).exists()


def test_objectives_cascade_and_key_results(bench):
    cycle = Cycle.objects.get(organization=bench)
    assert cycle.status == Cycle.Status.ACTIVE
    objectives = {o.pk: o for o in Objective.objects.filter(organization=bench)}
    assert {o.level for o in objectives.values()} == set(Level.values)
    for o in objectives.values():
        assert o.cycle_id == cycle.pk
        if o.level == Level.COMPANY:
            assert o.parent_id is None
            continue
        parent = objectives[o.parent_id]  # aligned upward, inside the company and cycle
        assert LEVEL_RANK[parent.level] <= LEVEL_RANK[o.level]
        assert parent.level != o.level or o.level == Level.DEPARTMENT
    assert any(o.visibility == Objective.Visibility.PRIVATE for o in objectives.values())
    krs = KeyResult.objects.filter(organization=bench)
    assert set(krs.values_list("metric_type", flat=True)) == set(KeyResult.MetricType.values)
    per_objective = Counter(krs.values_list("objective_id", flat=True))
    assert set(per_objective) == set(objectives)
    assert set(per_objective.values()) <= {2, 3, 4}
    owner = Membership.objects.get(organization=bench, user__email="owner@bench.example")
    assert krs.filter(owner=owner).exists()
    assert Comment.objects.filter(organization=bench).exists()
    assert Initiative.objects.filter(organization=bench).exists()
    assert Risk.objects.filter(organization=bench).exists()


def test_check_ins_one_per_iso_week_inside_the_cycle(bench):
    cycle = Cycle.objects.get(organization=bench)
    check_ins = list(CheckIn.objects.filter(organization=bench))
    assert len(check_ins) >= 30 * N  # about 50 per person
    now = timezone.now()
    weeks = Counter()
    for c in check_ins:
        assert c.week == iso_week(bench, c.created_at)
        assert c.created_at <= now
        assert timezone.localtime(c.created_at, bench.tzinfo).date() >= cycle.start_date
        weeks[(c.key_result_id, c.week)] += 1
    assert max(weeks.values()) == 1
    assert len({c.week for c in check_ins}) <= 12


def test_cached_columns_follow_the_check_ins(bench):
    krs = list(KeyResult.objects.filter(organization=bench).order_by("id")[::7])
    latest = {}
    for c in CheckIn.objects.filter(key_result__in=krs).order_by("created_at"):
        latest[c.key_result_id] = c
    assert latest, "the sample has check-ins"
    for kr in krs:
        expected = progress.key_result_progress(
            kr.metric_type, kr.start_value, kr.target_value, kr.current_value
        )
        assert kr.progress == pytest.approx(expected)
        c = latest.get(kr.pk)
        if c is None:
            assert kr.last_check_in_at is None and kr.current_value == kr.start_value
        else:
            assert (kr.current_value, kr.confidence) == (c.value, c.confidence)
            assert kr.last_check_in_at == c.created_at
            assert c.progress == pytest.approx(expected)
    # Objectives: the service's own roll-up over the whole cycle changes nothing.
    cycle = Cycle.objects.select_related("organization").get(organization=bench)
    before = dict(
        (pk, (p, s))
        for pk, p, s in Objective.objects.filter(organization=bench).values_list(
            "id", "progress", "status"
        )
    )
    day = timezone.localdate(timezone=bench.tzinfo)
    recompute_cycle(cycle)
    after = Objective.objects.filter(organization=bench).values_list("id", "progress", "status")
    same_day = day == timezone.localdate(timezone=bench.tzinfo)
    for pk, p, s in after:
        assert p == pytest.approx(before[pk][0])
        if same_day:  # status compares progress with the plan for today
            assert s == before[pk][1]
    assert len({s for _p, s in before.values()}) >= 2


def test_second_run_changes_nothing(bench):
    def sizes():
        return tuple(
            model.objects.filter(organization=bench).count()
            for model in (Membership, OrgUnit, Objective, KeyResult, CheckIn, Comment)
        ) + (User.objects.count(),)

    first = sizes()
    call_command("seed_demo", employees=N, stdout=_Null())
    assert sizes() == first
    assert Organization.objects.filter(slug="bench").count() == 1
