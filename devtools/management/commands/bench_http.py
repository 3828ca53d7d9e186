"""`manage.py bench_http` (`make bench`): page and API timings over real HTTP, bench vs acme.

1. makes sure the PostgreSQL database in DATABASE_URL exists (CREATE DATABASE if not),
   migrates it, seeds the demo companies and the `bench` company (BENCH_EMPLOYEES, default
   10,000 people; kept when it already has that many), runs collectstatic;
2. starts gunicorn (2 workers) on 127.0.0.1 and a free port with CAIRN_ENV=production, a
   random SECRET_KEY, DEBUG off, and the WSGI entry `devtools.bench_wsgi` (the production
   app plus an `X-Cairn-Queries` header);
3. logs in through the real login form (CSRF token and cookie) as an owner, an executive, a
   champion and an admin of `bench` and of `acme`;
4. requests each main page and API list (2 warm-up requests, then REPEAT timed ones) and posts
   check-ins (htmx form and API), and prints ONE table: bench p95, acme p95, ratio, queries.

Every request goes to 127.0.0.1 and says `X-Forwarded-Proto: https`, as the TLS-terminating
proxy in front of production does (SECURE_PROXY_SSL_HEADER), so the production settings stay
as they are: no SSL redirect, secure cookies (the client here sends them back itself).
Bounded: REPEAT requests per row, at most SERIES_SECONDS per row, BUDGET_SECONDS in all.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import Membership, Organization, OrgUnit
from devtools.benchdata import BENCH_SLUG, counts
from okrs.models import Cycle, KeyResult, Objective

HOST = "127.0.0.1"
QUERIES = "X-Cairn-Queries"
MARK_START, MARK_END = "<!-- bench_http:start -->", "<!-- bench_http:end -->"


@dataclass
class Reply:
    status: int
    body: bytes
    ms: float
    queries: int | None
    location: str = ""


class Browser:
    """One person's HTTP session: cookies kept by hand (they are Secure: the proxy speaks
    HTTPS to the browser), CSRF token from the cookie, a persistent connection."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Reply:
        sent = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            sent.update({"Origin": self.origin, "X-CSRFToken": self.cookies.get("csrftoken", "")})
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the worker closed the connection: one retry on a new one
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        ms = (time.perf_counter() - started) * 1000
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        queries = response.headers.get(QUERIES)
        return Reply(
            response.status,
            data,
            ms,
            int(queries) if queries else None,
            response.headers.get("Location", ""),
        )

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict, **headers) -> Reply:
        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)

    def post_json(self, path: str, data: dict) -> Reply:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        return self.request("POST", path, body=json.dumps(data).encode(), headers=headers)

    def log_in(self, email: str, password: str = "demo") -> None:
        login = reverse("accounts:login")
        page = self.get(login)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not token:
            raise CommandError(f"GET {login} answered {page.status} without a CSRF token")
        reply = self.post_form(
            login,
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": password,
                "next": "",
            },
            Referer=self.origin + login,
        )
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise CommandError(f"Logging in as {email} failed ({reply.status}).")


@dataclass
class Series:
    label: str
    slug: str
    timings: list[float] = field(default_factory=list)
    queries: int | None = None
    error: str = ""

    def pct(self, p: float) -> float | None:
        if not self.timings:
            return None
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Seed (or reuse) the bench company, serve it with gunicorn and time pages over HTTP."

    def add_arguments(self, parser):
        env = os.environ.get
        parser.add_argument("--employees", type=int, default=int(env("BENCH_EMPLOYEES", 10000)))
        parser.add_argument("--repeat", type=int, default=int(env("BENCH_REPEAT", 30)))
        parser.add_argument(
            "--series-seconds", type=float, default=float(env("BENCH_SERIES_SECONDS", 30))
        )
        parser.add_argument(
            "--budget-seconds", type=float, default=float(env("BENCH_BUDGET_SECONDS", 600))
        )
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--app-role",
            default=env("BENCH_APP_ROLE", "cairn_bench_app"),
            help="plain PostgreSQL role gunicorn connects as, so row-level security applies "
            "as in production (docs/operations.md); '' keeps DATABASE_URL's own user",
        )
        parser.add_argument("--write", default="", help="replace the table in this Markdown file")

    def handle(self, *args, **opts):
        if settings.IS_PRODUCTION:
            raise CommandError("Run bench_http with development settings; it starts production.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_http needs PostgreSQL: DATABASE_URL=postgres://…/cairn_bench "
                "(make bench sets it)."
            )
        self.opts = opts
        self._ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        # The demo's @mentions send mail: discard it rather than print it.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            call_command("seed_demo", employees=opts["employees"], stdout=self.stdout)
        self.seed_seconds = time.perf_counter() - started
        env = self._production_env()
        if opts["app_role"]:
            env["DATABASE_URL"] = self._plain_role_url(opts["app_role"])
        self.stdout.write("collectstatic (production storage)…")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        port = _free_port()
        server = self._start_gunicorn(env, port)
        try:
            results = self._run(port)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        table = self._table(results)
        report = "\n".join([self._machine(), "", table])
        self.stdout.write("\n" + report)
        if opts["write"]:
            _replace_between_marks(Path(opts["write"]), report)
            self.stdout.write(f"Written to {opts['write']}.")

    # ---- set-up ------------------------------------------------------------------------
    def _ensure_database(self) -> None:
        import psycopg
        from psycopg import sql

        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or HOST,
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if not exists:
                self.stdout.write(f"Creating database {db['NAME']}…")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))

    def _plain_role_url(self, role: str) -> str:
        """Serve as a plain role (NOSUPERUSER NOBYPASSRLS, the production grants of
        deploy/postgres/runtime-grants.psql), so the figures include the row-level security
        policy exactly as production pays it: a superuser, which `make bench` migrates and
        seeds as, would skip the wall (and production refuses to start as one)."""
        from urllib.parse import urlsplit, urlunsplit

        from devtools.roles import ensure_plain_role

        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError(f"--app-role: {role!r} is not a plain lower-case role name.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            ensure_plain_role(cursor, role, owner=cursor.fetchone()[0])
        parts = urlsplit(os.environ["DATABASE_URL"])
        netloc = f"{role}@{parts.hostname or HOST}:{parts.port or 5432}"
        self.served_as = role
        return urlunsplit(parts._replace(netloc=netloc))

    def _production_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CAIRN_ENV="production",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS=HOST,
            LOG_LEVEL="WARNING",
            EMAIL_URL="dummymail://",  # mentions in check-in notes are composed, not printed
            GUNICORN_ACCESS_LOG="",  # thousands of timed requests: no access log
        )
        env.pop("CELERY_BROKER_URL", None)  # check-in side effects run in-process (eager)
        return env

    def _start_gunicorn(self, env: dict[str, str], port: int) -> subprocess.Popen:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",  # the production limits; the options below override the rest
            "devtools.bench_wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(self.opts["workers"]),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        self.stdout.write(f"gunicorn ({self.opts['workers']} workers) on {HOST}:{port}…")
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited with {server.returncode}.")
            try:
                probe = http.client.HTTPConnection(HOST, port, timeout=2)
                probe.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if probe.getresponse().status == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.3)
        server.terminate()
        raise CommandError("gunicorn did not answer /healthz within 60 s.")

    # ---- the measurements --------------------------------------------------------------
    def _run(self, port: int) -> list[tuple[Series, Series]]:
        plans = {slug: self._plan(slug) for slug in (BENCH_SLUG, "acme")}
        browsers: dict[tuple[str, str], Browser] = {}
        for slug, plan in plans.items():
            for role, email in plan["logins"].items():
                browser = Browser(port)
                browser.log_in(email)
                browsers[slug, role] = browser
        labels = [label for label, *_ in plans[BENCH_SLUG]["targets"]]
        self.deadline = time.monotonic() + self.opts["budget_seconds"]
        results = []
        for i, label in enumerate(labels):
            pair = []
            for slug in (BENCH_SLUG, "acme"):
                _label, role, method, path, payload = plans[slug]["targets"][i]
                series = self._measure(
                    Series(label, slug), browsers[slug, role], method, path, payload
                )
                pair.append(series)
                self.stdout.write(
                    f"  {slug:6} {label:38} p50 {_ms(series.pct(0.5)):>8} "
                    f"p95 {_ms(series.pct(0.95)):>8}  n={len(series.timings)} "
                    f"q={series.queries} {series.error}"
                )
            results.append(tuple(pair))
        return results

    def _plan(self, slug: str) -> dict:
        org = Organization.objects.get(slug=slug)
        members = Membership.objects.filter(organization=org).select_related("user")

        def login(local: str) -> Membership:
            return members.get(user__email__startswith=f"{local}@")

        owner = login("owner")
        cycle = Cycle.objects.get(organization=org, status=Cycle.Status.ACTIVE)
        kr = (
            KeyResult.objects.filter(organization=org, owner=owner, objective__cycle=cycle)
            .order_by("id")
            .first()
        )
        objective = (
            Objective.objects.filter(organization=org, cycle=cycle, level="team", unit=owner.unit)
            .order_by("id")
            .first()
        )
        unit = OrgUnit.objects.get(pk=owner.unit_id)
        logins = {
            "owner": owner.user.email,
            "executive": login("ceo").user.email,
            "champion": login("champion").user.email,
            "admin": login("admin").user.email,
        }

        def url(name: str, **kwargs) -> str:
            return reverse(name, kwargs={"org_slug": slug, **kwargs})

        api = f"/api/v1/orgs/{slug}/"
        check_in = {"value": str(kr.target_value), "confidence": "7", "note": "bench"}
        targets = [
            ("My OKRs (owner)", "owner", "GET", url("okrs:my_okrs"), None),
            ("Company overview (executive)", "executive", "GET",
             url("okrs:cycle_overview_current"), None),
            ("Alignment tree (executive)", "executive", "GET", url("okrs:alignment_current"),
             None),
            ("Health (champion)", "champion", "GET", url("okrs:health"), None),
            ("Units (executive)", "executive", "GET", url("okrs:unit_list"), None),
            ("Unit page, owner's team (executive)", "executive", "GET",
             url("okrs:unit_detail", unit_id=unit.pk), None),
            ("Objective detail, team (owner)", "owner", "GET",
             url("okrs:objective_detail", objective_id=objective.pk), None),
            ("Key result detail (owner)", "owner", "GET",
             url("okrs:key_result_detail", key_result_id=kr.pk), None),
            ("Org chart (admin)", "admin", "GET", url("orgchart:chart"), None),
            ("Notifications (owner)", "owner", "GET", url("notifications:list"), None),
            ("API objectives, page 1 (executive)", "executive", "GET",
             f"{api}objectives/?cycle={cycle.pk}", None),
            ("API key results, page 1 (executive)", "executive", "GET", f"{api}key-results/",
             None),
            ("API alignment tree (executive)", "executive", "GET",
             f"{api}cycles/{cycle.pk}/alignment/", None),
            ("API members, page 1 (admin)", "admin", "GET", f"{api}members/", None),
            ("API units (admin)", "admin", "GET", f"{api}units/", None),
            ("API check-ins of a KR (owner)", "owner", "GET",
             f"{api}key-results/{kr.pk}/check-ins/", None),
            ("POST check-in, htmx (owner)", "owner", "HTMX",
             url("okrs:check_in", key_result_id=kr.pk), check_in),
            ("POST check-in, API (owner)", "owner", "JSON",
             f"{api}key-results/{kr.pk}/check-ins/", check_in),
        ]  # fmt: skip
        return {"logins": logins, "targets": targets}

    def _measure(self, series: Series, browser: Browser, method, path, payload) -> Series:
        def once() -> Reply:
            if method == "GET":
                return browser.get(path, Accept="text/html,application/json")
            if method == "HTMX":
                return browser.post_form(
                    path, payload, **{"HX-Request": "true", "HX-Target": "bench"}
                )
            return browser.post_json(path, payload)

        if time.monotonic() > self.deadline:
            series.error = "skipped: time budget spent"
            return series
        started = time.monotonic()
        for _ in range(2):  # warm-up (one only when a request takes seconds)
            reply = once()
            if reply.status not in (200, 201):
                series.error = f"HTTP {reply.status}"
                return series
            if reply.ms > 3000:
                break
        for _ in range(self.opts["repeat"]):
            reply = once()
            if reply.status not in (200, 201):
                series.error = f"HTTP {reply.status}"
                break
            series.timings.append(reply.ms)
            series.queries = reply.queries
            spent = time.monotonic() - started
            if spent > self.opts["series_seconds"] or time.monotonic() > self.deadline:
                break
        return series

    # ---- the report --------------------------------------------------------------------
    def _machine(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = cursor.fetchone()[0].split()[0]
        memory = ""
        try:
            kb = int(Path("/proc/meminfo").read_text().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GiB RAM"
        except (OSError, ValueError, IndexError):
            pass
        org = Organization.objects.get(slug=BENCH_SLUG)
        sizes = ", ".join(f"{v:,} {k}" for k, v in counts(org).items())
        return (
            f"Machine: {os.cpu_count()} CPUs (nproc), {memory}, PostgreSQL {pg}, Python "
            f"{platform.python_version()}; gunicorn {self.opts['workers']} sync workers, "
            f"CAIRN_ENV=production, one client on 127.0.0.1; served as "
            f"{self._served_as()}.\n"
            f"`bench`: {sizes}; `acme`: "
            f"{Membership.objects.filter(organization__slug='acme').count()} people. "
            f"`seed_demo` step: {self.seed_seconds:.0f} s (about 1 s when `bench` is reused). "
            f"Up to {self.opts['repeat']} timed requests per row after 1–2 warm-ups."
        )

    def _served_as(self) -> str:
        role = getattr(self, "served_as", "")
        if role:
            return f"the plain role `{role}` (row-level security applies, as in production)"
        return "DATABASE_URL's own user (row-level security skipped if it is a superuser)"

    @staticmethod
    def _table(results) -> str:
        lines = [
            "| row (ms) | bench p50 | bench p95 | acme p95 | ratio p95 | queries bench / acme |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for bench, acme in results:
            b95, a95 = bench.pct(0.95), acme.pct(0.95)
            ratio = f"{b95 / a95:.1f}×" if b95 and a95 else "–"
            note = "; ".join(f"{s.slug}: {s.error}" for s in (bench, acme) if s.error)
            n = min(len(bench.timings), len(acme.timings))
            label = bench.label + (f" (n={n})" if n < 30 else "") + (f" [{note}]" if note else "")
            lines.append(
                f"| {label} | {_ms(bench.pct(0.5))} | {_ms(b95)} | {_ms(a95)} | {ratio} | "
                f"{_q(bench.queries)} / {_q(acme.queries)} |"
            )
        return "\n".join(lines)


def _ms(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "–"


def _q(value: int | None) -> str:
    return str(value) if value is not None else "–"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _replace_between_marks(path: Path, report: str) -> None:
    text = path.read_text(encoding="utf-8")
    if MARK_START not in text or MARK_END not in text:
        raise CommandError(f"{path} has no {MARK_START} … {MARK_END} section.")
    head, rest = text.split(MARK_START, 1)
    _old, tail = rest.split(MARK_END, 1)
    path.write_text(f"{head}{MARK_START}\n{report}\n{MARK_END}{tail}", encoding="utf-8")
