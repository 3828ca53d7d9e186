"""Deleting an organization (accounts/services/organization_deletion.py): typed confirmation,
grace period, admins emailed, a banner for everyone, cancel; then the daily purge removes
every row of that tenant — counted table by table — and nothing of any other tenant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    Role,
    SecurityEvent,
    TenantModel,
    User,
)
from accounts.services import organization_deletion as deletion
from accounts.services import security_events
from accounts.services.tokens import create_api_token
from accounts.tasks import purge_organizations
from demo import people as accounts_demo
from demo.notifications import seed_notifications
from demo.okrs import seed_okrs
from notifications.beat import SCHEDULES
from notifications.models import Kind as NotificationKind
from notifications.models import NotificationLog, NotificationOptOut
from okrs import services as okr_services
from okrs.models import Objective
from tests.builders import person
from tests.security.test_row_level_security import probe_role  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _settings_url(org):
    return reverse("orgchart:settings", kwargs={"org_slug": org.slug})


def _delete_url(org):
    return reverse("orgchart:organization_delete", kwargs={"org_slug": org.slug})


def _cancel_url(org):
    return reverse("orgchart:organization_delete_cancel", kwargs={"org_slug": org.slug})


@pytest.fixture
def admin(org):
    return person(org, role=Role.ADMIN, email="ada@acme-test.example", name="Ada Admin")


@pytest.fixture
def second_admin(org):
    return person(org, role=Role.ADMIN, email="bo@acme-test.example", name="Bo Admin")


@pytest.fixture
def member(org):
    return person(org, email="mia@acme-test.example", name="Mia Member")


# --- the purge covers every tenant table ---------------------------------------------------


def test_the_purge_iterates_exactly_the_row_level_security_tenant_tables():
    """The purge finds tenant tables by their `organization` FK in the app registry; the RLS
    test by `TenantModel`. Both lists must be the same, so neither can miss a new table."""
    by_fk = {m._meta.db_table for m in deletion.tenant_models()}
    rls = {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel)}
    assert by_fk == rls
    assert "accounts_securityevent" in by_fk
    order = [m._meta.db_table for m in deletion.deletion_order(deletion.tenant_models())]
    assert order.index("okrs_checkin") < order.index("okrs_keyresult")
    assert order.index("okrs_keyresult") < order.index("okrs_objective")


def _rich_demo() -> tuple[Organization, Organization]:
    """The demo companies (acme, globex) with OKRs, check-ins, comments with mentions,
    notifications and deliveries, trash, invitations, opt-outs, tokens and security events."""
    acme, globex = accounts_demo.seed_people()
    for org in (acme, globex):
        seed_okrs(org)
        seed_notifications(org)
        admin = Membership.objects.filter(organization=org, role=Role.ADMIN).first()
        others = list(Membership.objects.filter(organization=org).exclude(pk=admin.pk)[:3])
        objective = Objective.objects.filter(organization=org).order_by("pk").first()
        local = others[0].user.email.split("@")[0]
        okr_services.add_comment(actor=admin, body=f"Looks good @{local}", objective=objective)
        doomed = (
            Objective.objects.filter(organization=org, cycle__status="active")
            .select_related("owner")
            .order_by("-pk")
            .first()
        )
        okr_services.delete_objective(objective=doomed, actor=doomed.owner)
        services.invite_member(organization=org, actor=admin, email=f"new@{org.slug}.example")
        services.update_member(membership=others[1], actor=admin, role=Role.EXECUTIVE)
        NotificationLog.objects.create(
            organization=org,
            recipient=others[0],
            kind=NotificationKind.REMINDER,
            period="2026-W48",
            status=NotificationLog.State.SENT,
        )
        NotificationOptOut.objects.create(
            organization=org, membership=others[2], kind=NotificationKind.DIGEST_OWNER
        )
        create_api_token(user=admin.user, name="script")
        security_events.record(SecurityEvent.Kind.LOGIN, organization_id=org.pk, actor=admin)
    return acme, globex


def test_the_purge_removes_every_row_of_the_tenant_and_nothing_else(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        acme, globex = _rich_demo()
    a_before = deletion.tenant_row_counts(acme.pk)
    b_before = deletion.tenant_row_counts(globex.pk)
    empty = sorted(table for table, count in a_before.items() if count == 0)
    assert not empty, f"the rich organization should have rows in every table: {empty}"
    assert Objective.all_objects.filter(organization=acme, deleted_at__isnull=False).exists()
    users_before = User.objects.count()
    tokens_before = ApiToken.objects.count()
    coach = User.objects.get(email=accounts_demo.COACH_EMAIL)  # in both companies

    admin = Membership.objects.filter(organization=acme, role=Role.ADMIN).first()
    now = timezone.now()
    deletion.schedule_organization_deletion(
        organization=acme, actor=admin, confirmation="acme", now=now
    )
    due = now + dt.timedelta(days=14)
    acme.refresh_from_db()
    assert acme.deletion_due_at == due and acme.deletion_requested_by == admin.user

    # Not due yet: nothing happens.
    result = purge_organizations(now=(due - dt.timedelta(seconds=1)).isoformat())
    assert result["organizations"] == 0
    assert Organization.objects.filter(pk=acme.pk).exists()
    b_during = deletion.tenant_row_counts(globex.pk)

    # Due: every row of acme goes, globex is untouched.
    result = purge_organizations(now=due.isoformat())
    assert result == {"organizations": 1, "failed": 0, "security_events": 0}
    a_after = deletion.tenant_row_counts(acme.pk)
    assert a_after == dict.fromkeys(a_before, 0)
    assert deletion.tenant_row_counts(globex.pk) == b_during
    assert b_during == b_before
    assert not Organization.objects.filter(pk=acme.pk).exists()
    # People keep their accounts (they may belong elsewhere) and their personal tokens.
    assert User.objects.count() == users_before
    assert ApiToken.objects.count() == tokens_before
    assert Membership.objects.filter(user=coach, organization=globex).exists()

    # A second run finds nothing and breaks nothing.
    assert purge_organizations(now=(due + dt.timedelta(days=1)).isoformat())["organizations"] == 0
    assert deletion.tenant_row_counts(globex.pk) == b_during


def test_a_cancelled_deletion_is_never_purged(org, admin):
    now = timezone.now()
    deletion.schedule_organization_deletion(
        organization=org, actor=admin, confirmation=org.name, now=now
    )
    deletion.cancel_organization_deletion(organization=org, actor=admin)
    assert purge_organizations(now=(now + dt.timedelta(days=30)).isoformat())["organizations"] == 0
    assert Organization.objects.filter(pk=org.pk).exists()
    kinds = list(
        SecurityEvent.objects.filter(organization=org).order_by("id").values_list("kind", flat=True)
    )
    assert kinds[-2:] == [
        SecurityEvent.Kind.DELETION_SCHEDULED,
        SecurityEvent.Kind.DELETION_CANCELLED,
    ]


def test_the_grace_period_is_a_setting(org, admin, settings):
    settings.ORGANIZATION_DELETION_GRACE_DAYS = 3
    now = timezone.now()
    deletion.schedule_organization_deletion(
        organization=org, actor=admin, confirmation=org.slug, now=now
    )
    org.refresh_from_db()
    assert org.deletion_due_at == now + dt.timedelta(days=3)


def test_the_purge_runs_daily_next_to_the_trash_purge():
    task, when, _ = SCHEDULES["cairn-purge-organizations"]
    assert task == "accounts.tasks.purge_organizations" == purge_organizations.name
    assert when == {"minute": "37", "hour": "3"}


# --- the service ---------------------------------------------------------------------------


def test_only_admins_may_schedule_and_a_wrong_confirmation_does_nothing(org, admin, member):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        deletion.schedule_organization_deletion(
            organization=org, actor=member, confirmation=org.slug
        )
    for wrong in ("", "  ", "acme", org.slug.upper(), org.name.lower()):
        with pytest.raises(ValidationError):
            deletion.schedule_organization_deletion(
                organization=org, actor=admin, confirmation=wrong
            )
    org.refresh_from_db()
    assert org.deletion_due_at is None
    with pytest.raises(ValidationError):
        deletion.cancel_organization_deletion(organization=org, actor=admin)


# --- the pages -----------------------------------------------------------------------------


def test_the_settings_page_offers_deletion_to_admins_only(client, org, admin, member):
    client.force_login(member.user)
    assert _delete_url(org) not in client.get(_settings_url(org)).content.decode()
    client.force_login(admin.user)
    page = client.get(_settings_url(org)).content.decode()
    assert "Delete organization" in page and _delete_url(org) in page


def test_a_wrong_confirmation_is_a_form_error_and_nothing_happens(client, org, admin):
    client.force_login(admin.user)
    form = client.get(_delete_url(org))
    assert form.status_code == 200 and "Type the organization" in form.content.decode()
    response = client.post(_delete_url(org), {"confirmation": "something else"})
    assert response.status_code == 400
    assert "That does not match." in response.content.decode()
    assert client.post(_delete_url(org), {}).status_code == 400
    org.refresh_from_db()
    assert org.deletion_due_at is None
    assert not mail.outbox


def test_the_right_confirmation_schedules_emails_admins_and_shows_a_banner(
    client, org, admin, second_admin, member, django_capture_on_commit_callbacks
):
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_delete_url(org), {"confirmation": f"  {org.slug} "})
    assert response.status_code == 302 and response.url == _settings_url(org)
    org.refresh_from_db()
    assert org.deletion_requested_by == admin.user
    assert sorted(m.to[0] for m in mail.outbox) == [admin.user.email, second_admin.user.email]
    assert "scheduled for deletion" in mail.outbox[0].subject
    assert _settings_url(org) in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    admin_page = client.get(_settings_url(org)).content.decode()
    assert "is scheduled for deletion on" in admin_page and _cancel_url(org) in admin_page
    client.force_login(member.user)
    my_okrs = client.get(reverse("okrs:my_okrs", kwargs={"org_slug": org.slug}))
    assert my_okrs.status_code == 200  # the organization works normally meanwhile
    text = my_okrs.content.decode()
    assert "is scheduled for deletion on" in text and _cancel_url(org) not in text
    assert "Ask an admin" in text
    # Asking again while scheduled says so instead of scheduling twice.
    client.force_login(admin.user)
    again = client.get(_delete_url(org), follow=True)
    assert "already scheduled" in again.content.decode()


def test_cancel_asks_for_confirmation_then_cancels_and_emails(
    client, org, admin, django_capture_on_commit_callbacks
):
    deletion.schedule_organization_deletion(organization=org, actor=admin, confirmation=org.slug)
    client.force_login(admin.user)
    page = client.get(_cancel_url(org))
    assert page.status_code == 200 and "Cancel the deletion?" in page.content.decode()
    org.refresh_from_db()
    assert org.deletion_due_at is not None  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_cancel_url(org))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.deletion_due_at is None
    assert [m.subject for m in mail.outbox] == [f"The deletion of {org.name} was cancelled"]
    banner = client.get(_settings_url(org)).content.decode()
    assert "is scheduled for deletion on" not in banner
    # Cancelling again is a clear refusal on the confirmation page, not an error.
    twice = client.post(_cancel_url(org))
    assert twice.status_code == 400
    assert "No deletion is scheduled" in twice.content.decode()


def test_a_stale_notice_is_not_sent(org, admin):
    """The task re-reads the state: a "scheduled" mail for a cancelled deletion is skipped."""
    from accounts.tasks import send_organization_deletion_notice

    assert send_organization_deletion_notice(org.pk, admin.pk, "scheduled") is False
    assert not mail.outbox


def test_non_admins_get_403_and_other_tenants_404(client, org, other_org, admin, member):
    person(other_org, role=Role.ADMIN)
    client.force_login(member.user)
    for url in (_delete_url(org), _cancel_url(org)):
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirmation": org.slug}).status_code == 403
    org.refresh_from_db()
    assert org.deletion_due_at is None
    client.force_login(admin.user)
    for url in (_delete_url(other_org), _cancel_url(other_org)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirmation": other_org.slug}).status_code == 404
    other_org.refresh_from_db()
    assert other_org.deletion_due_at is None
    assert not Invitation.objects.filter(organization=other_org).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row-level security")
@pytest.mark.usefixtures("probe_role")
def test_the_purge_works_as_the_plain_application_role(org, other_org, admin, member):
    """Production runs as a role row-level security applies to (not the superuser that owns
    the test database): the purge, behind the organization's own wall, still removes it all."""
    from tests import factories
    from tests.security.test_row_level_security import _as_probe

    for tenant, owner in ((org, member), (other_org, person(other_org, role=Role.ADMIN))):
        unit = factories.OrgUnitFactory(organization=tenant, name="Platform")
        Membership.objects.filter(pk=owner.pk).update(unit=unit)
        objective = factories.ObjectiveFactory(organization=tenant, owner=owner, unit=unit)
        factories.CommentFactory(organization=tenant, objective=objective, author=owner)
    now = timezone.now()
    deletion.schedule_organization_deletion(
        organization=org, actor=admin, confirmation=org.slug, now=now
    )
    other_before = deletion.tenant_row_counts(other_org.pk)
    _as_probe()
    assert deletion.purge_organization(org.pk, now=now + dt.timedelta(days=15)) is True
    assert not any(deletion.tenant_row_counts(org.pk).values())
    assert deletion.tenant_row_counts(other_org.pk) == other_before
