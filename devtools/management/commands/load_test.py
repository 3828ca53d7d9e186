"""`manage.py load_test` (`make load`): many owners browsing and checking in at once, over HTTP.

Against gunicorn (production settings) and PostgreSQL on 127.0.0.1 only, like `make bench`
(whose seeding, server start and HTTP client it reuses): LOAD_USERS owners of the `bench`
company (default 200) log in through the real form, then for LOAD_SECONDS (default 60) each
one loops: open My OKRs, check in on one of their key results through the API with a value
nobody used before, open My OKRs again. Afterwards it counts, in the database:

- errors: any answer that is not 2xx (and any transport failure);
- lost check-ins: a key result whose stored value is not the last value the server
  acknowledged for it, or fewer check-in audit entries than acknowledged check-ins.

It prints p50/p95 per kind of request and writes the figures to docs/reliability.md.
Bounded: a fixed number of users, a fixed duration, one request at a time per user.

gunicorn connects as a plain role (NOSUPERUSER NOBYPASSRLS, the production grants), as
`make bench` does: row-level security applies exactly as in production, and production's
start-up check (accounts/checks.py) would refuse a superuser anyway.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from devtools.benchdata import BENCH_SLUG
from devtools.management.commands.bench_http import Browser, _free_port
from devtools.management.commands.bench_http import Command as Bench
from okrs.models import AuditEntry, Cycle, KeyResult

MARKS = ("<!-- load_test:start -->", "<!-- load_test:end -->")


class Command(BaseCommand):
    help = "Bounded load test: N owners browse and check in for S seconds; counts lost writes."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 200)))
        parser.add_argument(
            "--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", 60))
        )
        parser.add_argument(
            "--employees", type=int, default=int(os.environ.get("BENCH_EMPLOYEES", 10000))
        )
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--app-role",
            default=os.environ.get("BENCH_APP_ROLE", "cairn_bench_app"),
            help="plain PostgreSQL role gunicorn connects as (the one `make bench` uses)",
        )
        parser.add_argument("--write", default="", help="replace the figures in this file")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("load_test needs PostgreSQL (make load sets DATABASE_URL).")
        bench = Bench(stdout=self.stdout, stderr=self.stderr)
        bench.opts = {"workers": opts["workers"]}
        bench._ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            call_command("seed_demo", employees=opts["employees"], stdout=self.stdout)
        owners = self._owners(opts["users"])
        env = bench._production_env()
        env["DATABASE_URL"] = bench._plain_role_url(opts["app_role"])
        self.served_as = opts["app_role"]
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR, env=env, check=True,
        )  # fmt: skip
        port = _free_port()
        server = bench._start_gunicorn(env, port)
        started_at = timezone.now()
        try:
            stats = self._run(port, owners, opts["seconds"])
        finally:
            server.terminate()
            server.wait(timeout=30)
        report = self._report(stats, owners, started_at, opts)
        self.stdout.write("\n" + report)
        if opts["write"]:
            path = Path(opts["write"])
            text = path.read_text() if path.exists() else ""
            if MARKS[0] not in text:
                path.write_text(text.rstrip() + f"\n\n{MARKS[0]}\n{MARKS[1]}\n")
            _replace_between_marks_custom(path, report)
            self.stdout.write(f"Written to {path}.")

    def _owners(self, n: int) -> list[tuple[str, list[int]]]:
        """(email, live non-milestone KR ids in the active cycle) for n active owners."""
        cycle = Cycle.objects.get(organization__slug=BENCH_SLUG, status=Cycle.Status.ACTIVE)
        krs = defaultdict(list)
        rows = (
            KeyResult.objects.filter(objective__cycle=cycle, owner__is_active=True)
            .exclude(metric_type=KeyResult.MetricType.MILESTONE)
            .order_by("owner_id", "id")
            .values_list("owner_id", "id")
        )
        for owner_id, kr_id in rows:
            krs[owner_id].append(kr_id)
        chosen = sorted(krs)[:n]
        emails = dict(Membership.objects.filter(pk__in=chosen).values_list("pk", "user__email"))
        if len(chosen) < n:
            raise CommandError(f"Only {len(chosen)} owners with key results in {BENCH_SLUG}.")
        return [(emails[pk], krs[pk][:5]) for pk in chosen]

    def _run(self, port: int, owners, seconds: float) -> dict:
        stats = {
            "timings": defaultdict(list), "errors": [], "acked": {}, "acked_count": 0,
        }  # fmt: skip
        lock = threading.Lock()
        home = reverse("okrs:my_okrs", kwargs={"org_slug": BENCH_SLUG})
        api = f"/api/v1/orgs/{BENCH_SLUG}/key-results/"
        ready = threading.Barrier(len(owners) + 1)
        stop_at = [0.0]

        def record(kind, reply):
            with lock:
                stats["timings"][kind].append(reply.ms)
                if not 200 <= reply.status < 300:
                    stats["errors"].append(f"{kind}: HTTP {reply.status}")

        def user(index: int, email: str, kr_ids: list[int]):
            try:
                browser = Browser(port)
                browser.log_in(email)
            except Exception as exc:  # noqa: BLE001 - reported as an error, not a crash
                with lock:
                    stats["errors"].append(f"login {email}: {exc}")
                ready.wait()
                return
            ready.wait()
            turn = 0
            while time.monotonic() < stop_at[0]:
                try:
                    record("My OKRs", browser.get(home, Accept="text/html"))
                    kr_id = kr_ids[turn % len(kr_ids)]
                    value = Decimal(index * 100000 + turn)
                    reply = browser.post_json(
                        f"{api}{kr_id}/check-ins/", {"value": str(value), "confidence": 7}
                    )
                    record("POST check-in (API)", reply)
                    if reply.status == 201:
                        with lock:
                            stats["acked"][kr_id] = value
                            stats["acked_count"] += 1
                    turn += 1
                except Exception as exc:  # noqa: BLE001 - a transport failure is an error
                    with lock:
                        stats["errors"].append(f"{email}: {type(exc).__name__}: {exc}")
                    return

        threads = [
            threading.Thread(target=user, args=(i, email, ids), daemon=True)
            for i, (email, ids) in enumerate(owners)
        ]
        self.stdout.write(f"Logging in {len(owners)} owners…")
        for t in threads:
            t.start()
        ready.wait()
        stop_at[0] = time.monotonic() + seconds
        self.stdout.write(f"Load for {seconds:.0f} s…")
        for t in threads:
            t.join(timeout=seconds + 180)
        return stats

    def _report(self, stats, owners, started_at, opts) -> str:
        lost = [
            kr_id
            for kr_id, value in stats["acked"].items()
            if KeyResult.objects.get(pk=kr_id).current_value != value
        ]
        audited = AuditEntry.objects.filter(
            organization__slug=BENCH_SLUG, target_type="check_in", created_at__gte=started_at
        ).count()
        lines = [
            f"{len(owners)} owners of `{BENCH_SLUG}` for {opts['seconds']:.0f} s against "
            f"gunicorn ({opts['workers']} workers, production settings) and PostgreSQL on "
            f"127.0.0.1, served as the plain role `{self.served_as}` (NOSUPERUSER NOBYPASSRLS: "
            f"row-level security applies), {time.strftime('%Y-%m-%d')}.",
            "",
            "| request | count | p50 ms | p95 ms |",
            "|---|---:|---:|---:|",
        ]
        for kind, timings in stats["timings"].items():
            ordered = sorted(timings)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0
            median = statistics.median(ordered) if ordered else 0
            lines.append(f"| {kind} | {len(ordered)} | {median:.0f} | {p95:.0f} |")
        lines += [
            "",
            f"- errors (non-2xx or transport): **{len(stats['errors'])}**"
            + (f" — first: {stats['errors'][0]}" if stats["errors"] else ""),
            f"- check-ins acknowledged: {stats['acked_count']}; check-in audit entries written: "
            f"{audited}",
            f"- lost check-ins (stored value ≠ last acknowledged): **{len(lost)}**"
            f"{'' if audited >= stats['acked_count'] else ' (and fewer audit entries than acks)'}",
        ]
        return "\n".join(lines)


def _replace_between_marks_custom(path: Path, report: str) -> None:
    text = path.read_text()
    head, rest = text.split(MARKS[0], 1)
    _old, tail = rest.split(MARKS[1], 1)
    path.write_text(f"{head}{MARKS[0]}\n{report}\n{MARKS[1]}{tail}")
