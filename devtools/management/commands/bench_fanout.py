"""`manage.py bench_fanout` (`make bench-fanout`): reminders and digests for all of `bench`.

On the `make bench` database (the 10,000-person `bench` company must be seeded): forgets the
notification log of this week for `bench`, then
1. plans and queues the fan-out exactly as the hourly dispatcher does for one organization
   (`dispatch_organization`, here run in-process against a real Redis broker) and times it;
2. starts a real Celery worker (prefork, 2 processes) that delivers to a local SMTP sink
   (aiosmtpd on 127.0.0.1) and waits until every log row is finished — a condition, bounded by
   --timeout seconds;
3. counts messages per (recipient, subject): nothing may arrive twice.
Everything stays on 127.0.0.1; bounded in count (one company, one week) and time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import Organization
from devtools.benchdata import BENCH_SLUG
from devtools.management.commands.bench_http import _free_port
from notifications.models import Kind, NotificationLog
from notifications.schedule import DIGEST_KINDS, REMINDER
from okrs.rules.weeks import iso_week

QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


class Sink:
    """aiosmtpd handler counting what it accepted."""

    def __init__(self):
        self.messages: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        subject = ""
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.startswith("Subject:"):
                subject = line[8:].strip()
                break
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, subject))
        return "250 OK"


class Command(BaseCommand):
    help = "Time the reminder + digest fan-out for every person of `bench` with a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=900)

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("bench_fanout needs the make bench PostgreSQL database.")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "Run with a real broker, e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/13 "
                "(make bench-fanout sets it)."
            )
        broker = settings.CELERY_BROKER_URL
        from aiosmtpd.controller import Controller

        from notifications import tasks

        organization = Organization.objects.get(slug=BENCH_SLUG)
        now = timezone.now()
        period = iso_week(organization, now)
        NotificationLog.objects.filter(organization=organization, period=period).delete()
        sink = Sink()
        port = _free_port()
        smtp = Controller(sink, hostname="127.0.0.1", port=port)
        smtp.start()
        import redis

        redis.Redis.from_url(broker).flushdb()
        kinds = [REMINDER, *DIGEST_KINDS]
        started = time.perf_counter()
        # The dispatcher's per-organization task, run here; its batches go to the broker.
        batches = tasks.dispatch_organization.apply(
            args=(organization.pk, kinds, period, now.isoformat())
        ).get()
        queued_s = time.perf_counter() - started
        expected = sum(batches.values())
        self.stdout.write(f"Planned and queued {expected} deliveries {batches} in {queued_s:.1f} s")
        worker = self._worker(broker, port)
        try:
            sent_started = time.perf_counter()
            deadline = time.monotonic() + opts["timeout"]
            finished = 0
            while time.monotonic() < deadline:
                finished = (
                    NotificationLog.objects.filter(organization=organization, period=period)
                    .exclude(status=NotificationLog.State.PENDING)
                    .count()
                )
                if finished >= expected or worker.poll() is not None:
                    break
                time.sleep(1)
            sent_s = time.perf_counter() - sent_started
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            smtp.stop()
        per_status = Counter(
            NotificationLog.objects.filter(organization=organization, period=period).values_list(
                "status", flat=True
            )
        )
        duplicates = sum(n - 1 for n in Counter(sink.messages).values() if n > 1)
        lines = [
            f"- planned and queued: {expected} deliveries for {BENCH_SLUG} in {queued_s:.1f} s "
            f"({', '.join(f'{Kind(k).label.lower()} {n}' for k, n in batches.items())})",
            f"- delivered by one worker (2 processes) to a local SMTP sink in {sent_s:.0f} s: "
            f"{len(sink.messages)} emails ({len(sink.messages) / max(sent_s, 1):.0f}/s); "
            f"log rows {dict(per_status)}",
            f"- sent twice: **{duplicates}**; finished {finished} of {expected}",
        ]
        self.stdout.write("\n".join(lines))

    def _worker(self, broker: str, smtp_port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "WARNING",
        }
        celery = str(Path(sys.executable).with_name("celery"))
        return subprocess.Popen(
            [celery, "-A", "okr_project", "worker", "-Q", QUEUE, "-c", "2", "-l", "warning",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
