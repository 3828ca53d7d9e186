"""`manage.py bench`: a quick in-process profile on the seeded `bench` company.

Seeds the `bench` organization once (devtools/benchdata.py, the generator behind
`seed_demo --employees N`), then requests the main pages and API lists in-process with Django's
test client, and times the check-in service. Prints a Markdown table; `--write FILE` saves it.
Bounded: a fixed number of requests. The real-HTTP benchmark is `manage.py bench_http`
(`make bench`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership, Organization, OrgUnit, Role
from devtools.benchdata import seed_bench
from okrs.models import Cycle, KeyResult, Objective


class Command(BaseCommand):
    help = "Seed a large company (once) and report page/API/service timings and query counts."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15, help="requests per target")
        parser.add_argument("--write", default="", help="also write the Markdown table here")
        parser.add_argument("--employees", type=int, default=2000, help="size of `bench`")

    def handle(self, *args, repeat: int, write: str, employees: int, **options):
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append("testserver")
        started = time.perf_counter()
        org = seed_bench(employees).organization
        seed_seconds = time.perf_counter() - started
        rows = [self._sizes(org, seed_seconds)]
        results = []
        for label, fn in self._targets(org):
            result = self._measure(label, fn, repeat)
            if result:
                results.append(result)
        table = self._table(results)
        output = "\n".join(rows) + "\n\n" + table
        self.stdout.write(output)
        if write:
            with open(write, "w", encoding="utf-8") as fh:
                fh.write(output + "\n")

    def _sizes(self, org: Organization, seed_seconds: float) -> str:
        counts = {
            "people": Membership.objects.filter(organization=org).count(),
            "units": OrgUnit.objects.filter(organization=org).count(),
            "objectives": Objective.objects.filter(organization=org).count(),
            "key results": KeyResult.objects.filter(organization=org).count(),
            "check-ins": org_checkins(org),
        }
        desc = ", ".join(f"{v} {k}" for k, v in counts.items())
        vendor = connection.vendor
        return f"Company `{org.slug}` on {vendor}: {desc} (seed/lookup {seed_seconds:.1f} s)."

    def _targets(self, org: Organization) -> list[tuple[str, Callable[[], object]]]:
        cycle = Cycle.objects.filter(organization=org, status=Cycle.Status.ACTIVE).first()
        executive = Membership.objects.filter(organization=org, role=Role.EXECUTIVE).first()
        admin = Membership.objects.filter(organization=org, role=Role.ADMIN).first()
        owner = (
            Membership.objects.filter(organization=org, role=Role.MEMBER, key_results__isnull=False)
            .distinct()
            .first()
        )
        team_objective = Objective.objects.filter(organization=org, level="team").first()
        kr = KeyResult.objects.filter(organization=org, owner=owner).first()
        unit = OrgUnit.objects.filter(organization=org, kind="team").first()
        slug = org.slug

        def page(member: Membership, name: str, **kwargs) -> Callable[[], object] | None:
            try:
                url = reverse(name, kwargs={"org_slug": slug, **kwargs})
            except NoReverseMatch:
                return None
            client = Client()
            client.force_login(member.user)
            return lambda: _get(client, url)

        def api(member: Membership, path: str) -> Callable[[], object]:
            client = Client()
            client.force_login(member.user)
            url = f"/api/v1/orgs/{slug}/{path}"
            return lambda: _get(client, url)

        def check_in() -> Callable[[], object]:
            state = {"n": 0}

            def run():
                from okrs.services import record_check_in

                state["n"] += 1
                record_check_in(
                    key_result=KeyResult.objects.get(pk=kr.pk),
                    actor=owner,
                    value=kr.target_value * state["n"] % (kr.target_value + 1),
                    confidence=7,
                    note="bench",
                )

            return run

        targets = [
            ("My OKRs (owner)", page(owner, "okrs:my_okrs")),
            ("Company overview", page(executive, "okrs:cycle_overview", cycle_id=cycle.pk)),
            ("Alignment tree", page(executive, "okrs:alignment", cycle_id=cycle.pk)),
            ("Health (champion view)", page(executive, "okrs:health")),
            ("Unit page", page(executive, "okrs:unit_detail", unit_id=unit.pk)),
            (
                "Objective detail",
                page(executive, "okrs:objective_detail", objective_id=team_objective.pk),
            ),
            ("Key result detail", page(owner, "okrs:key_result_detail", key_result_id=kr.pk)),
            ("Org chart", page(admin, "orgchart:chart")),
            ("API objectives (page of 50)", api(executive, f"objectives/?cycle={cycle.pk}")),
            ("API key results (page of 50)", api(executive, "key-results/")),
            ("API alignment tree", api(executive, f"cycles/{cycle.pk}/alignment/")),
            ("Service: record_check_in + roll-up", check_in()),
        ]
        return [(label, fn) for label, fn in targets if fn is not None]

    def _measure(self, label: str, fn: Callable[[], object], repeat: int):
        try:
            fn()  # warm-up
        except Exception as exc:  # noqa: BLE001 - a bench reports, it does not crash
            self.stderr.write(f"{label}: skipped ({exc})")
            return None
        timings = []
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries = len(ctx.captured_queries)
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
        return label, statistics.median(timings), p95, queries

    @staticmethod
    def _table(results) -> str:
        lines = ["| target | median ms | p95 ms | queries |", "|---|---:|---:|---:|"]
        for label, median, p95, queries in results:
            lines.append(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
        return "\n".join(lines)


def org_checkins(org: Organization) -> int:
    from okrs.models import CheckIn

    return CheckIn.objects.filter(organization=org).count()


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response
