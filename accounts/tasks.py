"""Celery tasks for accounts: the invitation email, sent after the invitation commits."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import BadHeaderError

from accounts.models import Invitation, hash_token

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
def send_invitation(invitation_id: int, raw_token: str) -> bool:
    """Email one invitation link; transient SMTP/network trouble is retried with backoff.

    Skipped when the invitation is no longer pending or was re-sent since (its stored hash
    no longer matches this token): the newer task sends the current link.
    """
    from accounts.services.invitations import send_invitation_email

    invitation = (
        Invitation.objects.select_related("organization", "invited_by__user")
        .filter(pk=invitation_id, token_hash=hash_token(raw_token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    try:
        send_invitation_email(invitation, raw_token)
    except BadHeaderError:
        # Not transient: names are validated (accounts.validators), so this is a bug to see.
        logger.exception("invitation %s: email headers refused", invitation_id)
        return False
    return True
