"""Pages served under production settings carry the security headers, and the defaults are
safe: CSP without inline scripts, nosniff, referrer policy, frames denied, HSTS, secure
cookies, HTTP redirected to HTTPS. (`manage.py check --deploy` is in tests/test_settings.py.)

The requests run in a subprocess with CAIRN_ENV=production, like a deployed process; the
pages requested need no database.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Slow by design: production settings in subprocesses (`make test-fast` skips it).
pytestmark = pytest.mark.slow

SCRIPT = """
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "okr_project.settings"
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
# The manifest is built by `collectstatic` in the image; here the plain storage names the
# same files, so the test does not depend on a stale local staticfiles/ folder.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
client = Client(HTTP_HOST="cairn.example")
out = {"pages": {}}
for path in ["/accounts/login/", "/accounts/password-reset/"]:
    r = client.get(path, secure=True)
    out["pages"][path] = {
        "status": r.status_code,
        "headers": {k.lower(): v for k, v in r.headers.items()},
        "cookies": {k: bool(v["secure"]) for k, v in r.cookies.items()},
    }
plain = client.get("/accounts/login/")
out["http"] = [plain.status_code, plain.get("Location")]
out["settings"] = {
    name: getattr(settings, name)
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "DEBUG")
}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        CAIRN_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/cairn_settings_check",
        ALLOWED_HOSTS="cairn.example",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password-reset/"])
def test_production_pages_carry_the_security_headers(production, path):
    page = production["pages"][path]
    headers = page["headers"]
    assert page["status"] == 200
    policy = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in (p.strip() for p in headers["content-security-policy"].split(";"))
    )
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert "http:" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert page["cookies"] == {"csrftoken": True}  # set on the form pages, Secure


def test_production_cookies_https_and_debug(production):
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "DEBUG": False,
    }
    assert production["http"] == [301, "https://cairn.example/accounts/login/"]


def test_debug_is_off_unless_asked_for():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='okr_project.settings';"
        "django.setup();from django.conf import settings as s;print(s.DEBUG)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CAIRN_ENV"}}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr


def test_the_docker_image_defaults_to_production():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "CAIRN_ENV=production" in dockerfile.split("COPY")[0]  # an ENV, not a build arg
    assert "SECRET_KEY=" not in dockerfile.split("RUN CAIRN_ENV")[0]  # no baked-in secret
    assert "DEBUG=$${DEBUG:-1}" in (ROOT / "Makefile").read_text()  # `make run` turns DEBUG on
