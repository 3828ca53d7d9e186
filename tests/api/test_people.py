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


def test_members_are_read_only(chart, token_client):
    client = token_client(chart.admin)
    assert_problem(client.post(chart.url("members/"), {"role": "admin"}, format="json"), 405)
    assert_problem(
        client.patch(chart.url(f"members/{chart.owner.pk}/"), {"role": "admin"}, format="json"),
        405,
    )


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
