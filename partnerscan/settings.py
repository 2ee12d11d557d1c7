"""Partnerscan settings: one file, driven by environment variables.

Every variable has a safe local default so that `make run` works on a fresh machine;
docs/deployment.md lists each one for production.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name, default=False):
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def _env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# "production" switches on every hardening setting below.
ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = _env_bool("DEBUG", default=not PRODUCTION)

_INSECURE_KEY = "django-insecure-local-development-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _INSECURE_KEY)
# Same bar as `check --deploy` (security.W009): long, varied, not a placeholder.
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters "
        "when DJANGO_ENV=production."
    )

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin with a site that also asks for the second login step
    # (assessments/two_factor/admin_site.py).
    "assessments.two_factor.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Two-step login: authenticator-app codes (TOTP); the recovery codes are our own,
    # stored hashed (assessments/two_factor/models.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "assessments",
]

MIDDLEWARE = [
    # First, so that its process_view refuses an oversized body before anything
    # (CSRF, a view) reads it: assessments/web/request_limits.py.
    "assessments.web.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required
    # (landing page, invitation and questionnaire views, login itself). Django's
    # own, asking the view before the session (assessments/web/login_required.py).
    "assessments.web.login_required.LoginRequiredMiddleware",
    # Which device verified this session (request.user.is_verified()), then: a user
    # who must give a code, or enrol first, can open nothing else until they have.
    "django_otp.middleware.OTPMiddleware",
    "assessments.two_factor.middleware.TwoFactorMiddleware",
    # Tells django-auditlog who made a recorded change (assessments/audit/).
    "assessments.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Database briefly down, PDF render over budget: a friendly 503, not a 500.
    "assessments.web.middleware.ServiceUnavailableMiddleware",
]

# A friendly, translated page when a form's CSRF token is missing or stale.
CSRF_FAILURE_VIEW = "assessments.views.errors.csrf_failure"

# A strict Content-Security-Policy on every page: no inline scripts or styles, nothing
# from other origins. SVG charts use presentation attributes, not style="".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "partnerscan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "partnerscan.wsgi.application"

# Database: SQLite file by default, PostgreSQL when DATABASE_URL is set.
_SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN, so two concurrent saves queue on busy_timeout instead of failing with
    # "database is locked" when a read lock is upgraded mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
    ),
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"),
            "OPTIONS": _SQLITE_OPTIONS,
            # A file, not :memory:, so that tests exercise WAL and real concurrency.
            # One file per test process, so parallel runs never share a database.
            "TEST": {"NAME": BASE_DIR / f"test_db_{os.getpid()}.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: Dutch first, English complete.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the worker prepares (reports, large exports) are stored through Django's
# storage API: a local folder by default, which every web and worker process must
# share; object storage (django-storages) when they run on several machines
# (docs/deployment.md, "Background work"). Never served as static media: downloads
# go through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Caches: throttle counters and cached results must be shared by every app process in
# production. REDIS_URL selects Redis (atomic counters, so exact throttles); otherwise
# production uses Django's database cache (`manage.py createcachetable`), whose counts
# parallel requests can race past (docs/deployment.md, "Rate limits"), and local
# development keeps per-process memory so `make run` needs nothing.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "database" if PRODUCTION else "locmem")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "partnerscan"),
        }
    }
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "partnerscan_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
elif CACHE_BACKEND == "locmem":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "partnerscan",
        }
    }
else:
    raise ImproperlyConfigured("CACHE_BACKEND must be 'database' or 'locmem'.")

# Background work: Django's tasks API (the django-tasks backport) with its queue in
# the project's own database, run by `manage.py worker` (docs/deployment.md,
# "Background work"). Reports and exports go to their own queue so that a machine
# can be given to them alone.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "files"],
    }
}
# A scan's report is rendered once its answers have been quiet this long (and at
# once when a respondent submits, the scan closes or someone asks for it).
REPORT_DEBOUNCE_SECONDS = int(os.environ.get("REPORT_DEBOUNCE_SECONDS", "60"))
# How often the worker runs the periodic work (reminders, closing, digests).
SCHEDULE_INTERVAL_SECONDS = int(os.environ.get("SCHEDULE_INTERVAL_SECONDS", "60"))

# Personal data (docs/privacy.md). A scan's answers keep their names, addresses and
# comments this many months after it closes (each scan can change it); then the
# schedule anonymises them. The controller named on the participants' privacy
# notice when the consultant has no branding profile.
PARTNERSCAN_RETENTION_MONTHS = int(os.environ.get("PARTNERSCAN_RETENTION_MONTHS", "24"))
PARTNERSCAN_CONTROLLER_NAME = os.environ.get("PARTNERSCAN_CONTROLLER_NAME", "")
PARTNERSCAN_CONTROLLER_CONTACT = os.environ.get("PARTNERSCAN_CONTROLLER_CONTACT", "")

# E-mail: printed on the console unless an SMTP host is configured.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Partnerscan <noreply@localhost>"
)

# Public base URL used in links printed by commands and sent by e-mail.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Request size limits: the questionnaire posts at most a few hundred fields. A body
# declared larger than REQUEST_MAX_BYTES (UPLOAD_REQUEST_MAX_BYTES for the two import
# views) gets a 413 before it is read (assessments/web/request_limits.py); the proxy's
# body limit matches the larger one (docs/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
REQUEST_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_REQUEST_MAX_BYTES = 6 * 1024 * 1024
# An accepted upload stays in memory: nothing a client sends is written to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_REQUEST_MAX_BYTES

# Throttling counts per client address. Behind N reverse proxies that append to
# X-Forwarded-For, the client is the N-th address from the right; 0 = REMOTE_ADDR.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# A PDF render runs in a child process with these budgets
# (assessments/report/render_guard.py): past them it is stopped and the user gets a
# friendly 503; the worker lives on.
PDF_RENDER_TIMEOUT = float(os.environ.get("PDF_RENDER_TIMEOUT", "20"))
PDF_RENDER_MEMORY_MB = int(os.environ.get("PDF_RENDER_MEMORY_MB", "512"))

# A participant's session ends this long after their last request (consultants keep
# Django's two weeks); after submitting, only a receipt for the thank-you page and
# the download of their own answers remains, this long
# (assessments/views/questionnaire.py).
PARTICIPANT_SESSION_SECONDS = 4 * 60 * 60
PARTICIPANT_RECEIPT_SECONDS = 15 * 60

# Two-step verification (assessments/two_factor/, docs/deployment.md). Staff always
# need it; consultants when PARTNERSCAN_REQUIRE_2FA is on (otherwise they may turn it
# on themselves). PARTNERSCAN_STAFF_REQUIRE_2FA=false is for a local demo only and is
# refused in production.
PARTNERSCAN_REQUIRE_2FA = _env_bool("PARTNERSCAN_REQUIRE_2FA", default=False)
PARTNERSCAN_STAFF_REQUIRE_2FA = _env_bool("PARTNERSCAN_STAFF_REQUIRE_2FA", default=True)
if PRODUCTION and not PARTNERSCAN_STAFF_REQUIRE_2FA:
    raise ImproperlyConfigured(
        "PARTNERSCAN_STAFF_REQUIRE_2FA cannot be switched off when "
        "DJANGO_ENV=production."
    )
# "Remember this device": how long a browser may skip the code (0 = never offered).
PARTNERSCAN_2FA_REMEMBER_DAYS = int(
    os.environ.get("PARTNERSCAN_2FA_REMEMBER_DAYS", "30")
)
# The name the authenticator app shows next to the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Partnerscan")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    # The proxy in front must set (and overwrite) X-Forwarded-Proto; see
    # docs/deployment.md. SECURE_PROXY_SSL_HEADER=0 when TLS ends in gunicorn itself.
    if _env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True

# Every handler takes invitation tokens out of what it writes (`/i/…/`):
# partnerscan/log_redaction.py; gunicorn's access log does the same (gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "partnerscan.log_redaction.RedactTokensFilter"}
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers for these would print the path unredacted:
        # `django.request` ("Not Found: /i/...") goes to the root handler instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
        # WeasyPrint narrates every rendering step at INFO; its warnings (a refused
        # URL) still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# The audit trail (assessments/audit/, docs/privacy.md "Wie heeft wat gezien"):
# django-auditlog records changes; assessments/audit/receivers.py keeps anything
# personal out of its rows.
AUDITLOG_STORE_JSON_CHANGES = True
# Restoring a backup (loaddata) is not a change anyone made: the restored trail is
# the record, and a second entry per restored row would double it.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# Entries older than this are deleted by the schedule ("audit_retention").
PARTNERSCAN_AUDIT_RETENTION_DAYS = int(
    os.environ.get("PARTNERSCAN_AUDIT_RETENTION_DAYS", "730")
)
# Keep the client's address with what consultants (logged in) do: on by default,
# a stolen password should leave a trace. With what participants and partners
# opening a shared link do: off by default, we promise them no tracking.
PARTNERSCAN_AUDIT_CONSULTANT_ADDRESSES = _env_bool(
    "PARTNERSCAN_AUDIT_CONSULTANT_ADDRESSES", default=True
)
PARTNERSCAN_AUDIT_PARTICIPANT_ADDRESSES = _env_bool(
    "PARTNERSCAN_AUDIT_PARTICIPANT_ADDRESSES", default=False
)

# Outside production WhiteNoise serves straight from the app's static folders, so
# `make run` and the tests need no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION
