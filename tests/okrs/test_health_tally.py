"""The health tallies never show what a fresh count would not.

`okrs.selectors.health_tally` keeps each unit's health counts between reads; every service
that writes objectives, key results or check-ins must make the affected units' rows stale.
Here a story runs through those services (create, cascade, check in, edit, move to another
unit, make private, trash and restore, deactivate an owner, close the cycle), and after every
step the report — read through the stored tallies — is compared with a count made from scratch
in Python with the rule's own predicates (`can_view_objective`, `is_stale`,
`is_low_confidence`), for several readers and scopes, now and two weeks later.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import astuple

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from accounts.rules.units import subtree_ids
from accounts.services import deactivate_member, reactivate_member
from okrs import services
from okrs.models import CheckIn, HealthTally, KeyResult, Level, Objective
from okrs.rules import attention
from okrs.rules.visibility import can_view_objective
from okrs.rules.weeks import iso_week
from okrs.selectors import health_tally
from okrs.services import health_report
from okrs.services import health_tally as tally_store
from tests.okrs.conftest import make_chain

pytestmark = pytest.mark.django_db


def fresh_count(world, viewer, unit, now) -> dict:
    """What the report must say, counted row by row without any stored tally."""
    units = None
    if unit is not None:
        rows = OrgUnit.objects.filter(organization=world.org).values_list("id", "parent_id")
        units = subtree_ids(list(rows), [unit.pk])
    objectives = [
        o
        for o in Objective.objects.filter(organization=world.org, cycle=world.cycle).select_related(
            "owner"
        )
        if can_view_objective(viewer, o) and (units is None or o.unit_id in units)
    ]
    ids = {o.pk for o in objectives}
    krs = list(KeyResult.objects.filter(objective_id__in=ids).select_related("owner"))
    with_krs = {kr.objective_id for kr in krs}
    this_week = set(
        CheckIn.objects.filter(organization=world.org, week=iso_week(world.org, now)).values_list(
            "key_result_id", flat=True
        )
    )
    return {
        "objectives": len(objectives),
        "progress": round(sum(o.progress for o in objectives) / len(objectives), 9)
        if objectives
        else 0.0,
        "status": dict(Counter(o.status for o in objectives)),
        "without_krs": sum(o.pk not in with_krs for o in objectives),
        "orphans": sum(o.parent_id is None and o.level != Level.COMPANY for o in objectives),
        "key_results": len(krs),
        "checked_in": sum(kr.pk in this_week for kr in krs),
        "stale": sum(attention.is_stale(kr, now) for kr in krs),
        "low": sum(attention.is_low_confidence(kr) for kr in krs),
        "ownerless": sum(not kr.owner.is_active for kr in krs),
    }


def reported(world, viewer, unit, now) -> dict:
    r = health_report(organization=world.org, cycle=world.cycle, viewer=viewer, unit=unit, now=now)
    return {
        "objectives": r.objective_count,
        "progress": round(r.average_progress, 9),
        "status": r.status_counts,
        "without_krs": len(r.objectives_without_krs),
        "orphans": len(r.orphans),
        "key_results": r.key_result_count,
        "checked_in": sum(rate.done for rate in r.checkin_rates),
        "stale": len(r.stale_krs),
        "low": len(r.low_confidence),
        "ownerless": len(r.krs_without_owner),
    }


def assert_agrees(world, step: str) -> None:
    now = timezone.now()
    for when in (now, now + dt.timedelta(days=15), now):
        for viewer in (world.champion, world.ceo, world.eng_head, world.bystander):
            for unit in (None, world.engineering, world.platform):
                expected = fresh_count(world, viewer, unit, when)
                got = reported(world, viewer, unit, when)
                assert got == expected, (step, viewer.user.email, unit, when)


@pytest.mark.slow  # walks every service, four readers, three scopes, two instants
def test_the_report_agrees_with_a_fresh_count_after_every_write(world):
    w = world
    steps = []

    def step(name):
        def register(fn):
            steps.append((name, fn))
            return fn

        return register

    state = {}

    @step("cascade")
    def _():
        state["company"], state["dept"], state["team"], state["kr"] = make_chain(w)

    @step("check in")
    def _():
        services.record_check_in(key_result=state["kr"], actor=w.owner, value=300, confidence=3)

    @step("a private objective with a key result")
    def _():
        state["secret"] = services.create_objective(
            organization=w.org, actor=w.owner, cycle=w.cycle, level=Level.INDIVIDUAL,
            title="Secret", owner=w.owner, unit=w.platform, parent=state["team"],
            visibility=Objective.Visibility.PRIVATE,
        )  # fmt: skip
        state["secret_kr"] = services.create_key_result(
            objective=state["secret"], actor=w.owner, title="Quiet", owner=w.owner,
            metric_type=KeyResult.MetricType.INCREASE_TO, start_value=0, target_value=10,
            confidence=2,
        )  # fmt: skip

    @step("an orphan without key results in Sales")
    def _():
        state["orphan"] = services.create_objective(
            organization=w.org, actor=w.sales_head, cycle=w.cycle, level=Level.DEPARTMENT,
            title="Sell", owner=w.sales_head, unit=w.sales,
        )  # fmt: skip

    @step("edit a key result (confidence, owner)")
    def _():
        services.update_key_result(
            key_result=state["kr"], actor=w.platform_lead, confidence=9, owner=w.contributor
        )

    @step("move the team objective's unit and make it private")
    def _():
        services.update_objective(
            objective=state["team"], actor=w.ceo, unit=w.sales,
            visibility=Objective.Visibility.PRIVATE,
        )  # fmt: skip

    @step("status override")
    def _():
        services.update_objective(objective=state["dept"], actor=w.ceo, status_override="off_track")

    @step("trash the department objective (its child becomes an orphan)")
    def _():
        services.delete_objective(objective=state["dept"], actor=w.ceo)

    @step("restore it")
    def _():
        services.restore_objective(organization=w.org, objective_id=state["dept"].pk, actor=w.admin)

    @step("trash a key result")
    def _():
        services.delete_key_result(key_result=state["secret_kr"], actor=w.owner)

    @step("restore it")
    def _():
        services.restore_key_result(
            organization=w.org, key_result_id=state["secret_kr"].pk, actor=w.admin
        )

    @step("the owner leaves, then comes back")
    def _():
        deactivate_member(membership=w.contributor, actor=w.admin)

    @step("back")
    def _():
        reactivate_member(membership=w.contributor, actor=w.admin)

    @step("close the cycle")
    def _():
        services.close_cycle(cycle=w.cycle, actor=w.ceo)

    for name, fn in steps:
        fn()
        assert_agrees(w, name)
    # The reads above were served from stored rows, not recounted every time.
    assert HealthTally.objects.filter(organization=w.org, valid=True).exists()


def test_a_count_that_may_predate_a_write_is_not_stored(world):
    """A reader stores its counts only if no writer bumped the row since it read it."""
    company, dept, team, kr = make_chain(world)
    now = timezone.now()
    week = iso_week(world.org, now)
    keys = {health_tally.COMPANY, world.engineering.pk, world.platform.pk, world.sales.pk}
    _, recount = health_tally.read(
        organization_id=world.org.pk, cycle=world.cycle, unit_keys=keys, whole_cycle=True,
        week=week, now=now,
    )  # fmt: skip
    tally_store.store(recount)
    row = HealthTally.objects.get(cycle=world.cycle, unit_key=world.platform.pk, private=False)
    assert row.valid and row.key_results == 1
    # A writer commits between a reader's read of the generation and its store.
    seen = {(world.platform.pk, False): row.generation, (world.platform.pk, True): 0}
    tally_store.invalidate(world.org.pk, [(world.cycle.pk, world.platform.pk)])
    wrong = astuple(health_tally.Tally(key_results=99))
    counted = {key: (wrong, now + dt.timedelta(hours=1)) for key in seen}
    tally_store.store(health_tally.Recount(world.org.pk, world.cycle, counted, seen, week, now))
    row.refresh_from_db()
    assert not row.valid and row.key_results == 1  # the writer's invalidation stands
    # The next read counts again and stores the truth.
    tallies, recount = health_tally.read(
        organization_id=world.org.pk, cycle=world.cycle, unit_keys=keys, whole_cycle=True,
        week=week, now=now,
    )  # fmt: skip
    tally_store.store(recount)
    key_results = health_tally.FIELDS.index("key_results")
    assert tallies[(world.platform.pk, False)][key_results] == 1
    row.refresh_from_db()
    assert row.valid and row.generation == seen[(world.platform.pk, False)] + 1


def test_a_row_expires_when_a_counted_key_result_turns_stale(world):
    *_, kr = make_chain(world)
    now = timezone.now()
    report = health_report(organization=world.org, cycle=world.cycle, viewer=world.ceo, now=now)
    assert len(report.stale_krs) == 0
    row = HealthTally.objects.get(cycle=world.cycle, unit_key=world.platform.pk, private=False)
    assert row.expires_at == min(
        attention.turns_stale_at(attention.last_activity(kr)), now + health_tally.MAX_AGE
    )
    # Past that instant (nothing written meanwhile) the key result is stale, and counted so.
    later = attention.turns_stale_at(attention.last_activity(kr)) + dt.timedelta(seconds=1)
    report = health_report(organization=world.org, cycle=world.cycle, viewer=world.ceo, now=later)
    assert len(report.stale_krs) == 1


@pytest.mark.django_db(transaction=True)
def test_a_store_that_fails_is_skipped_and_the_report_is_still_served(world):
    """The cycle is deleted between a reader's count and its store: the rows' foreign key
    fails at commit. A cache write never fails the page: nothing is kept, nothing raised."""
    cycle = world.cycle
    now = timezone.now()
    counted = {(world.platform.pk, False): (health_tally.ZERO, now + dt.timedelta(hours=1))}
    cycle_id = cycle.pk
    type(cycle).objects.filter(pk=cycle_id).delete()
    week = iso_week(world.org, now)
    tally_store.store(health_tally.Recount(world.org.pk, cycle, counted, {}, week, now))
    assert not HealthTally.objects.filter(cycle_id=cycle_id).exists()
