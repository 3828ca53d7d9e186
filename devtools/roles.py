"""Plain PostgreSQL roles for `make bench`, `make load` and the tests, with the production grants.

A superuser (or a BYPASSRLS role) skips row-level security, so a benchmark or a test served
as one measures or proves a different system from the one we ship. `ensure_plain_role`
creates (or fixes) a LOGIN role that is NOSUPERUSER NOBYPASSRLS and gives it exactly the
grants of deploy/postgres/runtime-grants.psql, the file the docker-compose init script runs:
one copy of the grants for production, benchmarks and tests.
"""

from __future__ import annotations

import re
from pathlib import Path

GRANTS = Path(__file__).resolve().parent.parent / "deploy" / "postgres" / "runtime-grants.psql"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _identifier(role: str) -> str:
    if not _NAME.fullmatch(role):
        raise ValueError(f"{role!r} is not a plain lower-case role name.")
    return f'"{role}"'


def runtime_grants(*, app: str, owner: str) -> list[str]:
    """The statements of runtime-grants.psql with its psql variables filled in."""
    lines = [line for line in GRANTS.read_text().splitlines() if not line.lstrip().startswith("--")]
    text = "\n".join(lines).replace(':"app"', _identifier(app))
    text = text.replace(':"owner"', _identifier(owner))
    return [" ".join(statement.split()) for statement in text.split(";") if statement.strip()]


def ensure_plain_role(cursor, role: str, *, owner: str) -> None:
    """Create `role` if missing (LOGIN, no password: for trust/peer auth on 127.0.0.1), make it
    NOSUPERUSER NOBYPASSRLS, and grant what the runtime role gets in production. `cursor`
    belongs to a superuser connection to the database; `owner` is the role whose future
    tables the grants should cover (whoever runs the migrations there)."""
    name = _identifier(role)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        # Two processes may race here (parallel test databases share one cluster).
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {name} LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    cursor.execute(f"ALTER ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS")
    for statement in runtime_grants(app=role, owner=owner):
        cursor.execute(statement)
