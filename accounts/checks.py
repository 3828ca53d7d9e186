"""System checks that keep the deployment as safe as the one we test.

`runtime_role` (a database check: `manage.py check --database default`, and every process
start in production, see `enforce_at_startup`): in production the database role the app
connects as must not skip row-level security — neither a superuser nor BYPASSRLS. The
official postgres image's POSTGRES_USER is a superuser, so connecting as it turned the second
wall off (docs/security.md). CAIRN_ALLOW_RLS_BYPASS=1 overrides it, for an emergency, with a
warning on every start.

`proxy_count` (a deploy check, `manage.py check --deploy`): production trusts
`X-Forwarded-Proto` (SECURE_PROXY_SSL_HEADER), so it runs behind a proxy; with NUM_PROXIES=0
every client then has the proxy's address, and the per-client lockout and password-reset
limits are shared by everyone (docs/operations.md, "Production checklist").
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

OVERRIDE = "CAIRN_ALLOW_RLS_BYPASS"
ROLE_QUERY = (
    "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
)


def _overridden() -> bool:
    return os.environ.get(OVERRIDE, "").strip().lower() in ("1", "true", "yes")


def runtime_role(app_configs=None, databases=None, **kwargs) -> list:
    if not settings.IS_PRODUCTION or not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []  # production refuses SQLite at start-up already (settings._check_production)
    try:
        with connection.cursor() as cursor:
            cursor.execute(ROLE_QUERY)
            role, superuser, bypass = cursor.fetchone()
    except DatabaseError as exc:
        return [
            Error(
                f"Could not check the database role: {exc}",
                hint="Is DATABASE_URL right and PostgreSQL up?",
                id="accounts.E002",
            )
        ]
    if not (superuser or bypass):
        return []
    what = "a superuser" if superuser else "a role with BYPASSRLS"
    message = (
        f"The app connects to PostgreSQL as {role!r}, {what}: row-level security does not "
        "apply to it, so the second tenant wall is off."
    )
    hint = (
        "Connect web, worker and beat as a plain role (NOSUPERUSER NOBYPASSRLS), e.g. the "
        "cairn_app role of deploy/postgres/init-roles.sh; see docs/operations.md, "
        "'Database roles'."
    )
    if _overridden():
        return [
            Warning(
                f"{message} Allowed only because {OVERRIDE}=1 is set: remove it as soon as "
                "the role is fixed.",
                hint=hint,
                id="accounts.W001",
            )
        ]
    return [Error(message, hint=f"{hint} ({OVERRIDE}=1 overrides this.)", id="accounts.E001")]


def proxy_count(app_configs=None, **kwargs) -> list:
    if not settings.IS_PRODUCTION or not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    if settings.NUM_PROXIES > 0:
        return []
    return [
        Warning(
            "NUM_PROXIES is 0 while production trusts X-Forwarded-Proto from a proxy: every "
            "client then has the proxy's address, so one client's failed logins lock an email "
            "out for everyone and the password-reset limit is shared by all.",
            hint="Set NUM_PROXIES to the number of proxies of yours that append to "
            "X-Forwarded-For (1 for one load balancer); docs/operations.md.",
            id="accounts.W002",
        )
    ]


def register_checks() -> None:
    register(runtime_role, Tags.database, Tags.security)
    register(proxy_count, Tags.security, deploy=True)


def enforce_at_startup() -> None:
    """For a process start (gunicorn's `on_starting`, Celery worker and beat init): run the
    database checks and raise SystemCheckError on an error, so production does not start as
    a role that skips row-level security. Warnings are printed. Connections are closed after,
    so nothing opened here is inherited by forked workers."""
    from django.core.management import call_command

    if not settings.IS_PRODUCTION:
        return
    try:
        call_command("check", databases=[DEFAULT_DB_ALIAS], tags=[Tags.database])
    finally:
        connections.close_all()
