"""Dramaturg's settings: the one settings module, configured from the environment.

Environment variables (all optional):
DRAMATURG_DATA_DIR, DATABASE_URL, DRAMATURG_SECRET_KEY, DRAMATURG_DEBUG,
DRAMATURG_ALLOWED_HOSTS, DRAMATURG_HTTPS, DRAMATURG_BASE_URL, DRAMATURG_FROM_EMAIL,
EMAIL_URL-style SMTP settings (DRAMATURG_SMTP_HOST, _PORT, _USER, _PASSWORD, _TLS),
DRAMATURG_LOGIN_FAILURE_LIMIT, DRAMATURG_DB_CONN_MAX_AGE, DRAMATURG_DB_HEALTH_CHECKS,
DRAMATURG_CACHE_URL, DRAMATURG_CACHE_KEY_PREFIX.
"""

from datetime import timedelta
from pathlib import Path
from typing import Literal

import dj_database_url
from csp.constants import NONE, SELF

from dramaturg.config.env import (
    cache_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    persistent_secret,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DRAMATURG_DATA_DIR", str(Path.cwd() / "var"))).resolve()

SECRET_KEY = env_str("DRAMATURG_SECRET_KEY", "") or persistent_secret(DATA_DIR)
DEBUG = env_bool("DRAMATURG_DEBUG", False)
ALLOWED_HOSTS = env_list("DRAMATURG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
BASE_URL = env_str("DRAMATURG_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DRAMATURG_CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "dramaturg.core",
    "dramaturg.accounts",
    "dramaturg.schools",
    "dramaturg.sources",
    "dramaturg.cards",
    "dramaturg.repertoire",
    "dramaturg.surveys",
    "dramaturg.reports",
    "dramaturg.networks",
    # Above every app: the `demo` command and the demo data (no models).
    "dramaturg.demo",
    # Only a management command (`generate-network`); nothing imports it at run time.
    "dramaturg.generator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dramaturg.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dramaturg.config.urls"
WSGI_APPLICATION = "dramaturg.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "dramaturg.config.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite in the data directory unless DATABASE_URL is set ---
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'dramaturg.sqlite3'}",
        # Connections are kept between requests. The health check costs a `SELECT 1` round
        # trip per request (~0.3 ms of CPU, docs/benchmarks.md); without it the first request
        # on a connection the database dropped (a restart) fails once.
        conn_max_age=env_int("DRAMATURG_DB_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DRAMATURG_DB_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory per process unless DRAMATURG_CACHE_URL names a Redis server, which
# every application server and worker then shares (docs/deployment.md). What lives here can
# be rebuilt: chart SVGs. Sessions, login failures, messages, export files and the task queue
# live in the database or in cookies, so a server may answer any request of anyone. ---
CACHES = cache_settings(
    "DRAMATURG_CACHE_URL", env_str("DRAMATURG_CACHE_KEY_PREFIX", "dramaturg") or "dramaturg"
)

# --- Accounts ---
AUTH_USER_MODEL = "accounts.User"
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "schools:start"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
INVITATION_VALID_DAYS = 14

# Login rate limiting (django-axes): lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("DRAMATURG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form and authenticate() call the e-mail address `username`; axes would otherwise
# look for `email` (our USERNAME_FIELD), record failures without a name and never lock anyone.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Interface language: Dutch first ---
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "dramaturg_language"
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] | None = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files, served by WhiteNoise from the application server ---
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# --- Mail: console by default, SMTP when a host is configured ---
DEFAULT_FROM_EMAIL = env_str("DRAMATURG_FROM_EMAIL", "Dramaturg <noreply@dramaturg.invalid>")
EMAIL_HOST = env_str("DRAMATURG_SMTP_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("DRAMATURG_SMTP_PORT", 587)
    EMAIL_HOST_USER = env_str("DRAMATURG_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = env_str("DRAMATURG_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DRAMATURG_SMTP_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security headers and cookies ---
HTTPS = env_bool("DRAMATURG_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DRAMATURG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DRAMATURG_HSTS_SECONDS", 60 * 60 * 24 * 365)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background tasks: a queue in the database, run by `dramaturg db_worker` (make run starts
# it beside gunicorn; docs/background-tasks.md) ---
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Domain ---
ANONYMITY_THRESHOLD = 5

# --- Logging: to standard error, with every personal link's token and every code redacted
# (docs/logging.md). `configure_logging` also installs a log record factory that redacts the
# records of every logger, gunicorn's own handlers included; the filter on each handler here
# is the backstop for records made without it. ---
LOGGING_CONFIG = "dramaturg.core.log_redaction.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "dramaturg.core.log_redaction.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DRAMATURG_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's defaults give `django` a console handler (with DEBUG on) and mail_admins,
        # which would mail the request, path and all, and `django.server` its own handler:
        # replaced by the filtered ones above.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
