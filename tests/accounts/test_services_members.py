"""Member and organization-settings services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import Membership, OrgUnit, Role
from tests import factories


def test_admin_changes_role_title_unit_and_manager(org, admin_membership, member_membership):
    unit = factories.OrgUnitFactory(organization=org)
    updated = services.update_member(
        membership=member_membership,
        actor=admin_membership,
        role=Role.CHAMPION,
        title=" Coach ",
        unit=unit,
        reports_to=admin_membership,
    )
    assert (updated.role, updated.title, updated.unit, updated.reports_to) == (
        Role.CHAMPION,
        "Coach",
        unit,
        admin_membership,
    )


def test_member_cannot_change_roles(org, member_membership, admin_membership):
    with pytest.raises(PermissionDenied):
        services.update_member(
            membership=member_membership, actor=member_membership, role=Role.ADMIN
        )
    member_membership.refresh_from_db()
    assert member_membership.role == Role.MEMBER


def test_unit_from_other_org_is_refused(org, other_org, admin_membership, member_membership):
    foreign = factories.OrgUnitFactory(organization=other_org)
    with pytest.raises(ValidationError) as exc:
        services.update_member(membership=member_membership, actor=admin_membership, unit=foreign)
    assert "unit" in exc.value.message_dict
    member_membership.refresh_from_db()
    assert member_membership.unit is None


def test_manager_from_other_org_is_refused(
    org, admin_membership, member_membership, outsider_membership
):
    with pytest.raises(ValidationError):
        services.update_member(
            membership=member_membership, actor=admin_membership, reports_to=outsider_membership
        )


def test_reports_to_loop_is_refused(org, admin_membership):
    a = factories.MembershipFactory(organization=org)
    b = factories.MembershipFactory(organization=org, reports_to=a)
    c = factories.MembershipFactory(organization=org, reports_to=b)
    for manager in (a, c):
        with pytest.raises(ValidationError) as exc:
            services.update_member(membership=a, actor=admin_membership, reports_to=manager)
        assert "loop" in exc.value.message_dict["reports_to"][0]
    a.refresh_from_db()
    assert a.reports_to is None


def test_last_admin_cannot_be_demoted(org, admin_membership):
    with pytest.raises(ValidationError, match="last admin"):
        services.update_member(
            membership=admin_membership, actor=admin_membership, role=Role.MEMBER
        )


def test_admin_can_be_demoted_when_another_admin_exists(org, admin_membership):
    other = factories.MembershipFactory(organization=org, role=Role.ADMIN)
    services.update_member(membership=other, actor=admin_membership, role=Role.MEMBER)
    other.refresh_from_db()
    assert other.role == Role.MEMBER


def test_admin_cannot_deactivate_themselves(org, admin_membership):
    factories.MembershipFactory(organization=org, role=Role.ADMIN)
    with pytest.raises(PermissionDenied, match="yourself"):
        services.deactivate_member(membership=admin_membership, actor=admin_membership)


def test_admin_can_deactivate_another_admin(org, admin_membership):
    other_admin = factories.MembershipFactory(organization=org, role=Role.ADMIN)
    services.deactivate_member(membership=other_admin, actor=admin_membership)
    assert not Membership.objects.get(pk=other_admin.pk).is_active


def test_deactivating_lead_clears_unit_lead_and_reactivation_restores_access(
    org, admin_membership, member_membership
):
    unit = factories.OrgUnitFactory(organization=org, lead=member_membership)
    services.deactivate_member(membership=member_membership, actor=admin_membership)
    unit.refresh_from_db()
    member_membership.refresh_from_db()
    assert unit.lead is None and not member_membership.is_active
    services.reactivate_member(membership=member_membership, actor=admin_membership)
    member_membership.refresh_from_db()
    assert member_membership.is_active


def test_member_cannot_deactivate_others(org, admin_membership, member_membership):
    with pytest.raises(PermissionDenied):
        services.deactivate_member(membership=admin_membership, actor=member_membership)


def test_settings_update_validates_timezone(org, admin_membership):
    with pytest.raises(ValidationError) as exc:
        services.update_organization_settings(
            organization=org, actor=admin_membership, timezone="Mars/Olympus"
        )
    assert "timezone" in exc.value.message_dict
    org.refresh_from_db()
    assert org.timezone == "UTC"


def test_settings_update_saves_schedule(org, admin_membership):
    services.update_organization_settings(
        organization=org,
        actor=admin_membership,
        name="Acme Renamed",
        timezone="Europe/Paris",
        checkin_weekday=2,
        checkin_hour=14,
        followup_weekday=4,
        remind_contributors=True,
        digest_cadence="biweekly",
        fiscal_year_start_month=4,
    )
    org.refresh_from_db()
    assert (org.name, org.timezone, org.checkin_hour, org.fiscal_year_start_month) == (
        "Acme Renamed",
        "Europe/Paris",
        14,
        4,
    )


def test_settings_reject_bad_hour_and_month(org, admin_membership):
    with pytest.raises(ValidationError) as exc:
        services.update_organization_settings(
            organization=org, actor=admin_membership, checkin_hour=30, fiscal_year_start_month=13
        )
    assert {"checkin_hour", "fiscal_year_start_month"} <= set(exc.value.message_dict)


def test_executive_cannot_change_settings(org, executive_membership):
    with pytest.raises(PermissionDenied):
        services.update_organization_settings(
            organization=org, actor=executive_membership, name="Hacked"
        )
    org.refresh_from_db()
    assert org.name == "Acme Test"


def test_unknown_settings_are_refused(org, admin_membership):
    with pytest.raises(ValidationError, match="Unknown settings"):
        services.update_organization_settings(organization=org, actor=admin_membership, slug="x")


def test_units_are_untouched_by_member_services(org, admin_membership, member_membership):
    services.update_member(membership=member_membership, actor=admin_membership, title="Dev")
    assert not OrgUnit.objects.exists()
