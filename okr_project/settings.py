"""One environment-driven settings module.

With nothing set, Cairn runs embedded: SQLite in the project folder, Celery eager,
console email. Setting DATABASE_URL / CELERY_BROKER_URL / EMAIL_URL switches to real
services. CAIRN_ENV=production turns on the production guards (see `_check_production`).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

CAIRN_ENV = env.str("CAIRN_ENV", default="development")  # development | test | production
IS_PRODUCTION = CAIRN_ENV == "production"
INSECURE_SECRET = "dev-insecure-secret-key-change-me-0123456789abcdefghijklmnop"

SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET)
# Off unless asked for: `make run` exports DEBUG=1; the Docker image sets CAIRN_ENV=production.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, no CDN
    "axes",  # login lockout (web, admin, API token endpoint)
    "csp",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "accounts",
    "okrs",
    "notifications",
]
# Demo data and the benchmark tooling are not part of the product: never in production.
if not IS_PRODUCTION:
    INSTALLED_APPS += ["demo", "devtools"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the URL or touches the database: NUL/control characters → 400.
    "okr_project.middleware.RejectControlCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.RequestContextMiddleware",  # client IP/agent for security events
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into our lockout page
]

ROOT_URLCONF = "okr_project.urls"
WSGI_APPLICATION = "okr_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.tenancy",
                "okrs.context_processors.permissions",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production only: gunicorn's fixed workers each keep one (a new
# PostgreSQL connection costs more than most of our pages' queries). Elsewhere 0: runserver
# serves every request in a new thread, and a persistent connection per thread outlived it
# (one dev server held 83 of PostgreSQL's 100). A health check before reuse drops a
# connection the server has closed.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Short OLTP queries: PostgreSQL's JIT costs more to compile them than they take to run
    # (docs/benchmarks.md). Off unless the URL's options say otherwise.
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _db_options.get("options", ""):
        _db_options["options"] = (_db_options.get("options", "") + " -c jit=off").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # django-axes: refuses while locked out; first
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout (django-axes, see docs/security.md): 5 failed logins for one email from one client
# lock that pair out for 15 minutes, on the login page, the admin and POST /api/v1/auth/token/.
# Unknown emails count exactly like known ones, so the answer never tells which exist.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field; the API passes `email`
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# Password reset requests: at most this many per client IP and per email address an hour;
# beyond that the form answers "too many requests" for known and unknown emails alike.
PASSWORD_RESET_RATE = env.int("PASSWORD_RESET_RATE", default=5)
# Reverse proxies in front of the app. 0: X-Forwarded-For is ignored and REMOTE_ADDR is the
# client (a client can forge the header). N: the N-th address from the right is the client.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Personal API tokens expire after this many days (0 = never); a user may hold this many live
# tokens, and minting one more revokes the oldest.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
API_TOKEN_MAX_ACTIVE = env.int("API_TOKEN_MAX_ACTIVE", default=20)
# Security events (docs/security.md) are kept this many days, then purged daily.
SECURITY_EVENT_RETENTION_DAYS = env.int("SECURITY_EVENT_RETENTION_DAYS", default=400)
# An organization an admin deletes keeps working this many days (they can cancel), then the
# daily purge removes every row of it (docs/operations.md).
ORGANIZATION_DELETION_GRACE_DAYS = env.int("ORGANIZATION_DELETION_GRACE_DAYS", default=14)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: console in development, locmem in tests (pytest-django), SMTP via EMAIL_URL.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cairn <cairn@localhost>")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_IGNORE_RESULT = True
# A separate queue name lets a test (or a second deployment) share one Redis safely.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://cairn"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated calls a 401.
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["okr_project.parsers.SafeJSONParser"],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "accounts.api.schema.ProblemAwareAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.TokenOrUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_USER", default="1200/minute"),
        "token_obtain": env.str("API_RATE_TOKEN_OBTAIN", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "okr_project.problem_details.exception_handler",
    "DEFAULT_METADATA_CLASS": "okr_project.api_metadata.BodyMetadata",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cairn API",
    "DESCRIPTION": (
        "Objectives and key results, per organization. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`). Errors are RFC 9457 problem details. "
        "See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "LevelEnum": "okrs.models.Level",
        "ObjectiveStatusEnum": "okrs.models.Status",
        "RiskScaleEnum": "okrs.models.Risk.Scale",
        "OrgUnitKindEnum": "accounts.models.OrgUnit.Kind",
        "SecurityEventKindEnum": "accounts.models.SecurityEvent.Kind",
        "NotificationKindEnum": "notifications.models.Kind",
        "WeekdayEnum": "accounts.models.Organization.Weekday",
    },
    # Swagger UI's JS/CSS are our own static files (drf-spectacular-sidecar): no CDN, and
    # the CSP below allows scripts from 'self' only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lockouts are warnings; each attempt is not news
    },
}

SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp 4): every script is a file of ours ('self'), no inline
# script, no eval (htmx runs with allowEval false, see base.html). Styles allow 'unsafe-inline'
# only for style *attributes* (progress bar widths, Swagger UI); see docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Outside production, WhiteNoise finds static files in the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True


def _check_production() -> None:
    """Refuse to boot production with development conveniences left on."""
    if not IS_PRODUCTION:
        return
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when CAIRN_ENV=production.")
    if SECRET_KEY == INSECURE_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set a unique SECRET_KEY of 50+ characters in production.")
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")


_check_production()
