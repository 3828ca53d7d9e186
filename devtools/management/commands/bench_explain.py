"""`manage.py bench_explain` (part of `make bench`): no hot query scans a big table.

For every page and API list that `make bench` times on the large `bench` company, the request
is made in-process (Django's test client, the same users), every SELECT it runs is captured and
EXPLAINed on PostgreSQL, and any sequential scan of check-ins, key results or objectives is
reported. Exit status 1 when one is found, so a regression is loud; `--report-only` just lists.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from devtools.benchdata import BENCH_SLUG
from devtools.management.commands.bench_http import Command as Bench

BIG_TABLES = ("okrs_checkin", "okrs_keyresult", "okrs_objective")


def _seq_scans(plan: dict) -> list[str]:
    found = []
    stack = [plan]
    while stack:
        node = stack.pop()
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    return found


class Command(BaseCommand):
    help = "EXPLAIN every query of the benchmarked pages; fail on a sequential scan of a big table."

    def add_arguments(self, parser):
        parser.add_argument("--report-only", action="store_true")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("bench_explain needs PostgreSQL with the bench company seeded.")
        plan = Bench()._plan(BENCH_SLUG)
        clients = {}
        for role, email in plan["logins"].items():
            client = Client(HTTP_X_FORWARDED_PROTO="https")
            client.force_login(User.objects.get(email=email))
            clients[role] = client
        findings, explained = [], 0
        with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
            for label, role, method, path, _payload in plan["targets"]:
                if method != "GET":
                    continue
                with CaptureQueriesContext(connection) as ctx:
                    clients[role].get(path, HTTP_ACCEPT="text/html,application/json")
                for query in ctx.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                        tree = cursor.fetchone()[0]
                    tree = json.loads(tree) if isinstance(tree, str) else tree
                    explained += 1
                    for table in _seq_scans(tree[0]["Plan"]):
                        findings.append(f"{label}: Seq Scan on {table}: {sql[:160]}")
        self.stdout.write(f"EXPLAINed {explained} queries of {len(plan['targets'])} targets.")
        for line in findings:
            self.stdout.write(f"  {line}")
        if findings and not opts["report_only"]:
            raise CommandError(f"{len(findings)} sequential scan(s) of a big table (above).")
        if not findings:
            self.stdout.write(
                self.style.SUCCESS("No sequential scan of check-ins, KRs or objectives.")
            )
