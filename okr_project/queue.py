"""Background work requested by services, by task name, once the transaction commits.

Layers go tasks → services: a task reloads its rows and calls a service. A service that needs
something done in the background (an email after an invitation commits) therefore names the
task instead of importing it. `enqueue_on_commit` looks the task up in the Celery registry
(`task` imports every app's `tasks.py` first if nothing has yet), so eager mode (`make run`,
tests) and a real broker behave the same.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger("cairn.queue")


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Send `task_name(*args)` after the surrounding transaction commits (never for a
    rollback). A failure to enqueue, or an eager run that raises, is logged instead of
    turning the committed change into an error: the change stands, and the task's own
    retries or a re-send recover the side effect."""

    def send() -> None:
        task(task_name).delay(*args)

    transaction.on_commit(send, robust=True)


def task(task_name: str):
    """The registered task of that name. Celery's autodiscovery is lazy (a worker triggers it
    when it starts); a web process has not imported the apps' `tasks.py` yet, so the first
    lookup there runs the discovery itself."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]
