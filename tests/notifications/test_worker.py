"""A real Celery worker (subprocess, Redis broker) delivering to a real SMTP server.

The worker reads the pytest PostgreSQL database, so these tests commit their data
(`transaction=True`) and need PostgreSQL. They share Redis DB 10 and run in one xdist group.
"""

from collections import Counter
from email import message_from_bytes

import pytest
from django.db import connection

from accounts.models import Organization
from notifications.models import NotificationLog
from tests import factories
from tests.builders import person
from tests.notifications.conftest import (
    MONDAY_9,
    build_company,
    redis_available,
    start_smtp,
)
from tests.notifications.worker_support import (
    HoldingHandler,
    RecordingHandler,
    Worker,
    clean_redis,
    send_dispatch,
    unacked_older_than_visibility_timeout,
    wait_for,
    wait_for_other_sessions_to_close,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]
State = NotificationLog.State


@pytest.fixture
def services(db, tmp_path):
    if not redis_available():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379: start redis-server to run this")
    if connection.vendor != "postgresql":
        pytest.skip(
            "The subprocess worker must see the test database: run with "
            "DATABASE_URL=postgres://… (the SQLite test database lives in memory)"
        )
    clean_redis()
    workers: list[Worker] = []
    controllers = []

    def smtp(handler):
        controllers.append(start_smtp(handler))
        return controllers[-1].port

    def worker(**kwargs):
        workers.append(Worker(log_dir=tmp_path, **kwargs))
        return workers[-1]

    yield smtp, worker
    for w in workers:
        w.stop()
    for c in controllers:
        c.stop()
    clean_redis()
    wait_for_other_sessions_to_close()


def finished_logs(org) -> int:
    return NotificationLog.objects.filter(organization=org).exclude(status=State.PENDING).count()


def test_real_worker_delivers_reminders_and_digests_over_smtp(services, org, tmp_path):
    smtp, worker = services
    company = build_company(org)
    handler = RecordingHandler(refuse={company.champion.user.email})
    port = smtp(handler)
    w = worker(queue="cairn-test-deliver", smtp_port=port).start()
    send_dispatch(w.queue, MONDAY_9.isoformat())
    # reminders: owner, lead; digests: owner ×2 (owner, lead), lead, executive, champion
    assert wait_for(lambda: finished_logs(org) == 7, 60), w.log()[-4000:]
    subjects = Counter(
        (rcpts[0], message_from_bytes(raw)["Subject"]) for rcpts, raw in handler.messages
    )
    assert subjects[(company.owner.user.email, "Check-in due: 2 key results this week")] == 1
    assert subjects[(company.ceo.user.email, "Company OKRs, 2026-W47")] == 1
    assert len(handler.messages) == 6 and max(subjects.values()) == 1
    failed = NotificationLog.objects.get(status=State.FAILED)
    assert failed.recipient == company.champion
    assert failed.reason.startswith("mail server refused the recipient: 550")
    assert "notifications batch org=acme-test kind=reminder" in w.log()


def test_worker_killed_mid_fanout_still_delivers_exactly_one_reminder_each(services, org):
    smtp, worker = services
    Organization.objects.filter(pk=org.pk).update(digest_cadence="off")
    company = build_company(org)
    for n in range(8):
        member = person(org, email=f"p{n}@acme-test.example", unit=company.unit)
        factories.KeyResultFactory(organization=org, objective=company.objective, owner=member)
    due = 10  # owner, lead and the 8 above
    handler = HoldingHandler(hold_after=4)  # batch 1 (3) done, batch 2: one accepted, one hangs
    port = smtp(handler)
    first = worker(queue="cairn-test-fault", smtp_port=port, batch_size=3).start()
    send_dispatch(first.queue, MONDAY_9.isoformat())
    assert handler.holding.wait(60), first.log()[-4000:]
    first.kill()  # SIGKILL while an SMTP conversation is open: the batch message is unacked
    handler.release.set()
    assert NotificationLog.objects.filter(status=State.PENDING).count() == 1

    # Condition, not a sleep: the killed batch is in Redis' unacked set and past the visibility
    # timeout, so the second worker's start-up restore puts it back on the queue.
    assert wait_for(unacked_older_than_visibility_timeout, 60)
    second = worker(queue="cairn-test-fault", smtp_port=port, batch_size=3).start()
    assert wait_for(lambda: finished_logs(org) == due, 60), second.log()[-4000:]
    delivered = Counter(handler.recipients())
    assert len(delivered) == due and set(delivered.values()) == {1}
    retaken = NotificationLog.objects.get(attempts=2)
    assert retaken.status == State.SENT

    batches = second.log().count("notifications batch org=")
    send_dispatch(second.queue, MONDAY_9.replace(minute=5).isoformat())
    assert wait_for(lambda: second.log().count("notifications batch org=") >= batches + 4, 45)
    assert len(handler.messages) == due  # the duplicate dispatch sent nothing new
