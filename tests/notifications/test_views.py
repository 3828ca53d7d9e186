"""Notification pages: list + mark read (htmx and plain), settings, unsubscribe, send log."""

from django.test import Client
from django.urls import reverse

from demo.notifications import seed_notifications
from notifications import emails
from notifications.models import Kind, Notification, NotificationLog, NotificationOptOut
from tests import factories
from tests.builders import person


def url(name, org, **kwargs):
    return reverse(f"notifications:{name}", kwargs={"org_slug": org.slug, **kwargs})


def notify(membership, n=1, **extra):
    return [
        Notification.objects.create(
            organization=membership.organization,
            recipient=membership,
            kind=Kind.REMINDER,
            title=f"Reminder {i}",
            **extra,
        )
        for i in range(n)
    ]


def test_empty_state_has_a_call_to_action(client_for, member_membership, org):
    response = client_for(member_membership).get(url("list", org))
    assert response.status_code == 200
    assert "You're all caught up" in response.text
    assert reverse("okrs:my_okrs", kwargs={"org_slug": org.slug}) in response.text


def test_list_is_paginated_with_constant_queries(
    client_for, member_membership, org, django_assert_max_num_queries
):
    notify(member_membership, 45)
    client = client_for(member_membership)
    with django_assert_max_num_queries(12):
        response = client.get(url("list", org))
    assert response.text.count('class="notif-item') == 20
    assert "Page 1 of 3" in response.text
    assert client.get(url("list", org) + "?page=3").text.count('class="notif-item') == 5


def test_unread_badge_in_the_nav(client_for, member_membership, org):
    notify(member_membership, 3)
    response = client_for(member_membership).get(url("list", org))
    assert 'aria-label="3 unread"' in response.text


def test_mark_read_without_js_redirects_back(client_for, member_membership, org):
    (n,) = notify(member_membership)
    response = client_for(member_membership).post(url("mark_read", org, notification_id=n.pk))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_with_htmx_returns_the_item_fragment(client_for, member_membership, org):
    (n,) = notify(member_membership)
    response = client_for(member_membership).post(
        url("mark_read", org, notification_id=n.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.text and "<html" not in response.text
    assert "Read" in response.text


def test_mark_all_read_htmx_and_plain(client_for, member_membership, org):
    notify(member_membership, 3)
    client = client_for(member_membership)
    response = client.post(url("mark_all_read", org), HTTP_HX_REQUEST="true")
    assert 'id="notification-list"' in response.text and "<html" not in response.text
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.post(url("mark_all_read", org)).status_code == 302


def test_someone_elses_notification_is_404(client_for, member_membership, admin_membership, org):
    (theirs,) = notify(admin_membership)
    response = client_for(member_membership).post(url("mark_read", org, notification_id=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_outsider_gets_404_on_every_page(client_for, outsider_membership, org):
    client = client_for(outsider_membership)
    for name in ("list", "settings", "log"):
        assert client.get(url(name, org)).status_code == 404


def test_settings_page_saves_opt_outs(client_for, member_membership, org):
    client = client_for(member_membership)
    page = client.get(url("settings", org))
    assert 'name="reminder"' in page.text and "Email me the check-in reminder" in page.text
    keep = {k: "on" for k in Kind.values if k != Kind.DIGEST_OWNER}
    response = client.post(url("settings", org), keep, follow=True)
    assert "Your email preferences are saved." in response.text
    assert list(NotificationOptOut.objects.values_list("kind", flat=True)) == [Kind.DIGEST_OWNER]
    client.post(url("settings", org), {k: "on" for k in Kind.values})
    assert not NotificationOptOut.objects.exists()


def test_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(member_membership, org):
    token = emails.unsubscribe_token(membership=member_membership, kind=Kind.REMINDER)
    anonymous = Client(enforce_csrf_checks=True)  # RFC 8058 one-click comes without a session
    page = anonymous.get(url("unsubscribe", org, token=token))
    assert page.status_code == 200 and "Unsubscribe?" in page.text
    assert not NotificationOptOut.objects.exists()
    done = anonymous.post(url("unsubscribe", org, token=token), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "unsubscribed" in done.text
    assert NotificationOptOut.objects.get().kind == Kind.REMINDER


def test_tampered_or_foreign_unsubscribe_token_is_a_friendly_404(member_membership, org, other_org):
    token = emails.unsubscribe_token(membership=member_membership, kind=Kind.REMINDER)
    client = Client()
    assert client.post(url("unsubscribe", org, token=token[:-2] + "xx")).status_code == 404
    response = client.post(url("unsubscribe", other_org, token=token))
    assert response.status_code == 404 and "not valid" in response.text
    assert not NotificationOptOut.objects.exists()


def test_log_page_is_for_admins_with_filters(
    client_for, admin_membership, member_membership, org, django_assert_max_num_queries
):
    for i in range(3):
        someone = factories.MembershipFactory(organization=org)
        NotificationLog.objects.create(
            organization=org,
            recipient=someone,
            kind=Kind.REMINDER,
            period="2026-W48",
            status="failed" if i == 0 else "sent",
            reason="mail server refused" if i == 0 else "",
        )
    client = client_for(admin_membership)
    with django_assert_max_num_queries(12):
        response = client.get(url("log", org))
    assert response.text.count("<tr>") == 4  # header + 3 rows
    filtered = client.get(url("log", org) + "?status=failed&kind=bogus&period=2026-W48")
    assert filtered.text.count("<tr>") == 2 and "mail server refused" in filtered.text
    denied = client_for(member_membership).get(url("log", org))
    assert denied.status_code == 403 and "Only organization admins" in denied.text


def test_demo_seed_is_idempotent(org):
    for local in ("owner", "ceo", "champion"):
        person(org, email=f"{local}@acme.example")
    assert seed_notifications(org) == 4  # owner has two
    assert seed_notifications(org) == 0
