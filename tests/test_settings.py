"""Settings come from the environment; production refuses unsafe defaults."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD = {
    "CAIRN_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cairn_settings_check",
    "ALLOWED_HOSTS": "cairn.example",
    "NUM_PROXIES": "1",  # behind the TLS proxy docs/operations.md prescribes
}


@pytest.mark.slow  # a production `check --deploy` in a subprocess
def test_production_deploy_check_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_deploy_check_warns_when_production_counts_no_proxy():
    """Production trusts X-Forwarded-Proto, so it sits behind a proxy; with NUM_PROXIES=0
    every client has the proxy's address: lockouts and reset limits are shared by all."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **{**PROD, "NUM_PROXIES": "0"})
    assert result.returncode != 0
    assert "accounts.W002" in result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
    ],
)
def test_production_refuses_insecure_settings(override, message):
    result = _manage("check", **{**PROD, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_embedded_default_is_sqlite_and_eager():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='okr_project.settings';"
        "django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True"], out.stderr


def test_docker_compose_declares_every_service_with_a_healthcheck():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert name in services, name
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


@pytest.mark.parametrize(("cairn_env", "expected"), [("production", "60"), ("development", "0")])
def test_connections_persist_in_production_only(cairn_env, expected):
    env = {**PROD, "CAIRN_ENV": cairn_env}
    env.pop("CONN_MAX_AGE", None)
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = _manage("shell", "-c", code, **env)
    assert result.stdout.split()[-1:] == [expected], result.stderr
