"""`manage.py setup_schedules`: create the hourly `cairn-dispatch` beat task (also on migrate)."""

from django.core.management.base import BaseCommand

from notifications.beat import DISPATCH_NAME, ensure_dispatch_schedule


class Command(BaseCommand):
    help = "Create the hourly cairn-dispatch periodic task if it does not exist."

    def handle(self, *args, **options):
        created = ensure_dispatch_schedule()
        state = "created" if created else "already present (left as configured)"
        self.stdout.write(self.style.SUCCESS(f"{DISPATCH_NAME}: {state}"))
