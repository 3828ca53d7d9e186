"""Who is due for what: the organizations at this hour, and the recipients of one kind."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from accounts.models import Membership, Organization
from notifications import schedule, selectors
from notifications.delivery import BatchContent, skip_reason
from notifications.models import Kind
from okrs.rules.weeks import iso_week

logger = logging.getLogger("cairn.notifications")
REMINDER_KINDS = (Kind.REMINDER, Kind.FOLLOWUP)


def due_organizations(*, now: datetime) -> list[tuple[Organization, schedule.DueSlot]]:
    """Organizations whose local check-in (or follow-up) hour contains `now`."""
    due = []
    for organization in Organization.objects.order_by("pk"):
        _, valid = schedule.zone_for(organization.timezone)
        if not valid:
            # Stored past validation (admin, raw SQL): keep the company on a schedule
            # rather than silently dropping it, and say so in the log.
            logger.warning(
                "notifications organization=%s invalid timezone %r: using UTC",
                organization.slug,
                organization.timezone,
            )
        slot = schedule.due_slot(
            timezone_name=organization.timezone,
            checkin_weekday=organization.checkin_weekday,
            checkin_hour=organization.checkin_hour,
            followup_weekday=organization.followup_weekday,
            digest_cadence=organization.digest_cadence,
            now=now,
        )
        if slot is not None:
            due.append((organization, slot))
    return due


def current_period(*, organization: Organization, now: datetime) -> str:
    return iso_week(organization, now)


def recipient_ids(*, organization: Organization, kind: str, period: str) -> list[int]:
    """Membership ids to hand to delivery for this kind (delivery decides skips per row)."""
    if kind in REMINDER_KINDS:
        due = selectors.due_recipients(
            organization=organization,
            week=period,
            include_contributors=organization.remind_contributors,
        )
        return [d.membership.pk for d in due]
    return [m.pk for m in selectors.digest_readers(organization=organization, kind=kind)]


@dataclass
class PlannedItem:
    membership: Membership
    kind: str
    summary: str  # subject line, or "skip: <reason>"


def plan(*, organization: Organization, kind: str, period: str, now: datetime) -> list[PlannedItem]:
    """What a run would do, without claiming or sending anything (for --dry-run)."""
    ids = recipient_ids(organization=organization, kind=kind, period=period)
    members = selectors.memberships_by_id(organization=organization, ids=ids)
    opted_out = selectors.opted_out_member_ids(organization=organization, kind=kind, ids=ids)
    logs = selectors.logs_for(organization=organization, kind=kind, period=period, ids=ids)
    content = BatchContent(
        organization=organization, kind=kind, period=period, now=now, reader_ids=ids
    )
    items = []
    for membership_id in ids:
        membership = members[membership_id]
        log = logs.get(membership_id)
        reason = skip_reason(membership)
        if log is not None and log.status != log.State.PENDING:
            reason = f"already {log.status} for {period}"
        rendered = None if reason else content.render(membership)
        if isinstance(rendered, str):
            reason = rendered
        elif not reason and membership_id in opted_out:
            reason = "opted out of this email (in-app only)"
        summary = f"skip: {reason}" if reason else rendered[0]
        items.append(PlannedItem(membership=membership, kind=kind, summary=summary))
    return items
