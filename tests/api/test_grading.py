"""The cycle-end loop through the API: read grades, grade a cycle in one request (all or
none), copy unfinished OKRs; the same services and policy as the close page."""

from datetime import date

import pytest

from accounts.models import Role
from okrs.models import AuditEntry, Cycle, KeyResult, Objective
from okrs.rules.policy import CLOSED_MESSAGE
from tests import factories
from tests.api.conftest import assert_problem
from tests.builders import person

pytestmark = pytest.mark.django_db


def grades_url(chart, cycle=None):
    return chart.url(f"cycles/{(cycle or chart.cycle).pk}/grades/")


def grades(chart, kr_grade=0.4, objective_grade=0.7, **objective):
    return {
        "objectives": [{"id": chart.team_objective.pk, "grade": objective_grade, **objective}],
        "key_results": [{"id": chart.kr.pk, "grade": kr_grade}],
    }


def assert_ungraded(*rows):
    for row in rows:
        row.refresh_from_db()
        assert row.grade is None, row
    assert not AuditEntry.objects.filter(summary__startswith="Graded").exists()


def test_grades_read_as_null_until_graded_then_with_the_retrospective(chart, token_client):
    client = token_client(chart.team_lead)
    objective_url = chart.url(f"objectives/{chart.team_objective.pk}/")
    kr_url = chart.url(f"key-results/{chart.kr.pk}/")
    body = client.get(objective_url).json()
    assert body["grade"] is None and body["retrospective"] == ""
    assert client.get(kr_url).json()["grade"] is None
    response = client.post(
        grades_url(chart), grades(chart, retrospective="Shipped late"), format="json"
    )
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["objectives"][0]["grade"] == pytest.approx(0.7)
    assert saved["objectives"][0]["retrospective"] == "Shipped late"
    assert saved["key_results"][0]["grade"] == pytest.approx(0.4)
    assert client.get(objective_url).json()["grade"] == pytest.approx(0.7)
    listed = client.get(chart.url("key-results/")).json()["results"]
    assert [kr["grade"] for kr in listed if kr["id"] == chart.kr.pk] == [pytest.approx(0.4)]


def test_grade_and_retrospective_are_read_only_on_the_objective(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    response = client.patch(url, {"grade": 0.9, "retrospective": "x"}, format="json")
    assert set(assert_problem(response, 400)["errors"]) == {"grade", "retrospective"}
    assert_ungraded(chart.team_objective)


def test_an_omitted_retrospective_keeps_the_one_written(chart, token_client):
    Objective.objects.filter(pk=chart.team_objective.pk).update(retrospective="Kept")
    response = token_client(chart.admin).post(grades_url(chart), grades(chart), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["objectives"][0]["retrospective"] == "Kept"


def test_invalid_values_are_errors_per_row_and_nothing_is_written(chart, token_client):
    client = token_client(chart.admin)
    body = {
        "objectives": [
            {"id": chart.company.pk, "grade": 0.5},
            {"id": chart.team_objective.pk, "grade": 1.5},
        ],
        "key_results": [{"id": chart.kr.pk, "grade": -0.1}],
    }
    problem = assert_problem(client.post(grades_url(chart), body, format="json"), 400)
    assert set(problem["errors"]) == {"objectives[1].grade", "key_results[0].grade"}
    assert problem["errors"]["objectives[1].grade"] == ["A grade is between 0.0 and 1.0."]
    assert_ungraded(chart.company, chart.team_objective, chart.kr)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"objectives": [{"id": 1, "grade": "abc"}]}, "objectives[0].grade"),
        ({"key_results": [{"grade": 0.5}]}, "key_results[0].id"),
        ({"key_results": [7]}, "key_results[0]"),
        ({"objectives": [{"id": 1, "grade": 1, "owner": 3}]}, "objectives[0].owner"),
        ({}, "non_field_errors"),
        ({"objectives": [], "key_results": []}, "non_field_errors"),
        ({"grades": []}, "grades"),
    ],
)
def test_malformed_requests_name_the_row_too(chart, token_client, body, key):
    client = token_client(chart.admin)
    problem = assert_problem(client.post(grades_url(chart), body, format="json"), 400)
    assert key in problem["errors"]


def test_an_objective_listed_twice_is_a_row_error(chart, token_client):
    row = {"id": chart.company.pk, "grade": 0.5}
    body = {"objectives": [row, row]}
    problem = assert_problem(
        token_client(chart.admin).post(grades_url(chart), body, format="json"), 400
    )
    assert set(problem["errors"]) == {"objectives[1].id"}


@pytest.mark.parametrize("who", ["team_lead", "dept_head", "admin", "executive", "champion"])
def test_leads_and_closers_grade_the_objective_and_its_key_results(chart, token_client, who):
    roles = {"executive": Role.EXECUTIVE, "champion": Role.CHAMPION}
    member = getattr(chart, who, None) or person(chart.org, role=roles[who])
    response = token_client(member).post(grades_url(chart), grades(chart), format="json")
    assert response.status_code == 200, response.content
    chart.kr.refresh_from_db()
    assert chart.kr.grade == pytest.approx(0.4)


def test_a_kr_owner_grades_their_kr_but_not_the_objective(chart, token_client):
    client = token_client(chart.owner)
    problem = assert_problem(client.post(grades_url(chart), grades(chart), format="json"), 403)
    assert "objectives[0]" in problem["detail"] and "key_results" not in problem["detail"]
    assert_ungraded(chart.team_objective, chart.kr)
    only_kr = {"key_results": [{"id": chart.kr.pk, "grade": 0.6}]}
    assert client.post(grades_url(chart), only_kr, format="json").status_code == 200


@pytest.mark.parametrize("who", ["contributor", "bystander"])
def test_other_members_may_not_grade(chart, token_client, who):
    client = token_client(getattr(chart, who))
    assert_problem(client.post(grades_url(chart), grades(chart), format="json"), 403)
    only_kr = {"key_results": [{"id": chart.kr.pk, "grade": 0.6}]}
    assert_problem(client.post(grades_url(chart), only_kr, format="json"), 403)
    assert_ungraded(chart.team_objective, chart.kr)


def test_a_private_objective_is_not_found_for_whoever_may_not_open_it(chart, token_client):
    Objective.objects.filter(pk=chart.team_objective.pk).update(
        visibility=Objective.Visibility.PRIVATE
    )
    champion = person(chart.org, role=Role.CHAMPION)  # grades everything it may see
    for member in (champion, chart.bystander):
        client = token_client(member)
        assert_problem(client.post(grades_url(chart), grades(chart), format="json"), 404)
        only_kr = {"key_results": [{"id": chart.kr.pk, "grade": 0.6}]}
        assert_problem(client.post(grades_url(chart), only_kr, format="json"), 404)
        listed = client.get(chart.url("objectives/")).json()["results"]
        assert chart.team_objective.pk not in {o["id"] for o in listed}
    assert_ungraded(chart.team_objective, chart.kr)


def test_other_tenants_cycles_and_rows_are_not_found(chart, token_client, other_org):
    client = token_client(chart.admin)
    foreign_cycle = factories.CycleFactory(organization=other_org)
    foreign = factories.ObjectiveFactory(organization=other_org, cycle=foreign_cycle)
    body = {"objectives": [{"id": foreign.pk, "grade": 0.5}]}
    assert_problem(client.post(grades_url(chart, foreign_cycle), body, format="json"), 404)
    mixed = {"objectives": [{"id": chart.company.pk, "grade": 0.5}, {"id": foreign.pk, "grade": 1}]}
    assert_problem(client.post(grades_url(chart), mixed, format="json"), 404)
    outsider = token_client(person(other_org, role=Role.ADMIN))
    assert_problem(outsider.post(grades_url(chart), grades(chart), format="json"), 404)
    assert_ungraded(chart.company, foreign)


def test_a_row_of_another_cycle_is_not_found(chart, token_client):
    other = factories.CycleFactory(organization=chart.org, name="Q2 2030")
    body = {"objectives": [{"id": chart.company.pk, "grade": 0.5}]}
    response = token_client(chart.admin).post(grades_url(chart, other), body, format="json")
    assert_problem(response, 404)


def test_a_closed_cycle_refuses_grades_like_the_web(chart, token_client):
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.CLOSED)
    client = token_client(chart.admin)
    problem = assert_problem(client.post(grades_url(chart), grades(chart), format="json"), 400)
    assert problem["detail"] == CLOSED_MESSAGE
    assert_ungraded(chart.team_objective, chart.kr)


def test_a_champion_closes_and_grades_freeze(chart, token_client):
    client = token_client(person(chart.org, role=Role.CHAMPION))
    url = chart.url(f"cycles/{chart.cycle.pk}/")
    response = client.patch(url, {"status": "closed"}, format="json")
    assert response.status_code == 200, response.content
    chart.team_objective.refresh_from_db()
    assert chart.team_objective.grade == pytest.approx(round(chart.team_objective.progress, 2))
    problem = assert_problem(client.post(grades_url(chart), grades(chart), format="json"), 400)
    assert problem["detail"] == CLOSED_MESSAGE


def test_a_planning_cycle_is_not_closed_like_the_web(chart, token_client):
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.PLANNING)
    url = chart.url(f"cycles/{chart.cycle.pk}/")
    response = token_client(chart.admin).patch(url, {"status": "closed"}, format="json")
    assert "still in planning" in assert_problem(response, 400)["detail"]
    chart.cycle.refresh_from_db()
    assert chart.cycle.status == Cycle.Status.PLANNING
    assert_ungraded(chart.team_objective, chart.kr)


# Copy unfinished ------------------------------------------------------------------------


@pytest.fixture
def next_cycle(chart):
    """The cycle to copy into; the chart's cycle, the source, is closed (only a closed
    cycle's unfinished OKRs are copied)."""
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.CLOSED)
    return factories.CycleFactory(
        organization=chart.org,
        name="Q2 2030",
        status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1),
        end_date=date(2031, 6, 30),
    )


def copy_url(chart):
    return chart.url(f"cycles/{chart.cycle.pk}/copy-unfinished/")


def test_copy_lists_the_copies_then_what_was_already_copied(chart, token_client, next_cycle):
    client = token_client(person(chart.org, role=Role.EXECUTIVE))
    first = client.post(copy_url(chart), {"target": next_cycle.pk}, format="json")
    assert first.status_code == 200, first.content
    copied = first.json()["copied"]
    assert {o["title"] for o in copied} == {"Win", "Ship the platform"}
    assert {o["cycle"] for o in copied} == {next_cycle.pk}
    assert first.json()["already_copied"] == []
    assert KeyResult.objects.filter(objective__cycle=next_cycle, title="Uptime").count() == 1
    again = client.post(copy_url(chart), {"target": next_cycle.pk}, format="json").json()
    assert again["copied"] == []
    assert {o["id"] for o in again["already_copied"]} == {
        chart.company.pk,
        chart.team_objective.pk,
    }
    assert Objective.objects.filter(cycle=next_cycle).count() == 2


def test_a_copy_over_the_api_keeps_rollup_visibility_and_key_result_properties(
    chart, token_client, next_cycle
):
    Objective.objects.filter(pk=chart.team_objective.pk).update(visibility="private")
    KeyResult.objects.filter(objective=chart.team_objective).update(weight=2, unit="percent")
    client = token_client(person(chart.org, role=Role.EXECUTIVE))
    response = client.post(copy_url(chart), {"target": next_cycle.pk}, format="json")
    assert response.status_code == 200, response.content
    copies = {o["title"]: o for o in response.json()["copied"]}
    assert copies["Win"]["rollup"] == "both"  # a company objective, as its source
    assert copies["Ship the platform"]["visibility"] == "private"
    assert copies["Ship the platform"]["parent"] == copies["Win"]["id"]
    krs = client.get(
        chart.url("key-results/"), {"objective": copies["Ship the platform"]["id"]}
    ).json()["results"]
    assert krs and all((kr["weight"], kr["unit"]) == (2, "percent") for kr in krs)


@pytest.mark.parametrize("who", ["team_lead", "owner", "bystander"])
def test_only_admins_and_executives_copy(chart, token_client, next_cycle, who):
    client = token_client(getattr(chart, who))
    response = client.post(copy_url(chart), {"target": next_cycle.pk}, format="json")
    assert_problem(response, 403)
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_copy_from_a_cycle_still_open_is_refused(chart, token_client, next_cycle):
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.ACTIVE)
    client = token_client(chart.admin)
    body = assert_problem(
        client.post(copy_url(chart), {"target": next_cycle.pk}, format="json"), 400
    )
    assert "close it before copying" in body["detail"]
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_copy_refuses_a_closed_same_or_foreign_target(chart, token_client, other_org, next_cycle):
    client = token_client(chart.admin)
    closed = factories.CycleFactory(organization=chart.org, status=Cycle.Status.CLOSED)
    foreign = factories.CycleFactory(organization=other_org)
    for target, field in ((closed.pk, None), (chart.cycle.pk, "target"), (foreign.pk, "target")):
        body = assert_problem(client.post(copy_url(chart), {"target": target}, format="json"), 400)
        if field:
            assert field in body["errors"]
        else:
            assert body["detail"] == CLOSED_MESSAGE
    assert_problem(client.post(copy_url(chart), {}, format="json"), 400)
    assert Objective.objects.filter(organization=chart.org).count() == 2


def test_copy_from_another_tenants_cycle_is_not_found(chart, token_client, other_org):
    foreign = factories.CycleFactory(organization=other_org)
    url = chart.url(f"cycles/{foreign.pk}/copy-unfinished/")
    response = token_client(chart.admin).post(url, {"target": chart.cycle.pk}, format="json")
    assert_problem(response, 404)
