"""The security event log (accounts/services/security_events.py): what is recorded, where, and who
may read it (the page /o/<org>/security/ and GET /api/v1/orgs/<org>/security-events/)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, Role, SecurityEvent
from accounts.services import security_events
from accounts.services.invitations import accept_invitation, invite_member, revoke_invitation
from accounts.services.tokens import create_api_token, revoke_api_token
from tests.builders import person
from tests.security.test_row_level_security import probe_role  # noqa: F401 (a fixture)

Kind = SecurityEvent.Kind
LOGIN = "/accounts/login/"
UA = "Mozilla/5.0 (Test) SecurityLog/1.0"


@pytest.fixture
def admin(org):
    return person(org, role=Role.ADMIN, email="ada@acme-test.example", name="Ada Admin")


@pytest.fixture
def kim(org, other_org):
    """Kim is a member of both organizations."""
    member = person(org, email="kim@example.com", name="Kim Lee")
    person(other_org, email="kim@example.com")
    member.user.refresh_from_db()  # the factory set the password again (a new hash)
    SecurityEvent.objects.all().delete()  # …which is an event: start from a clean log
    return member


def _events(org, **filters):
    return list(SecurityEvent.objects.filter(organization=org, **filters).order_by("id"))


def _kinds(org):
    return [e.kind for e in _events(org)]


# --- logins ---------------------------------------------------------------------------------


def test_a_login_is_recorded_in_every_organization_of_the_person(client, kim, org, other_org):
    response = client.post(
        LOGIN,
        {"username": "kim@example.com", "password": "pw"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT=UA,
    )
    assert response.status_code == 302
    for tenant in (org, other_org):
        [event] = _events(tenant, kind=Kind.LOGIN)
        assert event.user == kim.user and event.actor.user == kim.user
        assert event.ip == "198.51.100.7" and event.user_agent == UA
        assert event.detail == {"via": "web"}
    assert _events(org, kind=Kind.LOGIN)[0].actor == kim


def test_the_client_ip_follows_num_proxies_like_the_lockout(client, kim, org, settings):
    settings.NUM_PROXIES = 1
    client.post(
        LOGIN,
        {"username": "kim@example.com", "password": "pw"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.44",
    )
    assert _events(org, kind=Kind.LOGIN)[0].ip == "192.0.2.44"
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="junk")
    [logout] = _events(org, kind=Kind.LOGOUT)
    assert logout.ip is None and logout.user == kim.user  # a forged, non-IP value is not kept


def test_the_user_agent_is_bounded(client, kim, org):
    client.post(
        LOGIN, {"username": "kim@example.com", "password": "pw"}, HTTP_USER_AGENT="x" * 5000
    )
    assert len(_events(org, kind=Kind.LOGIN)[0].user_agent) == security_events.USER_AGENT_MAX


def test_failed_logins_are_recorded_for_members_and_unknown_emails_leave_nothing(
    client, kim, org, other_org
):
    before = SecurityEvent.objects.count()
    client.post(LOGIN, {"username": "ghost@example.com", "password": "x"})
    client.post(LOGIN, {"username": "GHOST@acme-test.example", "password": "x"})
    assert SecurityEvent.objects.count() == before  # nothing reveals unknown addresses
    client.post(LOGIN, {"username": " KIM@example.com ", "password": "wrong"}, HTTP_USER_AGENT=UA)
    for tenant in (org, other_org):
        [event] = _events(tenant, kind=Kind.LOGIN_FAILED)
        assert event.user == kim.user and event.actor is None
        assert event.user_agent == UA and event.detail == {"via": "web"}


def test_a_lockout_is_recorded_once_per_lockout(client, kim, org, other_org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(5):
        client.post(LOGIN, {"username": "kim@example.com", "password": "wrong"})
    assert len(_events(org, kind=Kind.LOCKOUT)) == 1
    assert len(_events(other_org, kind=Kind.LOCKOUT)) == 1
    assert len(_events(org, kind=Kind.LOGIN_FAILED)) == 5


def test_api_token_obtain_is_a_login_and_a_token_creation(db, kim, org):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "kim@example.com", "password": "pw", "name": "CI"},
        format="json",
        HTTP_USER_AGENT=UA,
    )
    assert response.status_code == 201
    [login] = _events(org, kind=Kind.LOGIN)
    assert login.detail == {"via": "api"} and login.user_agent == UA
    [created] = _events(org, kind=Kind.TOKEN_CREATED)
    assert created.detail["name"] == "CI" and created.user_agent == UA
    bad = APIClient().post(
        "/api/v1/auth/token/", {"email": "kim@example.com", "password": "no"}, format="json"
    )
    assert bad.status_code == 400
    assert _events(org, kind=Kind.LOGIN_FAILED)[0].detail == {"via": "api"}


# --- passwords and tokens -------------------------------------------------------------------


def test_password_change_is_recorded_with_the_tokens_it_revoked(client, kim, org):
    create_api_token(user=kim.user, name="one")
    create_api_token(user=kim.user, name="two")
    client.force_login(kim.user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "action": "password",
            "old_password": "pw",
            "new_password1": "brand-new-pass-42",
            "new_password2": "brand-new-pass-42",
        },
    )
    assert response.status_code == 302
    [changed] = _events(org, kind=Kind.PASSWORD_CHANGED)
    assert changed.actor == kim
    revoked = _events(org, kind=Kind.TOKEN_REVOKED)
    assert [e.detail for e in revoked] == [{"reason": "password_changed", "count": 2}]


def test_password_reset_is_recorded_as_a_reset(
    client, kim, org, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cairn.example.org"
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued on commit
        client.post(reverse("accounts:password_reset"), {"email": "kim@example.com"})
    link = re.search(r"https://cairn\.example\.org(/accounts/reset/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )
    assert _kinds(org) == [Kind.PASSWORD_RESET]


def test_token_creation_revocation_and_the_cap_are_recorded(kim, org, settings):
    settings.API_TOKEN_MAX_ACTIVE = 2
    first, _ = create_api_token(user=kim.user, name="first")
    create_api_token(user=kim.user, name="second")
    create_api_token(user=kim.user, name="third")  # revokes "first"
    assert ApiToken.objects.get(pk=first.pk).revoked_at is not None
    revoke_api_token(token=ApiToken.objects.get(name="second"))
    revoke_api_token(token=ApiToken.objects.get(name="second"))  # idempotent: one event
    events = _events(org)
    assert [e.kind for e in events] == [
        Kind.TOKEN_CREATED,
        Kind.TOKEN_CREATED,
        Kind.TOKEN_CREATED,
        Kind.TOKEN_REVOKED,
        Kind.TOKEN_REVOKED,
    ]
    assert events[3].detail == {"reason": "over_the_cap", "count": 1}
    assert events[4].detail["reason"] == "by_owner" and events[4].detail["name"] == "second"


# --- member, unit, invitation and settings services ----------------------------------------


def test_member_changes_are_recorded_with_before_and_after(org, admin, kim):
    services.update_member(membership=kim, actor=admin, role=Role.EXECUTIVE)
    services.update_member(membership=kim, actor=admin, title="Nothing security-relevant")
    services.deactivate_member(membership=kim, actor=admin)
    services.reactivate_member(membership=kim, actor=admin)
    services.reactivate_member(membership=kim, actor=admin)  # already active: nothing
    events = _events(org)
    assert [e.kind for e in events] == [
        Kind.ROLE_CHANGED,
        Kind.MEMBER_DEACTIVATED,
        Kind.MEMBER_REACTIVATED,
    ]
    assert all(e.actor == admin and e.user == kim.user for e in events)
    assert events[0].detail["role"] == ["member", "executive"]
    assert events[1].detail["is_active"] == [True, False]


def test_unit_lead_changes_are_recorded(org, admin, kim):
    unit = services.create_unit(organization=org, actor=admin, name="Platform", lead=kim)
    services.set_unit_lead(unit=unit, actor=admin, lead=admin)
    services.rename_unit(unit=unit, actor=admin, name="Platform team")  # not a lead change
    services.set_unit_lead(unit=unit, actor=admin, lead=None)
    events = _events(org, kind=Kind.UNIT_LEAD_CHANGED)
    assert [e.detail["lead"] for e in events] == [
        [None, "Kim Lee"],
        ["Kim Lee", "Ada Admin"],
        ["Ada Admin", None],
    ]


def test_invitations_sent_revoked_and_accepted(org, admin):
    first = invite_member(organization=org, actor=admin, email="new@example.com")
    revoke_invitation(invitation=first, actor=admin)
    second = invite_member(organization=org, actor=admin, email="new@example.com")
    accept_invitation(invitation=second, full_name="New Person", password="a-long-pass-phrase-9")
    events = _events(org)
    assert [e.kind for e in events] == [
        Kind.INVITATION_SENT,
        Kind.INVITATION_REVOKED,
        Kind.INVITATION_SENT,
        Kind.INVITATION_ACCEPTED,
    ]
    assert events[0].actor == admin and events[0].detail["email"] == "new@example.com"
    assert events[3].user.email == "new@example.com" and events[3].actor.user == events[3].user


def test_settings_changes_name_the_fields(org, admin):
    services.update_organization_settings(
        organization=org, actor=admin, name="Acme Renamed", timezone="Europe/Paris"
    )
    services.update_organization_settings(organization=org, actor=admin, name="Acme Renamed")
    [event] = _events(org, kind=Kind.SETTINGS_CHANGED)
    assert event.actor == admin
    assert event.detail["fields"] == ["name", "timezone"]
    assert event.detail["changes"]["timezone"] == ["UTC", "Europe/Paris"]


def test_services_record_the_request_address_through_the_middleware(client, org, admin, kim):
    client.force_login(admin.user)
    url = reverse(
        "orgchart:member_deactivate", kwargs={"org_slug": org.slug, "membership_id": kim.pk}
    )
    assert client.post(url, REMOTE_ADDR="192.0.2.80", HTTP_USER_AGENT=UA).status_code == 302
    [event] = _events(org, kind=Kind.MEMBER_DEACTIVATED)
    assert event.ip == "192.0.2.80" and event.user_agent == UA


def test_a_failed_write_never_breaks_the_action_and_is_logged(org, admin, caplog):
    """A kind longer than the column fails on PostgreSQL (SQLite stores it): either way the
    surrounding work goes on; on PostgreSQL the failure is logged with its traceback."""
    with caplog.at_level(logging.ERROR, logger="cairn.security"), transaction.atomic():
        event = security_events.record("k" * 40, organization_id=org.pk, actor=admin)
        services.update_member(membership=admin, actor=admin, title="Still works")
    admin.refresh_from_db()
    assert admin.title == "Still works"
    if connection.vendor == "postgresql":
        assert event is None
        assert "not recorded" in caplog.text and "Traceback" in caplog.text


def test_details_are_bounded():
    small = security_events._small(
        {"text": "x" * 1000, "items": list(range(100)), "n": {"a": {"b": {"c": 1}}}}
    )
    assert len(small["text"]) == security_events.DETAIL_TEXT_MAX
    assert len(small["items"]) == security_events.DETAIL_ITEMS_MAX
    assert small["n"]["a"]["b"] == "{'c': 1}"


# --- the page ------------------------------------------------------------------------------


def _url(org):
    return reverse("security:log", kwargs={"org_slug": org.slug})


def test_only_admins_see_the_page_and_the_nav_link(client, org, admin, kim):
    client.force_login(kim.user)
    response = client.get(_url(org))
    assert response.status_code == 403
    assert "Only admins can see the security log." in response.content.decode()
    assert (
        _url(org)
        not in client.get(reverse("orgchart:chart", kwargs={"org_slug": org.slug})).content.decode()
    )
    client.force_login(admin.user)
    page = client.get(_url(org))
    assert page.status_code == 200
    assert f'href="{_url(org)}"' in page.content.decode()


def test_another_tenants_log_is_not_found(client, org, other_org, admin):
    person(other_org, role=Role.ADMIN)
    client.force_login(admin.user)
    assert client.get(_url(other_org)).status_code == 404


def test_the_log_lists_newest_first_and_filters(client, org, admin, kim):
    services.update_member(membership=kim, actor=admin, role=Role.EXECUTIVE)
    services.update_organization_settings(organization=org, actor=admin, name="Acme Two")
    old = security_events.record(Kind.LOGIN, organization_id=org.pk, actor=kim)
    SecurityEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    client.force_login(admin.user)  # a login event for the admin too
    text = client.get(_url(org)).content.decode()
    text = text[text.index("<tbody>") :]  # the kind filter lists every kind above the table
    assert text.index("Logged in") < text.index("Settings changed") < text.index("Role changed")
    assert "role: member → executive" in text
    by_kind = client.get(_url(org), {"kind": Kind.ROLE_CHANGED}).content.decode()
    assert ">Role changed</td>" in by_kind and ">Settings changed</td>" not in by_kind
    by_person = client.get(_url(org), {"person": kim.pk}).content.decode()
    assert ">Role changed</td>" in by_person and ">Settings changed</td>" not in by_person
    assert "2 events matching the filters" in by_person
    by_email = client.get(_url(org), {"person": "kim@example.com"}).content.decode()
    assert "2 events matching the filters" in by_email
    since = (timezone.now() - dt.timedelta(days=45)).date()
    until = (timezone.now() - dt.timedelta(days=35)).date()
    dated = client.get(_url(org), {"since": since, "until": until}).content.decode()
    assert "1 event matching the filters" in dated
    none = client.get(_url(org), {"kind": Kind.LOCKOUT}).content.decode()
    assert "No events match these filters." in none


def test_bad_filters_are_form_errors_not_failures(client, org, admin, other_org):
    stranger = person(other_org)
    client.force_login(admin.user)
    for params in (
        {"since": "not-a-date"},
        {"since": "2026-05-02", "until": "2026-05-01"},
        {"kind": "nope"},
        {"person": stranger.pk},
        {"page": "999"},
    ):
        response = client.get(_url(org), params)
        assert response.status_code == 200, params
    text = client.get(_url(org), {"since": "2026-05-02", "until": "2026-05-01"}).content.decode()
    assert "“To” must be on or after “From”." in text


def test_the_empty_state_and_pagination(client, org, admin):
    client.force_login(admin.user)
    SecurityEvent.objects.filter(organization=org).delete()
    assert "No security events yet." in client.get(_url(org)).content.decode()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(organization=org, kind=Kind.LOGIN, user=admin.user) for _ in range(60)
    )
    first = client.get(_url(org)).content.decode()
    assert "Page 1 of 2" in first and "60 events" in first
    assert "Page 2 of 2" in client.get(_url(org), {"page": 2}).content.decode()


# --- the API -------------------------------------------------------------------------------


def _api(org):
    return f"/api/v1/orgs/{org.slug}/security-events/"


def _token_client(membership):
    _, raw = create_api_token(user=membership.user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_api_lists_events_for_admins_with_the_same_filters(org, admin, kim):
    services.update_member(membership=kim, actor=admin, role=Role.EXECUTIVE)
    api = _token_client(admin)
    body = api.get(_api(org)).json()
    assert body["count"] >= 2 and body["results"][0]["kind"] == Kind.TOKEN_CREATED
    role = api.get(_api(org), {"kind": Kind.ROLE_CHANGED}).json()["results"]
    assert [r["kind"] for r in role] == [Kind.ROLE_CHANGED]
    assert role[0]["actor"] == admin.pk and role[0]["user_email"] == "kim@example.com"
    assert role[0]["detail"]["role"] == ["member", "executive"]
    mine = api.get(_api(org), {"person": kim.pk}).json()["results"]
    assert {r["kind"] for r in mine} == {Kind.ROLE_CHANGED}
    today = timezone.localdate()
    assert api.get(_api(org), {"since": today, "until": today}).json()["count"] >= 2
    assert api.get(_api(org), {"page_size": 1}).json()["next"]


def test_the_api_refuses_non_admins_and_bad_filters_with_problem_details(
    org, other_org, admin, kim
):
    stranger = person(other_org)
    denied = _token_client(kim).get(_api(org))
    assert denied.status_code == 403
    assert denied["Content-Type"].startswith("application/problem+json")
    assert denied.json()["detail"] == "Only admins can see the security log."
    api = _token_client(admin)
    assert api.get(_api(other_org)).status_code == 404
    for params in (
        {"kind": "nope"},
        {"person": stranger.pk},
        {"since": "x"},
        {"since": "2026-05-02", "until": "2026-05-01"},
    ):
        response = api.get(_api(org), params)
        assert response.status_code == 400, params
        assert response["Content-Type"].startswith("application/problem+json")


def test_old_events_are_purged_after_the_retention(org, admin):
    old = security_events.record(Kind.LOGIN, organization_id=org.pk, actor=admin)
    fresh = security_events.record(Kind.LOGIN, organization_id=org.pk, actor=admin)
    SecurityEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - security_events.RETENTION - dt.timedelta(days=1)
    )
    assert security_events.purge_expired() == 1
    assert list(SecurityEvent.objects.filter(pk__in=[old.pk, fresh.pk])) == [fresh]


# --- the database wall (PostgreSQL, through a role that row-level security applies to) -----


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row-level security")
@pytest.mark.usefixtures("probe_role")
def test_account_events_reach_every_organization_from_inside_one_tenants_wall(kim, org, other_org):
    """A password change made while org's wall is up still logs into other_org: each event
    is written under its own organization's wall (a plain role, not the superuser)."""
    from accounts.rls import tenant_context
    from tests.security.test_row_level_security import _as_probe

    _as_probe()
    with tenant_context(org.pk):
        written = security_events.record_for_user(Kind.PASSWORD_CHANGED, user=kim.user)
        assert written == 2
        # Behind org's wall only org's event is visible …
        assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).count() == 1
    with tenant_context(other_org.pk):
        # … and other_org's is there, behind its own.
        assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).count() == 1


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_ends_of_the_calendar_are_an_open_range_not_a_500(org, admin, client_for, zone):
    """`until + 1 day` past 9999-12-31 (and midnight of year 1 east of UTC) overflowed."""
    org.timezone = zone
    org.save(update_fields=["timezone"])
    event = security_events.record(Kind.LOGIN, organization_id=org.pk, actor=admin)
    web, api = client_for(admin), _token_client(admin)
    for params in (
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"since": "9999-12-31"},
        {"until": "0001-01-01"},
    ):
        page = web.get(_url(org), params)
        assert page.status_code == 200, (params, page.status_code)
        listed = api.get(_api(org), params)
        assert listed.status_code == 200, (params, listed.content)
        ids = [row["id"] for row in listed.json()["results"]]
        open_ended = "9999" in params.get("until", "9999") and "0001" in params.get("since", "0001")
        assert (event.pk in ids) == open_ended, params
