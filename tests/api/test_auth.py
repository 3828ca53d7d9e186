"""Token and session authentication, token issuance, throttling."""

from datetime import timedelta

import pytest

from accounts.models import ApiToken, hash_token
from accounts.services.tokens import create_api_token, revoke_api_token
from tests.api.conftest import assert_problem

ORGS_URL = "/api/v1/orgs/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_personal_token_authenticates_with_bearer_or_token_keyword(
    member_membership, token_client, keyword
):
    response = token_client(member_membership, keyword=keyword).get(ORGS_URL)
    assert response.status_code == 200
    assert response.json()["results"][0]["slug"] == member_membership.organization.slug


def test_only_the_sha256_of_a_token_is_stored(member_membership):
    token, raw = create_api_token(user=member_membership.user, name="BI")
    assert token.key_hash == hash_token(raw)
    assert raw.startswith(token.prefix)
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_revoked_token_is_rejected_with_401_problem(member_membership, api_client):
    token, raw = create_api_token(user=member_membership.user, name="old")
    revoke_api_token(token=token)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = assert_problem(api_client.get(ORGS_URL), 401)
    assert "revoked" in body["detail"]


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Token a b", "Bearer \xe9"])
def test_wrong_or_malformed_token_is_401(db, api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert_problem(api_client.get(ORGS_URL), 401)


def test_anonymous_request_is_401_with_www_authenticate(db, api_client):
    response = api_client.get(ORGS_URL)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_inactive_users_token_stops_working(member_membership, token_client):
    client = token_client(member_membership)
    member_membership.user.is_active = False
    member_membership.user.save()
    assert_problem(client.get(ORGS_URL), 401)


def test_last_used_at_is_written_at_most_once_a_minute(member_membership, api_client):
    token, raw = create_api_token(user=member_membership.user, name="cron")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api_client.get(ORGS_URL)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_client.get(ORGS_URL)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_client.get(ORGS_URL)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


def test_session_login_works_for_the_api(member_membership, client_for):
    response = client_for(member_membership).get(ORGS_URL)
    assert response.status_code == 200


def test_orgs_lists_only_the_callers_active_memberships(
    member_membership, outsider_membership, token_client
):
    from tests.factories import MembershipFactory, OrganizationFactory

    inactive_org = OrganizationFactory(name="Gone")
    MembershipFactory(organization=inactive_org, user=member_membership.user, is_active=False)
    body = token_client(member_membership).get(ORGS_URL).json()
    assert [(o["slug"], o["role"]) for o in body["results"]] == [("acme-test", "member")]


def test_obtain_token_with_email_and_password(member_membership, api_client):
    response = api_client.post(
        TOKEN_URL,
        {"email": "MEMBER@acme-test.example", "password": "pw", "name": "Laptop"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Laptop"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert api_client.get(ORGS_URL).status_code == 200


def test_obtain_token_with_a_wrong_password_is_400_and_creates_nothing(
    member_membership, api_client
):
    response = api_client.post(
        TOKEN_URL, {"email": "member@acme-test.example", "password": "bad"}, format="json"
    )
    body = assert_problem(response, 400)
    assert body["errors"]["non_field_errors"] == ["Email or password is wrong."]
    assert not ApiToken.objects.exists()


def test_obtain_token_is_throttled_with_retry_after(member_membership, api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100/minute", "token_obtain": "2/minute"},
    }
    payload = {"email": "member@acme-test.example", "password": "bad"}
    for _ in range(2):
        assert api_client.post(TOKEN_URL, payload, format="json").status_code == 400
    response = api_client.post(TOKEN_URL, payload, format="json")
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60


def test_api_calls_are_throttled_per_token(member_membership, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "token_obtain": "2/minute"},
    }
    first, second = token_client(member_membership), token_client(member_membership)
    for _ in range(3):
        assert first.get(ORGS_URL).status_code == 200
    response = first.get(ORGS_URL)
    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    # Another token has its own budget.
    assert second.get(ORGS_URL).status_code == 200
