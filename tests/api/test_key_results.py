"""/key-results/ and the weekly check-in: CRUD, permissions, filters, concurrency, limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from okrs.models import CheckIn, KeyResult
from tests import factories
from tests.api.conftest import assert_problem


def _kr_payload(chart, **overrides):
    payload = {
        "objective": chart.team_objective.pk,
        "owner": chart.owner.pk,
        "title": "Deploys per day",
        "metric_type": "increase_to",
        "start_value": 1,
        "target_value": 10,
        "unit": "count",
        "confidence": 6,
    }
    return payload | overrides


def test_key_result_fields_match_the_published_names(chart, token_client):
    body = token_client(chart.owner).get(chart.url(f"key-results/{chart.kr.pk}/")).json()
    assert {
        "id", "objective", "owner", "title", "metric_type", "start_value", "target_value",
        "current_value", "unit", "weight", "confidence", "progress", "due_date", "version",
    } <= set(body)  # fmt: skip


def test_key_results_filter_by_owner_objective_and_staleness(chart, token_client):
    old = timezone.now() - timedelta(days=30)
    fresh = factories.KeyResultFactory(
        organization=chart.org, objective=chart.company, owner=chart.admin
    )
    KeyResult.objects.filter(pk=fresh.pk).update(last_check_in_at=timezone.now())
    KeyResult.objects.filter(pk=chart.kr.pk).update(last_check_in_at=old)
    client = token_client(chart.owner)

    def ids(query):
        return [k["id"] for k in client.get(chart.url(f"key-results/?{query}")).json()["results"]]

    assert ids(f"owner={chart.owner.pk}") == [chart.kr.pk]
    assert ids(f"objective={chart.company.pk}") == [fresh.pk]
    assert ids("stale=true") == [chart.kr.pk]
    assert ids("stale=false") == [fresh.pk]


def test_owner_of_the_objective_adds_a_key_result(chart, token_client):
    response = token_client(chart.team_lead).post(
        chart.url("key-results/"), _kr_payload(chart), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["current_value"] == 1
    assert response["ETag"] == '"1"'


def test_bystander_cannot_add_a_key_result(chart, token_client):
    response = token_client(chart.bystander).post(
        chart.url("key-results/"), _kr_payload(chart), format="json"
    )
    assert_problem(response, 403)
    assert KeyResult.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_value", 10**20),
        ("target_value", "1e400"),
        ("start_value", "NaN"),
        ("target_value", 1.000001),
        ("confidence", 11),
        ("confidence", "high"),
        ("metric_type", "double_it"),
        ("weight", -1),
        ("due_date", "tomorrow"),
        ("contributors", [999999]),
    ],
)
def test_bad_key_result_values_are_400_and_write_nothing(chart, token_client, field, value):
    response = token_client(chart.team_lead).post(
        chart.url("key-results/"), _kr_payload(chart, **{field: value}), format="json"
    )
    assert field in assert_problem(response, 400)["errors"]
    assert KeyResult.objects.count() == 1


def test_domain_rules_come_back_as_field_errors(chart, token_client):
    response = token_client(chart.team_lead).post(
        chart.url("key-results/"), _kr_payload(chart, start_value=10, target_value=1), format="json"
    )
    assert "target_value" in assert_problem(response, 400)["errors"]


def test_key_result_concurrency_412_and_409(chart, token_client):
    client = token_client(chart.owner)
    url = chart.url(f"key-results/{chart.kr.pk}/")
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "A"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert_problem(client.patch(url, {"title": "B"}, format="json", HTTP_IF_MATCH=etag), 412)
    assert_problem(client.patch(url, {"title": "C", "version": 1}, format="json"), 409)
    chart.kr.refresh_from_db()
    assert (chart.kr.title, chart.kr.version) == ("A", 2)


def test_owner_deletes_a_key_result(chart, token_client):
    url = chart.url(f"key-results/{chart.kr.pk}/")
    assert token_client(chart.owner).delete(url).status_code == 204
    assert not KeyResult.objects.exists()


def test_owner_checks_in_weekly(chart, token_client):
    client = token_client(chart.owner)
    url = chart.url(f"key-results/{chart.kr.pk}/check-ins/")
    response = client.post(
        url, {"value": 40, "confidence": 8, "note": "Good week", "blockers": ""}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id", "key_result", "author", "value", "confidence", "note", "blockers", "created_at",
    }  # fmt: skip
    assert (body["key_result"], body["author"], body["value"]) == (chart.kr.pk, chart.owner.pk, 40)
    chart.kr.refresh_from_db()
    assert float(chart.kr.current_value) == 40 and chart.kr.progress == pytest.approx(0.4)
    # A second check-in the same week updates it.
    client.post(url, {"value": 50, "confidence": 8}, format="json")
    assert CheckIn.objects.count() == 1
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["value"] == 50


def test_contributor_may_check_in_but_bystander_may_not(chart, token_client):
    url = chart.url(f"key-results/{chart.kr.pk}/check-ins/")
    payload = {"value": 10, "confidence": 5}
    assert token_client(chart.contributor).post(url, payload, format="json").status_code == 201
    assert_problem(token_client(chart.bystander).post(url, payload, format="json"), 403)


@pytest.mark.parametrize(
    "payload",
    [
        {"confidence": 5},
        {"value": "lots", "confidence": 5},
        {"value": 1, "confidence": -1},
        {"value": 1, "confidence": 5, "author": 1},
        {"value": 1, "confidence": 5, "note": "x" * 5001},
    ],
)
def test_bad_check_ins_are_400_and_write_nothing(chart, token_client, payload):
    url = chart.url(f"key-results/{chart.kr.pk}/check-ins/")
    assert_problem(token_client(chart.owner).post(url, payload, format="json"), 400)
    assert not CheckIn.objects.exists()


def test_check_in_on_another_orgs_key_result_is_404(chart, token_client, other_org):
    foreign = factories.KeyResultFactory(organization=other_org)
    url = chart.url(f"key-results/{foreign.pk}/check-ins/")
    assert_problem(token_client(chart.admin).post(url, {"value": 1, "confidence": 5}), 404)


def test_key_result_list_query_count_does_not_grow_with_rows(
    chart, token_client, django_assert_max_num_queries
):
    client = token_client(chart.owner)
    url = chart.url("key-results/")
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    factories.KeyResultFactory.create_batch(
        15, organization=chart.org, objective=chart.team_objective, owner=chart.owner
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 16


def test_check_in_list_query_count_does_not_grow_with_rows(
    chart, token_client, django_assert_max_num_queries
):
    client = token_client(chart.owner)
    url = chart.url(f"key-results/{chart.kr.pk}/check-ins/")
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for week in range(1, 11):
        factories.CheckInFactory(
            organization=chart.org,
            key_result=chart.kr,
            created_at=timezone.now() - timedelta(weeks=week),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 10


@pytest.mark.parametrize(
    ("value", "stored"),
    [("done", 1), (True, 1), ("Done", 1), ("not done", 0), (False, 0), (1, 1), ("0", 0)],
)
def test_a_milestone_check_in_takes_done_or_true_as_the_domain_says(
    chart, token_client, value, stored
):
    milestone = factories.KeyResultFactory(
        organization=chart.org, objective=chart.team_objective, owner=chart.owner,
        metric_type=KeyResult.MetricType.MILESTONE, start_value=0, target_value=1,
    )  # fmt: skip
    url = chart.url(f"key-results/{milestone.pk}/check-ins/")
    response = token_client(chart.owner).post(url, {"value": value, "confidence": 8}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["value"] == stored
    milestone.refresh_from_db()
    assert (milestone.current_value, milestone.progress) == (stored, float(stored))


@pytest.mark.parametrize("value", ["done", True, False, [1], {"v": 1}, None])
def test_done_or_true_on_a_number_key_result_is_400(chart, token_client, value):
    url = chart.url(f"key-results/{chart.kr.pk}/check-ins/")
    body = assert_problem(
        token_client(chart.owner).post(url, {"value": value, "confidence": 5}, format="json"),
        400,
    )
    assert "value" in str(body)
    assert not CheckIn.objects.exists()
