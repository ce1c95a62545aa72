"""Settings, read from the environment. Each variable is documented where it is read.

The defaults make a safe local demo (SQLite under ``var/``, local files, tasks in-process). In
production (``MOTCUA_ENV=production``) missing secrets fail fast instead of falling back.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/motcua


def default_var_dir(package: Path = BASE_DIR) -> Path:
    """The installation's ``var/``, never the current folder (a command run from elsewhere must
    find the same database): in a checkout or an editable install (``src/motcua`` next to
    ``pyproject.toml``) the checkout's ``var/``; in a regular install (site-packages) the user's
    data folder, ``$XDG_DATA_HOME/motcua`` (default ``~/.local/share/motcua``)."""
    root = package.parent.parent
    if package.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root / "var"
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "motcua"


# MOTCUA_VAR_DIR: where the SQLite file, uploads and demo credentials live; default: see
# default_var_dir (the checkout's var/, else ~/.local/share/motcua) — never the current folder.
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR") or default_var_dir()).resolve()

# MOTCUA_ENV: "development" (default) or "production"; production refuses unsafe defaults.
ENV = os.environ.get("MOTCUA_ENV", "development")
PRODUCTION = ENV == "production"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# DEBUG: "1"/"true" for Django's debug pages; off by default in production.
DEBUG = _bool("DEBUG", not PRODUCTION)

# SECRET_KEY: required in production; the development fallback is not a secret and says so.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when MOTCUA_ENV=production")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# ALLOWED_HOSTS: comma-separated host names.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "motcua.core",
    "motcua.audit",
    "motcua.worktime",
    "motcua.units",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.backoffice",
    "motcua.integrations",
    "motcua.reports",
    "motcua.demo",
    "motcua.portal",
    "motcua.citizens",
    "motcua.eservices",
    "motcua.payments",
    "motcua.esign",
    "motcua.feedback",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

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
                "motcua.backoffice.context.staff",
            ],
            # display filters (names family-first, money in đồng, numbers 1.234,5) everywhere
            "builtins": ["motcua.backoffice.templatetags.vi"],
        },
    },
]

# DATABASE_URL: e.g. postgres://postgres@127.0.0.1:5432/motcua; default SQLite in VAR_DIR.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers go on while a writer commits; IMMEDIATE avoids upgrade deadlocks.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: with a second language, LocaleMiddleware would follow the browser's
# Accept-Language and show the administration in English to an officer whose browser is English.
LANGUAGES = [("vi", "Tiếng Việt")]
# The project's catalogs come first: they add what Django's Vietnamese leaves in English (admin).
LOCALE_PATHS = [BASE_DIR / "locale"]
# TIME_ZONE: the zone times are shown in; they are always stored in UTC.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
# MEDIA_ROOT: local file storage for the embedded default (S3 in production, a later issue).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Uploads: catalog imports are read in memory up to this size, then refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# a refused form (expired session) gets a Vietnamese page with a way back, not Django's English one
CSRF_FAILURE_VIEW = "motcua.backoffice.views.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS: the SMTP server
# notifications go through (motcua deliver-outbox). DEFAULT_FROM_EMAIL: their sender.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Một Cửa <khong-tra-loi@motcua.local>")

LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/can-bo/"
LOGOUT_REDIRECT_URL = "/dang-nhap/"

# MOTCUA_HANDOVER_CUTOFF: counter dossiers received at or after this local time reach the
# processing agency at the start of the next working day (Decree 61/2018 Art. 16: 15:00). Their
# time limit still counts from receipt unless the working calendar is set to count it from the
# next morning (WorkCalendar.count_from_next_morning_after_cutoff, ADR 0003).
MOTCUA_HANDOVER_CUTOFF = os.environ.get("MOTCUA_HANDOVER_CUTOFF", "15:00")

# MOTCUA_FORMS_2025_FROM: receipt date (YYYY-MM-DD, local) from which dossiers print the forms of
# Circular 03/2025/TT-VPCP (7 forms; control sheet Mẫu 06, book Mẫu 07); dossiers received before
# it keep the set of Circular 01/2018/TT-VPCP (control sheet Mẫu 05, book Mẫu 06). Default
# 2025-07-01 (Decree 118/2025's date) until the circular's effective date is confirmed
# (REGULATIONS.md §4 [verify]). Read by ``motcua.dossiers.forms.regime_for``.
try:
    MOTCUA_FORMS_2025_FROM = dt.date.fromisoformat(
        os.environ.get("MOTCUA_FORMS_2025_FROM", "2025-07-01").strip()
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        "MOTCUA_FORMS_2025_FROM phải là ngày dạng YYYY-MM-DD (ví dụ 2025-07-01)"
    ) from exc

# MOTCUA_CALENDAR: code of the stored working calendar used when none is named; empty = the
# built-in national default (VN public holidays, 07:00–11:30 and 13:30–17:00).
MOTCUA_DEFAULT_CALENDAR = os.environ.get("MOTCUA_CALENDAR", "")

# The national public-service portal (integrations.portal, docs/national-portal.md):
# MOTCUA_PORTAL_URL: where status changes are POSTed (empty: the link is off, messages queue);
# MOTCUA_PORTAL_TOKEN: the bearer token the portal issued to the province (a secret: env only);
# MOTCUA_PORTAL_TIMEOUT: seconds per request (default 10);
# MOTCUA_PORTAL_BACKOFF: seconds before the first retry, doubled per failure up to 6 hours.
MOTCUA_PORTAL_URL = os.environ.get("MOTCUA_PORTAL_URL", "").strip()
MOTCUA_PORTAL_TOKEN = os.environ.get("MOTCUA_PORTAL_TOKEN", "")
MOTCUA_PORTAL_TIMEOUT = float(os.environ.get("MOTCUA_PORTAL_TIMEOUT", "10"))
MOTCUA_PORTAL_BACKOFF = float(os.environ.get("MOTCUA_PORTAL_BACKOFF", "30"))

# The REST API (/api/v1/, ADR 0005): tokens for systems, sessions for the site's own pages;
# one error shape (RFC 9457 problem details with our code); schema at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.api.auth.ApiClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "motcua.api.errors.exception_handler",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Một Cửa — API",
    "DESCRIPTION": (
        "API của hệ thống một cửa điện tử: danh mục thủ tục, cơ quan, đơn vị hành chính (công "
        "khai); hồ sơ và báo cáo (cần khóa API hoặc phiên đăng nhập). Mỗi khóa thuộc một cơ "
        "quan và một vai trò, thấy đúng những gì cán bộ cùng cơ quan, cùng vai trò thấy. Lỗi "
        "trả về theo RFC 9457 (application/problem+json) với `code` ổn định và `message` "
        "tiếng Việt."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.api.links.add_links",  # a dossier → the actions on it (id, version)
    ],
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "motcua.dossiers.models.Status",
        "StepStatusEnum": "motcua.dossiers.models.StepStatus",
        "ProcedureStatusEnum": "motcua.catalog.models.ProcedureStatus",
        "ApplicantKindEnum": "motcua.dossiers.models.ApplicantKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
