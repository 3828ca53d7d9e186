"""`make run` (runserver on PostgreSQL) keeps its database connections bounded.

runserver serves each request in a thread of its own, with a connection of its own. With
persistent connections (CONN_MAX_AGE=60, once the default everywhere) each thread's
connection outlived the request: under a fuzzing run one dev server held 83 of PostgreSQL's
100 connections and everyone else got "too many clients". Persistent connections are a
production setting now (okr_project/settings.py); here 50 concurrent requests must leave no
connection of the dev server behind once they are answered.
"""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.notifications.worker_support import wait_for
from tests.servers import BIN, HOST, free_port, running, server_env

REQUESTS = 50
BOUND = 2  # connections the idle dev server may keep (none are expected)

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}"


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _healthz(port: int) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_fifty_concurrent_requests_leave_the_dev_server_no_connections(settings):
    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL connections (CI runs it on PostgreSQL)")
    port = free_port()
    env = server_env(DATABASE_URL=_database_url(), CAIRN_ENV="development", DEBUG="1")
    env.pop("CONN_MAX_AGE", None)  # the default is what `make run` gets
    command = [str(BIN / "python"), "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
    with running(command, port=port, env=env):
        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            statuses = list(pool.map(_healthz, [port] * REQUESTS))
        assert statuses == [200] * REQUESTS
        # Every request has been answered; each thread's connection closes as it finishes.
        assert wait_for(lambda: _server_connections() <= BOUND, timeout=30), (
            f"the dev server still holds {_server_connections()} connections"
        )
