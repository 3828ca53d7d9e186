"""The caller's notifications and email settings through the API: the notifications pages'
selectors and services, one's own rows only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.rls import current_tenant
from notifications.models import Kind, Notification, NotificationOptOut
from notifications.services import notify
from tests import factories
from tests.api.conftest import assert_problem
from tests.security.test_row_level_security import (  # the plain role and how to become it
    _as_probe,
    postgres_only,
    probe_role,  # noqa: F401 - a fixture
)


def _notify(membership, title: str, **kwargs) -> Notification:
    return notify(
        organization=membership.organization,
        recipient=membership,
        kind=kwargs.pop("kind", Kind.MENTION),
        title=title,
        **kwargs,
    )


def test_a_member_lists_their_own_notifications_newest_first(chart, token_client):
    older = _notify(chart.owner, "Older", body="Mention", url="/o/acme-test/")
    newer = _notify(chart.owner, "Newer")
    _notify(chart.bystander, "Not yours")
    body = token_client(chart.owner).get(chart.url("notifications/")).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    row = body["results"][1]
    assert {k: row[k] for k in ("kind", "kind_label", "title", "body", "url", "read_at")} == {
        "kind": "mention",
        "kind_label": "Mention",
        "title": "Older",
        "body": "Mention",
        "url": "/o/acme-test/",
        "read_at": None,
    }


def test_unread_filter_and_paging(chart, token_client):
    for i in range(3):
        _notify(chart.owner, f"N{i}")
    read = _notify(chart.owner, "Read already")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client = token_client(chart.owner)
    unread = client.get(chart.url("notifications/?unread=true")).json()
    assert unread["count"] == 3 and read.pk not in [r["id"] for r in unread["results"]]
    assert client.get(chart.url("notifications/?unread=false")).json()["count"] == 4
    page = client.get(chart.url("notifications/?page_size=2&page=2")).json()
    assert len(page["results"]) == 2 and page["previous"]
    assert (
        "unread"
        in assert_problem(client.get(chart.url("notifications/?unread=maybe")), 400)["errors"]
    )


def test_mark_one_read_then_all_read(chart, token_client):
    first, second, third = (_notify(chart.owner, f"N{i}") for i in range(3))
    client = token_client(chart.owner)
    response = client.post(chart.url(f"notifications/{first.pk}/read/"))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == first.pk and response.json()["read_at"]
    marked = client.post(chart.url("notifications/read-all/"))
    assert marked.status_code == 200 and marked.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=chart.owner, read_at=None).exists()
    assert client.post(chart.url("notifications/read-all/")).json() == {"marked": 0}


def test_someone_elses_notification_is_404_and_stays_unread(chart, token_client):
    theirs = _notify(chart.bystander, "Theirs")
    client = token_client(chart.admin)  # even an admin reads only their own
    assert_problem(client.post(chart.url(f"notifications/{theirs.pk}/read/")), 404)
    client.post(chart.url("notifications/read-all/"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(chart.url("notifications/")).json()["count"] == 0


def test_another_organizations_notification_is_404_through_this_organization(
    chart, token_client, other_org
):
    # The same person is a member of both organizations: their notification in the other
    # one is still not found through this organization's URL.
    elsewhere = factories.MembershipFactory(organization=other_org, user=chart.owner.user)
    foreign = _notify(elsewhere, "Elsewhere")
    client = token_client(chart.owner)
    assert_problem(client.post(chart.url(f"notifications/{foreign.pk}/read/")), 404)
    assert client.get(chart.url("notifications/")).json()["count"] == 0
    foreign.refresh_from_db()
    assert foreign.read_at is None
    assert_problem(client.post(chart.url("notifications/99999999999999999999/read/")), 404)


def test_notification_settings_read_and_replace_the_opt_outs(chart, token_client):
    client = token_client(chart.owner)
    body = client.get(chart.url("notification-settings/")).json()
    assert body["opted_out"] == []
    assert [k["kind"] for k in body["kinds"]] == list(Kind.values)
    assert all(k["email"] for k in body["kinds"])
    response = client.put(
        chart.url("notification-settings/"),
        {"opted_out": ["digest_owner", "reminder"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["opted_out"] == ["digest_owner", "reminder"]
    emails = {k["kind"]: k["email"] for k in response.json()["kinds"]}
    assert emails["reminder"] is False and emails["mention"] is True
    assert set(
        NotificationOptOut.objects.filter(membership=chart.owner).values_list("kind", flat=True)
    ) == {"digest_owner", "reminder"}
    cleared = client.put(chart.url("notification-settings/"), {"opted_out": []}, format="json")
    assert cleared.json()["opted_out"] == []
    assert not NotificationOptOut.objects.filter(membership=chart.owner).exists()


def test_unknown_kind_or_bad_body_is_400_and_writes_nothing(chart, token_client):
    NotificationOptOut.objects.create(
        organization=chart.org, membership=chart.owner, kind=Kind.REMINDER
    )
    client = token_client(chart.owner)
    url = chart.url("notification-settings/")
    for body in (
        {"opted_out": ["reminder", "carrier_pigeon"]},
        {"opted_out": "reminder"},
        {},
        {"opted_out": [], "kinds": []},
    ):
        problem = assert_problem(client.put(url, body, format="json"), 400)
        assert problem["errors"], body
    assert list(
        NotificationOptOut.objects.filter(membership=chart.owner).values_list("kind", flat=True)
    ) == ["reminder"]


def test_settings_are_per_member(chart, token_client):
    NotificationOptOut.objects.create(
        organization=chart.org, membership=chart.bystander, kind=Kind.MENTION
    )
    assert (
        token_client(chart.owner).get(chart.url("notification-settings/")).json()["opted_out"] == []
    )


@postgres_only
@pytest.mark.usefixtures("probe_role")
def test_reads_and_writes_work_behind_the_wall(chart, token_client):
    mine = _notify(chart.owner, "Mine")
    client = token_client(chart.owner)
    _as_probe()
    assert client.get(chart.url("notifications/")).json()["count"] == 1
    assert client.post(chart.url(f"notifications/{mine.pk}/read/")).status_code == 200
    response = client.put(
        chart.url("notification-settings/"), {"opted_out": ["reminder"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert current_tenant() is None
