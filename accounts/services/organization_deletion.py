"""Deleting an organization: an admin schedules it, a grace period, then every row is gone.

- `schedule_organization_deletion`: an admin types the organization's slug (or its exact
  name) to confirm; the deletion is due `ORGANIZATION_DELETION_GRACE_DAYS` later. Every
  active admin is emailed (a retrying task, after commit) and every member sees a banner.
- `cancel_organization_deletion`: any admin, any time before the purge.
- `purge_due_organizations` (the daily beat task `cairn-purge-organizations`): for each
  organization whose deletion is due, one transaction deletes every row of the tenant, then
  the organization itself. The tenant tables are found in the app registry (every model with
  an `organization` foreign key), so a table added later cannot be forgotten.

During the grace period the organization works normally (nothing is read-only): people keep
checking in, and a cancelled deletion loses nothing. Users are kept: an account may belong to
other organizations (and logs in with the same email); someone who belonged only here keeps
an account with no organization, like a person whose every membership was deactivated.
Personal API tokens belong to the user, not the organization, so they stay; they no longer
open anything in the deleted organization.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, Role, SecurityEvent
from accounts.rls import tenant_context
from accounts.rules.policy import require_admin
from accounts.services import security_events
from accounts.validators import as_single_line
from okr_project.queue import enqueue_on_commit

logger = logging.getLogger("cairn.accounts")

ADMINS_ONLY = "Only admins can delete the organization or cancel its deletion."
WRONG_CONFIRMATION = "That does not match. Type the organization's slug “{slug}” to confirm."


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=max(settings.ORGANIZATION_DELETION_GRACE_DAYS, 0))


def due_text(organization: Organization) -> str:
    """When the deletion is due, in the organization's zone, e.g. "12 December 2026, 18:00
    (Europe/Paris)"."""
    due = timezone.localtime(organization.deletion_due_at, organization.tzinfo)
    return f"{due:%-d %B %Y, %H:%M} ({organization.timezone})"


def confirmation_matches(organization: Organization, text: str) -> bool:
    """The typed confirmation: the slug, or the exact name (surrounding spaces ignored)."""
    text = (text or "").strip()
    return bool(text) and text in (organization.slug, organization.name.strip())


def schedule_organization_deletion(
    *,
    organization: Organization,
    actor: Membership,
    confirmation: str,
    now: dt.datetime | None = None,
) -> Organization:
    """Schedule the deletion (admins, with the typed confirmation); due after the grace period."""
    require_admin(actor, organization)
    if not confirmation_matches(organization, confirmation):
        raise ValidationError({"confirmation": WRONG_CONFIRMATION.format(slug=organization.slug)})
    now = now or timezone.now()
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.deletion_due_at is not None:
            raise ValidationError(f"Deletion is already scheduled for {due_text(locked)}.")
        locked.deletion_requested_at = now
        locked.deletion_due_at = now + grace_period()
        locked.deletion_requested_by = actor.user
        locked.save(
            update_fields=["deletion_requested_at", "deletion_due_at", "deletion_requested_by"]
        )
        security_events.record(
            SecurityEvent.Kind.DELETION_SCHEDULED,
            organization_id=locked.pk,
            actor=actor,
            detail={"due": locked.deletion_due_at.isoformat()},
        )
        _notify_admins(locked, "scheduled")
    _copy_deletion_fields(locked, organization)
    return organization


def cancel_organization_deletion(*, organization: Organization, actor: Membership) -> Organization:
    """Cancel a scheduled deletion (admins); the organization stays as it is."""
    require_admin(actor, organization)
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.deletion_due_at is None:
            raise ValidationError("No deletion is scheduled for this organization.")
        due = locked.deletion_due_at
        locked.deletion_requested_at = None
        locked.deletion_due_at = None
        locked.deletion_requested_by = None
        locked.save(
            update_fields=["deletion_requested_at", "deletion_due_at", "deletion_requested_by"]
        )
        security_events.record(
            SecurityEvent.Kind.DELETION_CANCELLED,
            organization_id=locked.pk,
            actor=actor,
            detail={"was_due": due.isoformat()},
        )
        _notify_admins(locked, "cancelled")
    _copy_deletion_fields(locked, organization)
    return organization


def _copy_deletion_fields(source: Organization, target: Organization) -> None:
    for name in ("deletion_requested_at", "deletion_due_at", "deletion_requested_by_id"):
        setattr(target, name, getattr(source, name))


def _notify_admins(organization: Organization, what: str) -> None:
    """Email every active admin once the change commits (a retrying task; a failed send
    never undoes the change)."""
    admin_ids = list(
        Membership.objects.filter(
            organization=organization, role=Role.ADMIN, is_active=True
        ).values_list("pk", flat=True)
    )
    for membership_id in admin_ids:
        enqueue_on_commit(
            "accounts.tasks.send_organization_deletion_notice", organization.pk, membership_id, what
        )


def send_deletion_notice(admin: Membership, what: str) -> None:
    """The email to one admin: deletion scheduled (with the date and how to cancel) or
    cancelled. Sent by `accounts.tasks.send_organization_deletion_notice`."""
    organization = admin.organization
    path = reverse("orgchart:settings", kwargs={"org_slug": organization.slug})
    due = organization.deletion_due_at
    context = {
        "admin": admin,
        "organization": organization,
        "what": what,
        "due": due_text(organization) if due else "",
        "url": f"{settings.SITE_URL}{path}",
    }
    if what == "scheduled":
        subject = f"{organization.name} is scheduled for deletion on Cairn"
    else:
        subject = f"The deletion of {organization.name} was cancelled"
    subject = as_single_line(subject)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/accounts/organization_deletion.txt", context),
        to=[admin.user.email],
    )
    message.attach_alternative(
        render_to_string("email/accounts/organization_deletion.html", context), "text/html"
    )
    message.send()


# --- the purge -----------------------------------------------------------------------------


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model with a foreign key named `organization` to Organization."""
    found = []
    for model in apps.get_models():
        try:
            field = model._meta.get_field("organization")
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: not a tenant model
            continue
        if field.is_relation and field.related_model is Organization and not field.many_to_many:
            found.append(model)
    return found


def _tenant_links(model, tenant: set) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and f.related_model in tenant
    ]


def _blocks(field: models.ForeignKey) -> bool:
    """A nullable link whose delete rule refuses deleting its target while rows point to it."""
    on_delete = field.remote_field.on_delete
    return field.null and on_delete in (models.PROTECT, models.RESTRICT, models.DO_NOTHING)


def deletion_order(tenant: list[type[models.Model]]) -> list[type[models.Model]]:
    """Tenant models ordered so a model comes before every model its non-null foreign keys
    point to (children first). Nullable links do not constrain the order: the collector
    clears or cascades them, and the purge first clears the ones that would refuse (PROTECT).
    A cycle of non-null links would raise (none exists; the test would say so)."""
    remaining = set(tenant)
    order: list[type[models.Model]] = []
    while remaining:
        # A model is ready when no remaining model points to it through a non-null FK.
        ready = [
            m
            for m in remaining
            if not any(
                f.related_model is m and not f.null
                for other in remaining
                if other is not m
                for f in _tenant_links(other, remaining)
            )
        ]
        if not ready:
            raise RuntimeError(f"Cannot order tenant tables: {sorted(map(str, remaining))}")
        ready.sort(key=lambda m: m._meta.label)
        order.extend(ready)
        remaining -= set(ready)
    return order


def tenant_row_counts(organization_id: int) -> dict[str, int]:
    """Rows of this organization in every tenant table (for tests and the purge log)."""
    with tenant_context(organization_id):
        return {
            m._meta.db_table: m._base_manager.filter(organization_id=organization_id).count()
            for m in tenant_models()
        }


def purge_organization(organization_id: int, *, now: dt.datetime | None = None) -> bool:
    """Delete every row of one organization whose deletion is due, then the organization,
    in one transaction (all or nothing). False when it is not due (cancelled, purged)."""
    now = now or timezone.now()
    with transaction.atomic():
        organization = (
            Organization.objects.select_for_update()
            .filter(pk=organization_id, deletion_due_at__lte=now)
            .first()
        )
        if organization is None:
            return False
        tenant = tenant_models()
        order = deletion_order(tenant)
        # Under this organization's wall: on PostgreSQL no statement here can touch another
        # tenant's rows, whatever a bug in this code did.
        with tenant_context(organization_id):
            # 1. Clear the nullable links that would refuse a delete (PROTECT, e.g. a
            #    member's or an objective's unit); the collector handles CASCADE/SET_NULL.
            for model in order:
                blocking = [f.name for f in _tenant_links(model, set(tenant)) if _blocks(f)]
                if blocking:
                    model._base_manager.filter(organization_id=organization_id).update(
                        **dict.fromkeys(blocking)
                    )
            # 2. Children first (by their non-null links), each with Django's collector.
            for model in order:
                model._base_manager.filter(organization_id=organization_id).delete()
        organization.delete()
    logger.info("organization %s purged (deletion was due)", organization_id)
    return True


def purge_due_organizations(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Purge every organization whose deletion is due (one transaction each; a failure is
    logged and the others still go). Safe to run any time, and twice."""
    now = now or timezone.now()
    due = list(
        Organization.objects.filter(deletion_due_at__lte=now)
        .order_by("deletion_due_at", "pk")
        .values_list("pk", flat=True)
    )
    purged = failed = 0
    for organization_id in due:
        try:
            purged += purge_organization(organization_id, now=now)
        except Exception:
            failed += 1
            logger.exception("organization %s: purge failed, will retry tomorrow", organization_id)
    return {"organizations": purged, "failed": failed}
