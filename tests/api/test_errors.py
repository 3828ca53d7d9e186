"""Problem details for every kind of bad request; never HTML, never a 500."""

import pytest

from okrs.models import Objective
from tests.api.conftest import assert_problem


def test_malformed_json_is_a_400_problem(chart, token_client):
    response = token_client(chart.admin).post(
        chart.url("objectives/"), data='{"title": ', content_type="application/json"
    )
    assert "JSON parse error" in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "12", '{"title": NaN}'])
def test_json_that_is_not_an_object_is_a_400(chart, token_client, body):
    response = token_client(chart.admin).post(
        chart.url("objectives/"), data=body, content_type="application/json"
    )
    assert_problem(response, 400)
    assert Objective.objects.count() == 2


def test_wrong_content_type_is_415(chart, token_client):
    response = token_client(chart.admin).post(
        chart.url("objectives/"), data="title=x", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 415)


def test_unsupported_method_is_405(chart, token_client):
    assert_problem(token_client(chart.admin).delete(chart.url("objectives/")), 405)


def test_not_acceptable_is_406(chart, token_client):
    response = token_client(chart.admin).get(chart.url("objectives/"), HTTP_ACCEPT="text/xml")
    assert_problem(response, 406)


def test_unknown_api_url_is_a_problem_json_404(db, api_client):
    response = api_client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999", "0", "-1"])
def test_odd_ids_in_urls_are_404(chart, token_client, pk):
    response = token_client(chart.admin).get(chart.url(f"objectives/{pk}/"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_huge_filter_ids_are_rejected_cleanly(chart, token_client):
    response = token_client(chart.admin).get(chart.url("key-results/?owner=99999999999999999999"))
    assert_problem(response, 400)


def test_unknown_organization_is_404_like_a_foreign_one(chart, token_client):
    body = assert_problem(token_client(chart.admin).get("/api/v1/orgs/nope/objectives/"), 404)
    assert body["detail"] == "Not found."


def test_post_without_trailing_slash_is_a_problem_404_not_a_crash(chart, token_client):
    response = token_client(chart.admin).post(chart.url("cycles"), {}, format="json")
    assert_problem(response, 404)


def test_every_404_answers_the_same_problem_shape(chart, token_client, client):
    """The API's own 404s, Django's error handler under /api/ and an unknown endpoint all
    write one body shape (okr_project.problems): same type and title, a sentence of detail."""
    api = token_client(chart.admin)
    answers = [
        api.get(chart.url("objectives/999999/")),  # DRF: a row not found
        api.get("/api/v1/orgs/nope/objectives/"),  # the tenant binding
        api.get("/api/v1/nothing-here/"),  # no endpoint at this address
        client.get("/api/not-under-v1/"),  # Django's handler404 under /api/
    ]
    bodies = [assert_problem(response, 404) for response in answers]
    assert {(b["type"], b["title"]) for b in bodies} == {
        ("https://cairn.example/problems/not-found", "Not found")
    }
    assert all(set(b) == {"type", "title", "status", "detail"} for b in bodies)
