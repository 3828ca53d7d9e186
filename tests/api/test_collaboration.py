"""/initiatives/, /risks/, /comments/."""

from okrs import services
from okrs.models import Comment, Initiative, Risk
from tests import factories
from tests.api.conftest import assert_problem


def test_kr_owner_manages_initiatives(chart, token_client):
    client = token_client(chart.owner)
    response = client.post(
        chart.url("initiatives/"),
        {"key_result": chart.kr.pk, "title": "Add a canary", "assignee": chart.contributor.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    url = chart.url(f"initiatives/{response.json()['id']}/")
    assert client.patch(url, {"status": "doing"}, format="json").json()["status"] == "doing"
    listed = client.get(chart.url(f"initiatives/?key_result={chart.kr.pk}&status=doing")).json()
    assert listed["count"] == 1
    assert client.delete(url).status_code == 204
    assert not Initiative.objects.exists()


def test_bystander_cannot_add_initiatives(chart, token_client):
    response = token_client(chart.bystander).post(
        chart.url("initiatives/"), {"key_result": chart.kr.pk, "title": "Mine"}, format="json"
    )
    assert_problem(response, 403)


def test_initiative_cannot_move_to_another_key_result(chart, token_client):
    initiative = factories.InitiativeFactory(organization=chart.org, key_result=chart.kr)
    other = factories.KeyResultFactory(
        organization=chart.org, objective=chart.company, owner=chart.admin
    )
    response = token_client(chart.owner).patch(
        chart.url(f"initiatives/{initiative.pk}/"), {"key_result": other.pk}, format="json"
    )
    assert "key_result" in assert_problem(response, 400)["errors"]


def test_risks_are_scored_and_validated(chart, token_client):
    client = token_client(chart.owner)
    response = client.post(
        chart.url("risks/"),
        {"key_result": chart.kr.pk, "description": "Vendor slips", "likelihood": 3, "impact": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["score"] == 6
    bad = client.post(
        chart.url("risks/"),
        {"key_result": chart.kr.pk, "description": "x", "likelihood": 9},
        format="json",
    )
    assert "likelihood" in assert_problem(bad, 400)["errors"]
    assert Risk.objects.count() == 1


def test_risk_on_a_private_kr_of_someone_else_is_invalid(chart, token_client):
    private = factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.admin, visibility="private"
    )
    hidden_kr = factories.KeyResultFactory(
        organization=chart.org, objective=private, owner=chart.admin
    )
    response = token_client(chart.bystander).post(
        chart.url("risks/"), {"key_result": hidden_kr.pk, "description": "x"}, format="json"
    )
    assert "Invalid pk" in assert_problem(response, 400)["errors"]["key_result"][0]


def test_anyone_comments_on_visible_objectives_and_authors_delete(chart, token_client):
    client = token_client(chart.bystander)
    response = client.post(
        chart.url("comments/"),
        {"objective": chart.team_objective.pk, "body": "Nice, @owner"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"] == chart.bystander.pk
    listed = client.get(chart.url(f"comments/?objective={chart.team_objective.pk}")).json()
    assert listed["count"] == 1
    assert_problem(token_client(chart.owner).delete(chart.url(f"comments/{body['id']}/")), 403)
    assert client.delete(chart.url(f"comments/{body['id']}/")).status_code == 204


def test_comment_needs_exactly_one_target(chart, token_client):
    client = token_client(chart.owner)
    both = {"objective": chart.company.pk, "key_result": chart.kr.pk, "body": "hi"}
    assert_problem(client.post(chart.url("comments/"), both, format="json"), 400)
    assert_problem(client.post(chart.url("comments/"), {"body": "hi"}, format="json"), 400)
    assert not Comment.objects.exists()


def test_comments_on_hidden_objectives_are_not_listed(chart, token_client):
    private = factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.admin, visibility="private"
    )
    factories.CommentFactory(organization=chart.org, objective=private, author=chart.admin)
    factories.CommentFactory(organization=chart.org, objective=chart.company, author=chart.admin)
    body = token_client(chart.bystander).get(chart.url("comments/")).json()
    assert body["count"] == 1


def test_collaboration_lists_run_a_constant_number_of_queries(
    chart, token_client, django_assert_max_num_queries
):
    factories.InitiativeFactory.create_batch(10, organization=chart.org, key_result=chart.kr)
    factories.RiskFactory.create_batch(10, organization=chart.org, key_result=chart.kr)
    factories.CommentFactory.create_batch(
        10, organization=chart.org, objective=chart.company, author=chart.owner
    )
    client = token_client(chart.owner)
    for path in ("initiatives/", "risks/", "comments/"):
        with django_assert_max_num_queries(6):
            assert client.get(chart.url(path)).json()["count"] == 10


def test_comments_list_is_paginated_and_long_bodies_are_refused(chart, token_client):
    for i in range(55):
        services.add_comment(actor=chart.team_lead, objective=chart.team_objective, body=f"c{i}")
    client = token_client(chart.team_lead)
    body = client.get(chart.url(f"comments/?objective={chart.team_objective.pk}")).json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["next"]
    too_long = {"objective": chart.team_objective.pk, "body": "x" * 5_001}
    assert_problem(client.post(chart.url("comments/"), too_long, format="json"), 400)
