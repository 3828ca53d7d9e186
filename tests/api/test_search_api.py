"""search/ and search/<kind>/: the header search over HTTP, with the same visibility rule."""

from __future__ import annotations

from okrs.models import Objective
from tests import factories
from tests.api.conftest import assert_problem
from tests.builders import person


def test_the_summary_counts_each_kind_and_links_its_list(chart, token_client):
    person(chart.org, email="plato@acme-test.example", name="Plato Person", title="Philosopher")
    body = token_client(chart.bystander).get(chart.url("search/?q=plat")).json()
    assert body["query"] == "plat"
    assert [r["title"] for r in body["objectives"]["results"]] == ["Ship the platform"]
    assert body["objectives"]["count"] == 1
    assert body["people"]["results"][0]["name"] == "Plato Person"
    assert body["people"]["results"][0]["email"] == "plato@acme-test.example"
    assert [u["name"] for u in body["units"]["results"]] == ["Platform"]
    assert body["key_results"]["count"] == 0
    assert body["units"]["url"].endswith(chart.url("search/units/?q=plat"))


def test_each_list_pages_like_every_list(chart, token_client):
    for i in range(7):
        factories.KeyResultFactory(
            organization=chart.org, objective=chart.team_objective, owner=chart.owner,
            title=f"Latency p{i}",
        )  # fmt: skip
    client = token_client(chart.owner)
    page = client.get(chart.url("search/key-results/?q=latency&page_size=5")).json()
    assert page["count"] == 7 and len(page["results"]) == 5 and page["next"]
    row = page["results"][0]
    assert row["objective_title"] == "Ship the platform" and row["cycle_name"] == "Q1 2030"
    rest = client.get(chart.url("search/key-results/?q=latency&page_size=5&page=2")).json()
    assert len(rest["results"]) == 2


def test_a_private_objective_is_no_hit_and_no_count_for_who_may_not_open_it(chart, token_client):
    Objective.objects.filter(pk=chart.team_objective.pk).update(visibility="private")
    bystander = token_client(chart.bystander)
    summary = bystander.get(chart.url("search/?q=u")).json()  # "Ship the platform", "Uptime"
    titles = [r["title"] for r in summary["objectives"]["results"]]
    assert "Ship the platform" not in titles and summary["key_results"]["count"] == 0
    assert bystander.get(chart.url("search/objectives/?q=ship")).json()["count"] == 0
    owner = token_client(chart.owner)  # works on its key result
    assert owner.get(chart.url("search/key-results/?q=uptime")).json()["count"] == 1
    assert owner.get(chart.url("search/objectives/?q=ship")).json()["results"][0][
        "visibility"] == "private"  # fmt: skip


def test_a_missing_or_blank_query_is_a_400_on_q(chart, token_client):
    client = token_client(chart.owner)
    for path in ("search/", "search/?q=", "search/people/?q=%20%20"):
        assert "q" in assert_problem(client.get(chart.url(path)), 400)["errors"]
