"""A line break in a title never breaks a notification (issue 18, finding 6).

A title with CR/LF was saved (201), then every mention and comment email about it raised
BadHeaderError while its subject was built: the comment answered 500 in eager mode, the log row
stayed `pending`, and no in-app notification was written (with a worker: both lost silently).
Now single-line fields refuse control characters on every path
(tests/security/test_single_line_fields.py), subjects are made one line where they are
built, and a delivery failure that retrying cannot fix is logged as failed with its reason
while the in-app notification is still written.
"""

from __future__ import annotations

import email
import email.policy

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from notifications import emails
from notifications.models import Kind, Notification, NotificationLog
from okrs import services
from okrs.models import KeyResult, Objective

HOSTILE = "Ship it\r\nBcc: everyone@example.com\u2028and\x1bmore"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    return run


def test_a_title_with_line_breaks_from_before_the_rule_still_notifies(company, client, on_commit):
    """Rows written before the rule may hold a line break: the comment still answers, the
    email goes out with a one-line subject, the in-app notification is written."""
    KeyResult.objects.filter(pk=company.kr_a.pk).update(title=HOSTILE)
    client.force_login(company.lead.user)
    url = reverse(
        "okrs:key_result_comment",
        kwargs={"org_slug": company.org.slug, "key_result_id": company.kr_a.pk},
    )
    response = on_commit(lambda: client.post(url, {"body": "@owner have a look"}))
    assert response.status_code in (200, 302), response.status_code
    (message,) = [m for m in mail.outbox if m.to == [company.owner.user.email]]
    assert message.subject.isprintable()
    assert "Ship it Bcc: everyone@example.com and more" in message.subject
    sent = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert sent["Bcc"] is None and "Ship it Bcc:" in sent["Subject"]  # quoted text, no header
    row = NotificationLog.objects.get(recipient=company.owner, kind=Kind.MENTION)
    assert row.status == NotificationLog.State.SENT
    note = Notification.objects.get(recipient=company.owner, kind=Kind.MENTION)
    assert "\n" not in note.title and "\r" not in note.title


def test_subjects_are_one_line_whatever_they_quote():
    subject = emails.subject_for(Kind.COMMENT, author="Eve\r\nBcc: x@y", title=HOSTILE)
    assert subject.isprintable(), subject
    assert "Eve Bcc: x@y" in subject


def test_an_address_the_mail_library_refuses_is_a_failed_row_and_the_notification_stays(
    company, on_commit
):
    """Not transient: retrying cannot fix it. Logged as failed with its reason; the in-app
    notification is written anyway and the other recipients are not held up."""
    User.objects.filter(pk=company.owner.user_id).update(email="owner@example.com\nBcc: x@y.z")
    on_commit(
        lambda: services.add_comment(
            actor=company.lead, key_result=company.kr_a, body="@owner @ceo look"
        )
    )
    failed = NotificationLog.objects.get(recipient=company.owner, kind=Kind.MENTION)
    assert failed.status == NotificationLog.State.FAILED
    assert "could not build the email" in failed.reason
    assert Notification.objects.filter(recipient=company.owner, kind=Kind.MENTION).exists()
    sent = NotificationLog.objects.get(recipient=company.ceo, kind=Kind.MENTION)
    assert sent.status == NotificationLog.State.SENT
    assert [m.to for m in mail.outbox] == [[company.ceo.user.email]]


def test_the_service_refuses_a_title_with_a_line_break(company):
    with pytest.raises(Exception) as refused:
        services.update_objective(
            objective=company.objective, actor=company.lead, title="two\nlines"
        )
    assert "single line" in str(refused.value)
    assert Objective.objects.get(pk=company.objective.pk).title != "two\nlines"
