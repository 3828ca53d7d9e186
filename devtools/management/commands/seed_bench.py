"""`manage.py seed_bench --employees N`: the `bench` company of N people (devtools/benchdata.py)
beside the demo companies; kept as is when it already has that many people."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools import benchdata


class Command(BaseCommand):
    help = "Build the `bench` company (N people, a quarter of OKRs and weekly check-ins)."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=10_000)

    def handle(self, *args, employees: int, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_bench refuses to run with CAIRN_ENV=production.")
        if employees < benchdata.MIN_EMPLOYEES:
            raise CommandError(f"--employees needs at least {benchdata.MIN_EMPLOYEES} people.")
        result = benchdata.seed_bench(employees, log=self.stdout.write)
        sizes = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
        verb = "Built" if result.created else "Kept"
        self.stdout.write(f"{verb} {benchdata.BENCH_NAME} in {result.seconds:.1f} s: {sizes}.")
        for line in benchdata.login_lines():
            self.stdout.write(f"  {line}")
