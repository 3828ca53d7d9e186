"""Login, logout, password reset by email, profile, org switcher."""

import re

from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests import factories


def test_login_page_links_password_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_login_with_email_and_logout(db, client):
    factories.UserFactory(email="kim@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "kim@example.com", "password": "pw"}
    )
    assert response.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_email_in_other_case_or_with_spaces_logs_in_on_the_web_and_the_api(db, client):
    """Web login compared the stored (lower-case) email exactly, the API lower-cased it
    first: `Kim@Example.COM` failed on the page and worked on the API. One normalisation
    (`accounts.models.normalize_email`) now serves both, and account creation."""
    factories.UserFactory(email="kim@example.com")
    for typed in ("Kim@Example.COM", "  KIM@EXAMPLE.COM "):
        page = client.post(reverse("accounts:login"), {"username": typed, "password": "pw"})
        assert page.status_code == 302, typed
        client.post(reverse("accounts:logout"))
        api = client.post(
            "/api/v1/auth/token/", {"email": typed.strip(), "password": "pw"},
            content_type="application/json",
        )  # fmt: skip
        assert api.status_code == 201, (typed, api.content)
    assert User.objects.create_user(" Ana@Example.ORG ", "pw").email == "ana@example.org"


def test_wrong_password_shows_error(db, client):
    factories.UserFactory(email="kim@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "kim@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()


def test_password_reset_email_and_new_password(
    db, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cairn.example.org"
    user = factories.UserFactory(email="kim@example.com", full_name="Kim Lee")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued on commit
        response = client.post(reverse("accounts:password_reset"), {"email": "kim@example.com"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Reset your Cairn password"
    assert "Hello Kim Lee" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"https://cairn\.example\.org(/accounts/reset/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-42")


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(db, client):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "ghost@example.com"}, follow=True
    )
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_bad_reset_link_offers_a_new_one(db, client):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    )
    assert "doesn’t work any more" in response.content.decode()


def test_profile_changes_name(member_membership, client_for):
    client = client_for(member_membership)
    response = client.post(
        reverse("accounts:profile"), {"action": "profile", "full_name": "Renamed Person"}
    )
    assert response.status_code == 302
    member_membership.user.refresh_from_db()
    assert member_membership.user.full_name == "Renamed Person"


def test_profile_blank_name_is_an_error(member_membership, client_for):
    response = client_for(member_membership).post(
        reverse("accounts:profile"), {"action": "profile", "full_name": "  "}
    )
    assert response.status_code == 400


def test_profile_changes_password_and_stays_logged_in(member_membership, client_for):
    client = client_for(member_membership)
    response = client.post(
        reverse("accounts:profile"),
        {
            "action": "password",
            "old_password": "pw",
            "new_password1": "another-long-pass-9",
            "new_password2": "another-long-pass-9",
        },
    )
    assert response.status_code == 302
    member_membership.user.refresh_from_db()
    assert member_membership.user.check_password("another-long-pass-9")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_profile_wrong_old_password_is_an_error(member_membership, client_for):
    response = client_for(member_membership).post(
        reverse("accounts:profile"),
        {"action": "password", "old_password": "x", "new_password1": "a", "new_password2": "a"},
    )
    assert response.status_code == 400
    assert "old password was entered incorrectly" in response.content.decode()


def test_org_switcher_switches_between_own_orgs(org, other_org, client):
    user = factories.UserFactory(email="coach@example.com")
    factories.MembershipFactory(organization=org, user=user)
    factories.MembershipFactory(organization=other_org, user=user)
    client.force_login(user)
    html = client.get(reverse("orgchart:chart", kwargs={"org_slug": org.slug})).content.decode()
    assert 'id="org-switch"' in html and "Other Co" in html
    response = client.get(reverse("accounts:switch_org") + f"?org={other_org.slug}")
    assert response.status_code == 302 and other_org.slug in response["Location"]
    assert client.session["last_org_slug"] == other_org.slug


def test_org_switcher_refuses_foreign_org(org, other_org, member_membership, client_for):
    client = client_for(member_membership)
    response = client.get(reverse("accounts:switch_org") + f"?org={other_org.slug}")
    assert response.status_code == 404
