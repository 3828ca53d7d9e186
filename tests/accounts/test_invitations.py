"""Invitations: invite, re-send, revoke, accept (new and existing users), emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Role, User
from tests import factories
from tests.builders import emailed_token, invitation_token


def invite(org, actor, email="new.person@example.com", **kwargs):
    return services.invite_member(organization=org, actor=actor, email=email, **kwargs)


def accept_url(invitation):
    return reverse("accounts:accept_invitation", kwargs={"token": invitation_token(invitation)})


def test_invite_sends_text_and_html_email_with_site_link(
    org, admin_membership, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cairn.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(org, admin_membership, email=" New.Person@Example.com ")
    assert invitation.email == "new.person@example.com"
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "Acme Test" in message.subject
    link = f"https://cairn.example.org/accounts/invitations/{emailed_token(invitation.email)}/"
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link in html


def test_invalid_email_is_refused(org, admin_membership):
    with pytest.raises(ValidationError) as exc:
        invite(org, admin_membership, email="not-an-email")
    assert "email" in exc.value.message_dict
    assert not Invitation.objects.exists()


def test_inviting_an_active_member_is_refused(org, admin_membership, member_membership):
    with pytest.raises(ValidationError, match="already a member"):
        invite(org, admin_membership, email=member_membership.user.email.upper())


def test_reinviting_pending_email_refreshes_the_same_invitation(
    org, admin_membership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(org, admin_membership)
    old_token = emailed_token(first.email)
    with django_capture_on_commit_callbacks(execute=True):
        second = invite(org, admin_membership, role=Role.CHAMPION)
    new_token = emailed_token(second.email)
    assert first.pk == second.pk
    assert new_token != old_token and second.role == Role.CHAMPION
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2
    assert old_token not in mail.outbox[1].body
    # The re-send retired the older link; the new one works.
    old_page = Client().get(reverse("accounts:accept_invitation", kwargs={"token": old_token}))
    assert old_page.status_code == 404
    new_page = Client().get(reverse("accounts:accept_invitation", kwargs={"token": new_token}))
    assert new_page.status_code == 200


def test_member_cannot_invite(org, member_membership):
    with pytest.raises(PermissionDenied):
        invite(org, member_membership)


def test_invitation_unit_must_be_in_org(org, other_org, admin_membership):
    with pytest.raises(ValidationError):
        invite(org, admin_membership, unit=factories.OrgUnitFactory(organization=other_org))


def test_new_user_accepts_and_is_logged_in(org, admin_membership, client):
    unit = factories.OrgUnitFactory(organization=org)
    invitation = invite(org, admin_membership, role=Role.EXECUTIVE, unit=unit)
    page = client.get(accept_url(invitation))
    assert page.status_code == 200 and "Join Acme Test" in page.content.decode()
    response = client.post(
        accept_url(invitation),
        {
            "full_name": "New Person",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("okrs:my_okrs", kwargs={"org_slug": org.slug})
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("a-long-passphrase") and user.full_name == "New Person"
    membership = Membership.objects.get(organization=org, user=user)
    assert membership.role == Role.EXECUTIVE and membership.unit == unit
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(reverse("orgchart:chart", kwargs={"org_slug": org.slug})).status_code == 200


def test_accept_form_errors_keep_input_and_write_nothing(org, admin_membership, client):
    invitation = invite(org, admin_membership)
    response = client.post(
        accept_url(invitation), {"full_name": "New Person", "password1": "123", "password2": "124"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The two passwords differ." in html and 'value="New Person"' in html
    response = client.post(
        accept_url(invitation), {"full_name": "New Person", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400 and "too short" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_existing_user_must_log_in_then_accepts(org, other_org, admin_membership, client):
    user = factories.UserFactory(email="known@example.com")
    factories.MembershipFactory(organization=other_org, user=user)
    invitation = invite(org, admin_membership, email="known@example.com")
    page = client.get(accept_url(invitation)).content.decode()
    assert "Log in to accept" in page
    client.post(accept_url(invitation), {"full_name": "x", "password1": "y", "password2": "y"})
    assert not Membership.objects.filter(organization=org, user=user).exists()
    client.force_login(user)
    assert client.post(accept_url(invitation)).status_code == 302
    assert Membership.objects.filter(organization=org, user=user, is_active=True).exists()


def test_logged_in_as_someone_else_cannot_accept(org, admin_membership, member_membership, client):
    invitation = invite(org, admin_membership, email="target@example.com")
    client.force_login(member_membership.user)
    response = client.post(accept_url(invitation))
    assert response.status_code == 200
    assert "Log out" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_service_refuses_accepting_for_another_email(org, admin_membership, member_membership):
    invitation = invite(org, admin_membership, email="target@example.com")
    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation=invitation, user=member_membership.user)


@pytest.mark.parametrize("state", ["revoked", "expired", "accepted"])
def test_dead_invitation_links_explain_themselves(org, admin_membership, client, state):
    invitation = invite(org, admin_membership)
    url = accept_url(invitation)  # the link as emailed, before it died
    now = timezone.now()
    if state == "revoked":
        services.revoke_invitation(invitation=invitation, actor=admin_membership)
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=now - timedelta(days=1))
    else:
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now)
    response = client.post(url, {"full_name": "A", "password1": "long-pass-123", "password2": "x"})
    assert response.status_code == 410
    assert "doesn’t work" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_unknown_token_is_404_page(db, client):
    response = client.get(reverse("accounts:accept_invitation", kwargs={"token": "nope"}))
    assert response.status_code == 404 and "couldn’t find it" in response.content.decode()


def test_deactivated_member_comes_back_through_invitation(org, admin_membership, client):
    gone = factories.MembershipFactory(organization=org, is_active=False)
    invitation = invite(org, admin_membership, email=gone.user.email, role=Role.CHAMPION)
    membership = services.accept_invitation(invitation=invitation, user=gone.user)
    assert membership.pk == gone.pk and membership.is_active and membership.role == Role.CHAMPION


def test_invitations_page_invites_and_lists(org, admin_membership, client_for):
    client = client_for(admin_membership)
    path = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    assert "No pending invitations" in client.get(path).content.decode()
    response = client.post(path, {"email": "hello@example.com", "role": "member"}, follow=True)
    assert "hello@example.com" in response.content.decode()


def test_invitations_page_shows_errors(org, admin_membership, member_membership, client_for):
    client = client_for(admin_membership)
    path = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    bad = client.post(path, {"email": "nope", "role": "member"})
    assert bad.status_code == 400 and "valid email" in bad.content.decode()
    dup = client.post(path, {"email": member_membership.user.email, "role": "member"})
    assert dup.status_code == 400 and "already a member" in dup.content.decode()
    assert not Invitation.objects.exists()


def test_foreign_unit_in_invite_form_is_invalid_choice(
    org, other_org, admin_membership, client_for
):
    path = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    foreign = factories.OrgUnitFactory(organization=other_org)
    response = client_for(admin_membership).post(
        path, {"email": "x@example.com", "role": "member", "unit": foreign.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_revoke_needs_confirmation_and_admin(org, admin_membership, member_membership, client):
    invitation = invite(org, admin_membership)
    path = reverse(
        "orgchart:invitation_revoke", kwargs={"org_slug": org.slug, "invitation_id": invitation.pk}
    )
    client.force_login(member_membership.user)
    assert client.post(path).status_code == 403
    client.force_login(admin_membership.user)
    assert "Revoke the invitation" in client.get(path).content.decode()
    assert client.post(path).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
