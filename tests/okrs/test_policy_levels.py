"""policy.creatable_levels / preferred_level: the levels a form may offer and preselect."""

import pytest

from okrs.models import Cycle
from okrs.rules import policy
from tests import factories

pytestmark = pytest.mark.django_db
EVERY = ["company", "department", "team", "individual"]


def test_levels_follow_the_create_rule(world):
    assert policy.creatable_levels(world.admin) == EVERY
    assert policy.creatable_levels(world.ceo) == EVERY
    assert policy.creatable_levels(world.eng_head) == ["department", "team", "individual"]
    assert policy.creatable_levels(world.platform_lead) == ["department", "team", "individual"]
    for plain in (world.owner, world.contributor, world.bystander, world.champion):
        assert policy.creatable_levels(plain) == ["individual"]


def test_levels_for_a_given_unit_owner_and_cycle(world):
    lead = world.platform_lead
    assert "team" not in policy.creatable_levels(lead, unit=world.sales)
    assert "team" in policy.creatable_levels(lead, unit=world.platform)
    assert policy.creatable_levels(world.bystander, owner=world.owner) == []
    assert policy.creatable_levels(lead, owner=world.owner) == ["department", "team", "individual"]
    closed = factories.CycleFactory(organization=world.org, status=Cycle.Status.CLOSED)
    assert policy.creatable_levels(world.ceo, cycle=closed) == []
    assert policy.creatable_levels(None) == []


def test_outsiders_and_inactive_members_get_nothing(world, outsider_membership):
    # Another organization's unit or person is never a place to create in.
    levels = policy.creatable_levels(outsider_membership, unit=world.platform)
    assert "department" not in levels and "team" not in levels
    assert "individual" not in policy.creatable_levels(outsider_membership, owner=world.owner)
    world.owner.is_active = False
    assert policy.creatable_levels(world.owner) == []


@pytest.mark.parametrize(
    ("wanted", "allowed", "expected"),
    [
        ("department", ["individual"], "individual"),
        ("department", ["team", "individual"], "team"),
        ("company", EVERY, "company"),
        ("individual", ["company", "individual"], "individual"),
        ("galaxy", ["team", "individual"], "team"),
        ("team", [], None),
    ],
)
def test_preferred_level(wanted, allowed, expected):
    assert policy.preferred_level(wanted, allowed) == expected
