"""PT Tracker settings: one module, configured through environment variables.

DJANGO_DEBUG defaults to off. In a development checkout `make install` writes a git-ignored
`.env` with DJANGO_DEBUG=true and a secret key of its own (devtools/dotenv_file.py), which
`read_dotenv` below adds to what the environment does not set. SQLite in a file is the default
database; DATABASE_URL (postgres://...) switches to PostgreSQL, which is what clinics deploy.
"""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from dotenv import dotenv_values

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def read_dotenv(path: Path) -> None:
    """Add the development settings of `path` (`.env`) to the environment, for the names it does
    not set: real environment variables win. Only when DEBUG ends up on (the environment's
    DJANGO_DEBUG, else the file's), or when DJANGO_READ_DOTENV asks; never under pytest, whose
    settings (pyproject.toml) must not depend on a developer's file."""
    if env_bool("DJANGO_TESTING") or not path.is_file():
        return
    values = {key: value for key, value in dotenv_values(path).items() if value is not None}
    debug = os.environ.get("DJANGO_DEBUG", values.get("DJANGO_DEBUG", ""))
    if debug.strip().lower() in TRUE_WORDS or env_bool("DJANGO_READ_DOTENV"):
        for key, value in values.items():
            os.environ.setdefault(key, value)


read_dotenv(Path(env_str("DJANGO_DOTENV_PATH", str(BASE_DIR / ".env"))))

DEBUG = env_bool("DJANGO_DEBUG", False)
# The test runner gets development defaults (plain static storage, the test key).
TESTING = env_bool("DJANGO_TESTING")  # set by the pytest configuration (pyproject.toml)
# The development key only works with DEBUG on; production must set DJANGO_SECRET_KEY.
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (
    "dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz" if DEBUG or TESTING else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (production), or run `make install`, which writes a development "
        ".env with DJANGO_DEBUG=true and a secret key (README, Settings)."
    )

# The public address: links in emails use it. `make run PORT=... HOST=...` sets it in development.
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000")
# In development the host of SITE_URL is allowed too (`make run HOST=192.168.1.20`).
DEVELOPMENT_HOSTS = f"127.0.0.1,localhost,[::1],{urlsplit(SITE_URL).hostname or ''}"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", DEVELOPMENT_HOSTS if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "phonenumber_field",
    "core",
    "accounts",
    "symptoms",
    "exercises",
    "outcomes",
    "redflags",
    "dashboard",
    "audit",
    "reminders",
    "care",
    "fhir_export",
    "ops",
    "devtools",
]

MIDDLEWARE = [
    # First, so it times everything: request id, the access log line, request metrics (ops).
    "ops.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are served compressed by whitenoise (brotli and gzip, made by collectstatic);
    # pages by GZipMiddleware, which pads each response against BREACH (docs/decisions.md).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's own language when the browser has not chosen one (accounts/language.py).
    "accounts.language.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Denied requests on record; session limits; two-step verification (docs/security.md).
    "audit.middleware.AuditDeniedMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # No logged-in page in the browser's HTTP cache (accounts/offline.py).
    "accounts.offline.NoStoreMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pt_tracker.urls"
WSGI_APPLICATION = "pt_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Staff pages say when background work is stale (ops/banner.py).
                "ops.context_processors.background_work",
                # A patient's open urgent and emergency alerts, for the banner (issue 11).
                "redflags.context_processors.patient_warnings",
            ],
        },
    },
]

# Database: SQLite file unless DATABASE_URL is set.
SQLITE_PATH = Path(env_str("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
DATABASES: dict[str, Mapping[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {
            # WAL lets the task worker and the web process read and write side by side.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
if env_str("DATABASE_URL"):
    # PostgreSQL: each process keeps its connection between requests (DJANGO_CONN_MAX_AGE
    # seconds) and checks it before reusing it, so a restarted server costs one failed request
    # per connection at most. DJANGO_DB_POOL=true uses a psycopg pool per process instead (for
    # threaded servers; docs/scaling.md, "Database connections", says which and why).
    DB_POOL = env_bool("DJANGO_DB_POOL", False)
    postgres: dict[str, Any] = dict(
        dj_database_url.parse(
            env_str("DATABASE_URL"),
            conn_max_age=0 if DB_POOL else env_int("DJANGO_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
    if DB_POOL:
        # With health checks on, Django has the pool check each connection it hands out.
        postgres["OPTIONS"] = {
            **postgres.get("OPTIONS", {}),
            "pool": {
                "min_size": env_int("DJANGO_DB_POOL_MIN_SIZE", 1),
                "max_size": env_int("DJANGO_DB_POOL_MAX_SIZE", 4),
                "timeout": env_int("DJANGO_DB_POOL_TIMEOUT", 10),
            },
        }
    DATABASES["default"] = postgres
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The audit log names patients by this model (audit sits below accounts; see docs/architecture.md).
AUDIT_PATIENT_MODEL = "accounts.Patient"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures: a cool-off, never a permanent lock.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours (15 minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Axes' log lines name the IP address and the path, never the email address tried (ops/logs.py).
AXES_CLIENT_STR_CALLABLE = "ops.logs.axes_client_str"

SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute limit: 12 hours
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE  # enforced from the login time, not the cookie
OTP_TOTP_ISSUER = "PT Tracker"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Named date formats per language ("26 November" / "26 de noviembre"): pt_tracker/formats/.
FORMAT_MODULE_PATH = ["pt_tracker.formats"]
# The language switch's choice lasts a year (accounts/language.py keeps a logged-in person's
# choice on their account too).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/London")

# Patients' phone numbers (django-phonenumber-field): stored as E.164; a number typed without a
# country code is read in the clinic's region (Clinic.phone_region), whose default this is.
PHONENUMBER_DEFAULT_REGION = env_str("DJANGO_PHONE_REGION", "GB")
PHONENUMBER_DB_FORMAT = "E164"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The Workbox modules the service worker loads, in load order (pt_tracker/pwa.py).
WORKBOX_MODULES = (
    "workbox-core",
    "workbox-routing",
    "workbox-strategies",
    "workbox-cacheable-response",
    "workbox-expiration",
)
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/build/ holds Bootstrap built from its sources by `make assets` (git-ignored).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Workbox for the service worker, each module's build from the npm lock file.
    *(
        ("vendor/workbox", BASE_DIR / "node_modules" / module / "build")
        for module in WORKBOX_MODULES
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Serve from the finders without scanning every static file up front (tests create many clients).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background work: Django's tasks API with the database backend and its `db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Email through Django 6.1's MAILERS; the console backend in development (see README).
EMAIL_BACKEND_PATH = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, Any]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
        "port": env_int("DJANGO_EMAIL_PORT", 25),
        "username": env_str("DJANGO_EMAIL_HOST_USER"),
        "password": env_str("DJANGO_EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
        "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str(
    "DJANGO_DEFAULT_FROM_EMAIL", "PT Tracker <no-reply@pt-tracker.invalid>"
)
# Every email goes through the outbox (core.outbox): this many attempts, 1, 2, 4 ... minutes
# apart and at most an hour (about two days), before a message is given up and shown to the
# clinic's admins.
MAIL_OUTBOX_MAX_ATTEMPTS = env_int("DJANGO_MAIL_OUTBOX_MAX_ATTEMPTS", 48)

# Web Push reminders (reminders.push): the VAPID key pair and the contact the push services
# may use (mailto: or https:). `manage.py generate_vapid_keys` prints a new pair as .env lines.
# Without keys, reminders go by email only.
WEBPUSH_VAPID_PUBLIC_KEY = env_str("WEBPUSH_VAPID_PUBLIC_KEY")
WEBPUSH_VAPID_PRIVATE_KEY = env_str("WEBPUSH_VAPID_PRIVATE_KEY")
WEBPUSH_VAPID_SUBJECT = env_str("WEBPUSH_VAPID_SUBJECT", "mailto:no-reply@pt-tracker.invalid")

INVITATION_VALID_DAYS = env_int("DJANGO_INVITATION_VALID_DAYS", 7)
ENTRY_EDIT_WINDOW_MINUTES = 30

# Content-Security-Policy with Django's built-in support: no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # The service worker at /sw.js and the web app manifest (pt_tracker/pwa.py).
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: JSON lines in production (one object per line, with the request id), plain text in
# development; no health data in any line (ops/logs.py, docs/operations.md "Logs").
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "text": {
            "()": "ops.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Never DEBUG, whatever DJANGO_LOG_LEVEL says: at DEBUG these quote a template's whole
        # context and every SQL statement's parameters, which hold names and notes.
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # One line per request (view name, status, time; never the path or query string).
        "ops.access": {
            "level": env_str("DJANGO_ACCESS_LOG_LEVEL", "WARNING" if TESTING else "INFO")
        },
    },
}

# FHIR export (fhir_export): the base of the canonical URLs of the project's CodeSystems and
# Questionnaires and of Bundle entries' fullUrl. They name things; they need not be reachable.
FHIR_CANONICAL_BASE = env_str("DJANGO_FHIR_CANONICAL_BASE", "https://pt-tracker.example.org/fhir")

# Operations (ops/, docs/operations.md): /readyz answers 503 when background work is stale.
# The oldest due email in the outbox has waited longer than this:
READY_OUTBOX_MAX_WAIT = timedelta(minutes=env_int("DJANGO_READY_OUTBOX_MAX_WAIT_MINUTES", 10))
# A clinic's local day is not swept this long after the (westernmost patient's) midnight:
READY_SWEEP_DEADLINE = timedelta(hours=env_int("DJANGO_READY_SWEEP_DEADLINE_HOURS", 2))
# The reminder scheduler (send_due_reminders) has not run for this long:
READY_SCHEDULER_MAX_AGE = timedelta(minutes=env_int("DJANGO_READY_SCHEDULER_MAX_AGE_MINUTES", 15))
# No task worker has run its heartbeat task (every minute) for this long:
READY_WORKER_MAX_AGE = timedelta(minutes=env_int("DJANGO_READY_WORKER_MAX_AGE_MINUTES", 2))
# /metrics: with a token, only requests that carry it ("Authorization: Bearer <token>");
# without one, only requests from this machine (loopback) that no proxy forwarded.
METRICS_TOKEN = env_str("DJANGO_METRICS_TOKEN")
# Shared by gunicorn's processes, the task worker and the cron commands, so /metrics adds up the
# counters of every process (prometheus-client's multiprocess mode); empty it when they start.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
