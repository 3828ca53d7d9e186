"""/members/ and /units/: read-only, tenant-scoped."""

from tests import factories
from tests.api.conftest import assert_problem


def test_members_list_shows_people_with_their_unit_and_manager(chart, token_client):
    body = token_client(chart.owner).get(chart.url("members/?page_size=200")).json()
    owner = next(m for m in body["results"] if m["id"] == chart.owner.pk)
    assert owner == {
        "id": chart.owner.pk,
        "user_email": "owner@acme-test.example",
        "name": chart.owner.user.display_name,
        "role": "member",
        "unit": chart.team.pk,
        "reports_to": chart.team_lead.pk,
        "title": "",
        "is_active": True,
    }


def test_admin_changes_a_members_role_unit_and_manager(chart, token_client):
    url = chart.url(f"members/{chart.bystander.pk}/")
    response = token_client(chart.admin).patch(
        url,
        {"role": "champion", "unit": chart.team.pk, "reports_to": chart.team_lead.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["role"], body["unit"], body["reports_to"]) == (
        "champion",
        chart.team.pk,
        chart.team_lead.pk,
    )


def test_admin_deactivates_and_reactivates_a_member(chart, token_client):
    client = token_client(chart.admin)
    url = chart.url(f"members/{chart.bystander.pk}/")
    assert client.patch(url, {"is_active": False}, format="json").json()["is_active"] is False
    listed = client.get(chart.url("members/?is_active=false")).json()
    assert [m["id"] for m in listed["results"]] == [chart.bystander.pk]
    assert client.patch(url, {"is_active": True}, format="json").json()["is_active"] is True


def test_only_admins_change_members(chart, token_client):
    response = token_client(chart.team_lead).patch(
        chart.url(f"members/{chart.owner.pk}/"), {"role": "admin"}, format="json"
    )
    assert_problem(response, 403)
    chart.owner.refresh_from_db()
    assert chart.owner.role == "member"


def test_member_updates_reject_other_orgs_units_and_reporting_loops(chart, token_client, other_org):
    client = token_client(chart.admin)
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    url = chart.url(f"members/{chart.team_lead.pk}/")
    bad_unit = client.patch(url, {"unit": foreign_unit.pk}, format="json")
    assert "Invalid pk" in assert_problem(bad_unit, 400)["errors"]["unit"][0]
    loop = client.patch(url, {"reports_to": chart.owner.pk}, format="json")
    assert "reports_to" in assert_problem(loop, 400)["errors"]
    unknown = client.patch(url, {"email": "x@y.z"}, format="json")
    assert "email" in assert_problem(unknown, 400)["errors"]


def test_members_cannot_be_created_through_the_api(chart, token_client):
    response = token_client(chart.admin).post(chart.url("members/"), {}, format="json")
    assert_problem(response, 405)


def test_other_orgs_member_and_unit_are_404(chart, token_client, other_org):
    foreign_member = factories.MembershipFactory(organization=other_org)
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    client = token_client(chart.admin)
    assert_problem(client.get(chart.url(f"members/{foreign_member.pk}/")), 404)
    assert_problem(client.get(chart.url(f"units/{foreign_unit.pk}/")), 404)


def test_units_list_the_org_chart(chart, token_client):
    body = token_client(chart.owner).get(chart.url("units/")).json()
    assert [(u["name"], u["parent"], u["lead"]) for u in body["results"]] == [
        ("Engineering", None, chart.dept_head.pk),
        ("Platform", chart.dept.pk, chart.team_lead.pk),
    ]


def test_people_lists_run_a_constant_number_of_queries(
    chart, token_client, django_assert_max_num_queries
):
    factories.MembershipFactory.create_batch(25, organization=chart.org, unit=chart.team)
    factories.OrgUnitFactory.create_batch(10, organization=chart.org)
    client = token_client(chart.owner)
    for path in ("members/", "units/"):
        with django_assert_max_num_queries(6):
            assert client.get(chart.url(path)).status_code == 200
