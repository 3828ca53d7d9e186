"""Writes for in-app notifications and email preferences. Keyword-only, tenant first."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Organization
from notifications import selectors
from notifications.models import Kind, Notification, NotificationOptOut


def mark_read(*, organization: Organization, membership: Membership, pk: int) -> Notification:
    """Mark one of the member's own notifications read; anyone else's id (or one about an
    objective they may no longer open) is a 404."""
    notification = (
        selectors.notifications_for_member(organization=organization, membership=membership)
        .filter(pk=pk)
        .first()
    )
    if notification is None:
        raise Http404("Notification not found.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, organization: Organization, membership: Membership) -> int:
    """Mark every unread notification of the member read; returns how many changed."""
    return Notification.objects.filter(
        organization=organization, recipient=membership, read_at__isnull=True
    ).update(read_at=timezone.now())


def set_email_opt_outs(
    *, organization: Organization, membership: Membership, opted_out: set[str]
) -> None:
    """Replace the member's email opt-outs with exactly these kinds."""
    unknown = set(opted_out) - set(Kind.values)
    if unknown:
        raise ValueError(f"Unknown notification kinds: {sorted(unknown)}")
    with transaction.atomic():
        NotificationOptOut.objects.filter(organization=organization, membership=membership).exclude(
            kind__in=opted_out
        ).delete()
        for kind in sorted(opted_out):
            NotificationOptOut.objects.get_or_create(
                organization=organization, membership=membership, kind=kind
            )


def unsubscribe(*, organization: Organization, membership_id: int, kind: str) -> Membership:
    """Opt one member out of one kind of email (from a signed link: no login)."""
    membership = Membership.objects.filter(organization=organization, pk=membership_id).first()
    if membership is None or kind not in Kind.values:
        raise Http404("Unknown subscription.")
    NotificationOptOut.objects.get_or_create(
        organization=organization, membership=membership, kind=kind
    )
    return membership


def notify(
    *,
    organization: Organization,
    recipient: Membership,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> Notification:
    """Create one in-app notification (used by the demo and by other features later)."""
    if recipient.organization_id != organization.pk:
        raise ValueError("The recipient is not a member of this organization.")
    return Notification.objects.create(
        organization=organization,
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url[:300],
    )
