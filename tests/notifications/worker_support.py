"""A real Celery worker in a subprocess (Redis broker, the pytest PostgreSQL database) and a
holding SMTP handler, for the worker and fault tests."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import quote

import redis
from django.db import connection

from tests.notifications.conftest import REDIS_URL, RecordingHandler

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
VISIBILITY_TIMEOUT = 5  # seconds: the test workers' CELERY_VISIBILITY_TIMEOUT


def database_url() -> str:
    """URL of the database this test runs in (the pytest test database), for a subprocess."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


class Worker:
    """`celery -A okr_project worker` with its own queue; `kill()` is a real SIGKILL."""

    def __init__(self, *, queue: str, smtp_port: int, log_dir: Path, batch_size: int = 50):
        self.queue = queue
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "okr_project.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "30",
            "NOTIFICATIONS_BATCH_SIZE": str(batch_size),
            "LOG_LEVEL": "INFO",
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 45) -> Worker:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [CELERY, "-A", "okr_project", "worker", "-P", "solo", "-Q", self.queue,
             "-n", f"{self.queue}-{uuid.uuid4().hex[:4]}@%h", "-l", "info",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: " ready." in self.log() or self.process.poll() is not None, timeout)
        if self.process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{self.log()[-3000:]}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def send_dispatch(queue: str, now: str) -> None:
    """Put one `dispatch` message on the worker's queue through Redis (not eagerly)."""
    from okr_project.celery import app

    # The test process itself runs eagerly; send_task ignores that (and says so): silence it.
    with app.connection_for_write(REDIS_URL) as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app.send_task(
            "notifications.tasks.dispatch", kwargs={"now": now}, queue=queue, connection=conn
        )


def unacked_older_than_visibility_timeout() -> bool:
    """True once Redis holds an unacknowledged message that kombu will hand out again.

    kombu's Redis transport restores unacked messages only on every 10th restore call (one call
    every 10 s), and a new worker makes its first call at start-up. A worker started *before*
    the killed message is past the visibility timeout would only retry ~100 s later, so the test
    waits for this condition instead of hoping the timing works out.
    """
    client = redis.Redis.from_url(REDIS_URL)
    ceiling = time.time() - VISIBILITY_TIMEOUT
    return bool(client.zrangebyscore("unacked_index", 0, ceiling, start=0, num=1))


def clean_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def wait_for_other_sessions_to_close(timeout: float = 15) -> None:
    """The test database is dropped at the end of the session: let the workers' backends go."""

    def alone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] == 0

    wait_for(alone, timeout)


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class HoldingHandler(RecordingHandler):
    """Accepts `hold_after` messages, then keeps the next one hanging (no reply) until
    released, and answers it 451: that message was never accepted."""

    def __init__(self, hold_after: int):
        super().__init__()
        self.hold_after = hold_after
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held_once = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if not self.held_once and len(self.messages) == self.hold_after:
            self.held_once = True
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)
