"""Start a real HTTP server process (gunicorn, runserver) on 127.0.0.1 for a test, and stop it.

`running(command, port=..., env=...)` yields the process once its port accepts a TCP
connection (a condition, polled up to a generous deadline; a process that exits first fails at
once with its output), and terminates it afterwards, waiting for it to exit.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.notifications.worker_support import wait_for

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
        return True
    return False


def server_env(**overrides: str) -> dict[str, str]:
    """This process's environment (minus pytest's own variables) with `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(overrides)
    return env


@contextlib.contextmanager
def running(command: list[str], *, port: int, env: dict[str, str], timeout: float = 60):
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_for(lambda: process.poll() is not None or _answers(port), timeout)
            if process.poll() is not None or not _answers(port):
                output.seek(0)
                text = output.read().decode(errors="replace")[-3000:]
                raise AssertionError(f"{' '.join(command[:3])} did not listen on {port}:\n{text}")
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
