"""Notification bookkeeping: the exactly-once log, in-app notifications and opt-outs."""

from django.db import models

from accounts.models import Membership, TenantModel


class Kind(models.TextChoices):
    REMINDER = "reminder", "Check-in reminder"
    FOLLOWUP = "followup", "Follow-up reminder"
    DIGEST_OWNER = "digest_owner", "Owner digest"
    DIGEST_LEAD = "digest_lead", "Unit lead digest"
    DIGEST_EXECUTIVE = "digest_executive", "Executive digest"
    DIGEST_CHAMPION = "digest_champion", "Champion health digest"
    MENTION = "mention", "Mention"
    COMMENT = "comment", "Comment on your OKRs"


class NotificationLog(TenantModel):
    """One row per (recipient, kind, period): the unique constraint is the send-once guard."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notification_logs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=16, help_text="e.g. 2026-W48")
    status = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task that claimed the row: a retry or redelivery of *that* task may take a
    # pending row over; another task (a duplicate dispatch) must not.
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "kind", "period"],
                name="notificationlog_once",
            )
        ]
        indexes = [models.Index(fields=["organization", "status", "period"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} → {self.recipient_id}: {self.status}"


class Notification(TenantModel):
    """An in-app notification shown in the notifications list."""

    recipient = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The objective a mention or comment notification is about: its stored title is shown only
    # while the recipient may still open that objective (okrs.rules.visibility), so making it
    # private later, or moving the reader, hides what was already written.
    objective = models.ForeignKey(
        "okrs.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "recipient", "read_at"])]


class NotificationOptOut(TenantModel):
    """A member does not want this kind of email (in-app notifications still appear)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="opt_outs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "kind"], name="optout_unique"
            )
        ]
