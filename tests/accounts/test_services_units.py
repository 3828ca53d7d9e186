"""Org-unit services: names, tree cycles, leads, deletion rules, permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import selectors, services
from accounts.models import OrgUnit
from tests import factories


def test_admin_creates_nested_units(org, admin_membership):
    eng = services.create_unit(
        organization=org, actor=admin_membership, name="Engineering", kind="department"
    )
    platform = services.create_unit(
        organization=org, actor=admin_membership, name=" Platform ", parent=eng
    )
    assert platform.name == "Platform"
    assert platform.parent == eng
    tree = selectors.chart_top(organization=org)
    assert [n.unit.name for n in tree] == ["Engineering"]
    assert [n.unit.name for n in tree[0].children] == ["Platform"]


def test_non_admins_cannot_create_units(org, executive_membership, member_membership):
    for actor in (executive_membership, member_membership):
        with pytest.raises(PermissionDenied):
            services.create_unit(organization=org, actor=actor, name="Sales")
    assert not OrgUnit.objects.exists()


def test_admin_of_other_org_cannot_create_units(org, outsider_membership):
    with pytest.raises(PermissionDenied):
        services.create_unit(organization=org, actor=outsider_membership, name="Sales")


def test_duplicate_unit_name_in_same_parent_is_refused(org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    services.create_unit(organization=org, actor=admin_membership, name="Platform", parent=eng)
    with pytest.raises(ValidationError) as exc:
        services.create_unit(organization=org, actor=admin_membership, name="platform", parent=eng)
    assert "already a unit called" in exc.value.message_dict["name"][0]
    with pytest.raises(ValidationError):
        services.create_unit(organization=org, actor=admin_membership, name="ENGINEERING")


def test_same_unit_name_under_different_parents_is_fine(org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    sales = services.create_unit(organization=org, actor=admin_membership, name="Sales")
    services.create_unit(organization=org, actor=admin_membership, name="Ops", parent=eng)
    services.create_unit(organization=org, actor=admin_membership, name="Ops", parent=sales)
    assert OrgUnit.objects.filter(name="Ops").count() == 2


def test_blank_unit_name_is_refused(org, admin_membership):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(organization=org, actor=admin_membership, name="   ")
    assert "name" in exc.value.message_dict


def test_rename_refuses_sibling_name(org, admin_membership):
    services.create_unit(organization=org, actor=admin_membership, name="Sales")
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    with pytest.raises(ValidationError):
        services.rename_unit(unit=eng, actor=admin_membership, name="Sales")
    renamed = services.rename_unit(unit=eng, actor=admin_membership, name="R&D")
    assert renamed.name == "R&D"


def test_moving_unit_under_its_descendant_is_refused(org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    platform = services.create_unit(
        organization=org, actor=admin_membership, name="Platform", parent=eng
    )
    infra = services.create_unit(
        organization=org, actor=admin_membership, name="Infra", parent=platform
    )
    for target in (eng, infra):
        with pytest.raises(ValidationError) as exc:
            services.move_unit(unit=eng, actor=admin_membership, parent=target)
        assert "under itself" in exc.value.message_dict["parent"][0]
    eng.refresh_from_db()
    assert eng.parent is None


def test_moving_unit_carries_its_teams(org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    product = services.create_unit(organization=org, actor=admin_membership, name="Product")
    platform = services.create_unit(
        organization=org, actor=admin_membership, name="Platform", parent=eng
    )
    services.move_unit(unit=eng, actor=admin_membership, parent=product)
    ancestors = [u.name for u in platform.ancestors()]
    assert ancestors == ["Product", "Engineering"]


def test_moving_unit_into_other_org_is_refused(org, other_org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    foreign = factories.OrgUnitFactory(organization=other_org)
    with pytest.raises(ValidationError):
        services.move_unit(unit=eng, actor=admin_membership, parent=foreign)
    eng.refresh_from_db()
    assert eng.parent is None


def test_unit_lead_must_be_member_of_the_org(org, admin_membership, outsider_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    with pytest.raises(ValidationError) as exc:
        services.set_unit_lead(unit=eng, actor=admin_membership, lead=outsider_membership)
    assert "lead" in exc.value.message_dict
    services.set_unit_lead(unit=eng, actor=admin_membership, lead=admin_membership)
    eng.refresh_from_db()
    assert eng.lead == admin_membership


def test_deleting_unit_with_members_is_refused(org, admin_membership, member_membership):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    member_membership.unit = unit
    member_membership.save()
    with pytest.raises(ValidationError, match="still has members"):
        services.delete_unit(unit=unit, actor=admin_membership)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_deleting_unit_with_child_units_is_refused(org, admin_membership):
    parent = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.OrgUnitFactory(organization=org, name="SMB", parent=parent)
    with pytest.raises(ValidationError, match="still has teams"):
        services.delete_unit(unit=parent, actor=admin_membership)


def test_deleting_unit_with_objectives_is_refused(org, admin_membership):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.ObjectiveFactory(organization=org, unit=unit, level="department")
    with pytest.raises(ValidationError, match="still has objectives"):
        services.delete_unit(unit=unit, actor=admin_membership)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_deleting_empty_unit_works(org, admin_membership):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    services.delete_unit(unit=unit, actor=admin_membership)
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


def test_member_cannot_delete_unit(org, member_membership):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    with pytest.raises(PermissionDenied):
        services.delete_unit(unit=unit, actor=member_membership)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_org_chart_counts_only_active_members(org, admin_membership):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.MembershipFactory(organization=org, unit=unit)
    factories.MembershipFactory(organization=org, unit=unit, is_active=False)
    factories.OrgUnitFactory(organization=factories.OrganizationFactory(), name="Elsewhere")
    [node] = selectors.chart_top(organization=org)
    assert node.unit.member_count == 1


def test_leading_a_unit_does_not_move_the_lead_unless_asked(org, admin_membership):
    eng = services.create_unit(organization=org, actor=admin_membership, name="Engineering")
    platform = services.create_unit(
        organization=org, actor=admin_membership, name="Platform", parent=eng
    )
    pat = factories.MembershipFactory(organization=org, unit=eng)
    services.set_unit_lead(unit=platform, actor=admin_membership, lead=pat)
    pat.refresh_from_db()
    assert pat.unit == eng  # leads Platform, still a member of Engineering
    sales = services.create_unit(organization=org, actor=admin_membership, name="Sales", lead=pat)
    pat.refresh_from_db()
    assert (sales.lead, pat.unit) == (pat, eng)
    # Asked to: they move, as any member change.
    services.set_unit_lead(unit=platform, actor=admin_membership, lead=pat, move_lead=True)
    pat.refresh_from_db()
    assert pat.unit == platform
    ops = services.create_unit(
        organization=org, actor=admin_membership, name="Ops", lead=pat, move_lead=True
    )
    pat.refresh_from_db()
    assert pat.unit == ops
