"""`manage.py seed_demo`: two demo companies (acme, globex) with people and OKRs. Idempotent.

`--employees N` also builds the `bench` company of N people (okrs/benchdata.py) beside them.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as people_demo
from okrs import benchdata
from okrs import demo as okrs_demo


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
        if employees and employees < benchdata.MIN_EMPLOYEES:
            raise CommandError(f"--employees needs at least {benchdata.MIN_EMPLOYEES} people.")
        with transaction.atomic():
            organizations = people_demo.seed_people()
            for organization in organizations:
                okrs_demo.seed_okrs(organization)
        try:
            from notifications import demo as notifications_demo
        except ImportError:  # pragma: no cover - notifications demo is optional
            notifications_demo = None
        if notifications_demo is not None:
            for organization in organizations:
                notifications_demo.seed_notifications(organization)
        if employees:
            result = benchdata.seed_bench(employees, log=self.stdout.write)
            sizes = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
            verb = "Built" if result.created else "Kept"
            self.stdout.write(f"{verb} {benchdata.BENCH_NAME} in {result.seconds:.1f} s: {sizes}.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with password 'demo' as:"))
        for line in people_demo.login_lines():
            self.stdout.write(f"  {line}")
        if employees:
            for line in benchdata.login_lines():
                self.stdout.write(f"  {line}")
