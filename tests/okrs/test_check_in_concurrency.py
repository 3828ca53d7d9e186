"""Double submission on a real PostgreSQL: concurrent check-ins never make two rows or a 500."""

import threading

import pytest
from django.db import connection, connections

from okrs import services
from okrs.models import CheckIn
from tests.okrs.conftest import make_chain, reload

pytestmark = [
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
