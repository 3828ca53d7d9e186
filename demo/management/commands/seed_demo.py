"""`manage.py seed_demo`: two demo companies (acme, globex) with people and OKRs. Idempotent.

`--employees N` also builds the `bench` company of N people beside them (`manage.py
seed_bench` of devtools, called by name so the demo app does not depend on devtools).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import notifications as notifications_demo
from demo import okrs as okrs_demo
from demo import people as people_demo


class Command(BaseCommand):
    help = "Create the demo companies acme and globex (people, org chart, OKRs). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees",
            type=int,
            default=0,
            help=(
                "Also build the `bench` company with this many people (a quarter of OKRs and "
                "weekly check-ins). Kept as is when it already has that many people."
            ),
        )

    def handle(self, *args, employees: int = 0, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with CAIRN_ENV=production.")
        with transaction.atomic():
            organizations = people_demo.seed_people()
            for organization in organizations:
                okrs_demo.seed_okrs(organization)
        for organization in organizations:
            notifications_demo.seed_notifications(organization)
        if employees:
            call_command("seed_bench", employees=employees, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with password 'demo' as:"))
        for line in people_demo.login_lines():
            self.stdout.write(f"  {line}")
