"""Security review findings on accounts (issue 9), each pinned:

- names with line breaks/control characters are refused everywhere (one validator), so an
  invitation subject can never carry a header break;
- the invitation email goes out after commit, from a retrying task: a mail failure leaves a
  whole invitation (the admin can re-send) and never a 500;
- invitation tokens are stored as SHA-256 only;
- unsubscribe links expire, and an old one says so.
"""

import hashlib
import smtplib
import time
from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, Organization, OrgUnit, User
from accounts.rules.lifecycle import invitation_is_pending
from accounts.validators import MESSAGE
from notifications import emails
from notifications.models import Kind, NotificationOptOut
from tests.builders import emailed_token, invitation_token

BAD_NAMES = ["Acme\nBcc: victim@example.com", "Acme\r\nX", "Tab\there", "Nul\x00", "Sep\u2028x"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_organization_name_with_control_characters_is_refused(org, admin_membership, name):
    with pytest.raises(ValidationError) as exc:
        services.update_organization_settings(organization=org, actor=admin_membership, name=name)
    assert MESSAGE in exc.value.message_dict["name"]
    org.refresh_from_db()
    assert org.name == "Acme Test"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_unit_and_person_names_with_control_characters_are_refused(org, admin_membership, name):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(organization=org, actor=admin_membership, name=name)
    assert MESSAGE in exc.value.message_dict["name"]
    assert not OrgUnit.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.update_profile(user=admin_membership.user, full_name=name)
    assert MESSAGE in exc.value.message_dict["full_name"]


def test_ordinary_names_still_work(org, admin_membership):
    unit = services.create_unit(organization=org, actor=admin_membership, name="  R&D – Ünits ")
    assert unit.name == "R&D – Ünits"
    services.update_profile(user=admin_membership.user, full_name="Zoë O'Brien 🎯")


def test_accepting_an_invitation_with_a_multiline_name_is_a_form_error(
    org, admin_membership, client
):
    invitation = services.invite_member(
        organization=org, actor=admin_membership, email="new@example.com"
    )
    path = reverse("accounts:accept_invitation", kwargs={"token": invitation_token(invitation)})
    response = client.post(
        path,
        {"full_name": "New\r\nPerson", "password1": "long-pass-123", "password2": "long-pass-123"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="new@example.com").exists()


def test_only_the_hash_of_an_invitation_token_is_stored(org, admin_membership, client):
    invitation = services.invite_member(
        organization=org, actor=admin_membership, email="new@example.com"
    )
    raw = invitation_token(invitation)
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert raw not in {str(v) for v in row.values()}
    assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    page = client.get(reverse("accounts:accept_invitation", kwargs={"token": raw}))
    assert page.status_code == 200
    by_hash = reverse("accounts:accept_invitation", kwargs={"token": row["token_hash"]})
    assert client.get(by_hash).status_code == 404  # the stored value is not a working link


def _invite_on_the_page(client_for, admin_membership, capture):
    org = admin_membership.organization
    path = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    with capture(execute=True):
        response = client_for(admin_membership).post(
            path, {"email": "hello@example.com", "role": "member"}
        )
    return response


def test_a_legacy_multiline_org_name_never_breaks_the_invite(
    org, admin_membership, client_for, django_capture_on_commit_callbacks
):
    # A name stored before the validator existed (written around the service on purpose).
    Organization.objects.filter(pk=org.pk).update(name="Acme\nBcc: victim@example.com")
    response = _invite_on_the_page(client_for, admin_membership, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="hello@example.com")
    assert invitation_is_pending(invitation)
    # The subject is made one line where it is built: the mail goes out, with no Bcc header.
    (message,) = mail.outbox
    assert message.subject == "You are invited to Acme Bcc: victim@example.com on Cairn"
    assert "Bcc" not in message.message()


class RefusingSMTPBackend(BaseEmailBackend):
    """An SMTP server that is down (Django's backend interface, not our code)."""

    attempts = 0

    def send_messages(self, messages):
        RefusingSMTPBackend.attempts += 1
        raise smtplib.SMTPServerDisconnected("connection lost")


def test_a_mail_failure_is_retried_and_leaves_the_invitation_whole(
    org, admin_membership, client_for, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSMTPBackend"
    RefusingSMTPBackend.attempts = 0
    response = _invite_on_the_page(client_for, admin_membership, django_capture_on_commit_callbacks)
    assert response.status_code == 302  # committed before the mail: no 500, nothing undone
    assert invitation_is_pending(Invitation.objects.get(email="hello@example.com"))
    assert RefusingSMTPBackend.attempts == 1
    # The task asked Celery to retry with backoff (a worker runs the retries; eager mode,
    # as here, only records the request).
    assert "Retry in" in caplog.text


def test_a_resent_invitation_skips_the_stale_email(
    org, admin_membership, django_capture_on_commit_callbacks
):
    from accounts.tasks import send_invitation

    first = services.invite_member(organization=org, actor=admin_membership, email="n@example.com")
    stale = first.token_hash  # the send ticket the first (queued, not yet run) task carries
    services.invite_member(organization=org, actor=admin_membership, email="n@example.com")
    assert send_invitation(first.pk, stale) is False
    assert mail.outbox == []


class _SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - int(timedelta(days=61).total_seconds()))


def test_an_old_unsubscribe_link_expires_with_a_clear_page(member_membership, org):
    payload = {"o": org.pk, "m": member_membership.pk, "k": Kind.REMINDER}
    old = _SignedLongAgo(salt=emails.UNSUBSCRIBE_SALT).sign_object(payload)
    path = reverse("notifications:unsubscribe", kwargs={"org_slug": org.slug, "token": old})
    for response in (Client().get(path), Client().post(path)):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not NotificationOptOut.objects.exists()
    fresh = emails.unsubscribe_token(membership=member_membership, kind=Kind.REMINDER)
    assert emails.read_unsubscribe_token(fresh)["m"] == member_membership.pk


def test_no_raw_invitation_token_travels_in_a_task_message(
    org, admin_membership, django_capture_on_commit_callbacks
):
    """The shipped Redis persists its queue (appendonly): a raw token in a message was a
    working link at rest. The message carries the invitation id and a send ticket (the hash
    of a token nobody knows); the task mints the link, which works, and a re-send still
    retires the older one."""
    sent: list[tuple] = []

    def record(sender=None, args=None, kwargs=None, **extra):
        if sender.name == "accounts.tasks.send_invitation":
            sent.append((tuple(args or ()), dict(kwargs or {})))

    task_prerun.connect(record, weak=False)  # what a worker receives from the broker
    try:
        for _ in range(2):  # an invitation, then a re-send
            with django_capture_on_commit_callbacks(execute=True):
                services.invite_member(
                    organization=org, actor=admin_membership, email="n@example.com"
                )
    finally:
        task_prerun.disconnect(record)
    tokens = [emailed_token("n@example.com")]
    first_body = mail.outbox[0].body
    first = first_body.split("/accounts/invitations/")[1].split("/")[0]
    assert len(sent) == 2 and first != tokens[0]
    for args, kwargs in sent:
        message = repr((args, kwargs))
        assert first not in message and tokens[0] not in message
        assert hashlib.sha256(tokens[0].encode()).hexdigest() not in message
    client = Client()
    for raw, status in ((first, 404), (tokens[0], 200)):
        page = client.get(reverse("accounts:accept_invitation", kwargs={"token": raw}))
        assert page.status_code == status
