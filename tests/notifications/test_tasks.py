"""The dispatch chain (eager): right hour, once per week, follow-ups, bad data, the schedule."""

import logging
import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import Organization
from notifications import tasks
from notifications.models import Kind, NotificationLog
from tests.notifications.conftest import MONDAY_9, build_company, check_in


def test_dispatch_at_the_checkin_hour_sends_reminders_and_digests(company):
    tasks.dispatch(now=MONDAY_9.isoformat())
    subjects = sorted(m.subject for m in mail.outbox)
    assert "Check-in due: 2 key results this week" in subjects
    kinds = set(NotificationLog.objects.values_list("kind", flat=True))
    assert kinds == {Kind.REMINDER, *[k for k in Kind.values if k.startswith("digest")]}


def test_dispatch_outside_the_hour_sends_nothing(company):
    tasks.dispatch(now=(MONDAY_9 + timedelta(hours=1)).isoformat())
    tasks.dispatch(now=(MONDAY_9 - timedelta(minutes=1)).isoformat())
    assert mail.outbox == [] and not NotificationLog.objects.exists()


def test_dispatching_twice_for_the_same_hour_sends_nothing_new(company):
    tasks.dispatch(now=MONDAY_9.isoformat())
    sent = len(mail.outbox)
    tasks.dispatch(now=(MONDAY_9 + timedelta(minutes=30)).isoformat())
    assert len(mail.outbox) == sent


def test_company_in_another_zone_is_dispatched_at_its_own_hour(company):
    company.org.timezone = "Asia/Kolkata"
    company.org.save()
    tasks.dispatch(now=MONDAY_9.isoformat())
    assert mail.outbox == []
    tasks.dispatch(now=MONDAY_9.replace(hour=4).isoformat())  # 09:30 IST
    assert mail.outbox


def test_followup_goes_only_to_those_still_missing(company):
    company.org.followup_weekday = 2  # Wednesday
    company.org.save()
    check_in(company.kr_a)
    check_in(company.kr_b)
    tasks.dispatch(now=(MONDAY_9 + timedelta(days=2)).isoformat())
    assert [m.to for m in mail.outbox] == [[company.lead.user.email]]
    assert mail.outbox[0].subject == "Still open: 1 key result needs a check-in"


def test_invalid_stored_timezone_is_logged_and_treated_as_utc(company, caplog):
    Organization.objects.filter(pk=company.org.pk).update(timezone="Not/AZone")
    with caplog.at_level(logging.WARNING, logger="cairn.notifications"):
        tasks.dispatch(now=MONDAY_9.isoformat())
    assert "invalid timezone 'Not/AZone'" in caplog.text
    assert mail.outbox


def test_batches_split_recipients_and_log_a_structured_line(company, caplog, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 1)
    with caplog.at_level(logging.INFO, logger="cairn.notifications"):
        tasks.dispatch_organization(
            company.org.pk, [Kind.REMINDER], "2026-W48", MONDAY_9.isoformat()
        )
    batch_lines = [
        r.getMessage() for r in caplog.records if "notifications batch" in r.getMessage()
    ]
    assert len(batch_lines) == 2  # owner and lead, one batch each
    assert all("sent=1 skipped=0 failed=0" in line for line in batch_lines)


def test_two_companies_never_see_each_others_people(org, other_org):
    first, second = build_company(org), build_company(other_org)
    tasks.dispatch(now=MONDAY_9.isoformat())
    for log in NotificationLog.objects.select_related("recipient"):
        assert log.recipient.organization_id == log.organization_id
    domains = {m.to[0].split("@")[1] for m in mail.outbox}
    assert domains == {"acme-test.example", "other-co.example"}
    # Each email links into its reader's own organization only.
    slugs = {"acme-test.example": first.org.slug, "other-co.example": second.org.slug}
    for message in mail.outbox:
        own = slugs[message.to[0].split("@")[1]]
        linked = set(re.findall(r"/o/([\w-]+)/", message.body))
        assert linked == {own}, (message.to, linked)


def test_migrate_creates_the_hourly_dispatch_schedule(db):
    task = PeriodicTask.objects.get(name="cairn-dispatch")
    assert task.task == "notifications.tasks.dispatch"
    assert task.crontab.minute == "0" and task.crontab.hour == "*"
    task.delete()
    call_command("setup_schedules")
    assert PeriodicTask.objects.filter(name="cairn-dispatch").count() == 1
