"""Units, invitations and organization settings through the API: the org chart and settings
pages' services and policy (admins write, members read), tenant-scoped ids."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Invitation, Organization, OrgUnit, SecurityEvent
from accounts.rls import current_tenant
from accounts.services import revoke_invitation
from tests import factories
from tests.api.conftest import assert_problem
from tests.security.test_row_level_security import (  # the plain role and how to become it
    _as_probe,
    postgres_only,
    probe_role,  # noqa: F401 - a fixture
)

# ---- units -------------------------------------------------------------------------------


def test_admin_creates_a_team_under_a_department_with_a_lead(chart, token_client):
    response = token_client(chart.admin).post(
        chart.url("units/"),
        {"name": "Data", "kind": "team", "parent": chart.dept.pk, "lead": chart.bystander.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    unit = OrgUnit.objects.get(organization=chart.org, name="Data")
    assert response.json() == {
        "id": unit.pk,
        "name": "Data",
        "kind": "team",
        "parent": chart.dept.pk,
        "lead": chart.bystander.pk,
    }
    chart.bystander.refresh_from_db()
    assert chart.bystander.unit_id is None  # leading is not belonging: nobody moved


def test_a_new_lead_moves_into_the_unit_only_when_asked(chart, token_client):
    client = token_client(chart.admin)
    response = client.post(
        chart.url("units/"),
        {"name": "Data", "kind": "team", "parent": chart.dept.pk, "lead": chart.owner.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    chart.owner.refresh_from_db()
    assert chart.owner.unit_id == chart.team.pk  # still in Platform
    data = OrgUnit.objects.get(organization=chart.org, name="Data")
    moved = client.patch(
        chart.url(f"units/{data.pk}/"), {"lead": chart.owner.pk, "move_lead": True}, format="json"
    )
    assert moved.status_code == 200, moved.content
    chart.owner.refresh_from_db()
    assert chart.owner.unit_id == data.pk


def test_admin_renames_moves_and_clears_the_lead_of_a_unit(chart, token_client):
    response = token_client(chart.admin).patch(
        chart.url(f"units/{chart.team.pk}/"),
        {"name": "Platform & Infra", "parent": None, "lead": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": chart.team.pk,
        "name": "Platform & Infra",
        "kind": "team",
        "parent": None,
        "lead": None,
    }
    # Fields not sent stay: a PATCH of the kind only keeps the new name.
    again = token_client(chart.admin).patch(
        chart.url(f"units/{chart.team.pk}/"), {"kind": "department"}, format="json"
    )
    assert (again.json()["name"], again.json()["kind"]) == ("Platform & Infra", "department")


def test_admin_deletes_an_empty_unit(chart, token_client):
    empty = factories.OrgUnitFactory(organization=chart.org, name="Empty")
    response = token_client(chart.admin).delete(chart.url(f"units/{empty.pk}/"))
    assert response.status_code == 204
    assert not OrgUnit.objects.filter(pk=empty.pk).exists()


def test_deleting_a_unit_with_members_or_teams_is_refused_with_the_reason(chart, token_client):
    client = token_client(chart.admin)
    with_members = assert_problem(client.delete(chart.url(f"units/{chart.dept.pk}/")), 400)
    assert "still has members" in with_members["detail"]
    team = chart.team
    team.members.update(unit=None)
    with_objectives = assert_problem(client.delete(chart.url(f"units/{team.pk}/")), 400)
    assert "still has objectives" in with_objectives["detail"]
    assert OrgUnit.objects.filter(pk__in=[chart.dept.pk, team.pk]).count() == 2


def test_unit_writes_are_for_admins_only(chart, token_client):
    client = token_client(chart.team_lead)
    created = client.post(chart.url("units/"), {"name": "Rogue"}, format="json")
    assert "Only admins" in assert_problem(created, 403)["detail"]
    assert_problem(client.post(chart.url("units/"), {}, format="json"), 403)  # body unread
    renamed = client.patch(chart.url(f"units/{chart.team.pk}/"), {"name": "Mine"}, format="json")
    assert_problem(renamed, 403)
    empty = factories.OrgUnitFactory(organization=chart.org)
    assert_problem(client.delete(chart.url(f"units/{empty.pk}/")), 403)
    assert not OrgUnit.objects.filter(name__in=["Rogue", "Mine"]).exists()
    assert OrgUnit.objects.filter(pk=empty.pk).exists()
    # Reading stays open to every member.
    assert client.get(chart.url(f"units/{chart.team.pk}/")).status_code == 200


def test_invalid_unit_writes_are_problem_details_and_write_nothing(chart, token_client, other_org):
    client = token_client(chart.admin)
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    before = OrgUnit.objects.filter(organization=chart.org).count()
    cases = {
        "name": {"name": ""},
        "kind": {"name": "X", "kind": "tribe"},
        "parent": {"name": "X", "parent": foreign_unit.pk},
        "color": {"name": "X", "color": "red"},
    }
    for field, body in cases.items():
        problem = assert_problem(client.post(chart.url("units/"), body, format="json"), 400)
        assert field in problem["errors"], (field, problem)
    duplicate = client.post(
        chart.url("units/"), {"name": "platform", "parent": chart.dept.pk}, format="json"
    )
    assert "already a unit" in assert_problem(duplicate, 400)["errors"]["name"][0]
    loop = client.patch(
        chart.url(f"units/{chart.dept.pk}/"), {"parent": chart.team.pk}, format="json"
    )
    assert "parent" in assert_problem(loop, 400)["errors"]
    assert OrgUnit.objects.filter(organization=chart.org).count() == before
    chart.dept.refresh_from_db()
    assert chart.dept.parent_id is None


def test_another_organizations_unit_is_404_for_every_method(chart, token_client, other_org):
    foreign = factories.OrgUnitFactory(organization=other_org, name="Theirs")
    client = token_client(chart.admin)
    url = chart.url(f"units/{foreign.pk}/")
    assert_problem(client.get(url), 404)
    assert_problem(client.patch(url, {"name": "Ours now"}, format="json"), 404)
    assert_problem(client.delete(url), 404)
    assert_problem(client.get(chart.url("units/99999999999999999999/")), 404)
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"


# ---- invitations -------------------------------------------------------------------------


def test_every_member_lists_pending_invitations_only(chart, token_client):
    pending = factories.InvitationFactory(organization=chart.org, email="new@acme-test.example")
    factories.InvitationFactory(organization=chart.org, revoked_at=pending.expires_at)
    body = token_client(chart.bystander).get(chart.url("invitations/")).json()
    assert [row["id"] for row in body["results"]] == [pending.pk]
    assert body["results"][0]["email"] == "new@acme-test.example"


def test_admin_invites_and_inviting_again_resends_the_same_invitation(
    chart, token_client, django_capture_on_commit_callbacks
):
    client = token_client(chart.admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            chart.url("invitations/"),
            {"email": "New.Person@Example.com", "role": "champion", "unit": chart.team.pk},
            format="json",
        )
    assert first.status_code == 201, first.content
    assert (first.json()["email"], first.json()["role"], first.json()["unit"]) == (
        "new.person@example.com",
        "champion",
        chart.team.pk,
    )
    assert mail.outbox[-1].to == ["new.person@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            chart.url("invitations/"), {"email": "new.person@example.com"}, format="json"
        )
    assert again.status_code == 201, again.content
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["role"] == "member"  # the role given now (the default)
    assert len(mail.outbox) == 2
    assert Invitation.objects.filter(organization=chart.org).count() == 1


def test_only_admins_invite_and_revoke(chart, token_client, django_capture_on_commit_callbacks):
    invitation = factories.InvitationFactory(organization=chart.org)
    client = token_client(chart.team_lead)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(chart.url("invitations/"), {"email": "x@example.com"}, format="json")
    assert_problem(created, 403)
    assert_problem(client.delete(chart.url(f"invitations/{invitation.pk}/")), 403)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Invitation.objects.filter(organization=chart.org).count() == 1
    assert mail.outbox == []


def test_admin_revokes_an_invitation(chart, token_client):
    invitation = factories.InvitationFactory(organization=chart.org)
    client = token_client(chart.admin)
    assert client.delete(chart.url(f"invitations/{invitation.pk}/")).status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(chart.url("invitations/")).json()["results"] == []
    assert SecurityEvent.objects.filter(
        organization=chart.org, kind=SecurityEvent.Kind.INVITATION_REVOKED
    ).exists()
    # Again (a double click, a retried request): nothing changes, no second event.
    first = invitation.revoked_at
    again = revoke_invitation(invitation=invitation, actor=chart.admin)
    assert again.revoked_at == first
    assert (
        SecurityEvent.objects.filter(
            organization=chart.org, kind=SecurityEvent.Kind.INVITATION_REVOKED
        ).count()
        == 1
    )


def test_invalid_invitations_are_problem_details_and_write_nothing(chart, token_client, other_org):
    client = token_client(chart.admin)
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    cases = {
        "email": {"email": "not-an-address"},
        "role": {"email": "a@example.com", "role": "owner"},
        "unit": {"email": "a@example.com", "unit": foreign_unit.pk},
    }
    for field, body in cases.items():
        problem = assert_problem(client.post(chart.url("invitations/"), body, format="json"), 400)
        assert field in problem["errors"], (field, problem)
    member = client.post(
        chart.url("invitations/"), {"email": "owner@acme-test.example"}, format="json"
    )
    assert "already a member" in assert_problem(member, 400)["errors"]["email"][0]
    accepted = factories.InvitationFactory(organization=chart.org, accepted_at=chart.org.created_at)
    assert_problem(client.delete(chart.url(f"invitations/{accepted.pk}/")), 400)
    assert not Invitation.objects.filter(organization=chart.org, accepted_at=None).exists()
    assert mail.outbox == []


def test_another_organizations_invitation_is_404(chart, token_client, other_org):
    foreign = factories.InvitationFactory(organization=other_org)
    client = token_client(chart.admin)
    assert_problem(client.delete(chart.url(f"invitations/{foreign.pk}/")), 404)
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# ---- organization settings ---------------------------------------------------------------


def test_every_member_reads_the_settings(chart, token_client):
    body = token_client(chart.bystander).get(chart.url("settings/")).json()
    assert body["slug"] == chart.org.slug
    assert body["name"] == chart.org.name
    assert set(body) >= {"timezone", "checkin_weekday", "checkin_hour", "digest_cadence"}


def test_admin_changes_settings_and_the_change_is_a_security_event(chart, token_client):
    response = token_client(chart.admin).patch(
        chart.url("settings/"),
        {"timezone": "Europe/Berlin", "checkin_hour": 10, "followup_weekday": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["timezone"], response.json()["checkin_hour"]) == ("Europe/Berlin", 10)
    chart.org.refresh_from_db()
    assert (chart.org.timezone, chart.org.followup_weekday) == ("Europe/Berlin", 3)
    event = SecurityEvent.objects.get(
        organization=chart.org, kind=SecurityEvent.Kind.SETTINGS_CHANGED
    )
    assert sorted(event.detail["fields"]) == ["checkin_hour", "followup_weekday", "timezone"]


def test_only_admins_change_settings(chart, token_client):
    response = token_client(chart.team_lead).patch(
        chart.url("settings/"), {"name": "Hijacked"}, format="json"
    )
    assert_problem(response, 403)
    chart.org.refresh_from_db()
    assert chart.org.name == "Acme Test"


def test_invalid_settings_are_problem_details_and_write_nothing(chart, token_client):
    client = token_client(chart.admin)
    before = Organization.objects.filter(pk=chart.org.pk).values().get()
    cases = {
        "timezone": {"timezone": "Mars/Olympus"},
        "timezone ": {"timezone": "A" * 400},  # once OSError: File name too long (a 500)
        "timezone  ": {"timezone": "../../../etc/passwd"},
        "checkin_hour": {"checkin_hour": 24},
        "fiscal_year_start_month": {"fiscal_year_start_month": 13},
        "name": {"name": "two\nlines"},
        "slug": {"slug": "new-slug"},
        "digest_cadence": {"digest_cadence": "hourly", "checkin_hour": 8},
    }
    for field, body in cases.items():
        problem = assert_problem(client.patch(chart.url("settings/"), body, format="json"), 400)
        assert field.strip() in problem["errors"], (field, problem)
    assert Organization.objects.filter(pk=chart.org.pk).values().get() == before
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SETTINGS_CHANGED).exists()


def test_settings_of_another_organization_are_404(chart, token_client, other_org):
    client = token_client(chart.admin)
    assert_problem(client.get(f"/api/v1/orgs/{other_org.slug}/settings/"), 404)
    response = client.patch(
        f"/api/v1/orgs/{other_org.slug}/settings/", {"name": "Ours"}, format="json"
    )
    assert_problem(response, 404)
    other_org.refresh_from_db()
    assert other_org.name == "Other Co"


# ---- behind the row-level-security wall (PostgreSQL, as a plain role) --------------------


@postgres_only
@pytest.mark.usefixtures("probe_role")
def test_the_writes_work_behind_the_wall(chart, token_client, django_capture_on_commit_callbacks):
    client = token_client(chart.admin)
    _as_probe()
    created = client.post(chart.url("units/"), {"name": "Walled", "kind": "team"}, format="json")
    assert created.status_code == 201, created.content
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(chart.url("invitations/"), {"email": "w@example.com"}, format="json")
    assert invited.status_code == 201, invited.content
    assert mail.outbox[-1].to == ["w@example.com"]
    revoked = client.delete(chart.url(f"invitations/{invited.json()['id']}/"))
    assert revoked.status_code == 204
    changed = client.patch(chart.url("settings/"), {"checkin_hour": 7}, format="json")
    assert changed.status_code == 200, changed.content
    gone = client.delete(chart.url(f"units/{created.json()['id']}/"))
    assert gone.status_code == 204
    assert current_tenant() is None
