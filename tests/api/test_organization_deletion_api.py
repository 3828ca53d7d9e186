"""deletion/: the settings page's "Delete organization…" and "Cancel deletion" over HTTP."""

from __future__ import annotations

from django.core import mail

from accounts.models import Organization, SecurityEvent
from accounts.services import organization_deletion as deletion
from tests.api.conftest import assert_problem


def _org(chart) -> Organization:
    return Organization.objects.get(pk=chart.org.pk)


def test_every_member_reads_the_status_and_an_admin_schedules_then_cancels(
    chart, token_client, django_capture_on_commit_callbacks
):
    member = token_client(chart.owner)
    admin = token_client(chart.admin)
    before = member.get(chart.url("deletion/"))
    assert before.status_code == 200
    assert before.json() == {
        "scheduled": False,
        "requested_at": None,
        "due_at": None,
        "grace_days": deletion.grace_period().days,
    }

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = admin.post(
            chart.url("deletion/"), {"confirmation": chart.org.slug}, format="json"
        )
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["scheduled"] is True
    due = _org(chart).deletion_due_at
    assert due is not None and scheduled.json()["due_at"].startswith(due.date().isoformat())
    assert member.get(chart.url("deletion/")).json()["scheduled"] is True
    assert any("scheduled for deletion" in m.subject for m in mail.outbox)  # admins emailed
    again = admin.post(chart.url("deletion/"), {"confirmation": chart.org.slug}, format="json")
    assert "already scheduled" in assert_problem(again, 400)["detail"]

    cancelled = admin.delete(chart.url("deletion/"))
    assert cancelled.status_code == 200
    assert cancelled.json()["scheduled"] is False and _org(chart).deletion_due_at is None
    kinds = set(SecurityEvent.objects.filter(organization=chart.org).values_list("kind", flat=True))
    assert {"deletion_scheduled", "deletion_cancelled"} <= kinds
    assert_problem(admin.delete(chart.url("deletion/")), 400)  # nothing left to cancel


def test_a_wrong_confirmation_is_a_field_error_and_schedules_nothing(chart, token_client):
    admin = token_client(chart.admin)
    for body in ({"confirmation": "not-it"}, {"confirmation": ""}, {}):
        response = admin.post(chart.url("deletion/"), body, format="json")
        assert "confirmation" in assert_problem(response, 400)["errors"]
    unknown = admin.post(chart.url("deletion/"), {"confirmation": "x", "now": 1}, format="json")
    assert "now" in assert_problem(unknown, 400)["errors"]
    wrong = admin.post(chart.url("deletion/"), {"confirmation": "nope"}, format="json")
    assert chart.org.slug in assert_problem(wrong, 400)["errors"]["confirmation"][0]
    assert _org(chart).deletion_due_at is None


def test_only_admins_schedule_or_cancel(chart, token_client):
    for who in (chart.owner, chart.dept_head):
        client = token_client(who)
        body = {"confirmation": chart.org.slug}
        refused = client.post(chart.url("deletion/"), body, format="json")
        assert assert_problem(refused, 403)["detail"] == deletion.ADMINS_ONLY
        assert assert_problem(client.delete(chart.url("deletion/")), 403)["detail"] == (
            deletion.ADMINS_ONLY
        )
    assert _org(chart).deletion_due_at is None
