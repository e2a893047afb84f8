"""Settings read from the environment.

Every value but ``DEBUG`` has a default that gives a working SQLite quick start. ``DEBUG`` is
off unless set: development sets ``DEBUG=1`` (the Makefile does), production leaves it off and
sets ``DATABASE_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``. A malformed value stops the
process with a message instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Off unless asked for: a deployment that forgets DEBUG must not show technical error pages (with
# the settings in them) nor run on the development key. `make run` and the test settings turn it on.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (DEBUG is off unless set; use DEBUG=1 for development)"
        )
    SECRET_KEY = "insecure-development-key-change-me"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before the admin: its ``admin/base_site.html`` adds the notifications badge to the header.
    "notifications",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_tasks_db",
    "documents",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "locations",
    "scope",
    "accounts",
    "cases",
    "programs",
    "outreach",
    "imports",
    "reports",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.QueryParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a report query for seconds when the planner's cost estimate is high
    # (correlated EXISTS over many rows), to save milliseconds: measured, it was most of the time of
    # an annual summary. Short interactive queries never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "admin:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own ``vi`` locale reads 05/03/2020 as 3 May; ours fixes DD/MM/YYYY.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Stored files are never served from MEDIA_URL (no URL maps it): they leave only through the
# protected download view (scope.downloads), which links every file field to itself.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# In production the web server sends the files: the download view answers with an
# X-Accel-Redirect to this internal location (nginx: `location /protected/ { internal; ... }`).
# Empty: the view sends the file itself.
PROTECTED_MEDIA_REDIRECT = os.environ.get("PROTECTED_MEDIA_REDIRECT", "")
if PROTECTED_MEDIA_REDIRECT and not PROTECTED_MEDIA_REDIRECT.startswith("/"):
    raise ImproperlyConfigured(
        f"PROTECTED_MEDIA_REDIRECT must be a path such as /protected/, got {PROTECTED_MEDIA_REDIRECT!r}"
    )
# Import files hold personal IDs and phones: deleted when the job is over, and any left (a
# preview never committed) after this many days by `manage.py sweep_imports`.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 7)
if IMPORT_FILE_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("IMPORT_FILE_RETENTION_DAYS must not be negative")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after SESSION_IDLE_MINUTES without a request: every request renews it.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy (nginx), trust its X-Forwarded-Proto header.
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production answers only over HTTPS (the proxy in front may do the redirect itself: set 0).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# HSTS: a year in production; browsers then refuse plain HTTP to this host and its subdomains.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Content security policy of every page: scripts and styles only from our static files or
# carrying the page's nonce (`{% csp_nonce_attr %}`), nothing framed, no plugins. A script
# slipped into a record or an upload does not run. Style attributes stay allowed (badges,
# the admin's own widgets); they cannot run code. File downloads set a stricter `sandbox`.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

# Background work: Django's tasks framework. The database backend needs no other server;
# set TASKS_BACKEND to e.g. "django_tasks_rq.RQBackend" to run the same tasks on Redis.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    # Scale-out on Redis (pip install ".[rq]"): the same tasks, run by `manage.py rqworker`.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}

REST_FRAMEWORK = {
    # Token first: a refused token then answers 401 (with WWW-Authenticate), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.token_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_permissions.ScopedModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    # Per signed-in user and per address of anonymous callers; over it: 429 with Retry-After.
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        "anon": os.environ.get("API_THROTTLE_ANON", "30/minute"),
    },
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d", "%d/%m/%Y"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Child protection MIS API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in users; the docs page loads Swagger UI from our own
    # static files (drf-spectacular-sidecar), not from a public CDN.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set where several models call a field the same ("status", "kind").
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "CaseOutcomeEnum": "cases.models.Case.Outcome",
        "ServiceKindEnum": "cases.models.ServiceDelivery.Kind",
        "ModelStatusEnum": "programs.models.ProtectionModel.Status",
        "ModelKindEnum": "programs.models.ProtectionModel.Kind",
        "EventKindEnum": "outreach.models.OutreachEvent.Kind",
        "ImportKindEnum": "imports.registry.kind_choices",
        "ImportStatusEnum": "imports.models.ImportJob.Status",
        "AccessOutcomeEnum": "audit.models.AccessEvent.Outcome",
        "AccessActionEnum": "audit.models.AccessEvent.Action",
        "TransferStatusEnum": "cases.transfers.Transfer.Status",
        "ReferralStatusEnum": "cases.referrals.Referral.Status",
        "ReferralServiceEnum": "cases.referrals.Referral.Service",
        "CaseChannelEnum": "cases.models.Case.Channel",
        "ConsentPartyEnum": "cases.consent.Consent.Party",
        "ConsentPurposeEnum": "cases.consent.Consent.Purpose",
    },
}

# django-import-export: only users with these permissions see import/export buttons.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# Our exports escape formula cells themselves (imports.cells), reversibly; the library would drop the "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# What reports print about the agency that issues them.
AGENCY_NAME = os.environ.get("AGENCY_NAME", "Sở Y tế tỉnh Kon Tum")
AGENCY_ADDRESS = os.environ.get("AGENCY_ADDRESS", "")
AGENCY_SIGNATORY = os.environ.get("AGENCY_SIGNATORY", "")
# Filtered reports hide counts below this from aggregate-only roles (viewers); 0 turns it off.
REPORT_MIN_CELL = env_int("REPORT_MIN_CELL", 5)
# Official documents: the governing body printed above the agency, the signatory's position,
# and the place written before the date ("Kon Tum, ngày 25 tháng 3 năm 2014").
AGENCY_PARENT = os.environ.get("AGENCY_PARENT", "UBND tỉnh Kon Tum")
AGENCY_SIGNATORY_TITLE = os.environ.get("AGENCY_SIGNATORY_TITLE", "Giám đốc")
AGENCY_PLACE = os.environ.get("AGENCY_PLACE", "Kon Tum")
# Age bands of the abuse report, in completed years at the incident ("0-5,6-10,11-15").
ABUSE_AGE_GROUPS = os.environ.get("ABUSE_AGE_GROUPS", "0-5,6-10,11-15")
# Admin lists count at most this many rows and say "more than N" past it (scope/pagination.py).
ADMIN_COUNT_CAP = env_int("ADMIN_COUNT_CAP", 1000)

# Sign-in. django-axes: 5 failures for one username within 15 minutes lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Per username: the contract is "5 failures for one username". Guessing from one address across
# many usernames is slowed by the API's per-address throttle and the password validators.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # Covering indexes (INCLUDE) make PostgreSQL's reports index-only scans; SQLite, the quick
    # start's database, builds the same indexes without the included columns, which is enough there.
    "models.W040",
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Every sign-in is logged: successes in AccessLog, failures in AccessFailureLog (admin, superusers).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_HTTPS_PROXY", False) else 0
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be at least 1")
# Roles that must sign in with a one-time code (TOTP), plus "superuser"; e.g. "superuser,province_manager".
REQUIRE_2FA_ROLES = env_list("REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "CPMIS")

# Data protection. The access log is kept five years by default (prune_access_log removes older rows).
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 1825)
if ACCESS_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("ACCESS_LOG_RETENTION_DAYS must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# E-mail of notifications (docs/contract/running.md): Django's ``MAILERS``, from the environment.
# ``make run`` sets ``EMAIL_BACKEND`` to the console backend (the e-mails are printed).
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "") == "1",
            }
            if EMAIL_BACKEND_PATH.endswith(".smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cpmis@localhost")
# The address before a notification's link in its e-mail, e.g. ``https://cpmis.example.gov.vn``.
SITE_URL = os.environ.get("SITE_URL", "")
