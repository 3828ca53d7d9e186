"""Defaults that keep pages cheap: health-checked database connections, persistent in
production only (tests/test_dev_server_connections.py says why), and compiled templates kept
in memory (Django's cached loader)."""

import os

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_database_connections_are_health_checked_and_persist_in_production_only():
    database = settings.DATABASES["default"]
    expected = int(os.environ.get("CONN_MAX_AGE", 60 if settings.IS_PRODUCTION else 0))
    assert database["CONN_MAX_AGE"] == expected and database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"].endswith("postgresql"):
        assert "jit=off" in database["OPTIONS"]["options"]


def test_templates_are_compiled_once_by_the_cached_loader():
    loaders = engines["django"].engine.template_loaders
    seen = list(loaders)
    while seen:
        loader = seen.pop()
        if isinstance(loader, CachedLoader):
            return
        seen.extend(getattr(loader, "loaders", []))
    raise AssertionError(f"no cached template loader in {loaders}")
