"""Production does not start as a database role that skips row-level security (finding 1).

The shipped docker-compose connected web, worker and beat as the official image's
POSTGRES_USER, a superuser: row-level security was off, contrary to docs/security.md. Now
deploy/postgres/init-roles.sh creates an owner (migrations) and a plain runtime role, and the
system check `accounts.checks.runtime_role` refuses a superuser or BYPASSRLS role in
production — in `manage.py check --database default` and at every gunicorn, worker and beat
start — unless CAIRN_ALLOW_RLS_BYPASS=1, which only warns. Tried here against real
PostgreSQL roles made for the test and dropped afterwards.
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import yaml
from django.db import connection

from devtools.roles import ensure_plain_role, runtime_grants
from tests.servers import BIN, HOST, ROOT, free_port, running, server_env

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Roles:
    plain: str
    bypass: str
    superuser: str


def _conninfo(**overrides) -> dict:
    db = connection.settings_dict
    info = {
        "host": db["HOST"] or HOST,
        "port": db["PORT"] or 5432,
        "dbname": db["NAME"],
        "user": db["USER"],
    }
    if db.get("PASSWORD"):
        info["password"] = db["PASSWORD"]
    return info | overrides


def _url(role: str) -> str:
    info = _conninfo()
    return f"postgres://{role}@{info['host']}:{info['port']}/{info['dbname']}"


@pytest.fixture
def roles(django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("roles are PostgreSQL's (CI runs this on PostgreSQL)")
    tag = secrets.token_hex(4)
    plain, bypass = f"cairn_t_plain_{tag}", f"cairn_t_bypass_{tag}"
    with psycopg.connect(**_conninfo(), autocommit=True) as admin:
        ensure_plain_role(admin.cursor(), plain, owner=_conninfo()["user"])
        admin.execute(f'CREATE ROLE "{bypass}" LOGIN NOSUPERUSER BYPASSRLS')
        try:
            yield Roles(plain=plain, bypass=bypass, superuser=_conninfo()["user"])
        finally:
            for role in (plain, bypass):
                admin.execute(f'DROP OWNED BY "{role}"')
                admin.execute(f'DROP ROLE "{role}"')


def _production(role: str, **extra) -> dict[str, str]:
    env = server_env(
        CAIRN_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=HOST,
        NUM_PROXIES="1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=_url(role),
        **extra,
    )
    if "CAIRN_ALLOW_RLS_BYPASS" not in extra:
        env.pop("CAIRN_ALLOW_RLS_BYPASS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; deploy check errors
    return env


def _check(role: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default", "--deploy"],
        cwd=ROOT,
        env=_production(role, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_check_passes_for_a_plain_role(roles):
    result = _check(roles.plain)
    assert result.returncode == 0, result.stderr
    assert "accounts.E001" not in result.stderr + result.stdout


@pytest.mark.parametrize("which", ["superuser", "bypass"])
def test_the_check_refuses_a_role_that_skips_row_level_security(roles, which):
    role = getattr(roles, which)
    result = _check(role)
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr and role in result.stderr
    assert ("a superuser" if which == "superuser" else "BYPASSRLS") in result.stderr


def test_the_override_lets_it_start_with_a_loud_warning(roles):
    result = _check(roles.superuser, CAIRN_ALLOW_RLS_BYPASS="1")
    assert result.returncode == 0, result.stderr
    assert "accounts.W001" in result.stderr and "CAIRN_ALLOW_RLS_BYPASS=1" in result.stderr


def test_outside_production_the_role_is_not_checked(roles):
    env = {**_production(roles.superuser), "CAIRN_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0 and "accounts.E001" not in result.stderr


def _gunicorn(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"{HOST}:{port}",
        "--workers", "1", "okr_project.wsgi:application",
    ]  # fmt: skip


def test_gunicorn_refuses_to_start_as_a_superuser_in_production(roles):
    port = free_port()
    result = subprocess.run(
        _gunicorn(port), cwd=ROOT, env=_production(roles.superuser, GUNICORN_ACCESS_LOG=""),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr + result.stdout


def test_gunicorn_serves_as_the_plain_role(roles):
    port = free_port()
    with running(_gunicorn(port), port=port, env=_production(roles.plain, GUNICORN_ACCESS_LOG="")):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        assert conn.getresponse().status == 200


@pytest.mark.parametrize(
    "process", [["worker", "--pool", "solo"], ["beat", "--schedule", "/dev/null"]], ids=str
)
def test_celery_worker_and_beat_refuse_to_start_as_a_superuser_in_production(roles, process):
    result = subprocess.run(
        [str(BIN / "celery"), "-A", "okr_project", *process, "-l", "warning"],
        cwd=ROOT,
        env=_production(roles.superuser, CELERY_TASK_DEFAULT_QUEUE=f"refuse-{roles.plain}"),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr + result.stdout


# --- the shipped files ----------------------------------------------------------------------

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_app_as_the_plain_role_and_migrations_as_the_owner():
    services = COMPOSE["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith(
            "postgres://${CAIRN_DB_APP:-cairn_app}:"
        ), name
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith(
        "postgres://${CAIRN_DB_OWNER:-cairn_owner}:"
    )
    mounts = services["postgres"]["volumes"]
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in mounts


def test_the_init_script_makes_roles_the_check_accepts(django_db_blocker):
    """Runs deploy/postgres/init-roles.sh as the image would (psql as the superuser) on a
    throwaway database, migrates it as the owner, then checks what the runtime role can do."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    tag = secrets.token_hex(4)
    db, owner, app = f"cairn_t_init_{tag}", f"cairn_t_owner_{tag}", f"cairn_t_app_{tag}"
    info = _conninfo()
    with psycopg.connect(**_conninfo(dbname="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db}"')
    env = {
        **os.environ,
        "PGHOST": str(info["host"]), "PGPORT": str(info["port"]),
        "POSTGRES_USER": info["user"], "POSTGRES_DB": db,
        "CAIRN_DB_OWNER": owner, "CAIRN_DB_OWNER_PASSWORD": secrets.token_hex(12),
        "CAIRN_DB_APP": app, "CAIRN_DB_APP_PASSWORD": secrets.token_hex(12),
    }  # fmt: skip
    try:
        script = ROOT / "deploy" / "postgres" / "init-roles.sh"
        for _run in range(2):  # idempotent: a second run changes nothing and does not fail
            done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        owner_url = f"postgres://{owner}@{info['host']}:{info['port']}/{db}"
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=server_env(DATABASE_URL=owner_url, CAIRN_ENV="development"),
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(**_conninfo(dbname=db, user=app), autocommit=True) as conn:
            flags = conn.execute(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            assert flags == (False, False)
            # Rows of every table the owner's migrations made, and their sequences: yes.
            missing = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT "
                "has_table_privilege(format('%I.%I', schemaname, tablename), "
                "'SELECT,INSERT,UPDATE,DELETE')"
            ).fetchall()
            assert missing == []
            unusable = conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND NOT "
                "has_sequence_privilege(format('%I.%I', schemaname, sequencename), 'USAGE')"
            ).fetchall()
            assert unusable == []
            assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 10
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("CREATE TABLE intruder (id int)")
    finally:
        with psycopg.connect(**_conninfo(dbname="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_the_grants_come_from_the_one_file():
    statements = runtime_grants(app="cairn_app", owner="cairn_owner")
    assert 'GRANT USAGE ON SCHEMA public TO "cairn_app"' in statements
    assert any('DEFAULT PRIVILEGES FOR ROLE "cairn_owner"' in s for s in statements)
    assert Path(ROOT / "deploy/postgres/init-roles.sh").read_text().count("runtime-grants.psql")
