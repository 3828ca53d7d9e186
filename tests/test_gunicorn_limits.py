"""gunicorn, started with the shipped gunicorn.conf.py, lets request lines up to 8 KB through
to Django, so a long API URL answers problem details, not gunicorn's own plain-text 400.

gunicorn's default request line limit (4,094 bytes) answered a 5 KB API URL itself. Its
maximum is 8,190 bytes: a longer line still gets gunicorn's 400, which docs/operations.md
documents (the proxy in front refuses such URLs first).
"""

from __future__ import annotations

import http.client

import pytest

from tests.servers import BIN, HOST, free_port, running, server_env


@pytest.fixture(scope="module")
def gunicorn_port():
    port = free_port()
    command = [
        str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"{HOST}:{port}",
        "--workers", "1", "okr_project.wsgi:application",
    ]  # fmt: skip
    env = server_env(
        CAIRN_ENV="development", DEBUG="false", ALLOWED_HOSTS=HOST, GUNICORN_ACCESS_LOG=""
    )
    with running(command, port=port, env=env):
        yield port


def _get(port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Accept": "application/json"})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


@pytest.mark.parametrize("length", [5_000, 8_000])
def test_a_long_api_url_reaches_the_app_and_answers_problem_details(gunicorn_port, length):
    path = "/api/v1/no-such-endpoint/?q=" + "x" * length
    response = _get(gunicorn_port, path)
    assert response.status == 404, response.body[:200]
    assert response.getheader("Content-Type").startswith("application/problem+json")


def test_past_gunicorns_maximum_the_answer_is_its_own_400(gunicorn_port):
    response = _get(gunicorn_port, "/api/v1/?q=" + "x" * 9_000)
    assert response.status == 400
    assert not response.getheader("Content-Type", "").startswith("application/problem+json")
