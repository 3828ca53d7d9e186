"""Operator commands: send_reminders / send_digests with --org, --dry-run and --now."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import NotificationLog
from tests.notifications.conftest import MONDAY_9


def run(name, *args):
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_who_would_get_what_and_sends_nothing(company):
    company.owner.is_active = False
    company.owner.save()
    output = run(
        "send_reminders", "--org", company.org.slug, "--dry-run", "--now", MONDAY_9.isoformat()
    )
    assert "acme-test reminder 2026-W48: 2 recipient(s)" in output
    assert f"{company.lead.user.email}: Check-in due: 1 key result this week" in output
    assert f"{company.owner.user.email}: skip: membership is inactive" in output
    assert mail.outbox == [] and not NotificationLog.objects.exists()


def test_send_reminders_sends_once_per_week(company):
    first = run("send_reminders", "--org", company.org.slug, "--now", MONDAY_9.isoformat())
    again = run("send_reminders", "--org", company.org.slug, "--now", MONDAY_9.isoformat())
    assert '"sent": 2' in first
    assert '"sent": 0' in again and '"already": 2' in again
    assert len(mail.outbox) == 2


def test_send_digests_for_one_kind(company, other_company):
    output = run(
        "send_digests",
        "--org",
        company.org.slug,
        "--kind",
        "digest_executive",
        "--now",
        MONDAY_9.isoformat(),
    )
    assert '"sent": 1' in output
    assert [m.to for m in mail.outbox] == [[company.ceo.user.email]]


def test_dry_run_shows_already_sent(company):
    run(
        "send_digests",
        "--org",
        company.org.slug,
        "--kind",
        "digest_champion",
        "--now",
        MONDAY_9.isoformat(),
    )
    output = run(
        "send_digests",
        "--org",
        company.org.slug,
        "--kind",
        "digest_champion",
        "--dry-run",
        "--now",
        MONDAY_9.isoformat(),
    )
    assert "skip: already sent for 2026-W48" in output


def test_bad_arguments_are_clear_errors(company):
    with pytest.raises(CommandError, match="Unknown organization"):
        run("send_reminders", "--org", "nope")
    with pytest.raises(CommandError, match="ISO datetime"):
        run("send_reminders", "--now", "next tuesday")
