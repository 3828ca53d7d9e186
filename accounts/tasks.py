"""Celery tasks for accounts: the invitation email, sent after the invitation commits; the
organization-deletion notices; the daily purge of deleted organizations and old security events."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import BadHeaderError

from accounts import selectors

logger = logging.getLogger("cairn.accounts")


@shared_task(
    name="accounts.tasks.send_invitation",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def send_invitation(invitation_id: int, ticket: str) -> bool:
    """Mint and email one invitation link; transient SMTP/network trouble is retried with
    backoff. The message carries the invitation id and its send ticket, never a secret.

    Skipped when the invitation is no longer pending or was re-sent since (it no longer
    holds this ticket): the newer task sends the current link.
    """
    from accounts.services.invitations import deliver_invitation

    try:
        return deliver_invitation(invitation_id=invitation_id, ticket=ticket)
    except BadHeaderError:
        # Not transient: names are validated (accounts.validators), so this is a bug to see.
        logger.exception("invitation %s: email headers refused", invitation_id)
        return False


@shared_task(
    name="accounts.tasks.send_organization_deletion_notice",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def send_organization_deletion_notice(organization_id: int, membership_id: int, what: str) -> bool:
    """Email one admin that the organization's deletion was scheduled or cancelled.

    Skipped when the state changed since (a cancelled deletion sends no stale "scheduled"
    mail, and the other way round) or the admin is no longer an active admin.
    """
    from accounts.services.organization_deletion import send_deletion_notice

    admin = selectors.get_active_admin(organization_id=organization_id, pk=membership_id)
    if admin is None:
        return False
    scheduled = admin.organization.deletion_due_at is not None
    if scheduled != (what == "scheduled"):
        return False
    try:
        send_deletion_notice(admin, what)
    except BadHeaderError:
        logger.exception("organization %s: deletion notice headers refused", organization_id)
        return False
    return True


@shared_task(name="accounts.tasks.purge_organizations", acks_late=True)
def purge_organizations(now: str | None = None) -> dict[str, int]:
    """Daily (`cairn-purge-organizations`): delete the organizations whose deletion is due,
    and security events past their retention. Safe to run any time, and twice."""
    from django.utils.dateparse import parse_datetime

    from accounts.services import security_events
    from accounts.services.organization_deletion import purge_due_organizations

    at = parse_datetime(now) if now else None
    result = purge_due_organizations(now=at)
    result["security_events"] = security_events.purge_expired(now=at)
    logger.info(
        "accounts purge organizations=%d failed=%d security_events=%d",
        result["organizations"],
        result["failed"],
        result["security_events"],
    )
    return result


@shared_task(
    name="accounts.tasks.send_password_reset",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def send_password_reset(email: str) -> None:
    """Email a password reset link if `email` has an account (queued for every address alike,
    so the request takes the same time either way; accounts/services/password_reset.py)."""
    from accounts.services.password_reset import send_password_reset_email

    send_password_reset_email(email=email)
