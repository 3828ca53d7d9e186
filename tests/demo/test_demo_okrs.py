"""seed_okrs on the demo roster: idempotent, and the promised situations exist."""

import pytest
from django.utils import timezone

from accounts.models import Membership
from demo import okrs as demo
from demo import people as people_demo
from okrs import selectors, services
from okrs.models import CheckIn, CommentMention, Cycle, KeyResult, Level, Objective, Rollup
from okrs.rules.progress import objective_progress
from okrs.rules.weeks import iso_week


@pytest.fixture
def acme(db, settings):
    organizations = people_demo.seed_people()
    if not organizations:
        pytest.skip("the demo roster (demo/people.py) is not there yet")
    acme = next(o for o in organizations if o.slug == "acme")
    demo.seed_okrs(acme)
    return acme


def test_seed_okrs_is_idempotent(acme):
    counts = (Cycle.objects.count(), Objective.objects.count(), CheckIn.objects.count())
    demo.seed_okrs(acme)
    assert (Cycle.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == counts


def test_seed_has_a_closed_graded_cycle_and_an_active_current_quarter(acme):
    closed = Cycle.objects.get(organization=acme, status="closed")
    active = Cycle.objects.get(organization=acme, status="active")
    assert active.start_date <= timezone.localdate() <= active.end_date
    graded = Objective.objects.filter(cycle=closed)
    assert graded and all(o.grade is not None and o.retrospective for o in graded)
    assert set(Objective.objects.filter(cycle=active).values_list("level", flat=True)) == set(Level)
    metrics = set(
        KeyResult.objects.filter(objective__cycle=active).values_list("metric_type", flat=True)
    )
    assert metrics == set(KeyResult.MetricType)


def test_owner_has_three_krs_under_an_aligned_platform_objective(acme):
    active = Cycle.objects.get(organization=acme, status="active")
    owner_krs = KeyResult.objects.filter(
        objective__cycle=active, owner__user__email="owner@acme.example", objective__level="team"
    ).select_related("objective__parent__parent", "objective__unit")
    assert owner_krs.count() >= 3
    team = owner_krs[0].objective
    assert team.unit.name == "Platform" and team.parent.parent.level == Level.COMPANY
    assert any(
        kr.contributors.filter(user__email="contributor@acme.example").exists() for kr in owner_krs
    )
    week = iso_week(acme)
    assert any(not kr.check_ins.filter(week=week).exists() for kr in owner_krs)


def test_health_shows_stale_low_confidence_empty_and_orphan(acme):
    active = Cycle.objects.get(organization=acme, status="active")
    report = selectors.health_report(
        organization=acme,
        cycle=active,
        viewer=Membership.objects.get(organization=acme, user__email="champion@acme.example"),
    )
    assert len(report.stale_krs) >= 2
    assert len(report.low_confidence) >= 2
    assert [o.level for o in report.objectives_without_krs] == ["department"]
    assert [o.level for o in report.orphans] == ["team"]
    assert 0 < report.checkin_rate < 1
    assert CommentMention.objects.filter(organization=acme).exists()


def test_check_in_history_spans_six_weeks(acme):
    weeks = set(CheckIn.objects.filter(organization=acme).values_list("week", flat=True))
    assert len(weeks) >= 7  # six weeks of the active cycle plus the closed quarter's last one


def test_the_cascade_moves_the_company_objective(acme):
    """Company objectives roll up what is aligned below them (the service's default by level),
    so a check-in on a team's key result moves the company objective — through the same
    roll-up the services use, no hand-set numbers."""
    active = Cycle.objects.get(organization=acme, status="active")
    company = Objective.objects.get(
        cycle=active, title="Become the most reliable platform in our market"
    )
    assert company.rollup in (Rollup.BOTH, Rollup.CHILDREN)
    own = [(kr.progress, kr.weight) for kr in company.key_results.all()]
    children = [child.progress for child in Objective.objects.filter(parent=company)]
    assert children and company.progress > 0
    assert company.progress == pytest.approx(
        objective_progress(own, children, rollup=company.rollup)
    )
    # Partly from its children: without them it would be another number.
    assert company.progress != pytest.approx(objective_progress(own, [], rollup=company.rollup))
    # A department objective without key results gets all of its progress from below, and so
    # does last quarter's company objective.
    support = Objective.objects.get(cycle=active, title="Make support effortless")
    assert not support.key_results.exists() and support.progress > 0
    past = Objective.objects.get(cycle__status="closed", level=Level.COMPANY)
    assert past.progress > 0 and past.grade > 0

    owner = Membership.objects.get(organization=acme, user__email="owner@acme.example")
    runtime = KeyResult.objects.get(
        objective__cycle=active, title="Migrate 12 services to the new runtime"
    )
    before = company.progress
    services.record_check_in(
        key_result=runtime, actor=owner, value=runtime.target_value, confidence=9
    )
    company.refresh_from_db()
    assert company.progress > before
