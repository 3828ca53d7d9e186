"""Security review findings on the API (issue 9), each pinned:

- deeply nested JSON (a RecursionError in the parser) is a 400 problem, also unauthenticated;
- a forged X-Forwarded-For does not buy a fresh throttle budget (NUM_PROXIES, default 0);
- API tokens expire, are capped per user, and die with a password change or reset;
- the token endpoint shares the login lockout (django-axes).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import create_api_token
from okr_project.parsers import MAX_DEPTH
from tests.api.conftest import assert_problem

TOKEN_URL = "/api/v1/auth/token/"
ORGS_URL = "/api/v1/orgs/"


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 50_000])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400_problem(db, api_client, depth):
    response = api_client.post(TOKEN_URL, data=_deep(depth), content_type="application/json")
    assert "nested" in assert_problem(response, 400)["detail"]


def test_unclosed_deep_json_is_a_400_problem(db, api_client):
    response = api_client.post(TOKEN_URL, data="[" * 50_000, content_type="application/json")
    assert_problem(response, 400)


def test_deeply_nested_json_to_an_api_write_is_a_400_problem(chart, token_client):
    client = token_client(chart.admin)
    body = '{"title": "x", "description": ' + _deep(50_000) + "}"
    response = client.post(chart.url("objectives/"), data=body, content_type="application/json")
    assert_problem(response, 400)
    # Brackets inside strings are text, not nesting.
    text = '{"title": "' + "[" * 500 + '"}'
    response = client.post(chart.url("objectives/"), data=text, content_type="application/json")
    assert response.status_code != 500
    assert "nested" not in response.content.decode()


def _throttle(settings, rate="2/minute", proxies=0):
    settings.NUM_PROXIES = proxies
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": proxies,
        "DEFAULT_THROTTLE_RATES": {"user": "100/minute", "token_obtain": rate},
    }


def test_forged_forwarded_for_does_not_bypass_the_token_throttle(db, settings):
    _throttle(settings, proxies=0)
    payload = {"email": "nobody@example.com", "password": "bad"}
    statuses = [
        APIClient()
        .post(TOKEN_URL, payload, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        .status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_behind_a_configured_proxy_the_forwarded_client_is_throttled(db, settings):
    _throttle(settings, proxies=1)
    payload = {"email": "nobody@example.com", "password": "bad"}

    def post(forwarded):
        return APIClient().post(TOKEN_URL, payload, format="json", HTTP_X_FORWARDED_FOR=forwarded)

    # The proxy appends the real client last; a client-written left part is ignored.
    assert post("1.1.1.1, 198.51.100.7").status_code == 400
    assert post("2.2.2.2, 198.51.100.7").status_code == 400
    assert post("3.3.3.3, 198.51.100.7").status_code == 429
    assert post("198.51.100.8").status_code == 400  # another client, its own budget


def _auth(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_tokens_expire(member_membership, settings):
    settings.API_TOKEN_TTL_DAYS = 90
    token, raw = create_api_token(user=member_membership.user, name="script")
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert _auth(raw).get(ORGS_URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(_auth(raw).get(ORGS_URL), 401)


def test_tokens_never_expire_when_the_lifetime_is_zero(member_membership, settings):
    settings.API_TOKEN_TTL_DAYS = 0
    token, raw = create_api_token(user=member_membership.user, name="script")
    assert token.expires_at is None
    assert _auth(raw).get(ORGS_URL).status_code == 200


def test_minting_past_the_cap_revokes_the_oldest(member_membership, settings):
    settings.API_TOKEN_MAX_ACTIVE = 3
    raws = [create_api_token(user=member_membership.user, name=f"t{n}")[1] for n in range(5)]
    live = ApiToken.objects.filter(user=member_membership.user, revoked_at__isnull=True)
    assert sorted(live.values_list("name", flat=True)) == ["t2", "t3", "t4"]
    assert_problem(_auth(raws[0]).get(ORGS_URL), 401)
    assert _auth(raws[4]).get(ORGS_URL).status_code == 200


def test_the_token_endpoint_mints_within_the_cap(member_membership, api_client, settings):
    settings.API_TOKEN_MAX_ACTIVE = 2
    payload = {"email": "member@acme-test.example", "password": "pw"}
    for _ in range(4):
        assert api_client.post(TOKEN_URL, payload, format="json").status_code == 201
    assert ApiToken.objects.filter(user=member_membership.user, revoked_at=None).count() == 2


def test_a_password_change_revokes_every_token(member_membership, client_for):
    user = member_membership.user
    _token, raw = create_api_token(user=user, name="script")
    response = client_for(member_membership).post(
        "/accounts/profile/",
        {
            "action": "password",
            "old_password": "pw",
            "new_password1": "another-long-pass-9",
            "new_password2": "another-long-pass-9",
        },
    )
    assert response.status_code == 302
    assert_problem(_auth(raw).get(ORGS_URL), 401)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()


def test_a_password_reset_revokes_every_token(member_membership):
    user = member_membership.user
    _token, raw = create_api_token(user=user, name="script")
    form = SetPasswordForm(
        user, {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"}
    )
    assert form.is_valid()
    form.save()  # what the reset link's view does
    assert_problem(_auth(raw).get(ORGS_URL), 401)


def test_other_saves_keep_the_tokens(member_membership):
    user = member_membership.user
    _token, raw = create_api_token(user=user, name="script")
    user.full_name = "Renamed"
    user.save()
    user.refresh_from_db()
    user.save()
    assert _auth(raw).get(ORGS_URL).status_code == 200


def test_the_token_endpoint_locks_out_after_repeated_failures(member_membership, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    bad = {"email": "member@acme-test.example", "password": "bad"}
    for _ in range(2):
        assert client.post(TOKEN_URL, bad, format="json").status_code == 400
    locked = client.post(TOKEN_URL, bad, format="json")
    assert "Too many failed log-in attempts" in assert_problem(locked, 429)["detail"]
    assert int(locked["Retry-After"]) > 0
    # Even the right password is refused while locked out, with the same answer.
    good = {"email": "member@acme-test.example", "password": "pw"}
    again = client.post(TOKEN_URL, good, format="json")
    assert assert_problem(again, 429)["detail"] == locked.json()["detail"]
    assert not ApiToken.objects.exists()
