"""The second wall: PostgreSQL row-level security (accounts/rls.py, ADR 0006).

The test database belongs to the superuser `postgres`, and superusers skip row-level
security, so these tests look through a plain role, `cairn_rls_probe` (created here if
missing, no password: CI and development use trust authentication on 127.0.0.1):
- a second connection *logged in* as that role, on committed rows;
- Django's own connection under `SET LOCAL ROLE`, through real requests.
SQLite has no row-level security; there only the migration-coverage check runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from psycopg import errors

from accounts.models import Organization, TenantModel
from accounts.rls import POLICY, SETTING, current_tenant, tenant_context, tenant_scoped
from devtools.roles import ensure_plain_role
from notifications import tasks
from okrs.models import Objective
from tests import factories

PROBE = "cairn_rls_probe"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row-level security (CI runs these on PostgreSQL)",
)
pytestmark = pytest.mark.xdist_group("row-level-security")  # one CREATE ROLE at a time


def tenant_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel)}


def test_every_tenant_table_is_protected_by_a_migration():
    """A new TenantModel needs `accounts.rls.protect("<table>")` in its migration."""
    protected: set[str] = set()
    for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values():
        for operation in migration.operations:
            protected |= set(getattr(operation, "rls_tables", ()))
    missing = tenant_tables() - protected
    assert not missing, f"add accounts.rls.protect(...) to a migration for: {sorted(missing)}"


@postgres_only
@pytest.mark.django_db
def test_every_tenant_table_has_the_policy_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_policies p ON p.schemaname = n.nspname AND p.tablename = c.relname
            WHERE c.relrowsecurity AND c.relforcerowsecurity
              AND p.policyname = %s AND p.cmd = 'ALL' AND p.permissive = 'PERMISSIVE'
              AND p.qual LIKE %s AND p.with_check LIKE %s
            """,
            [POLICY, f"%{SETTING}%", f"%{SETTING}%"],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert tenant_tables() - protected == set()


# --- a plain role ---------------------------------------------------------------------------


def _conninfo(**overrides) -> dict:
    settings = connection.settings_dict
    info = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "dbname": settings["NAME"],
        "user": settings["USER"],
    }
    if settings.get("PASSWORD"):
        info["password"] = settings["PASSWORD"]
    return info | overrides


@pytest.fixture(scope="session")
def probe_role(django_db_setup, django_db_blocker) -> str:
    """The plain role, idempotently (several test databases may share one cluster)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no roles")
    with django_db_blocker.unblock(), psycopg.connect(**_conninfo(), autocommit=True) as admin:
        # The production grants (deploy/postgres/runtime-grants.psql), as `make bench` uses.
        ensure_plain_role(admin.cursor(), PROBE, owner=_conninfo()["user"])
    return PROBE


@dataclass
class Tenants:
    a: Organization
    b: Organization
    a_objective: Objective
    b_objective: Objective


@pytest.fixture
def tenants(db) -> Tenants:
    a = factories.OrganizationFactory(name="Alpha", slug="alpha")
    b = factories.OrganizationFactory(name="Bravo", slug="bravo")
    return Tenants(
        a=a,
        b=b,
        a_objective=factories.ObjectiveFactory(organization=a, title="ALPHA objective"),
        b_objective=factories.ObjectiveFactory(organization=b, title="BRAVO objective"),
    )


def _titles(conn, where: str = "", params=()) -> list[str]:
    rows = conn.execute(f"SELECT title FROM okrs_objective {where} ORDER BY title", params)
    return [row[0] for row in rows.fetchall()]


def _set_tenant(conn, organization_id) -> None:
    conn.execute("SELECT set_config(%s, %s, false)", [SETTING, str(organization_id)])


@postgres_only
@pytest.mark.django_db(transaction=True)  # committed: the probe's connection must see them
class TestAPlainRole:
    @pytest.fixture
    def probe(self, probe_role, tenants):
        with psycopg.connect(**_conninfo(user=probe_role), autocommit=True) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == PROBE
            yield conn

    def test_with_a_tenant_a_query_without_filter_returns_only_that_tenant(self, probe, tenants):
        _set_tenant(probe, tenants.a.pk)
        assert _titles(probe) == ["ALPHA objective"]
        assert probe.execute("SELECT count(*) FROM accounts_membership").fetchone()[0] == 1

    def test_raw_sql_by_primary_key_cannot_reach_another_tenant(self, probe, tenants):
        _set_tenant(probe, tenants.a.pk)
        b_id = tenants.b_objective.pk
        assert _titles(probe, "WHERE id = %s", [b_id]) == []
        assert (
            probe.execute("UPDATE okrs_objective SET title = 'x' WHERE id = %s", [b_id]).rowcount
            == 0
        )
        assert probe.execute("DELETE FROM okrs_objective WHERE id = %s", [b_id]).rowcount == 0
        _set_tenant(probe, "")
        assert _titles(probe, "WHERE id = %s", [b_id]) == ["BRAVO objective"]  # untouched

    def test_writing_a_row_for_another_tenant_is_refused(self, probe, tenants):
        _set_tenant(probe, tenants.a.pk)
        insert = (
            "INSERT INTO accounts_orgunit (organization_id, name, kind, created_at) "
            "VALUES (%s, %s, 'team', now())"
        )
        probe.execute(insert, [tenants.a.pk, "Alpha team"])  # its own tenant: fine
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            probe.execute(insert, [tenants.b.pk, "Planted team"])
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            probe.execute(
                "UPDATE okrs_objective SET organization_id = %s WHERE id = %s",
                [tenants.b.pk, tenants.a_objective.pk],
            )

    def test_without_a_tenant_system_work_sees_everything(self, probe, tenants):
        assert _titles(probe) == ["ALPHA objective", "BRAVO objective"]
        _set_tenant(probe, tenants.b.pk)
        _set_tenant(probe, "")  # reset: what tenant_context restores to
        assert _titles(probe) == ["ALPHA objective", "BRAVO objective"]


# --- real requests, Django's own connection under the plain role ----------------------------


def _as_probe() -> None:
    """Until the test's transaction ends, Django's connection is the plain role."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {PROBE}")


def _count_objectives() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM okrs_objective")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.urls("tests.security.rls_urls")
@pytest.mark.parametrize("prefix", ["o", "api/o"], ids=["web", "api"])
def test_a_request_for_a_cannot_read_b_even_through_raw_sql(client, probe_role, tenants, prefix):
    client.force_login(tenants.a_objective.owner.user)
    _as_probe()
    assert _count_objectives() == 2  # no tenant yet

    response = client.get(f"/{prefix}/{tenants.a.slug}/rls/{tenants.b_objective.pk}/")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "tenant": tenants.a.pk,
        "raw_count": 1,
        "orm_titles": ["ALPHA objective"],
        "foreign_by_pk": [],
    }
    # The connection is reused: the wall came down with the response, nothing leaks.
    assert current_tenant() is None
    assert _count_objectives() == 2


@postgres_only
def test_a_real_page_works_behind_the_wall_and_still_lists_all_my_organizations(
    client, probe_role, tenants
):
    """The organization switcher is a deliberate cross-tenant read (my own seats)."""
    me = tenants.a_objective.owner
    factories.MembershipFactory(organization=tenants.b, user=me.user)
    client.force_login(me.user)
    _as_probe()

    response = client.get(reverse("notifications:list", kwargs={"org_slug": tenants.a.slug}))

    assert response.status_code == 200
    switcher = response.content.decode().split('id="org-switch"', 1)[1].split("</select>")[0]
    assert ">Alpha<" in switcher and ">Bravo<" in switcher
    assert current_tenant() is None


# --- tenant_context itself ------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_tenant_context_nests_and_restores_even_on_error():
    assert current_tenant() is None
    with tenant_context(7):
        assert current_tenant() == 7
        with tenant_context(None):
            assert current_tenant() is None
        with pytest.raises(ZeroDivisionError), tenant_context(8):
            assert current_tenant() == 8
            1 / 0  # noqa: B018
        assert current_tenant() == 7
    assert current_tenant() is None


@postgres_only
@pytest.mark.django_db
def test_per_organization_tasks_run_behind_their_organizations_wall():
    @tenant_scoped
    def job(kind, *, organization_id):
        return kind, current_tenant()

    assert job("digest", organization_id=42) == ("digest", 42)
    assert current_tenant() is None
    for task in (tasks.dispatch_organization, tasks.send_batch, tasks.notify_conversation):
        run = getattr(task.run, "__func__", task.run)
        assert getattr(run, "tenant_scoped", False), task.name
