"""gunicorn settings for Cairn's web process (the Dockerfile, docker-compose and `make bench`
start gunicorn with `-c gunicorn.conf.py`; command-line options override these).

Start-up: `on_starting` runs the database system checks before any worker starts, so in
production gunicorn exits instead of serving as a database role that skips row-level security
(accounts/checks.py).

Request size limits: gunicorn answers a request line or header over its limit itself, with a
plain-text 400 that is not RFC 9457 problem details, before Django sees the request. Its
default request line (4,094 bytes) turned long but legitimate API filter URLs into that; the
limits below are gunicorn's maximum (8,190 bytes), so everything up to 8 KB reaches the app
and answers like any other request. Longer request lines still get gunicorn's own 400: the
proxy in front should refuse them first (docs/operations.md, "Production checklist").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off

limit_request_line = 8190  # gunicorn's maximum (default 4094)
limit_request_field_size = 8190  # one header (the default)
limit_request_fields = 100  # headers per request (the default)


def on_starting(server):
    """Before any worker starts: in production, refuse to serve as a database role that skips
    row-level security (accounts/checks.py; CAIRN_ALLOW_RLS_BYPASS=1 overrides, loudly)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okr_project.settings")
    from django.conf import settings

    if not settings.IS_PRODUCTION:
        return
    import django

    django.setup()
    from accounts.checks import enforce_at_startup

    enforce_at_startup()
