"""/cycles/ and the alignment tree."""

import pytest

from okrs.models import Cycle
from tests import factories
from tests.api.conftest import assert_problem

NEW_CYCLE = {"name": "Q4 2031", "start_date": "2031-10-01", "end_date": "2031-12-31"}


@pytest.mark.parametrize("role", ["admin_membership", "executive_membership"])
def test_admins_and_executives_create_cycles(request, org, token_client, role):
    membership = request.getfixturevalue(role)
    response = token_client(membership).post(
        f"/api/v1/orgs/{org.slug}/cycles/", NEW_CYCLE, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == NEW_CYCLE | {"id": 0, "status": "planning"}


@pytest.mark.parametrize("role", ["member_membership", "champion_membership"])
def test_others_cannot_create_cycles(request, org, token_client, role):
    membership = request.getfixturevalue(role)
    response = token_client(membership).post(
        f"/api/v1/orgs/{org.slug}/cycles/", NEW_CYCLE, format="json"
    )
    assert_problem(response, 403)
    assert not Cycle.objects.exists()


def test_cycle_dates_are_validated(admin_membership, org, token_client):
    response = token_client(admin_membership).post(
        f"/api/v1/orgs/{org.slug}/cycles/",
        NEW_CYCLE | {"end_date": "2031-01-01"},
        format="json",
    )
    assert "end_date" in assert_problem(response, 400)["errors"]


def test_status_moves_a_cycle_to_active_then_closed(admin_membership, org, token_client):
    cycle = factories.CycleFactory(organization=org, status="planning")
    client = token_client(admin_membership)
    url = f"/api/v1/orgs/{org.slug}/cycles/{cycle.pk}/"
    assert client.patch(url, {"status": "active"}, format="json").json()["status"] == "active"
    assert client.patch(url, {"status": "closed"}, format="json").json()["status"] == "closed"
    response = client.patch(url, {"status": "planning"}, format="json")
    assert_problem(response, 400)


def test_rename_and_a_failing_status_move_write_nothing(admin_membership, org, token_client):
    cycle = factories.CycleFactory(organization=org, status="active", name="Before")
    url = f"/api/v1/orgs/{org.slug}/cycles/{cycle.pk}/"
    response = token_client(admin_membership).patch(
        url, {"name": "After", "status": "planning"}, format="json"
    )
    assert_problem(response, 400)
    cycle.refresh_from_db()
    assert cycle.name == "Before"


def test_a_plain_members_no_op_status_change_is_refused(member_membership, org, token_client):
    cycle = factories.CycleFactory(organization=org, status="active")
    url = f"/api/v1/orgs/{org.slug}/cycles/{cycle.pk}/"
    assert_problem(
        token_client(member_membership).patch(url, {"status": "active"}, format="json"), 403
    )


def test_cycles_filter_by_status_and_paginate(admin_membership, org, token_client):
    for n in range(5):
        factories.CycleFactory(organization=org, status="closed", name=f"Old {n}")
    factories.CycleFactory(organization=org, status="active", name="Now")
    client = token_client(admin_membership)
    body = client.get(f"/api/v1/orgs/{org.slug}/cycles/?status=closed&page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    page3 = client.get(f"/api/v1/orgs/{org.slug}/cycles/?status=closed&page_size=2&page=3")
    assert len(page3.json()["results"]) == 1
    assert_problem(client.get(f"/api/v1/orgs/{org.slug}/cycles/?page=9"), 404)
    assert_problem(client.get(f"/api/v1/orgs/{org.slug}/cycles/?status=done"), 400)


def test_page_size_is_capped_at_200(admin_membership, org, token_client):
    factories.CycleFactory.create_batch(3, organization=org)
    body = token_client(admin_membership).get(f"/api/v1/orgs/{org.slug}/cycles/?page_size=1000")
    assert len(body.json()["results"]) == 3


def test_alignment_tree_lists_roots_then_children_with_depth(chart, token_client):
    client = token_client(chart.owner)
    body = client.get(chart.url(f"cycles/{chart.cycle.pk}/alignment/")).json()
    assert body["count"] == 1
    (root,) = body["results"]
    assert root["id"] == chart.company.pk and root["child_count"] == 1 and root["children"] == []
    deep = client.get(chart.url(f"cycles/{chart.cycle.pk}/alignment/?depth=2")).json()
    child = deep["results"][0]["children"][0]
    assert child["id"] == chart.team_objective.pk and 0 <= child["progress"] <= 1
    assert child["parent"] == chart.company.pk
    below = client.get(
        chart.url(f"cycles/{chart.cycle.pk}/alignment/?parent={chart.company.pk}")
    ).json()
    assert [n["id"] for n in below["results"]] == [chart.team_objective.pk]


@pytest.mark.parametrize("query", ["depth=4", "depth=abc", "parent=abc", "depth=-1"])
def test_alignment_rejects_bad_parameters_with_400(chart, token_client, query):
    response = token_client(chart.owner).get(
        chart.url(f"cycles/{chart.cycle.pk}/alignment/?{query}")
    )
    assert_problem(response, 400)


def test_alignment_children_are_paginated(chart, token_client):
    for i in range(3):
        factories.ObjectiveFactory(
            organization=chart.org, cycle=chart.cycle, owner=chart.owner, parent=chart.company,
            title=f"Child {i}",
        )  # fmt: skip
    url = chart.url(f"cycles/{chart.cycle.pk}/alignment/?parent={chart.company.pk}&page_size=2")
    body = token_client(chart.owner).get(url).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_alignment_hides_private_objectives(chart, token_client):
    secret = factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.admin, visibility="private",
        parent=chart.company,
    )  # fmt: skip
    client = token_client(chart.bystander)
    body = client.get(chart.url(f"cycles/{chart.cycle.pk}/alignment/?depth=3")).json()
    assert [n["id"] for n in body["results"]] == [chart.company.pk]
    assert body["results"][0]["child_count"] == 1  # the private one is not counted
    assert secret.pk not in [c["id"] for c in body["results"][0]["children"]]
    hidden = client.get(chart.url(f"cycles/{chart.cycle.pk}/alignment/?parent={secret.pk}"))
    assert_problem(hidden, 404)


def test_alignment_of_another_orgs_cycle_is_404(chart, token_client, other_org):
    foreign = factories.CycleFactory(organization=other_org)
    assert_problem(token_client(chart.admin).get(chart.url(f"cycles/{foreign.pk}/alignment/")), 404)


def test_alignment_query_count_does_not_grow_with_rows(
    chart, token_client, django_assert_max_num_queries
):
    client = token_client(chart.owner)
    url = chart.url(f"cycles/{chart.cycle.pk}/alignment/?depth=3")
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for _ in range(10):
        factories.ObjectiveFactory(
            organization=chart.org, cycle=chart.cycle, owner=chart.owner, parent=chart.company
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"][0]["children"]) == 11


def test_cycle_list_query_count_is_constant(
    admin_membership, org, token_client, django_assert_max_num_queries
):
    factories.CycleFactory.create_batch(30, organization=org)
    client = token_client(admin_membership)
    with django_assert_max_num_queries(6):
        client.get(f"/api/v1/orgs/{org.slug}/cycles/")
