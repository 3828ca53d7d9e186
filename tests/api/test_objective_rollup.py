"""/objectives/: the roll-up choice (`rollup`) is read, defaulted by level and changed (by
whoever may edit the objective, while its cycle is open)."""

import pytest

from okrs.models import Cycle, Objective
from okrs.rules.policy import CLOSED_MESSAGE
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db


def test_get_shows_rollup_and_patch_changes_it(chart, token_client):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    assert client.get(url).json()["rollup"] == chart.team_objective.rollup
    response = client.patch(url, {"rollup": "children"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rollup"] == "children"
    assert Objective.objects.get(pk=chart.team_objective.pk).rollup == "children"


@pytest.mark.parametrize("value", ["galaxy", "", None, 7, ["both"], "both\x00"])
def test_an_invalid_rollup_is_a_400_problem(chart, token_client, value):
    client = token_client(chart.team_lead)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    body = assert_problem(client.patch(url, {"rollup": value}, format="json"), 400)
    assert "rollup" in body["errors"]
    assert Objective.objects.get(pk=chart.team_objective.pk).rollup == chart.team_objective.rollup


def test_create_defaults_by_level_or_takes_the_choice(chart, token_client):
    client = token_client(chart.admin)
    base = {"cycle": chart.cycle.pk, "owner": chart.admin.pk, "title": "Grow"}
    company = client.post(chart.url("objectives/"), {**base, "level": "company"}, format="json")
    assert company.status_code == 201, company.content
    assert company.json()["rollup"] == "both"
    team = {**base, "level": "team", "unit": chart.team.pk, "title": "Ship", "rollup": "both"}
    chosen = client.post(chart.url("objectives/"), team, format="json")
    assert chosen.status_code == 201, chosen.content
    assert chosen.json()["rollup"] == "both"
    del team["rollup"]
    plain = client.post(chart.url("objectives/"), {**team, "title": "Plain"}, format="json")
    assert plain.status_code == 201, plain.content
    assert plain.json()["rollup"] == "key_results"


def test_the_rollup_choice_follows_the_edit_policy(chart, token_client):
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    for member in (chart.bystander, chart.owner, chart.contributor):
        response = token_client(member).patch(url, {"rollup": "both"}, format="json")
        assert_problem(response, 403)
    Objective.objects.filter(pk=chart.team_objective.pk).update(
        visibility=Objective.Visibility.PRIVATE
    )
    hidden = token_client(chart.bystander).patch(url, {"rollup": "both"}, format="json")
    assert_problem(hidden, 404)
    assert Objective.objects.get(pk=chart.team_objective.pk).rollup == chart.team_objective.rollup
    lead = token_client(chart.dept_head).patch(url, {"rollup": "both"}, format="json")
    assert lead.status_code == 200, lead.content


def test_the_rollup_choice_is_frozen_in_a_closed_cycle(chart, token_client):
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.CLOSED)
    url = chart.url(f"objectives/{chart.team_objective.pk}/")
    response = token_client(chart.admin).patch(url, {"rollup": "children"}, format="json")
    assert assert_problem(response, 400)["detail"] == CLOSED_MESSAGE
    assert token_client(chart.admin).get(url).json()["rollup"] == chart.team_objective.rollup
