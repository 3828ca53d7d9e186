"""The "Who may do what" table, row by row, for every role."""

import pytest

from okrs.models import Level
from okrs.rules import policy
from tests import factories
from tests.okrs.conftest import make_chain

ROLES = [
    "admin", "ceo", "champion", "eng_head", "platform_lead", "owner", "contributor", "bystander",
]  # fmt: skip


def _check(world, predicate, expected):
    actual = {role: predicate(getattr(world, role)) for role in ROLES}
    assert actual == {role: role in expected for role in ROLES}


def test_only_admins_manage_the_org(world):
    _check(world, policy.can_manage_org, {"admin"})


def test_only_admins_read_the_security_log_and_delete_the_organization(world):
    _check(world, policy.can_view_security_log, {"admin"})
    _check(world, policy.can_delete_organization, {"admin"})


def test_admins_and_executives_manage_cycles(world):
    _check(world, policy.can_manage_cycles, {"admin", "ceo"})


def test_company_objectives_admin_and_executive(world):
    _check(
        world,
        lambda m: policy.can_create_objective(m, level=Level.COMPANY, unit=None, owner=m),
        {"admin", "ceo"},
    )


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("engineering", {"admin", "ceo", "eng_head"}),
        ("platform", {"admin", "ceo", "eng_head", "platform_lead"}),
        ("sales", {"admin", "ceo"}),
    ],
)
def test_unit_objectives_for_leads_of_the_unit_or_above(world, unit, expected):
    _check(
        world,
        lambda m: policy.can_create_objective(
            m, level=Level.TEAM, unit=getattr(world, unit), owner=m
        ),
        expected,
    )


def test_individual_objectives_own_or_of_reports(world):
    # For owner@'s individual objective: owner, their manager and leads above their unit.
    _check(
        world,
        lambda m: policy.can_create_objective(
            m, level=Level.INDIVIDUAL, unit=None, owner=world.owner
        ),
        {"owner", "platform_lead", "eng_head"},
    )
    # Everyone may create their own.
    _check(
        world,
        lambda m: policy.can_create_objective(m, level=Level.INDIVIDUAL, unit=None, owner=m),
        set(ROLES),
    )


def test_check_in_owner_contributor_and_unit_leads(world):
    *_, kr = make_chain(world)
    _check(
        world,
        lambda m: policy.can_check_in(m, kr),
        {"owner", "contributor", "platform_lead", "eng_head"},
    )


def test_initiatives_everyone_with_a_stake_but_champion(world):
    *_, kr = make_chain(world)
    _check(
        world,
        lambda m: policy.can_manage_initiatives(m, kr),
        {"admin", "ceo", "eng_head", "platform_lead", "owner", "contributor"},
    )


def test_contributor_edits_only_own_initiatives(world):
    *_, kr = make_chain(world)
    mine = factories.InitiativeFactory(
        organization=world.org,
        key_result=kr,
        assignee=world.contributor,
        created_by=world.contributor,
    )
    theirs = factories.InitiativeFactory(
        organization=world.org, key_result=kr, created_by=world.owner
    )
    assert policy.can_edit_initiative(world.contributor, mine)
    assert not policy.can_edit_initiative(world.contributor, theirs)
    assert policy.can_edit_initiative(world.owner, mine)
    assert not policy.can_edit_initiative(world.champion, mine)


def test_everyone_views_and_comments_on_public_objectives(world):
    company, *_ = make_chain(world)
    _check(world, lambda m: policy.can_view_objective(m, company), set(ROLES))
    _check(world, lambda m: policy.can_comment(m, company), set(ROLES))


def test_private_objective_owner_manager_leads_and_executives(world):
    objective = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.INDIVIDUAL, owner=world.owner,
        unit=world.platform, visibility="private",
    )  # fmt: skip
    expected = {"admin", "ceo", "eng_head", "platform_lead", "owner"}
    _check(world, lambda m: policy.can_view_objective(m, objective), expected)
    _check(world, lambda m: policy.can_comment(m, objective), expected)


def test_health_dashboards_all_for_admin_exec_champion_unit_for_leads(world):
    _check(
        world,
        lambda m: policy.can_view_health(m),
        {"admin", "ceo", "champion", "eng_head", "platform_lead"},
    )
    _check(
        world,
        lambda m: policy.can_view_health(m, world.engineering),
        {"admin", "ceo", "champion", "eng_head"},
    )
    _check(world, policy.can_view_company_health, {"admin", "ceo", "champion"})


def test_close_cycle_admin_exec_champion(world):
    _check(world, lambda m: policy.can_close_cycle(m, world.cycle), {"admin", "ceo", "champion"})


def test_grade_admin_exec_champion_unit_lead_and_owner(world):
    _, _, team, _ = make_chain(world)
    _check(
        world,
        lambda m: policy.can_grade(m, team),
        {"admin", "ceo", "champion", "eng_head", "platform_lead"},
    )
    individual = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.INDIVIDUAL, owner=world.owner,
        unit=world.platform,
    )  # fmt: skip
    assert policy.can_grade(world.owner, individual)


def test_edit_objective_is_create_rule_plus_owner(world):
    company, dept, team, kr = make_chain(world)
    _check(world, lambda m: policy.can_edit_objective(m, dept), {"admin", "ceo", "eng_head"})
    _check(
        world, lambda m: policy.can_edit_key_result(m, kr),
        {"admin", "ceo", "eng_head", "platform_lead", "owner"},
    )  # fmt: skip


def test_members_of_another_org_may_do_nothing(world, outsider_membership):
    company, _, team, kr = make_chain(world)
    m = outsider_membership  # an admin, but of another organization
    assert not policy.can_view_objective(m, company)
    assert not policy.can_edit_objective(m, company)
    assert not policy.can_check_in(m, kr)
    assert not policy.can_comment(m, kr)
    assert not policy.can_close_cycle(m, world.cycle)
    assert not policy.can_grade(m, team)
    assert not policy.can_view_health(m, world.engineering)


def test_inactive_member_may_do_nothing(world):
    *_, kr = make_chain(world)
    world.owner.is_active = False
    assert not policy.can_check_in(world.owner, kr)


def test_require_raises_permission_denied_with_the_message():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Nope"):
        policy.require(False, "Nope")
    policy.require(True, "fine")
