"""Free text has one set of limits (okrs.rules.limits), enforced by the services; the audit log
keeps a bounded copy of long values."""

import pytest
from django.core.exceptions import ValidationError

from okrs import services
from okrs.models import AuditEntry, Level, Objective
from okrs.rules import limits

pytestmark = pytest.mark.django_db
HUGE = "x" * 2_400_000


def _team_objective(world, **kwargs):
    return services.create_objective(
        organization=world.org,
        actor=world.platform_lead,
        cycle=world.cycle,
        level=Level.TEAM,
        unit=world.platform,
        owner=world.platform_lead,
        title="Faster deploys",
        **kwargs,
    )


def test_a_huge_description_is_a_field_error_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        _team_objective(world, description=HUGE)
    assert exc.value.message_dict == {"description": ["Keep this under 5,000 characters."]}
    assert not Objective.objects.exists() and not AuditEntry.objects.exists()


def test_a_description_at_the_limit_is_fine_and_its_audit_copy_is_bounded(world):
    objective = _team_objective(world, description="d" * limits.DESCRIPTION)
    assert len(objective.description) == limits.DESCRIPTION
    entry = AuditEntry.objects.get(target_id=objective.pk, action="create")
    stored = entry.changes["description"][1]
    assert stored.startswith("d" * limits.AUDIT_VALUE)
    assert stored.endswith("[truncated, 5,000 characters]")
    assert len(stored) < limits.AUDIT_VALUE + 50


def test_an_update_keeps_a_bounded_diff_of_long_text(world):
    objective = _team_objective(world, description="short")
    services.update_objective(
        objective=objective, actor=world.platform_lead, description="e" * 4_000
    )
    entry = AuditEntry.objects.get(target_id=objective.pk, action="update")
    old, new = entry.changes["description"]
    assert old == "short"
    assert len(new) < limits.AUDIT_VALUE + 50 and "truncated, 4,000 characters" in new
    assert Objective.objects.get(pk=objective.pk).description == "e" * 4_000


def test_update_with_a_huge_description_writes_nothing(world):
    objective = _team_objective(world, description="short")
    with pytest.raises(ValidationError) as exc:
        services.update_objective(objective=objective, actor=world.platform_lead, description=HUGE)
    assert "description" in exc.value.message_dict
    fresh = Objective.objects.get(pk=objective.pk)
    assert fresh.description == "short" and fresh.version == objective.version
    assert not AuditEntry.objects.filter(action="update").exists()


def test_retrospective_and_comment_limits(world):
    objective = _team_objective(world)
    with pytest.raises(ValidationError) as exc:
        services.grade_objective(
            objective=objective,
            actor=world.platform_lead,
            grade="0.5",
            retrospective="r" * (limits.RETROSPECTIVE + 1),
        )
    assert exc.value.message_dict == {"retrospective": ["Keep this under 10,000 characters."]}
    with pytest.raises(ValidationError) as exc:
        services.add_comment(
            actor=world.owner, objective=objective, body="c" * (limits.COMMENT + 1)
        )
    assert "body" in exc.value.message_dict


def test_bounded_leaves_short_values_and_non_text_alone():
    value = {"a": [None, "ok"], "b": [1, 2], "c": ["y" * 600, "z"]}
    out = limits.bounded(value)
    assert out["a"] == [None, "ok"] and out["b"] == [1, 2]
    assert out["c"][0].startswith("y" * 500) and "truncated, 600 characters" in out["c"][0]
