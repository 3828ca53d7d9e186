"""The /accounts/tokens/ settings pages: create (shown once), list, revoke with confirmation."""

from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services.tokens import create_api_token
from tests import factories


def test_token_page_shows_an_empty_state_with_a_call_to_action(member_membership, client_for):
    response = client_for(member_membership).get(reverse("accounts:tokens"))
    assert response.status_code == 200
    assert b"You have no API tokens yet." in response.content
    assert b'<label for="id_name">Token name' in response.content


def test_created_token_is_shown_once_then_only_its_prefix(member_membership, client_for):
    client = client_for(member_membership)
    response = client.post(reverse("accounts:token_create"), {"name": "BI export"}, follow=True)
    token = ApiToken.objects.get(user=member_membership.user)
    assert token.name == "BI export"
    page = response.content.decode()
    assert "Copy it now" in page
    raw = page.split('id="new-token-value"')[1].split('value="')[1].split('"')[0]
    assert raw.startswith(token.prefix)
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in again
    assert token.prefix in again


def test_a_new_raw_token_is_never_written_to_the_session(member_membership, client_for):
    """It sat in the django_session row (the database) until the tokens page was viewed
    again. Now the creating response shows it, not cached, and nothing stores it."""
    client = client_for(member_membership)
    response = client.post(reverse("accounts:token_create"), {"name": "BI export"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    raw = page.split('id="new-token-value"')[1].split('value="')[1].split('"')[0]
    assert raw.startswith(ApiToken.objects.get(user=member_membership.user).prefix)
    stored = [
        str(row.get_decoded()) + row.session_data
        for row in Session.objects.all()  # every session row, as a dump would show it
    ]
    assert stored and not any(raw in text or raw[len("cairn_") :] in text for text in stored)
    assert raw not in client.get(reverse("accounts:tokens")).content.decode()


def test_token_without_a_name_shows_a_form_error(member_membership, client_for):
    response = client_for(member_membership).post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_then_revokes(member_membership, client_for):
    token, _raw = create_api_token(user=member_membership.user, name="old")
    client = client_for(member_membership)
    url = reverse("accounts:token_revoke", kwargs={"token_id": token.pk})
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b"Revoke \xe2\x80\x9cold\xe2\x80\x9d?" in confirm.content
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"Revoked" in response.content


def test_someone_elses_token_cannot_be_revoked(member_membership, client_for):
    other = factories.UserFactory(email="someone@else.example")
    token, _raw = create_api_token(user=other, name="theirs")
    url = reverse("accounts:token_revoke", kwargs={"token_id": token.pk})
    assert client_for(member_membership).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_pages_need_a_login(db, client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_token_list_runs_a_constant_number_of_queries(
    member_membership, client_for, django_assert_max_num_queries
):
    for n in range(30):
        create_api_token(user=member_membership.user, name=f"t{n}")
    client = client_for(member_membership)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:tokens")).status_code == 200
