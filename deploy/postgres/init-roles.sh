#!/usr/bin/env bash
# Cairn's two database roles, for the official postgres image: mounted into
# /docker-entrypoint-initdb.d, it runs once, as POSTGRES_USER (a superuser), when the data
# volume is first initialised. For an existing volume run it by hand (it is idempotent):
#   docker compose exec postgres bash /docker-entrypoint-initdb.d/init-roles.sh
#
#   CAIRN_DB_OWNER (password CAIRN_DB_OWNER_PASSWORD): owns the database and its tables and
#     runs the migrations (the `migrate` service). NOSUPERUSER NOBYPASSRLS: the tables force
#     row-level security, so even the owner is subject to it while a tenant is set.
#   CAIRN_DB_APP (password CAIRN_DB_APP_PASSWORD): what web, worker and beat connect as;
#     rows only (deploy/postgres/runtime-grants.psql), NOSUPERUSER NOBYPASSRLS. The app
#     refuses to start in production as a role that could bypass row-level security
#     (accounts/checks.py).
set -euo pipefail

: "${POSTGRES_DB:?}" "${POSTGRES_USER:?}"
: "${CAIRN_DB_OWNER:=cairn_owner}" "${CAIRN_DB_APP:=cairn_app}"
: "${CAIRN_DB_OWNER_PASSWORD:?set CAIRN_DB_OWNER_PASSWORD}" "${CAIRN_DB_APP_PASSWORD:?set CAIRN_DB_APP_PASSWORD}"
here=/docker-entrypoint-initdb.d
[ -f "$here/runtime-grants.psql" ] || here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

run_psql() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner="$CAIRN_DB_OWNER" -v owner_password="$CAIRN_DB_OWNER_PASSWORD" \
    -v app="$CAIRN_DB_APP" -v app_password="$CAIRN_DB_APP_PASSWORD" -v db="$POSTGRES_DB" "$@"
}

run_psql <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
-- PostgreSQL 15: the database owner owns schema public (pg_database_owner) and may create
-- in it; nobody else may.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
SQL

run_psql -f "$here/runtime-grants.psql"
echo "init-roles: $CAIRN_DB_OWNER owns $POSTGRES_DB; $CAIRN_DB_APP may read and write rows."
