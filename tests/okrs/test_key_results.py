"""Key result services: metric rules, weights, contributors, roll-up, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from okrs import services
from okrs.models import AuditEntry, KeyResult
from tests.okrs.conftest import make_chain, reload

MT = KeyResult.MetricType


def _kr(world, objective, **kwargs):
    data = dict(
        objective=objective, actor=world.platform_lead, title="KR", owner=world.owner,
        metric_type=MT.INCREASE_TO, start_value=0, target_value=10,
    )  # fmt: skip
    data.update(kwargs)
    return services.create_key_result(**data)


@pytest.mark.parametrize(
    ("metric", "start", "target", "message"),
    [
        (MT.INCREASE_TO, 5, 5, "must differ"),
        (MT.DECREASE_TO, 5, 5, "must differ"),
        (MT.INCREASE_TO, 10, 5, "above the start"),
        (MT.DECREASE_TO, 5, 10, "below the start"),
    ],
)
def test_direction_rules_give_clear_messages(world, metric, start, target, message):
    _, _, team, _ = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        _kr(world, team, metric_type=metric, start_value=start, target_value=target)
    assert message in str(exc.value.message_dict["target_value"])


@pytest.mark.parametrize("weight", [-1, "abc"])
def test_invalid_weight_is_a_field_error(world, weight):
    _, _, team, _ = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        _kr(world, team, weight=weight)
    assert "weight" in exc.value.message_dict


def test_stay_above_progress_is_met_or_not(world):
    _, _, team, _ = make_chain(world)
    kr = _kr(world, team, metric_type=MT.STAY_ABOVE, start_value=90, target_value=95)
    assert kr.progress == 0.0
    services.record_check_in(key_result=kr, actor=world.owner, value=96, confidence=8)
    assert reload(kr).progress == 1.0


def test_objective_progress_is_weighted_mean_of_krs(world):
    _, _, team, first = make_chain(world)
    second = _kr(world, team, weight=3)
    services.record_check_in(key_result=first, actor=world.owner, value=200, confidence=8)  # 1.0
    services.record_check_in(key_result=second, actor=world.owner, value=5, confidence=8)  # 0.5
    assert reload(team).progress == pytest.approx((1.0 * 1 + 0.5 * 3) / 4)


def test_zero_weight_kr_does_not_count(world):
    _, _, team, first = make_chain(world)
    _kr(world, team, weight=0)
    services.record_check_in(key_result=first, actor=world.owner, value=300, confidence=8)
    assert reload(team).progress == pytest.approx(0.5)


def test_contributors_must_belong_to_the_org(world, outsider_membership):
    _, _, team, _ = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        _kr(world, team, contributors=[outsider_membership])
    assert "contributors" in exc.value.message_dict


def test_set_contributors_replaces_them_and_audits(world):
    *_, kr = make_chain(world)
    services.set_contributors(
        key_result=kr, actor=world.platform_lead, contributors=[world.bystander]
    )
    assert list(reload(kr).contributors.all()) == [world.bystander]
    entry = AuditEntry.objects.filter(target_type="key_result", action="update").get()
    assert entry.changes["contributors"] == [[world.contributor.pk], [world.bystander.pk]]


def test_update_target_recomputes_progress_up_the_chain(world):
    company, _, _, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=8)
    services.update_key_result(key_result=kr, actor=world.owner, target_value=350)
    assert reload(kr).progress == pytest.approx(2 / 10 * 5)  # 100 of 50 → clamped to 1.0
    assert reload(company).progress == pytest.approx(1.0)


def test_kr_owner_may_edit_but_bystander_may_not(world):
    *_, kr = make_chain(world)
    assert services.update_key_result(key_result=kr, actor=world.owner, title="p95 < 150ms").title
    with pytest.raises(PermissionDenied):
        services.update_key_result(key_result=kr, actor=world.bystander, title="Mine")


def test_stale_kr_version_conflicts(world):
    *_, kr = make_chain(world)
    services.update_key_result(key_result=kr, actor=world.owner, title="A")
    with pytest.raises(services.ConflictError):
        services.update_key_result(key_result=kr, actor=world.owner, expected_version=1, title="B")


def test_delete_kr_recomputes_objective_and_keeps_audit(world):
    _, _, team, kr = make_chain(world)
    other = _kr(world, team)
    services.record_check_in(key_result=other, actor=world.owner, value=10, confidence=8)
    services.delete_key_result(key_result=kr, actor=world.platform_lead)
    assert reload(team).progress == 1.0
    assert AuditEntry.objects.filter(target_type="key_result", action="delete", target_id=kr.pk)


def test_grade_key_result_by_owner(world):
    *_, kr = make_chain(world)
    assert services.grade_key_result(key_result=kr, actor=world.owner, grade=0.4).grade == 0.4
    with pytest.raises(PermissionDenied):
        services.grade_key_result(key_result=kr, actor=world.bystander, grade=0.4)


def test_milestone_ignores_start_and_target_sent_by_a_form(world):
    _, _, team, _ = make_chain(world)
    kr = _kr(world, team, metric_type=MT.MILESTONE, start_value=3, target_value=3)
    assert (kr.start_value, kr.target_value, kr.progress) == (0, 1, 0.0)
