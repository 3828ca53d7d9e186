"""Celery tasks: hourly dispatch → one task per organization → one task per recipient batch.

Tasks take ids and ISO strings only, reload rows, and call planning/delivery; they are
idempotent (the NotificationLog claim), `acks_late` (a killed worker's message comes back)
and retry transient SMTP trouble with exponential backoff. Per-organization tasks run behind
that organization's row-level-security wall (`tenant_scoped`, accounts/rls.py).
"""

from __future__ import annotations

import logging
import os

from celery import shared_task

from accounts.rls import tenant_scoped
from accounts.selectors import get_organization
from notifications import planning
from notifications.conversation import deliver_conversation
from notifications.delivery import TransientDeliveryError, deliver_batch, fail_pending
from notifications.schedule import parse_now

logger = logging.getLogger("cairn.notifications")
BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "50"))
# Every task that sends mail: redelivered if a worker dies, retried with backoff on SMTP trouble.
DELIVERY_TASK = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (TransientDeliveryError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="notifications.tasks.dispatch", acks_late=True)
def dispatch(now: str | None = None) -> dict:
    """Find the organizations whose local check-in hour has come and fan out per organization."""
    at = parse_now(now)
    due = planning.due_organizations(now=at)
    for organization, slot in due:
        dispatch_organization.delay(organization.pk, slot.kinds, slot.period, at.isoformat())
    logger.info(
        "notifications dispatch now=%s organizations=%d %s",
        at.isoformat(),
        len(due),
        " ".join(f"{o.slug}:{s.period}:{','.join(s.kinds)}" for o, s in due),
    )
    return {"organizations": [o.pk for o, _ in due]}


@shared_task(name="notifications.tasks.dispatch_organization", acks_late=True)
@tenant_scoped
def dispatch_organization(
    organization_id: int, kinds: list[str], period: str, now: str
) -> dict[str, int]:
    """Split each kind's recipients into batches: one task per batch."""
    organization = get_organization(pk=organization_id)
    if organization is None:
        return {}
    batches: dict[str, int] = {}
    for kind in kinds:
        ids = planning.recipient_ids(organization=organization, kind=kind, period=period)
        for start in range(0, len(ids), BATCH_SIZE):
            send_batch.delay(organization_id, kind, period, ids[start : start + BATCH_SIZE], now)
        batches[kind] = len(ids)
    logger.info(
        "notifications fan-out org=%s period=%s recipients=%s batch_size=%d",
        organization.slug,
        period,
        batches,
        BATCH_SIZE,
    )
    return batches


@shared_task(name="notifications.tasks.send_batch", **DELIVERY_TASK)
@tenant_scoped
def send_batch(
    self, organization_id: int, kind: str, period: str, membership_ids: list[int], now: str
) -> dict[str, int]:
    """Deliver one kind to one batch; safe to run any number of times."""
    organization = get_organization(pk=organization_id)
    if organization is None:
        return {}
    task_id = self.request.id or ""
    try:
        counts = deliver_batch(
            organization=organization,
            kind=kind,
            period=period,
            membership_ids=membership_ids,
            now=parse_now(now),
            task_id=task_id,
        )
    except TransientDeliveryError as exc:
        if self.request.retries < self.max_retries:
            raise
        failed = fail_pending(
            organization=organization, task_id=task_id, reason=f"gave up after retries: {exc}"
        )
        logger.error(
            "notifications batch org=%s kind=%s period=%s gave up failed=%d",
            organization.slug,
            kind,
            period,
            failed,
        )
        return {"failed": failed}
    logger.info(
        "notifications batch org=%s kind=%s period=%s task=%s sent=%d skipped=%d failed=%d "
        "already=%d",
        organization.slug,
        kind,
        period,
        task_id,
        counts.sent,
        counts.skipped,
        counts.failed,
        counts.already,
    )
    return counts.as_dict()


@shared_task(name="notifications.tasks.notify_conversation", **DELIVERY_TASK)
@tenant_scoped
def notify_conversation(
    self, organization_id: int, kind: str, source: str, source_id: int, recipient_ids: list[int]
) -> dict[str, int]:
    """Mention / new-comment notifications for one comment or check-in; idempotent."""
    organization = get_organization(pk=organization_id)
    if organization is None:
        return {}
    counts = deliver_conversation(
        organization=organization,
        kind=kind,
        source=source,
        source_id=source_id,
        recipient_ids=recipient_ids,
        task_id=self.request.id or "",
    )
    logger.info(
        "notifications %s org=%s source=%s:%s %s", kind, organization.slug, source, source_id,
        counts.as_dict(),
    )  # fmt: skip
    return counts.as_dict()


def on_conversation(sender, *, organization_id, kind, source, source_id, recipient_ids, **_):
    """okrs.signals.conversation → a task (after commit; ids only)."""
    notify_conversation.delay(organization_id, kind, source, source_id, list(recipient_ids))
