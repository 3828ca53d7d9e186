"""Double submission on a real PostgreSQL: concurrent check-ins never make two rows or a 500."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from okrs import services
from okrs.models import CheckIn, HealthTally
from okrs.rules import progress
from okrs.services import health_report
from tests.okrs.conftest import make_chain, reload

# Slow by design: threads racing on PostgreSQL (`make test-fast` skips it).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def test_simultaneous_check_ins_in_one_week_leave_one_row(world):
    *_, kr = make_chain(world)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def submit(value):
        try:
            barrier.wait()
            services.record_check_in(key_result=kr, actor=world.owner, value=value, confidence=6)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(v,)) for v in (300, 310, 320, 330)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    (row,) = CheckIn.objects.filter(key_result=kr)
    assert reload(kr).current_value == row.value


def test_concurrent_check_ins_on_sibling_krs_keep_the_roll_up_consistent(world):
    company, dept, team, first = make_chain(world)
    krs = [first] + [
        services.create_key_result(
            objective=team,
            actor=world.platform_lead,
            title=f"KR {n}",
            owner=world.owner,
            metric_type="increase_to",
            start_value=0,
            target_value=100,
        )  # fmt: skip
        for n in range(5)
    ]
    barrier = threading.Barrier(len(krs))
    errors: list[BaseException] = []

    def submit(kr, value):
        try:
            barrier.wait()
            services.record_check_in(key_result=kr, actor=world.owner, value=value, confidence=7)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    values = [300, 10, 20, 30, 40, 50]
    threads = [
        threading.Thread(target=submit, args=(kr, v)) for kr, v in zip(krs, values, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert CheckIn.objects.filter(key_result__in=krs).count() == len(krs)  # nothing lost
    fresh = [reload(kr) for kr in krs]
    expected = progress.objective_progress(
        [(kr.progress, kr.weight) for kr in fresh], rollup=reload(team).rollup
    )
    assert reload(team).progress == pytest.approx(expected)  # no lost update in the roll-up
    assert reload(dept).progress == pytest.approx(
        progress.objective_progress([], [reload(team).progress], rollup=reload(dept).rollup)
    )


def test_crossed_re_parenting_never_loops_and_never_fails_with_a_500(world):
    from django.core.exceptions import ValidationError

    from okrs.models import Objective

    for round_ in range(8):
        a, b = (
            services.create_objective(
                organization=world.org,
                actor=world.platform_lead,
                cycle=world.cycle,
                level="team",
                unit=world.platform,
                title=f"{name} {round_}",
                owner=world.platform_lead,
            )  # fmt: skip
            for name in ("A", "B")
        )
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def move(child, parent, barrier, outcomes):
            try:
                barrier.wait()
                services.update_objective(objective=child, actor=world.platform_lead, parent=parent)
                outcomes.append("moved")
            except ValidationError as exc:  # a loop refused, or a 409-style conflict
                outcomes.append(type(exc).__name__)
            except BaseException as exc:  # noqa: BLE001 - anything else would be a 500
                outcomes.append(f"crash: {exc!r}")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=move, args=(a, b, barrier, outcomes)),
            threading.Thread(target=move, args=(b, a, barrier, outcomes)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not [o for o in outcomes if o.startswith("crash")], outcomes
        assert outcomes.count("moved") <= 1, outcomes
        parents = dict(Objective.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "parent"))
        assert not (parents[a.pk] == b.pk and parents[b.pk] == a.pk)  # never a loop


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    """Poll a condition (never a fixed sleep): done as soon as it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_a_health_count_taken_before_a_check_in_commits_is_not_kept(world):
    """The race the tallies' generation check exists for: a reader counts the units while a
    check-in is in flight (its snapshot misses it), the check-in commits, the reader stores.
    The stored row must not claim to be valid, and the next report counts the check-in."""
    *_, kr = make_chain(world)
    report = lambda: health_report(  # noqa: E731
        organization=world.org, cycle=world.cycle, viewer=world.ceo, unit=world.platform
    )
    HealthTally.objects.all().delete()  # nothing stored: the reader will count and store
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    seen: list[int] = []

    def writer():
        try:
            with transaction.atomic():
                services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=6)
                written.set()
                _wait_for(release.is_set, "the reader to block")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
            written.set()
        finally:
            connections.close_all()

    def reader():
        try:
            _wait_for(written.is_set, "the check-in to be written")
            seen.append(sum(rate.done for rate in report().checkin_rates))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()

    def reader_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%%okrs_healthtally%%'"
            )
            return cursor.fetchone()[0] > 0

    _wait_for(lambda: reader_waits_on_a_lock() or errors or not threads[1].is_alive(), "a lock")
    release.set()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert seen == [0]  # the reader's snapshot predates the commit: right for its moment
    row = HealthTally.objects.get(cycle=world.cycle, unit_key=world.platform.pk, private=False)
    assert not row.valid  # … but it was not kept as the truth
    assert sum(rate.done for rate in report().checkin_rates) == 1
