"""Celery application: broker and backend come from Django settings (CELERY_* names)."""

import os
import sys

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okr_project.settings")

app = Celery("cairn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def refuse_an_unsafe_database_role(**kwargs) -> None:
    """In production, worker and beat do not start as a role that skips row-level security
    (accounts/checks.py), like gunicorn (gunicorn.conf.py)."""
    from django.conf import settings

    if not settings.IS_PRODUCTION:
        return
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.core.management.base import SystemCheckError

    from accounts.checks import enforce_at_startup

    try:
        enforce_at_startup()
    except SystemCheckError as exc:
        # Celery logs (and ignores) an exception from a signal receiver; SystemExit stops it.
        sys.__stderr__.write(f"{exc}\n")  # the real stderr: Celery may have redirected it
        raise SystemExit(1) from exc


@app.task(name="cairn.ping")
def ping() -> str:
    """Smoke task: proves a worker consumes from the configured broker."""
    return "pong"
