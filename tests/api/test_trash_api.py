"""trash/objectives/ and trash/key-results/: list and restore, as on the trash page."""

from __future__ import annotations

from okrs import services
from okrs.models import Cycle, KeyResult, Objective
from okrs.rules.policy import CLOSED_MESSAGE, TRASH_ADMINS_ONLY
from tests.api.conftest import assert_problem


def test_an_admin_lists_a_deleted_objective_and_restores_it_with_its_key_results(
    chart, token_client
):
    services.delete_objective(objective=chart.team_objective, actor=chart.admin)
    client = token_client(chart.admin)

    listed = client.get(chart.url("trash/objectives/"))
    assert listed.status_code == 200
    assert [row["title"] for row in listed.json()["results"]] == ["Ship the platform"]
    row = listed.json()["results"][0]
    assert row["cycle_name"] == "Q1 2030" and row["owner"] == chart.team_lead.pk
    assert row["purge_at"] > row["deleted_at"]
    assert client.get(chart.url("trash/key-results/")).json()["count"] == 0  # went with it

    restored = client.post(chart.url(f"trash/objectives/{chart.team_objective.pk}/restore/"))
    assert restored.status_code == 200, restored.content
    assert restored.json()["id"] == chart.team_objective.pk
    assert restored.json()["parent"] == chart.company.pk
    assert KeyResult.objects.filter(pk=chart.kr.pk).exists()
    assert client.get(chart.url("trash/objectives/")).json()["count"] == 0
    again = client.post(chart.url(f"trash/objectives/{chart.team_objective.pk}/restore/"))
    assert_problem(again, 404)


def test_a_key_result_deleted_on_its_own_is_listed_and_restored(chart, token_client):
    services.delete_key_result(key_result=chart.kr, actor=chart.admin)
    client = token_client(chart.admin)
    rows = client.get(chart.url("trash/key-results/")).json()["results"]
    assert [(r["id"], r["objective_title"]) for r in rows] == [(chart.kr.pk, "Ship the platform")]
    restored = client.post(chart.url(f"trash/key-results/{chart.kr.pk}/restore/"))
    assert restored.status_code == 200, restored.content
    assert restored.json()["title"] == "Uptime"
    assert KeyResult.objects.filter(pk=chart.kr.pk).exists()


def test_only_admins_see_or_restore_the_trash(chart, token_client):
    services.delete_objective(objective=chart.team_objective, actor=chart.admin)
    for who in (chart.team_lead, chart.owner, chart.dept_head):
        client = token_client(who)
        for response in (
            client.get(chart.url("trash/objectives/")),
            client.get(chart.url("trash/key-results/")),
            client.post(chart.url(f"trash/objectives/{chart.team_objective.pk}/restore/")),
            client.post(chart.url(f"trash/key-results/{chart.kr.pk}/restore/")),
        ):
            assert assert_problem(response, 403)["detail"] == TRASH_ADMINS_ONLY
    assert Objective.all_objects.get(pk=chart.team_objective.pk).deleted_at is not None


def test_a_row_not_in_the_trash_is_404_and_a_closed_cycle_refuses_like_the_page(
    chart, token_client
):
    client = token_client(chart.admin)
    live = client.post(chart.url(f"trash/objectives/{chart.company.pk}/restore/"))
    assert_problem(live, 404)
    assert_problem(client.post(chart.url("trash/key-results/99999999/restore/")), 404)
    assert_problem(client.post(chart.url("trash/key-results/abc/restore/")), 404)

    services.delete_objective(objective=chart.team_objective, actor=chart.admin)
    Cycle.objects.filter(pk=chart.cycle.pk).update(status=Cycle.Status.CLOSED)
    refused = client.post(chart.url(f"trash/objectives/{chart.team_objective.pk}/restore/"))
    assert assert_problem(refused, 400)["detail"] == CLOSED_MESSAGE
    assert Objective.all_objects.get(pk=chart.team_objective.pk).deleted_at is not None
