"""record_check_in: values, roll-up, one row per ISO week, closed cycles, permissions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from okrs import services
from okrs.models import AuditEntry, CheckIn
from tests.okrs.conftest import make_chain, reload


def test_check_in_updates_kr_and_rolls_up_the_whole_chain(world):
    company, dept, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value="300", confidence=8)
    kr = reload(kr)
    assert kr.current_value == 300
    assert kr.confidence == 8
    assert kr.progress == pytest.approx(0.5)
    assert kr.last_check_in_at is not None
    for objective in (team, dept, company):
        assert reload(objective).progress == pytest.approx(0.5)


def test_second_check_in_same_week_updates_the_row_and_audit_keeps_old_values(world):
    *_, kr = make_chain(world)
    first = services.record_check_in(key_result=kr, actor=world.owner, value=350, confidence=6)
    second = services.record_check_in(
        key_result=kr, actor=world.contributor, value=300, confidence=7, note="better"
    )
    assert first.pk == second.pk
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    entry = AuditEntry.objects.filter(target_type="check_in", action="update").get()
    assert entry.changes["value"] == ["350", "300"]
    assert entry.changes["confidence"] == [6, 7]


def test_check_ins_in_different_weeks_make_separate_rows(world):
    *_, kr = make_chain(world)
    now = dt.datetime.now(dt.UTC)
    services.record_check_in(
        key_result=kr, actor=world.owner, value=380, confidence=5, at=now - dt.timedelta(days=7)
    )
    services.record_check_in(key_result=kr, actor=world.owner, value=360, confidence=6, at=now)
    assert CheckIn.objects.filter(key_result=kr).count() == 2
    assert reload(kr).current_value == 360


def test_back_dated_check_in_does_not_overwrite_a_newer_value(world):
    *_, kr = make_chain(world)
    now = dt.datetime.now(dt.UTC)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=8, at=now)
    services.record_check_in(
        key_result=kr, actor=world.owner, value=390, confidence=3, at=now - dt.timedelta(days=14)
    )
    kr = reload(kr)
    assert kr.current_value == 300 and kr.confidence == 8


def test_check_in_on_closed_cycle_is_refused(world):
    *_, kr = make_chain(world)
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    with pytest.raises(ValidationError, match="This cycle is closed"):
        services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=5)


@pytest.mark.parametrize("value", ["abc", "", None, "1,5", "nan", "inf", "1e30"])
def test_non_numeric_value_is_a_validation_error(world, value):
    *_, kr = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        services.record_check_in(key_result=kr, actor=world.owner, value=value, confidence=5)
    assert "value" in exc.value.message_dict
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("confidence", [-1, 11, "high", "5.5", None])
def test_confidence_outside_zero_to_ten_is_a_validation_error(world, confidence):
    *_, kr = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        services.record_check_in(key_result=kr, actor=world.owner, value=1, confidence=confidence)
    assert "confidence" in exc.value.message_dict


def test_member_without_a_stake_cannot_check_in(world):
    *_, kr = make_chain(world)
    with pytest.raises(PermissionDenied):
        services.record_check_in(key_result=kr, actor=world.bystander, value=300, confidence=5)
    assert not CheckIn.objects.exists()


def test_other_orgs_member_cannot_check_in(world, outsider_membership):
    *_, kr = make_chain(world)
    with pytest.raises(PermissionDenied):
        services.record_check_in(key_result=kr, actor=outsider_membership, value=1, confidence=5)


def test_week_follows_the_org_timezone(world):
    world.org.timezone = "America/New_York"
    world.org.save()
    *_, kr = make_chain(world)
    # Monday 02:00 UTC is still Sunday evening in New York: the previous ISO week.
    at = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    check_in = services.record_check_in(
        key_result=kr, actor=world.owner, value=350, confidence=5, at=at
    )
    assert check_in.week == "2026-W47"


def test_milestone_accepts_done_and_counts_it_complete(world):
    _, _, team, _ = make_chain(world)
    kr = services.create_key_result(
        objective=team, actor=world.platform_lead, title="Ship v2", owner=world.owner,
        metric_type="milestone", start_value=0, target_value=1,
    )  # fmt: skip
    services.record_check_in(key_result=kr, actor=world.owner, value="done", confidence=9)
    assert reload(kr).progress == 1.0


def test_check_in_audit_entry_belongs_to_the_objective(world):
    _, _, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=5)
    entry = AuditEntry.objects.get(target_type="check_in")
    assert entry.objective_id_ref == team.pk
    assert entry.actor == world.owner


def test_a_planning_cycle_takes_no_check_ins(world):
    *_, kr = make_chain(world)
    world.cycle.status = "planning"
    world.cycle.save()
    with pytest.raises(ValidationError, match="still being planned"):
        services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=8)
    assert not CheckIn.objects.exists()


def test_my_okrs_follow_the_active_cycle_only(world):
    from okrs import selectors
    from tests import factories

    *_, kr = make_chain(world)
    factories.CycleFactory(organization=world.org, status="planning", name="Next")
    mine = selectors.key_results_for_member(organization=world.org, membership=world.owner)
    assert list(mine) == [kr]
    world.cycle.status = "closed"
    world.cycle.save()
    assert selectors.active_cycle(organization=world.org) is None
    assert not selectors.key_results_for_member(organization=world.org, membership=world.owner)
