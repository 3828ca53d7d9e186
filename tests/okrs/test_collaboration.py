"""Initiatives, risks and comments with @mentions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from okrs import services
from okrs.models import CommentMention
from tests.okrs.conftest import make_chain


def test_contributor_initiative_is_assigned_to_themselves(world):
    *_, kr = make_chain(world)
    initiative = services.create_initiative(
        key_result=kr, actor=world.contributor, title="Profile queries", assignee=world.owner
    )
    assert initiative.assignee == world.contributor
    services.update_initiative(initiative=initiative, actor=world.contributor, status="doing")


def test_owner_assigns_initiatives_and_champion_may_not_add_them(world):
    *_, kr = make_chain(world)
    initiative = services.create_initiative(
        key_result=kr, actor=world.owner, title="Cache", assignee=world.contributor
    )
    assert initiative.assignee == world.contributor
    with pytest.raises(PermissionDenied):
        services.create_initiative(key_result=kr, actor=world.champion, title="X")


def test_initiative_needs_a_title_and_a_valid_status(world):
    *_, kr = make_chain(world)
    with pytest.raises(ValidationError) as exc:
        services.create_initiative(key_result=kr, actor=world.owner, title=" ")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_initiative(key_result=kr, actor=world.owner, title="X", status="nope")
    assert "status" in exc.value.message_dict


def test_risk_lifecycle(world):
    *_, kr = make_chain(world)
    risk = services.create_risk(
        key_result=kr, actor=world.owner, description="Vendor slips", likelihood=3, impact="2"
    )
    assert risk.score == 6
    risk = services.update_risk(risk=risk, actor=world.owner, status="mitigated")
    assert risk.status == "mitigated"
    with pytest.raises(PermissionDenied):
        services.delete_risk(risk=risk, actor=world.bystander)
    services.delete_risk(risk=risk, actor=world.owner)


def test_comment_mentions_by_local_part_and_full_name(world):
    company, *_ = make_chain(world)
    comment = services.add_comment(
        actor=world.ceo, objective=company,
        body="@owner and @Contributor please look; @eng.head. FYI @nobody",
    )  # fmt: skip
    mentioned = set(
        CommentMention.objects.filter(comment=comment).values_list("membership", flat=True)
    )
    assert mentioned == {world.owner.pk, world.contributor.pk, world.eng_head.pk}


def test_mentions_only_reach_members_of_the_same_org(world, outsider_membership):
    company, *_ = make_chain(world)
    comment = services.add_comment(actor=world.ceo, objective=company, body="@outsider hi")
    assert not CommentMention.objects.filter(comment=comment).exists()


def test_comment_needs_exactly_one_target(world):
    company, *_, kr = make_chain(world)
    with pytest.raises(ValidationError, match="exactly one"):
        services.add_comment(actor=world.ceo, body="x", objective=company, key_result=kr)
    with pytest.raises(ValidationError, match="exactly one"):
        services.add_comment(actor=world.ceo, body="x")
    with pytest.raises(ValidationError):
        services.add_comment(actor=world.ceo, body="   ", key_result=kr)


def test_comment_on_private_objective_needs_view_right(world):
    company, *_ = make_chain(world)
    services.update_objective(objective=company, actor=world.ceo, visibility="private")
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=world.bystander, objective=company, body="hi")


def test_other_orgs_member_cannot_comment(world, outsider_membership):
    company, *_ = make_chain(world)
    with pytest.raises(ValidationError):
        services.add_comment(actor=outsider_membership, objective=company, body="hi")


def test_author_or_admin_deletes_a_comment(world):
    company, *_ = make_chain(world)
    comment = services.add_comment(actor=world.owner, objective=company, body="hi")
    with pytest.raises(PermissionDenied):
        services.delete_comment(comment=comment, actor=world.bystander)
    services.delete_comment(comment=comment, actor=world.admin)
