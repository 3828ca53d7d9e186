"""tokens/: the API tokens page over HTTP (list, create, revoke), same services and rules."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, SecurityEvent
from tests.api.conftest import assert_problem


def test_list_create_and_revoke_my_tokens(chart, token_client, settings):
    client = token_client(chart.owner)  # its own token is "tests"
    made = client.post("/api/v1/tokens/", {"name": "BI export"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["token"].startswith("cairn_") and body["token"].startswith(body["prefix"])
    assert body["name"] == "BI export" and body["status"] == "active"
    assert body["expires_at"]  # API_TOKEN_TTL_DAYS
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert fresh.get("/api/v1/orgs/").status_code == 200  # the new token works

    listed = client.get("/api/v1/tokens/").json()
    assert {t["name"] for t in listed["results"]} == {"tests", "BI export"}
    assert all("token" not in t for t in listed["results"])  # the value is shown once

    revoked = client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert_problem(fresh.get("/api/v1/orgs/"), 401)
    again = client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]  # nothing changes
    kinds = list(SecurityEvent.objects.filter(user=chart.owner.user).values_list("kind", flat=True))
    assert kinds.count("token_revoked") == 1 and "token_created" in kinds


def test_someone_elses_token_is_404_and_never_listed(chart, token_client):
    mine = token_client(chart.owner)
    theirs = token_client(chart.bystander)
    other = ApiToken.objects.get(user=chart.bystander.user)
    assert_problem(mine.post(f"/api/v1/tokens/{other.pk}/revoke/"), 404)
    assert_problem(mine.post("/api/v1/tokens/nope/revoke/"), 404)
    assert other.pk not in [t["id"] for t in mine.get("/api/v1/tokens/").json()["results"]]
    assert theirs.get("/api/v1/orgs/").status_code == 200  # still live


def test_a_bad_name_is_a_400_with_the_pages_message(chart, token_client):
    client = token_client(chart.owner)
    blank = assert_problem(client.post("/api/v1/tokens/", {"name": "  "}, format="json"), 400)
    assert blank["errors"]["name"] == ["Give the token a name, e.g. “BI export”."]
    long = assert_problem(client.post("/api/v1/tokens/", {"name": "x" * 81}, format="json"), 400)
    assert long["errors"]["name"] == ["Keep the name under 80 characters."]
    for body in ({}, {"name": "ok", "user": 1}):
        assert_problem(client.post("/api/v1/tokens/", body, format="json"), 400)


def test_minting_past_the_cap_revokes_the_oldest_and_expired_ones_say_so(
    chart, token_client, settings
):
    settings.API_TOKEN_MAX_ACTIVE = 2
    client = token_client(chart.owner)  # live token 1 of 2: "tests"
    second = client.post("/api/v1/tokens/", {"name": "second"}, format="json").json()
    third = client.post("/api/v1/tokens/", {"name": "third"}, format="json").json()
    assert_problem(client.get("/api/v1/tokens/"), 401)  # "tests" was the oldest: revoked
    newest = APIClient()
    newest.credentials(HTTP_AUTHORIZATION=f"Bearer {third['token']}")
    ApiToken.objects.filter(pk=second["id"]).update(expires_at=timezone.now() - timedelta(days=1))
    by_name = {t["name"]: t["status"] for t in newest.get("/api/v1/tokens/").json()["results"]}
    assert by_name == {"tests": "revoked", "second": "expired", "third": "active"}


def test_anonymous_is_401(api_client):
    assert_problem(api_client.get("/api/v1/tokens/"), 401)
    assert_problem(api_client.post("/api/v1/tokens/", {"name": "x"}, format="json"), 401)
