"""Demo in-app notifications so the notifications page is not empty after `seed_demo`."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Membership, Organization
from notifications.models import Kind, Notification

DEMO = [
    (
        "owner",
        Kind.REMINDER,
        "Check-in due: 2 key results this week",
        "Your weekly check-in is open. One click per key result.",
    ),
    (
        "owner",
        Kind.DIGEST_OWNER,
        "Your key results, this week",
        "Progress, change since last week and confidence for each of your key results.",
    ),
    (
        "contributor",
        Kind.REMINDER,
        "Check-in due: 1 key result this week",
        "You contribute to a key result that still needs this week's check-in.",
    ),
    (
        "ceo",
        Kind.DIGEST_EXECUTIVE,
        "Company OKRs, this week",
        "Company objectives, the biggest movers and the open risks.",
    ),
    (
        "champion",
        Kind.DIGEST_CHAMPION,
        "OKR health, this week",
        "Stale key results, low confidence and unaligned objectives.",
    ),
    (
        "platform.lead",
        Kind.DIGEST_LEAD,
        "Your units' OKRs, this week",
        "Your team's objectives and who still has to check in.",
    ),
]


def seed_notifications(organization: Organization) -> int:
    """Idempotent: no demo notification is added where one with the same recipient, kind and
    title exists (the demo's own from an earlier run, or one the app wrote since)."""
    created = 0
    by_local = {
        m.user.email.split("@")[0]: m
        for m in Membership.objects.filter(organization=organization).select_related("user")
    }
    with transaction.atomic():
        for local, kind, title, body in DEMO:
            membership = by_local.get(local)
            if membership is None:
                continue
            # exists(), not get_or_create: the app itself writes notifications with the same
            # recipient, kind and title (a weekly reminder), so there may be several.
            demo = Notification.objects.filter(
                organization=organization, recipient=membership, kind=kind, title=title
            )
            if demo.exists():
                continue
            Notification.objects.create(
                organization=organization,
                recipient=membership,
                kind=kind,
                title=title,
                body=body,
                url=f"/o/{organization.slug}/",
            )
            created += 1
    return created
