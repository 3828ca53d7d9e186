"""Exactly-once delivery, skips with reasons, opt-outs, email format, SMTP refusals."""

import pytest
from django.conf import settings
from django.core import mail

from notifications import delivery, emails
from notifications.models import Kind, Notification, NotificationLog, NotificationOptOut
from tests.notifications.conftest import MONDAY_9, WEEK, check_in

State = NotificationLog.State


def send(company, kind=Kind.REMINDER, ids=None, task_id="task-1"):
    members = [company.owner, company.contributor, company.lead]
    return delivery.deliver_batch(
        organization=company.org,
        kind=kind,
        period=WEEK,
        membership_ids=ids if ids is not None else [m.pk for m in members],
        now=MONDAY_9,
        task_id=task_id,
    )


def pending_claim(company, task_id):
    """A claim left pending by the task `task_id` (crashed or still running)."""
    return NotificationLog.objects.create(
        organization=company.org,
        recipient=company.owner,
        kind=Kind.REMINDER,
        period=WEEK,
        task_id=task_id,
    )


def log_of(membership, kind=Kind.REMINDER):
    return NotificationLog.objects.get(recipient=membership, kind=kind, period=WEEK)


def test_reminder_lists_exactly_the_due_krs_with_one_click_links(company):
    check_in(company.kr_a)
    counts = send(company, ids=[company.owner.pk])
    assert counts.sent == 1
    (message,) = mail.outbox
    assert message.to == [company.owner.user.email]
    assert message.subject == "Check-in due: 1 key result this week"
    assert "Deploy daily" in message.body
    assert "p95 latency" not in message.body
    assert f"{settings.SITE_URL}/o/{company.org.slug}/?checkin={company.kr_b.pk}" in message.body
    html = message.alternatives[0][0]
    assert f"?checkin={company.kr_b.pk}" in html
    assert 'style="' in html and "<style" not in html  # CSS inlined, no stylesheet left
    assert "<img" not in html


def test_reminder_carries_rfc8058_one_click_unsubscribe_headers(company):
    send(company, ids=[company.owner.pk])
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert emails.read_unsubscribe_token(token) == {
        "o": company.org.pk,
        "m": company.owner.pk,
        "k": Kind.REMINDER,
    }


def test_second_run_for_the_same_week_sends_nothing(company):
    first = send(company)
    second = send(company, task_id="task-2")
    assert first.sent == 2  # owner and lead (contributors are not reminded by default)
    assert second.sent == 0 and second.already == 3
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 2


def test_retry_of_the_same_task_resends_only_rows_left_pending(company):
    pending_claim(company, "task-1")
    counts = send(company, ids=[company.owner.pk], task_id="task-1")
    assert counts.sent == 1
    row = log_of(company.owner)
    assert row.status == State.SENT and row.attempts == 1


def test_duplicate_dispatch_does_not_take_over_a_fresh_pending_claim(company):
    pending_claim(company, "first-task")
    counts = send(company, ids=[company.owner.pk], task_id="another-task")
    assert counts.already == 1 and counts.sent == 0
    assert mail.outbox == []


def test_inactive_member_gets_nothing_and_is_logged_skipped(company):
    company.owner.is_active = False
    company.owner.save()
    send(company, ids=[company.owner.pk])
    assert mail.outbox == []
    assert not Notification.objects.exists()
    row = log_of(company.owner)
    assert (row.status, row.reason) == (State.SKIPPED, "membership is inactive")


def test_user_without_email_is_skipped_with_a_reason(company):
    type(company.owner.user).objects.filter(pk=company.owner.user.pk).update(email="")
    counts = send(company, ids=[company.owner.pk])
    assert counts.skipped == 1 and mail.outbox == []
    assert log_of(company.owner).reason == "user has no email address"


def test_opted_out_member_gets_no_email_but_the_in_app_notification(company):
    NotificationOptOut.objects.create(
        organization=company.org, membership=company.owner, kind=Kind.REMINDER
    )
    send(company, ids=[company.owner.pk])
    assert mail.outbox == []
    assert log_of(company.owner).reason == "opted out of this email"
    assert Notification.objects.filter(recipient=company.owner).count() == 1


def test_member_who_checked_in_meanwhile_is_skipped(company):
    check_in(company.kr_a)
    check_in(company.kr_b)
    send(company, ids=[company.owner.pk])
    assert log_of(company.owner).status == State.SKIPPED
    assert "already has a check-in" in log_of(company.owner).reason


def test_other_organizations_ids_are_ignored_entirely(company, other_company):
    counts = send(company, ids=[other_company.owner.pk])
    assert counts.as_dict() == {"sent": 0, "skipped": 0, "failed": 0, "already": 0}
    assert not NotificationLog.objects.exists()


def test_smtp_refusing_one_recipient_fails_that_row_and_delivers_the_rest(company, smtp_server):
    smtp_server.refuse.add(company.owner.user.email)
    counts = send(company)
    assert (counts.sent, counts.failed) == (1, 1)
    assert smtp_server.recipients() == [company.lead.user.email]
    row = log_of(company.owner)
    assert row.status == State.FAILED
    assert row.reason.startswith("mail server refused the recipient: 550")


def test_unreachable_smtp_server_leaves_rows_pending_for_a_retry(company, settings):
    from tests.notifications.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(delivery.TransientDeliveryError):
        send(company, ids=[company.owner.pk])
    row = log_of(company.owner)
    assert row.status == State.PENDING and row.reason.startswith("transient:")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(company, ids=[company.owner.pk]).sent == 1  # the retry (same task id)


def test_real_smtp_delivery_has_text_and_html_parts(company, smtp_server):
    send(company, ids=[company.owner.pk])
    (rcpts, raw) = smtp_server.messages[0]
    assert rcpts == [company.owner.user.email]
    assert b"multipart/alternative" in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
