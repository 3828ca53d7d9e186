"""The deployment's periodic tasks (django-celery-beat), created on `migrate` and by
`manage.py setup_schedules`; never overwritten once an operator edits them in the admin.

- `cairn-dispatch`: hourly at minute 0 UTC, reminders and digests (notifications.tasks.dispatch);
- `cairn-purge-trash`: daily at 03:17 UTC, deletes for good what has been in the trash for
  the retention (okrs.tasks.purge_trash; named by string: notifications does not import okrs tasks);
- `cairn-purge-organizations`: daily at 03:37 UTC, deletes the organizations whose scheduled
  deletion is due and security events past their retention (accounts.tasks.purge_organizations).
"""

from __future__ import annotations

DISPATCH_NAME = "cairn-dispatch"
DISPATCH_TASK = "notifications.tasks.dispatch"
PURGE_NAME = "cairn-purge-trash"
PURGE_ORGANIZATIONS_NAME = "cairn-purge-organizations"

SCHEDULES = {
    DISPATCH_NAME: (
        DISPATCH_TASK,
        {"minute": "0", "hour": "*"},
        "Check-in reminders and digests for organizations whose local hour has come.",
    ),
    PURGE_NAME: (
        "okrs.tasks.purge_trash",
        {"minute": "17", "hour": "3"},
        "Delete for good the objectives and key results trashed longer ago than the retention.",
    ),
    PURGE_ORGANIZATIONS_NAME: (
        "accounts.tasks.purge_organizations",
        {"minute": "37", "hour": "3"},
        "Delete the organizations whose scheduled deletion is due, and old security events.",
    ),
}


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> list[str]:
    """Create each missing PeriodicTask; returns the names created."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = []
    for name, (task, when, description) in SCHEDULES.items():
        if PeriodicTask.objects.using(using).filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC", **when
        )
        PeriodicTask.objects.using(using).create(
            name=name, task=task, crontab=crontab, description=description
        )
        created.append(name)
    return created
