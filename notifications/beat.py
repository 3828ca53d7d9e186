"""The one periodic task: `cairn-dispatch`, hourly at minute 0 UTC (editable in the admin)."""

from __future__ import annotations

DISPATCH_NAME = "cairn-dispatch"
DISPATCH_TASK = "notifications.tasks.dispatch"


def ensure_dispatch_schedule(sender=None, using: str = "default", **kwargs) -> bool:
    """Create the PeriodicTask if missing; never overwrite what an operator changed.

    Returns True when it was created.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.using(using).filter(name=DISPATCH_NAME).exists():
        return False
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="0",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.using(using).create(
        name=DISPATCH_NAME,
        task=DISPATCH_TASK,
        crontab=crontab,
        description="Check-in reminders and digests for organizations whose local hour has come.",
    )
    return True
