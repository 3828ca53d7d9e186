"""Objective services: levels, units, alignment rules, versions, audit, delete."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from okrs import services
from okrs.models import AuditEntry, Level, Objective
from tests import factories
from tests.okrs.conftest import make_chain, reload


def test_company_objective_has_no_unit_even_if_one_is_sent(world):
    objective = services.create_objective(
        organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.COMPANY,
        title="Grow", owner=world.ceo, unit=world.engineering,
    )  # fmt: skip
    assert objective.unit is None


def test_individual_objective_takes_the_owners_unit(world):
    objective = services.create_objective(
        organization=world.org, actor=world.owner, cycle=world.cycle, level=Level.INDIVIDUAL,
        title="Learn Rust", owner=world.owner,
    )  # fmt: skip
    assert objective.unit == world.platform


def test_team_objective_without_unit_is_a_field_error(world):
    with pytest.raises(ValidationError) as exc:
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.TEAM,
            title="Ship", owner=world.ceo,
        )  # fmt: skip
    assert "unit" in exc.value.message_dict


def test_blank_title_is_a_field_error(world):
    with pytest.raises(ValidationError) as exc:
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.COMPANY,
            title="   ", owner=world.ceo,
        )  # fmt: skip
    assert "title" in exc.value.message_dict


def test_parent_may_not_be_lower_level(world):
    _, _, team, _ = make_chain(world)
    with pytest.raises(ValidationError, match="cannot align to a lower-level"):
        services.create_objective(
            organization=world.org, actor=world.eng_head, cycle=world.cycle,
            level=Level.DEPARTMENT, title="X", owner=world.eng_head, unit=world.engineering,
            parent=team,
        )  # fmt: skip


def test_cross_team_alignment_is_allowed(world):
    _, dept, _, _ = make_chain(world)
    objective = services.create_objective(
        organization=world.org, actor=world.sales_head, cycle=world.cycle, level=Level.DEPARTMENT,
        title="Sell reliability", owner=world.sales_head, unit=world.sales, parent=dept,
    )  # fmt: skip
    assert objective.parent == dept


def test_parent_from_another_cycle_is_refused(world):
    other_cycle = factories.CycleFactory(organization=world.org, status="planning")
    company, *_ = make_chain(world)
    with pytest.raises(ValidationError, match="same cycle"):
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=other_cycle, level=Level.COMPANY,
            title="X", owner=world.ceo, parent=company,
        )  # fmt: skip


def test_parent_from_another_org_is_refused(world, other_org):
    foreign = factories.ObjectiveFactory(organization=other_org)
    with pytest.raises(ValidationError):
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.COMPANY,
            title="X", owner=world.ceo, parent=foreign,
        )  # fmt: skip


def test_owner_from_another_org_is_refused(world, outsider_membership):
    with pytest.raises(ValidationError) as exc:
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.COMPANY,
            title="X", owner=outsider_membership,
        )  # fmt: skip
    assert "owner" in exc.value.message_dict


def test_alignment_loop_is_refused(world):
    company, dept, team, _ = make_chain(world)
    peer = services.create_objective(
        organization=world.org, actor=world.platform_lead, cycle=world.cycle, level=Level.TEAM,
        title="Peer", owner=world.platform_lead, unit=world.platform, parent=team,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="loop"):
        services.update_objective(objective=team, actor=world.platform_lead, parent=peer)
    with pytest.raises(ValidationError, match="itself"):
        services.update_objective(objective=team, actor=world.platform_lead, parent=team)


def test_member_cannot_create_company_objective(world):
    with pytest.raises(PermissionDenied):
        services.create_objective(
            organization=world.org, actor=world.owner, cycle=world.cycle, level=Level.COMPANY,
            title="Take over", owner=world.owner,
        )  # fmt: skip


def test_update_bumps_version_and_audits_the_changed_fields(world):
    company, *_ = make_chain(world)
    updated = services.update_objective(
        objective=company, actor=world.ceo, expected_version=1, title="Delight every customer"
    )
    assert updated.version == 2
    entry = AuditEntry.objects.get(target_type="objective", action="update")
    assert entry.changes == {"title": ["Delight customers", "Delight every customer"]}


def test_stale_version_raises_conflict_and_writes_nothing(world):
    company, *_ = make_chain(world)
    services.update_objective(objective=company, actor=world.ceo, title="A")
    with pytest.raises(services.ConflictError):
        services.update_objective(objective=company, actor=world.ceo, expected_version=1, title="B")
    assert reload(company).title == "A"


def test_resending_unchanged_fields_lets_the_owner_edit(world):
    _, _, team, _ = make_chain(world)
    services.update_objective(objective=team, actor=world.platform_lead, owner=world.owner)
    updated = services.update_objective(
        objective=team, actor=world.owner, level=Level.TEAM, unit=world.platform,
        owner=world.owner, title="Faster platform",
    )  # fmt: skip
    assert updated.title == "Faster platform"


def test_unknown_field_is_refused(world):
    company, *_ = make_chain(world)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_objective(objective=company, actor=world.ceo, progress=1.0)


def test_status_override_wins_over_derived_status(world):
    company, *_ = make_chain(world)
    updated = services.update_objective(
        objective=company, actor=world.ceo, status_override="off_track"
    )
    assert updated.status == "off_track"
    assert services.update_objective(objective=company, actor=world.ceo, status_override="").status


def test_delete_unaligns_children_and_recomputes_parent(world):
    company, dept, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=200, confidence=9)
    services.delete_objective(objective=dept, actor=world.ceo)
    assert reload(team).parent_id is None
    assert reload(company).progress == 0.0
    assert not Objective.objects.filter(pk=dept.pk).exists()
    assert AuditEntry.objects.filter(target_type="objective", action="delete").count() == 1


def test_owner_cannot_delete_the_objective_they_do_not_own(world):
    _, dept, _, _ = make_chain(world)
    with pytest.raises(PermissionDenied):
        services.delete_objective(objective=dept, actor=world.owner)


def test_grade_objective_validates_range(world):
    _, _, team, _ = make_chain(world)
    with pytest.raises(ValidationError):
        services.grade_objective(objective=team, actor=world.platform_lead, grade="1.5")
    graded = services.grade_objective(
        objective=team, actor=world.platform_lead, grade="0.7", retrospective="Close."
    )
    assert graded.grade == 0.7 and graded.retrospective == "Close."


def test_writes_to_closed_cycle_are_refused(world):
    company, _, team, kr = make_chain(world)
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    closed = "This cycle is closed; its OKRs can no longer be changed."
    for call in (
        lambda: services.update_objective(objective=company, actor=world.ceo, title="X"),
        lambda: services.delete_objective(objective=company, actor=world.ceo),
        lambda: services.grade_objective(objective=team, actor=world.ceo, grade=1),
        lambda: services.create_objective(
            organization=world.org,
            actor=world.ceo,
            cycle=world.cycle,
            level="company",
            title="Late",
            owner=world.ceo,
        ),  # fmt: skip
        lambda: services.update_key_result(key_result=kr, actor=world.ceo, title="X"),
        lambda: services.delete_key_result(key_result=kr, actor=world.ceo),
        lambda: services.create_initiative(key_result=kr, actor=world.ceo, title="X"),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert closed in exc.value.messages


def test_cannot_align_to_a_private_objective_one_cannot_see(world):
    secret = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.COMPANY, owner=world.ceo,
        visibility="private",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.create_objective(
            organization=world.org, actor=world.owner, cycle=world.cycle, level=Level.INDIVIDUAL,
            title="Mine", owner=world.owner, parent=secret,
        )  # fmt: skip
    assert "parent" in exc.value.message_dict


def test_create_writes_an_audit_entry_with_the_initial_values(world):
    company, *_ = make_chain(world)
    entry = AuditEntry.objects.get(target_type="objective", target_id=company.pk)
    assert entry.action == "create" and entry.actor == world.ceo
    assert entry.changes["title"] == [None, "Delight customers"]


def test_cascade_moves_the_company_objective(world):
    """A company objective with its own (untouched) KR still moves when an aligned team
    objective progresses: company objectives roll up from KRs and children by default."""
    company = services.create_objective(
        organization=world.org, actor=world.ceo, cycle=world.cycle, level="company",
        title="Grow", owner=world.ceo,
    )  # fmt: skip
    services.create_key_result(
        objective=company, actor=world.ceo, title="Revenue", owner=world.ceo,
        metric_type="increase_to", start_value=0, target_value=100,
    )  # fmt: skip
    team = services.create_objective(
        organization=world.org, actor=world.platform_lead, cycle=world.cycle, level="team",
        unit=world.platform, title="Ship", owner=world.platform_lead, parent=company,
    )  # fmt: skip
    kr = services.create_key_result(
        objective=team, actor=world.platform_lead, title="Deploys", owner=world.owner,
        metric_type="increase_to", start_value=0, target_value=100,
    )  # fmt: skip
    assert company.rollup == "both" and team.rollup == "key_results"
    services.record_check_in(key_result=kr, actor=world.owner, value=71, confidence=7)
    company.refresh_from_db()
    assert company.progress == pytest.approx((0 + 0.71) / 2)
    services.update_objective(objective=company, actor=world.ceo, rollup="key_results")
    company.refresh_from_db()
    assert company.progress == 0


def test_objective_without_key_results_or_children_is_not_started(world):
    lonely = services.create_objective(
        organization=world.org, actor=world.ceo, cycle=world.cycle, level="company",
        title="Someday", owner=world.ceo,
    )  # fmt: skip
    assert lonely.status == "not_started"


def test_unknown_rollup_is_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        services.create_objective(
            organization=world.org, actor=world.ceo, cycle=world.cycle, level="company",
            title="X", owner=world.ceo, rollup="vibes",
        )  # fmt: skip
    assert "rollup" in error.value.message_dict
