"""Celery application: broker and backend come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okr_project.settings")

app = Celery("cairn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="cairn.ping")
def ping() -> str:
    """Smoke task: proves a worker consumes from the configured broker."""
    return "pong"
