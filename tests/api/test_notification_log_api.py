"""notification-log/: the organization's delivery log, as the log page shows it (admins)."""

from __future__ import annotations

from notifications.models import Kind, NotificationLog
from notifications.selectors import LOG_ADMINS_ONLY
from tests import factories
from tests.api.conftest import assert_problem


def _log(membership, kind, period, status, reason=""):
    return NotificationLog.objects.create(
        organization=membership.organization, recipient=membership, kind=kind,
        period=period, status=status, reason=reason, attempts=1,
    )  # fmt: skip


def test_an_admin_reads_the_log_newest_first_with_the_page_filters(chart, token_client):
    sent = _log(chart.owner, Kind.REMINDER, "2030-W02", "sent")
    skipped = _log(chart.owner, Kind.DIGEST_OWNER, "2030-W02", "skipped", "opted out")
    failed = _log(chart.team_lead, Kind.REMINDER, "2030-W03", "failed", "SMTP 451")
    other = factories.OrganizationFactory(slug="elsewhere")
    _log(factories.MembershipFactory(organization=other), Kind.REMINDER, "2030-W02", "sent")
    client = token_client(chart.admin)

    body = client.get(chart.url("notification-log/")).json()
    assert [r["id"] for r in body["results"]] == [failed.pk, skipped.pk, sent.pk]
    row = body["results"][1]
    assert {k: row[k] for k in ("kind", "kind_label", "recipient_email", "status", "reason")} == {
        "kind": "digest_owner",
        "kind_label": Kind.DIGEST_OWNER.label,
        "recipient_email": "owner@acme-test.example",
        "status": "skipped",
        "reason": "opted out",
    }
    assert [r["id"] for r in client.get(chart.url("notification-log/?kind=reminder")).json()[
        "results"]] == [failed.pk, sent.pk]  # fmt: skip
    assert client.get(chart.url("notification-log/?status=failed")).json()["count"] == 1
    assert client.get(chart.url("notification-log/?period=2030-W02")).json()["count"] == 2


def test_a_bad_filter_is_a_400_naming_it(chart, token_client):
    client = token_client(chart.admin)
    assert "kind" in assert_problem(client.get(chart.url("notification-log/?kind=x")), 400)[
        "errors"]  # fmt: skip
    bad_status = client.get(chart.url("notification-log/?status=lost"))
    assert "status" in assert_problem(bad_status, 400)["errors"]
    long_period = client.get(chart.url("notification-log/?period=" + "9" * 40))
    assert "period" in assert_problem(long_period, 400)["errors"]


def test_only_admins_read_the_log(chart, token_client):
    _log(chart.owner, Kind.REMINDER, "2030-W02", "sent")
    for who in (chart.owner, chart.dept_head):
        response = token_client(who).get(chart.url("notification-log/"))
        assert assert_problem(response, 403)["detail"] == LOG_ADMINS_ONLY
