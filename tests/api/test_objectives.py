"""/objectives/: CRUD, permissions, tenancy, filters, ETag/If-Match, history."""

import pytest

from okrs.models import AuditEntry, Objective
from tests import factories
from tests.api.conftest import assert_problem


def _create_payload(chart, **overrides):
    payload = {
        "cycle": chart.cycle.pk,
        "level": "team",
        "unit": chart.team.pk,
        "owner": chart.team_lead.pk,
        "parent": chart.company.pk,
        "title": "Faster deploys",
    }
    return payload | overrides


def test_member_lists_the_objectives_they_may_see(chart, token_client):
    factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.admin, visibility="private"
    )
    body = token_client(chart.bystander).get(chart.url("objectives/")).json()
    assert {o["id"] for o in body["results"]} == {chart.company.pk, chart.team_objective.pk}
    first = body["results"][0]
    assert set(first) == {
        "id", "cycle", "level", "unit", "owner", "parent", "title",
        "description", "visibility", "rollup", "status", "progress", "grade",
        "retrospective", "version",
    }  # fmt: skip
    assert 0 <= first["progress"] <= 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("level=team", {"team"}), ("level=company", {"company"}), ("status=on_track", None)],
)
def test_objectives_filter_by_level_and_status(chart, token_client, query, expected):
    body = token_client(chart.owner).get(chart.url(f"objectives/?{query}")).json()
    if expected:
        assert {o["level"] for o in body["results"]} == expected


def test_objectives_filter_by_unit_owner_parent_and_cycle(chart, token_client):
    client = token_client(chart.owner)
    for query in (
        f"unit={chart.team.pk}",
        f"owner={chart.team_lead.pk}",
        f"parent={chart.company.pk}",
    ):
        ids = [o["id"] for o in client.get(chart.url(f"objectives/?{query}")).json()["results"]]
        assert ids == [chart.team_objective.pk], query
    other_cycle = factories.CycleFactory(organization=chart.org, name="Q2 2030")
    assert client.get(chart.url(f"objectives/?cycle={other_cycle.pk}")).json()["count"] == 0


def test_filtering_by_another_orgs_id_is_a_400(chart, token_client, other_org):
    foreign = factories.CycleFactory(organization=other_org)
    body = assert_problem(
        token_client(chart.owner).get(chart.url(f"objectives/?cycle={foreign.pk}")), 400
    )
    assert "cycle" in body["errors"]


def test_team_lead_creates_a_team_objective(chart, token_client):
    response = token_client(chart.team_lead).post(
        chart.url("objectives/"), _create_payload(chart), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Faster deploys" and body["version"] == 1
    assert response["ETag"] == '"1"'
    assert AuditEntry.objects.filter(target_id=body["id"], action="create").exists()


@pytest.mark.parametrize("who", ["owner", "bystander"])
def test_members_cannot_create_company_objectives(chart, token_client, who):
    response = token_client(getattr(chart, who)).post(
        chart.url("objectives/"),
        _create_payload(chart, level="company", unit=None, parent=None),
        format="json",
    )
    assert_problem(response, 403)
    assert Objective.objects.count() == 2


def test_another_orgs_ids_in_the_body_are_invalid(chart, token_client, other_org):
    foreign_owner = factories.MembershipFactory(organization=other_org)
    foreign_parent = factories.ObjectiveFactory(organization=other_org)
    response = token_client(chart.admin).post(
        chart.url("objectives/"),
        _create_payload(chart, owner=foreign_owner.pk, parent=foreign_parent.pk),
        format="json",
    )
    body = assert_problem(response, 400)
    assert "Invalid pk" in body["errors"]["owner"][0]
    assert "Invalid pk" in body["errors"]["parent"][0]
    assert Objective.objects.filter(organization=chart.org).count() == 2


def test_unknown_fields_are_rejected_by_name(chart, token_client):
    response = token_client(chart.admin).post(
        chart.url("objectives/"), _create_payload(chart, colour="red", grade=1), format="json"
    )
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"colour", "grade"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("level", "galaxy"), ("title", ""), ("title", "x" * 201), ("cycle", "abc"), ("owner", True)],
)
def test_invalid_values_are_400_with_field_errors(chart, token_client, field, value):
    response = token_client(chart.admin).post(
        chart.url("objectives/"), _create_payload(chart, **{field: value}), format="json"
    )
    body = assert_problem(response, 400)
    assert field in body["errors"]


def test_retrieve_sends_an_etag_from_the_version(chart, token_client):
    response = token_client(chart.owner).get(chart.url(f"objectives/{chart.team_objective.pk}/"))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'


def test_private_objective_of_someone_else_is_404(chart, token_client):
    private = factories.ObjectiveFactory(
        organization=chart.org, cycle=chart.cycle, owner=chart.admin, visibility="private"
    )
    assert_problem(token_client(chart.owner).get(chart.url(f"objectives/{private.pk}/")), 404)


def test_other_orgs_objective_is_404(chart, token_client, other_org):
    foreign = factories.ObjectiveFactory(organization=other_org)
    assert_problem(token_client(chart.admin).get(chart.url(f"objectives/{foreign.pk}/")), 404)


def test_outsider_gets_404_for_the_whole_org(chart, outsider_membership, token_client):
    client = token_client(outsider_membership)
    for path in ("objectives/", f"objectives/{chart.company.pk}/", "key-results/", "members/"):
        assert_problem(client.get(chart.url(path)), 404)


def test_patch_with_matching_if_match_updates_and_bumps_the_etag(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    response = client.patch(url, {"title": "Ship it"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'


def test_stale_if_match_is_412_and_writes_nothing(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    client.patch(url, {"title": "First"}, format="json")
    response = client.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH='"1"')
    assert_problem(response, 412)
    chart.team_objective.refresh_from_db()
    assert chart.team_objective.title == "First"


def test_stale_version_in_the_body_is_409_and_writes_nothing(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    client.patch(url, {"title": "First", "version": 1}, format="json")
    response = client.patch(url, {"title": "Second", "version": 1}, format="json")
    assert_problem(response, 409)
    chart.team_objective.refresh_from_db()
    assert chart.team_objective.title == "First"


def test_put_replaces_an_objective(chart, token_client):
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    payload = _create_payload(chart, title="Replaced", description="All of it", version=1)
    response = token_client(chart.team_lead).put(url, payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "All of it"


def test_moving_an_objective_to_another_cycle_is_refused(chart, token_client):
    other = factories.CycleFactory(organization=chart.org, name="Q3 2030")
    response = token_client(chart.admin).patch(
        chart.url(f"objectives/{chart.team_objective.pk}/"), {"cycle": other.pk}, format="json"
    )
    assert "cycle" in assert_problem(response, 400)["errors"]


def test_aligning_into_a_loop_is_a_400(chart, token_client):
    response = token_client(chart.admin).patch(
        chart.url(f"objectives/{chart.company.pk}/"),
        {"parent": chart.team_objective.pk},
        format="json",
    )
    assert "parent" in assert_problem(response, 400)["errors"]
    chart.company.refresh_from_db()
    assert chart.company.parent_id is None


def test_member_cannot_edit_someone_elses_objective(chart, token_client):
    response = token_client(chart.bystander).patch(
        chart.url(f"objectives/{chart.team_objective.pk}/"), {"title": "Mine"}, format="json"
    )
    assert_problem(response, 403)


def test_delete_honours_if_match_then_deletes(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    assert_problem(client.delete(url, HTTP_IF_MATCH='"7"'), 412)
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 204
    assert not Objective.objects.filter(pk=chart.team_objective.pk).exists()


def test_history_lists_the_audit_entries(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    client.patch(url, {"title": "Renamed"}, format="json")
    body = client.get(url + "history/").json()
    assert body["count"] == 1
    assert body["results"][0]["changes"]["title"] == ["Ship the platform", "Renamed"]


def test_objective_list_query_count_does_not_grow_with_rows(
    chart, token_client, django_assert_max_num_queries
):
    client = token_client(chart.owner)
    url = chart.url("objectives/")
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    factories.ObjectiveFactory.create_batch(
        20, organization=chart.org, cycle=chart.cycle, owner=chart.owner
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 22


def test_history_query_count_does_not_grow_with_entries(
    chart, token_client, django_assert_max_num_queries
):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    client.patch(url, {"title": "One"}, format="json")
    with django_assert_max_num_queries(12) as few:
        client.get(url + "history/")
    # Read now: every request clears Django's query log (the request_started signal).
    baseline = len(few.captured_queries)
    for title in ("Two", "Three", "Four", "Five"):
        client.patch(url, {"title": title}, format="json")
    with django_assert_max_num_queries(baseline):
        assert client.get(url + "history/").json()["count"] == 5


def test_a_huge_description_is_a_400_and_nothing_is_written(chart, token_client):
    client = token_client(chart.team_lead)
    huge = _create_payload(chart, description="x" * 2_400_000)
    assert_problem(client.post(chart.url("objectives/"), huge, format="json"), 400)
    assert not Objective.objects.filter(title="Faster deploys").exists()
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    patch = {"description": "x" * 2_400_000}
    assert_problem(client.patch(url, patch, format="json"), 400)
    assert Objective.objects.get(pk=chart.team_objective.pk).version == 1
    fine = _create_payload(chart, description="y" * 5_000)
    assert client.post(chart.url("objectives/"), fine, format="json").status_code == 201
