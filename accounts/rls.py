"""The second wall: PostgreSQL row-level security keyed on the current organization.

Every tenant table (every concrete `TenantModel`) carries the policy `tenant_isolation`:

    no tenant set  →  every row            (system work: migrations, the hourly dispatcher…)
    tenant set     →  rows of that organization only, for reads *and* writes

The tenant is the session setting `cairn.organization_id`, set by `tenant_context()`: the web
tenancy layer (`accounts.tenancy`), the API base class, per-organization Celery tasks and
management commands wrap their work in it. Filters by organization stay the first wall; this
one catches a query that forgot its filter inside a tenant context (it answers "nothing of
another tenant" instead of leaking). It is not a defence against someone who can run
arbitrary SQL (they can set the setting), and superusers / BYPASSRLS roles skip it.

SQLite has no row-level security: there `tenant_context()` does nothing.
See docs/decisions/0006-row-level-security.md.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, migrations

SETTING = "cairn.organization_id"
POLICY = "tenant_isolation"

# '' is what a custom setting reads after being reset in this session; NULL before any set.
_TENANT = f"NULLIF(current_setting('{SETTING}', true), '')"
# Scalar subqueries: evaluated once per query (an InitPlan), not once per row. Migrations build
# the policy from this text when they run: changing it needs a new migration re-running
# `protect(...)` on every tenant table (it drops and recreates the policy).
CONDITION = f"(SELECT {_TENANT}) IS NULL OR organization_id = (SELECT {_TENANT}::bigint)"


def _postgres(using: str):
    connection = connections[using]
    return connection if connection.vendor == "postgresql" else None


def current_tenant(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The organization id the wall is up for on this connection, or None (wall down)."""
    connection = _postgres(using)
    if connection is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_TENANT}")
        value = cursor.fetchone()[0]
    return int(value) if value else None


@contextmanager
def tenant_context(organization_id: int | None, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Raise the wall for one organization (None: lower it, for deliberate cross-tenant reads),
    then restore whatever was set before — connections are reused, nothing may leak."""
    connection = _postgres(using)
    if connection is None:
        yield
        return
    value = "" if organization_id is None else str(int(organization_id))
    # One round trip: read the previous value (materialized first), then set the new one.
    previous = _state(
        connection,
        f"WITH previous AS MATERIALIZED (SELECT current_setting('{SETTING}', true) AS v) "
        f"SELECT v, set_config('{SETTING}', %s, false) FROM previous",
        value,
    )
    try:
        yield
    finally:
        _restore(connection, previous or "")


def _state(connection, sql: str, value: str) -> str | None:
    """Session state, like Django's own SET TIME ZONE / SET ROLE when it connects: run on the
    driver's connection, so it is neither logged nor counted as one of the page's queries
    (its cost is measured in docs/benchmarks.md, "Row-level security")."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return cursor.fetchone()[0]


def _restore(connection, previous: str) -> None:
    if connection.connection is None:
        return  # closed meanwhile: the next session starts with no tenant
    if connection.in_atomic_block and connection.needs_rollback:
        return  # the enclosing transaction will roll back, and our set_config with it
    _state(connection, f"SELECT set_config('{SETTING}', %s, false)", previous)


def tenant_scoped(func: Callable) -> Callable:
    """Run `func` inside `tenant_context(organization_id)`, taken from its argument of that
    name — for Celery tasks and other per-organization work that receives an id."""
    signature = inspect.signature(func)
    if "organization_id" not in signature.parameters:
        raise TypeError(f"{func.__qualname__} has no organization_id parameter")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        organization_id = signature.bind(*args, **kwargs).arguments["organization_id"]
        with tenant_context(organization_id):
            return func(*args, **kwargs)

    wrapper.tenant_scoped = True
    return wrapper


# --- migrations -----------------------------------------------------------------------------


def enable_sql(table: str) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',  # the table owner too
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({CONDITION}) WITH CHECK ({CONDITION})',
    ]


def disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


def protect(*tables: str) -> migrations.RunPython:
    """A migration operation putting the policy on these tables (PostgreSQL only).

    A new tenant table needs one in its app's migration, after its CreateModel:
    `operations = [..., accounts.rls.protect("app_model")]` — tests/security/
    test_row_level_security.py fails until every TenantModel table has the policy.
    """

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for table in tables:
                for sql in statements(table):
                    schema_editor.execute(sql)

        return apply

    operation = migrations.RunPython(run(enable_sql), run(disable_sql), elidable=False)
    operation.rls_tables = tables  # read by tests/security/test_row_level_security.py
    return operation
