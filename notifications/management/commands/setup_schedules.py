"""`manage.py setup_schedules`: create the periodic beat tasks (also done on migrate)."""

from django.core.management.base import BaseCommand

from notifications.beat import SCHEDULES, ensure_schedules


class Command(BaseCommand):
    help = "Create the periodic tasks (cairn-dispatch, cairn-purge-trash) that do not exist."

    def handle(self, *args, **options):
        created = ensure_schedules()
        for name in SCHEDULES:
            state = "created" if name in created else "already present (left as configured)"
            self.stdout.write(self.style.SUCCESS(f"{name}: {state}"))
