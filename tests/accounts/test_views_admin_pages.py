"""Unit, member and settings pages: admins edit, others read, bad input never writes."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, OrgUnit, Role
from tests import factories


def url(name, org, **kwargs):
    return reverse(f"orgchart:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_admin_creates_unit_through_form(org, admin_membership, client_for):
    response = client_for(admin_membership).post(
        url("unit_create", org),
        {"name": "Engineering", "kind": "department", "lead": admin_membership.pk},
        follow=True,
    )
    assert response.status_code == 200
    unit = OrgUnit.objects.get(organization=org, name="Engineering")
    assert unit.lead == admin_membership
    assert "Unit “Engineering” created." in response.content.decode()


def test_a_new_units_lead_stays_in_their_unit_and_the_form_says_so(
    org, admin_membership, client_for
):
    """Leading and belonging are separate: the old unit keeps its member unless the admin
    ticks "Also move the lead into this unit"; the form and the message say which."""
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    kim = factories.MembershipFactory(organization=org, unit=eng, user__full_name="Kim Lee")
    client = client_for(admin_membership)
    form = client.get(url("unit_create", org)).content.decode()
    assert "Leading a unit does not move anyone" in form
    assert "Also move the lead into this unit" in form
    response = client.post(
        url("unit_create", org), {"name": "Platform", "kind": "team", "lead": kim.pk}, follow=True
    )
    page = response.content.decode()
    assert "Unit “Platform” created. Kim Lee leads it and stays in Engineering." in page
    kim.refresh_from_db()
    assert kim.unit == eng
    assert "1 member</a>" in page  # Engineering still counts Kim on the org chart
    platform = OrgUnit.objects.get(organization=org, name="Platform")
    edit = client.get(url("unit_edit", org, unit_id=platform.pk)).content.decode()
    assert "Also move Kim Lee from Engineering into this unit" in edit
    response = client.post(
        url("unit_edit", org, unit_id=platform.pk),
        {"name": "Platform", "kind": "team", "lead": kim.pk, "move_lead": "on"},
        follow=True,
    )
    assert "Kim Lee leads it and moved into it." in response.content.decode()
    kim.refresh_from_db()
    assert kim.unit == platform


def test_duplicate_unit_name_shows_field_error_and_keeps_input(org, admin_membership, client_for):
    factories.OrgUnitFactory(organization=org, name="Sales")
    response = client_for(admin_membership).post(
        url("unit_create", org), {"name": "Sales", "kind": "team"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "already a unit called" in html
    assert 'value="Sales"' in html
    assert OrgUnit.objects.filter(organization=org).count() == 1


def test_foreign_parent_or_lead_is_an_invalid_choice(
    org, other_org, admin_membership, outsider_membership, client_for
):
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    response = client_for(admin_membership).post(
        url("unit_create", org),
        {
            "name": "Sneaky",
            "kind": "team",
            "parent": foreign_unit.pk,
            "lead": outsider_membership.pk,
        },
    )
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert not OrgUnit.objects.filter(name="Sneaky").exists()


def test_moving_unit_under_its_child_shows_error(org, admin_membership, client_for):
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    child = factories.OrgUnitFactory(organization=org, name="Platform", parent=eng)
    response = client_for(admin_membership).post(
        url("unit_edit", org, unit_id=eng.pk),
        {"name": "Engineering", "kind": "department", "parent": child.pk},
    )
    assert "cannot be moved under itself" in response.content.decode()
    eng.refresh_from_db()
    assert eng.parent is None


def test_admin_edits_unit(org, admin_membership, client_for):
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    response = client_for(admin_membership).post(
        url("unit_edit", org, unit_id=eng.pk), {"name": "R&D", "kind": "department"}
    )
    assert response.status_code == 302
    eng.refresh_from_db()
    assert eng.name == "R&D"


def test_delete_asks_for_confirmation_then_deletes(org, admin_membership, client_for):
    unit = factories.OrgUnitFactory(organization=org, name="Temp")
    client = client_for(admin_membership)
    page = client.get(url("unit_delete", org, unit_id=unit.pk))
    assert page.status_code == 200 and "Delete “Temp”?" in page.content.decode()
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert client.post(url("unit_delete", org, unit_id=unit.pk)).status_code == 302
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


def test_delete_of_unit_with_objectives_explains_why(org, admin_membership, client_for):
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.ObjectiveFactory(organization=org, unit=unit, level="department")
    response = client_for(admin_membership).post(url("unit_delete", org, unit_id=unit.pk))
    assert response.status_code == 400
    assert "still has objectives" in response.content.decode()
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.parametrize("fixture", ["member_membership", "executive_membership"])
def test_non_admin_gets_friendly_403_on_admin_pages(org, client_for, request, fixture):
    membership = request.getfixturevalue(fixture)
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    client = client_for(membership)
    for path in (url("unit_create", org), url("unit_edit", org, unit_id=unit.pk)):
        for method in (client.get, client.post):
            response = method(path, {"name": "Hijack", "kind": "team"})
            assert response.status_code == 403
            assert "Only admins" in response.content.decode()
    response = client.post(url("unit_delete", org, unit_id=unit.pk))
    assert response.status_code == 403
    assert OrgUnit.objects.filter(pk=unit.pk, name="Sales").exists()
    assert not OrgUnit.objects.filter(name="Hijack").exists()


def test_member_detail_is_read_only_for_members(
    org, member_membership, admin_membership, client_for
):
    client = client_for(member_membership)
    page = client.get(url("member", org, membership_id=admin_membership.pk))
    assert page.status_code == 200 and "Save" not in page.content.decode()
    response = client.post(
        url("member", org, membership_id=member_membership.pk), {"role": "admin"}
    )
    assert response.status_code == 403
    member_membership.refresh_from_db()
    assert member_membership.role == Role.MEMBER


def test_admin_edits_member(org, admin_membership, member_membership, client_for):
    unit = factories.OrgUnitFactory(organization=org)
    response = client_for(admin_membership).post(
        url("member", org, membership_id=member_membership.pk),
        {"role": "champion", "title": "Coach", "unit": unit.pk, "reports_to": admin_membership.pk},
    )
    assert response.status_code == 302
    member_membership.refresh_from_db()
    assert member_membership.role == "champion" and member_membership.unit == unit


def test_member_edit_with_foreign_ids_writes_nothing(
    org, other_org, admin_membership, member_membership, outsider_membership, client_for
):
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    response = client_for(admin_membership).post(
        url("member", org, membership_id=member_membership.pk),
        {"role": "member", "unit": foreign_unit.pk, "reports_to": outsider_membership.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    member_membership.refresh_from_db()
    assert member_membership.unit is None and member_membership.reports_to is None


def test_reports_to_loop_shows_field_error(org, admin_membership, client_for):
    boss = factories.MembershipFactory(organization=org)
    report = factories.MembershipFactory(organization=org, reports_to=boss)
    response = client_for(admin_membership).post(
        url("member", org, membership_id=boss.pk), {"role": "member", "reports_to": report.pk}
    )
    assert response.status_code == 400
    assert "reporting loop" in response.content.decode()


def test_deactivate_needs_confirmation(org, admin_membership, member_membership, client_for):
    client = client_for(admin_membership)
    path = url("member_deactivate", org, membership_id=member_membership.pk)
    assert "Deactivate" in client.get(path).content.decode()
    assert Membership.objects.get(pk=member_membership.pk).is_active
    assert client.post(path).status_code == 302
    assert not Membership.objects.get(pk=member_membership.pk).is_active
    client.post(url("member_reactivate", org, membership_id=member_membership.pk))
    assert Membership.objects.get(pk=member_membership.pk).is_active


def test_admin_deactivating_self_gets_message(org, admin_membership, client_for):
    response = client_for(admin_membership).post(
        url("member_deactivate", org, membership_id=admin_membership.pk)
    )
    assert response.status_code == 400
    assert "cannot deactivate yourself" in response.content.decode()


def test_settings_page_saves_for_admin(org, admin_membership, client_for):
    data = {
        "name": "Acme Two",
        "timezone": "Europe/Paris",
        "checkin_weekday": 1,
        "checkin_hour": 10,
        "followup_weekday": "",
        "digest_cadence": "weekly",
        "fiscal_year_start_month": 7,
    }
    response = client_for(admin_membership).post(url("settings", org), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.timezone, org.fiscal_year_start_month) == ("Acme Two", "Europe/Paris", 7)


def test_settings_page_rejects_bad_values(org, admin_membership, client_for):
    data = {
        "name": "",
        "timezone": "Mars/Base",
        "checkin_weekday": 9,
        "checkin_hour": 99,
        "digest_cadence": "hourly",
        "fiscal_year_start_month": 0,
    }
    response = client_for(admin_membership).post(url("settings", org), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="error"') >= 5
    assert Organization.objects.get(pk=org.pk).name == "Acme Test"


def test_settings_read_only_for_members(org, member_membership, client_for):
    client = client_for(member_membership)
    page = client.get(url("settings", org))
    assert page.status_code == 200
    assert "Save settings" not in page.content.decode() and "disabled" in page.content.decode()
    assert client.post(url("settings", org), {"name": "Hacked"}).status_code == 403
    assert Organization.objects.get(pk=org.pk).name == "Acme Test"


def test_settings_link_in_nav_only_for_admins(org, admin_membership, member_membership, client):
    client.force_login(admin_membership.user)
    settings_href = url("settings", org)
    assert settings_href in client.get(url("chart", org)).content.decode()
    client.force_login(member_membership.user)
    html = client.get(url("chart", org)).content.decode()
    assert f'href="{settings_href}"' not in html
