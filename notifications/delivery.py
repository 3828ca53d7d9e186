"""Exactly-once delivery: claim a NotificationLog row, send, mark it sent.

The claim is an INSERT of a `pending` row in its own transaction; the unique constraint
(organization, recipient, kind, period) makes a second claim fail. A pending row may be taken
over only by the task that claimed it (a Celery retry or a broker redelivery keeps the task
id) or, after `STALE_CLAIM`, by anyone (an operator re-run). So a duplicate dispatch never
sends a second copy, and a crash between claim and send loses nothing. The one window left:
a crash after the SMTP server accepted the message and before `sent` is written — the
redelivered task then sends that one message again (see docs/notifications.md).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from notifications import digests, emails, selectors
from notifications.models import Kind, Notification, NotificationLog
from okrs.rules import visibility

logger = logging.getLogger("cairn.notifications")
STALE_CLAIM = timedelta(minutes=30)
State = NotificationLog.State


class TransientDeliveryError(Exception):
    """The mail server is unreachable or asked us to try later: retry the whole batch."""


@dataclass
class Counts:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    already: int = 0

    def add(self, other: Counts) -> None:
        for name in ("sent", "skipped", "failed", "already"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {n: getattr(self, n) for n in ("sent", "skipped", "failed", "already")}


def claim(
    *, organization: Organization, recipient_id: int, kind: str, period: str, task_id: str
) -> NotificationLog | None:
    """The pending log row this task may deliver, or None if it is someone else's / done."""
    try:
        with transaction.atomic():
            return NotificationLog.objects.create(
                organization=organization,
                recipient_id=recipient_id,
                kind=kind,
                period=period,
                task_id=task_id,
                attempts=1,
            )
    except IntegrityError:
        pass
    with transaction.atomic():
        row = (
            NotificationLog.objects.select_for_update()
            .filter(organization=organization, recipient_id=recipient_id, kind=kind, period=period)
            .first()
        )
        if row is None or row.status != State.PENDING:
            return None
        mine = bool(task_id) and row.task_id == task_id
        if not mine and row.updated_at > timezone.now() - STALE_CLAIM:
            return None
        row.task_id = task_id
        row.attempts += 1
        row.save(update_fields=["task_id", "attempts", "updated_at"])
        return row


def finish(
    row: NotificationLog, *, status: str, reason: str = "", notification: dict | None = None
) -> None:
    """Write the outcome, and the in-app notification with it (same transaction: once)."""
    with transaction.atomic():
        row.status = status
        row.reason = reason[:255]
        if status == State.SENT:
            row.sent_at = timezone.now()
        row.save(update_fields=["status", "reason", "sent_at", "updated_at"])
        if notification is not None:
            Notification.objects.create(
                organization_id=row.organization_id,
                recipient_id=row.recipient_id,
                kind=row.kind,
                **notification,
            )


def skip_reason(membership: Membership | None) -> str:
    if membership is None:
        return "not a member of this organization"
    if not membership.is_active:
        return "membership is inactive"
    if not membership.user.is_active:
        return "user account is deactivated"
    if not (membership.user.email or "").strip():
        return "user has no email address"
    return ""


def classify_smtp_error(exc: Exception) -> str | None:
    """A reason for a permanent per-recipient failure, or None when it is transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [(code, msg) for code, msg in exc.recipients.values()]
        if codes and all(code >= 500 for code, _ in codes):
            code, msg = codes[0]
            text = msg.decode(errors="replace") if isinstance(msg, bytes) else str(msg)
            return f"mail server refused the recipient: {code} {text}"
        return None
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return None  # our configuration, not this recipient: retry, an operator will see it
        return f"mail server rejected the message: {exc.smtp_code}"
    return None


class BatchContent:
    """Per-batch content source: due KRs (reminders) or one digest snapshot (digests)."""

    def __init__(
        self,
        *,
        organization: Organization,
        kind: str,
        period: str,
        now: datetime,
        reader_ids: list[int] | None = None,
    ):
        """`reader_ids`: the batch's members, so a digest snapshot loads only what they can
        be shown (`DigestSnapshot.load`); None loads the whole cycle."""
        self.organization, self.kind, self.period, self.now = organization, kind, period, now
        if kind in (Kind.REMINDER, Kind.FOLLOWUP):
            due = selectors.due_recipients(
                organization=organization,
                week=period,
                include_contributors=organization.remind_contributors,
                reader_ids=reader_ids,
            )
            self.due = {d.membership.pk: d.key_results for d in due}
        else:
            self.snapshot = digests.DigestSnapshot.load(
                organization=organization, now=now, kind=kind, reader_ids=reader_ids
            )

    def render(self, membership: Membership) -> tuple[str, dict] | str:
        """(subject, context) for this member, or a skip reason."""
        org = self.organization
        if self.kind in (Kind.REMINDER, Kind.FOLLOWUP):
            krs = [
                kr
                for kr in self.due.get(membership.pk, [])
                if visibility.can_view_key_result(membership, kr)
            ]
            if not krs:
                return "nothing due: every key result already has a check-in this week"
            items = [{"kr": kr, "url": emails.checkin_url(org, kr.pk)} for kr in krs]
            subject = emails.subject_for(self.kind, count=len(krs))
            return subject, {
                "items": items,
                "week": self.period,
                "followup": self.kind == "followup",
            }
        if self.snapshot is None:
            return "no active cycle"
        context = digests.digest_context(self.snapshot, self.kind, membership)
        return emails.subject_for(self.kind, week=self.snapshot.week), context


def deliver_batch(
    *,
    organization: Organization,
    kind: str,
    period: str,
    membership_ids: list[int],
    now: datetime,
    task_id: str,
) -> Counts:
    """Deliver one scheduled kind (reminder, digest) for one period to these members."""
    content = BatchContent(
        organization=organization, kind=kind, period=period, now=now, reader_ids=membership_ids
    )
    return deliver_to(
        content=content, kind=kind, period=period, membership_ids=membership_ids, task_id=task_id
    )


def deliver_to(
    *, content, kind: str, period: str, membership_ids: list[int], task_id: str
) -> Counts:
    """Deliver `content` (anything with `.organization` and `.render(member)`) to these
    members, each at most once per (kind, period).

    Permanent per-recipient problems (inactive, no email, 5xx refusal) are logged on the row
    and the batch goes on; a transient SMTP error leaves the row pending and raises
    TransientDeliveryError so the task retries (already-sent rows are not sent again).
    """
    organization = content.organization
    counts = Counts()
    members = selectors.memberships_by_id(organization=organization, ids=membership_ids)
    visibility.prime_viewers(members.values())  # what each reader may see, in two queries
    opted_out = selectors.opted_out_member_ids(
        organization=organization, kind=kind, ids=membership_ids
    )
    connection = get_connection(fail_silently=False)
    try:
        for membership_id in membership_ids:
            membership = members.get(membership_id)
            if membership is None:
                continue  # another organization's id: never ours to log or send
            row = claim(
                organization=organization,
                recipient_id=membership_id,
                kind=kind,
                period=period,
                task_id=task_id,
            )
            if row is None:
                counts.already += 1
                continue
            outcome = _deliver_one(row, membership, content, opted_out, connection)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
    finally:
        connection.close()
    return counts


def _deliver_one(row, membership, content, opted_out, connection) -> str:
    reason = skip_reason(membership)
    if reason:
        finish(row, status=State.SKIPPED, reason=reason)
        return "skipped"
    rendered = content.render(membership)
    if isinstance(rendered, str):
        finish(row, status=State.SKIPPED, reason=rendered)
        return "skipped"
    subject, context = rendered
    links = emails.links_for(
        organization=content.organization, membership=membership, kind=row.kind
    )
    url = context.get("url") or links["home_url"]  # a mention links to the comment itself
    in_app = {
        "title": subject[:200],
        "body": Kind(row.kind).label,
        "url": url[:300],
        "objective": getattr(content, "objective", None),  # mentions and comments
    }
    if membership.pk in opted_out:
        finish(row, status=State.SKIPPED, reason="opted out of this email", notification=in_app)
        return "skipped"
    try:
        message = emails.build_message(
            organization=content.organization,
            membership=membership,
            kind=row.kind,
            subject=subject,
            context=context,
            connection=connection,
        )
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        permanent = classify_smtp_error(exc)
        if permanent:
            return _failed(row, permanent, in_app)
        row.reason = f"transient: {type(exc).__name__}: {exc}"[:255]
        row.save(update_fields=["reason", "updated_at"])
        raise TransientDeliveryError(row.reason) from exc
    except DatabaseError:
        raise  # the transaction is broken: nothing can be recorded here, the task retries
    except Exception as exc:  # noqa: BLE001 — the message itself cannot be made or sent
        # Not the mail server: a header the mail library refuses (BadHeaderError on an address
        # with a line break), an encoding error… Retrying would fail the same way, so it is a
        # permanent failure of this one email, with its traceback in the log.
        logger.exception("notification email could not be built log=%s", row.pk)
        return _failed(row, f"could not build the email: {type(exc).__name__}: {exc}", in_app)
    finish(row, status=State.SENT, notification=in_app)
    return "sent"


def _failed(row: NotificationLog, reason: str, in_app: dict) -> str:
    """A permanent failure of the email: logged on the row with its reason; the in-app
    notification is written all the same (the email was only one of the two channels)."""
    finish(row, status=State.FAILED, reason=reason, notification=in_app)
    logger.warning("notification failed log=%s reason=%s", row.pk, reason)
    return "failed"


def fail_pending(*, organization: Organization, task_id: str, reason: str) -> int:
    """After the last retry: this task's rows still pending become failed, with the reason."""
    return NotificationLog.objects.filter(
        organization=organization, task_id=task_id, status=State.PENDING
    ).update(status=State.FAILED, reason=reason[:255], updated_at=timezone.now())
