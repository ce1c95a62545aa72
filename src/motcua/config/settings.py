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


# DEBUG: "1"/"true" for Django's debug pages; off by default, and refused, in production.
DEBUG = _bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when MOTCUA_ENV=production")


def _development_key(var_dir: Path) -> str:
    """Outside production: a random key made once per installation and kept in
    ``VAR_DIR/secret_key`` (git ignores var/), so no key is written in the code. Where var/
    cannot be written, a key for this process only (sessions end with it)."""
    import secrets

    path = var_dir / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    except OSError:
        pass
    return key


# SECRET_KEY: required in production (at least 50 characters); elsewhere generated under var/.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (50 characters or more) when MOTCUA_ENV=production"
    )
if not SECRET_KEY:
    SECRET_KEY = _development_key(VAR_DIR)

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
    "motcua.security",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mozilla_django_oidc",
    "motcua.eservices",
    "motcua.payments",
    "motcua.paysandbox",
    "motcua.esign",
    "motcua.feedback",
    "motcua.eforms",
    "motcua.drafting",
    "motcua.counterqueue",
    "motcua.postal",
    "motcua.popdata",
    "motcua.reform",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.api",
    "motcua.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # OTP: marks the session's verified device, then sends leaders and administrators whose
    # session is not verified to the code (or enrolment) page before any other page
    "django_otp.middleware.OTPMiddleware",
    "motcua.security.middleware.OTPRequiredMiddleware",
    "motcua.security.middleware.CitizenDoorsMiddleware",
    # the acting user of admin and page changes, for the audit entries the signals write
    "motcua.audit.signals.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.ops.middleware.ContentSecurityPolicy",
    "motcua.ops.routers.ReplicaReadsMiddleware",
    # django-axes last (its documentation): turns a refused, locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
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

# DATABASE_REPLICA_URL: a streaming replica of the default database (ops/replica.sh); the
# report pages, the report API and the report commands read from it (motcua.ops.routers).
# Unset: everything reads from the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
    # tests: the replica serves the test database the primary streams to it
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["motcua.ops.routers.ReplicaRouter"]
MOTCUA_REPLICA_PATHS = ["/can-bo/bao-cao/", "/api/v1/reports/"]
# Where reports read their figures (reports/aggregates.py, docs/statistics.md): "auto" — the
# daily counts once a full rebuild made them complete, else the direct scan; "scan"; "aggregates".
MOTCUA_REPORT_SOURCE = os.environ.get("MOTCUA_REPORT_SOURCE", "auto").strip() or "auto"
if MOTCUA_REPORT_SOURCE not in ("auto", "scan", "aggregates"):
    raise ImproperlyConfigured("MOTCUA_REPORT_SOURCE phải là auto, scan hoặc aggregates")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password policy (docs/citizens.md): at least 10 characters, not like the name, ID number or
# e-mail, not a common password, not only digits. Messages are Django's, in Vietnamese.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: with a second language, LocaleMiddleware would follow the browser's
# Accept-Language and show the administration in English to an officer whose browser is English.
LANGUAGES = [("vi", "Tiếng Việt")]
# The project's catalogs come first: they add what Django's Vietnamese leaves in English (admin).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates typed day before month (10/12/2026 is 10 December): config/formats/vi/formats.py.
FORMAT_MODULE_PATH = ["motcua.config.formats"]
# TIME_ZONE: the zone times are shown in; they are always stored in UTC.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_URL = "media/"
# MEDIA_ROOT: local file storage for the embedded default (when no S3 bucket is set).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# STATIC_ROOT: where `motcua collectstatic` puts the static files (production).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# MOTCUA_S3_BUCKET: store uploaded files in this bucket of an S3-compatible object store
# (MinIO, Ceph, a cloud's) instead of MEDIA_ROOT. MOTCUA_S3_ENDPOINT (https://s3.example.vn),
# MOTCUA_S3_ACCESS_KEY, MOTCUA_S3_SECRET_KEY, MOTCUA_S3_REGION (default us-east-1),
# MOTCUA_S3_PREFIX (a folder inside the bucket). Files are private: they are only served through
# the application's access-checked views.
MOTCUA_S3_BUCKET = os.environ.get("MOTCUA_S3_BUCKET", "")
if MOTCUA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MOTCUA_S3_BUCKET,
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT") or None,
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("MOTCUA_S3_REGION", "us-east-1"),
            "location": os.environ.get("MOTCUA_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# Uploads: catalog imports are read in memory up to this size, then refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Uploaded files over this size are spooled to a temporary file, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# a refused form (expired session) gets a Vietnamese page with a way back, not Django's English one
CSRF_FAILURE_VIEW = "motcua.backoffice.views.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy of every response (motcua.ops.middleware): scripts only from our own
# /static/ (htmx included; no page has an inline script), inline styles allowed (print sheets).
MOTCUA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
if PRODUCTION:
    # behind the TLS proxy (deploy/nginx): it sets X-Forwarded-Proto, nothing else may
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # MOTCUA_SSL_REDIRECT: "0" only where the proxy already redirects every http request
    SECURE_SSL_REDIRECT = _bool("MOTCUA_SSL_REDIRECT", True)
    # MOTCUA_HSTS_SECONDS: Strict-Transport-Security max-age (default one year)
    SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("MOTCUA_HSTS_SUBDOMAINS", False)
    SECURE_REFERRER_POLICY = "same-origin"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # static files: collected (motcua collectstatic) and served by WhiteNoise with hashed names
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    # source maps (.map) are fetched only by a browser's developer tools: compressing them (14 MB
    # of the API docs' and the admin's maps, gzip and brotli) was most of collectstatic's time
    from whitenoise.compress import Compressor

    WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

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

# Who may log in where (docs/citizens.md). Axes first: it refuses a locked-out username + address
# before any password is checked (and, being a ModelBackend, answers permission checks); staff
# log in by username at /dang-nhap/ and /admin/ (never a citizen account); citizens by ID number,
# tax code or e-mail at /cong-dan/dang-nhap/ (never a staff account); the OIDC backend only
# answers the identity provider's callback when OIDC_* is configured.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "motcua.security.backends.StaffBackend",
    "motcua.citizens.backends.CitizenBackend",
    "motcua.citizens.oidc.CitizenOIDCBackend",
]

# Login throttling (django-axes), staff and citizens alike: after AXES_FAILURE_LIMIT failed
# attempts for one username (or ID number / e-mail) from one address, that pair is refused for
# AXES_COOLOFF_MINUTES, even with the right password; a success clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "motcua.security.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "motcua.security.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# the client's address behind MOTCUA_PROXY_HOPS trusted proxies (as the look-up limit reads it):
# behind nginx without it, every client would share the proxy's address and one attacker could
# lock everyone out of a login name
AXES_CLIENT_IP_CALLABLE = "motcua.security.lockout.client_address"
AXES_VERBOSE = False

# Two-factor login (django-otp, TOTP): required for superusers and for the roles listed in
# MOTCUA_OTP_ROLES (comma-separated role codes of units.Role; default leaders and province
# administrators). OTP_TOTP_ISSUER names the site in the authenticator app.
MOTCUA_OTP_ROLES = [
    r.strip()
    for r in os.environ.get("MOTCUA_OTP_ROLES", "lanh_dao,quan_tri_tinh").split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Một Cửa")

# Citizen accounts (docs/citizens.md). The links the verification and reset mails carry start
# with MOTCUA_PUBLIC_URL (below, with the portal's settings). MOTCUA_CITIZEN_LINK_HOURS: how long
# a verification link stays valid. Password reset links follow PASSWORD_RESET_TIMEOUT (seconds,
# default 2 h).
MOTCUA_CITIZEN_LINK_HOURS = int(os.environ.get("MOTCUA_CITIZEN_LINK_HOURS", "48"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))

# OpenID Connect login for citizens (VNeID, the national portal's SSO, …): on when
# OIDC_RP_CLIENT_ID and the provider's endpoints are set. OIDC_OP_ISSUER is checked against the
# ID token's ``iss``; the ID token's ``aud`` must contain OIDC_RP_CLIENT_ID. Claim names differ
# between providers: MOTCUA_OIDC_ID_CLAIM (the 12-digit personal ID number, default
# "citizen_id"), MOTCUA_OIDC_NAME_CLAIM (default "name").
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "citizens:oidc_callback"
MOTCUA_OIDC_ID_CLAIM = os.environ.get("MOTCUA_OIDC_ID_CLAIM", "citizen_id")
MOTCUA_OIDC_NAME_CLAIM = os.environ.get("MOTCUA_OIDC_NAME_CLAIM", "name")

# MOTCUA_HANDOVER_CUTOFF: counter dossiers received after this local time (not at it) reach the
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

# Signed electronic results (motcua.esign, docs/esign.md).
# MOTCUA_ESIGN_DIR: folder of the demo CA and of locally held agency keys (mode 0700/0600);
# default VAR_DIR/esign, which git ignores. Never inside the repository.
MOTCUA_ESIGN_DIR = Path(os.environ.get("MOTCUA_ESIGN_DIR") or VAR_DIR / "esign")
# MOTCUA_ESIGN_TRUST_ROOTS: PEM files (separated by ":" or ","), each holding one or more root
# certificates a signed result may chain to: the province's CA, the national root. The demo CA in
# MOTCUA_ESIGN_DIR is trusted too unless MOTCUA_ESIGN_TRUST_DEMO_CA=0 (set it so in production).
MOTCUA_ESIGN_TRUST_ROOTS = [
    p.strip()
    for p in os.environ.get("MOTCUA_ESIGN_TRUST_ROOTS", "").replace(",", ":").split(":")
    if p.strip()
]
MOTCUA_ESIGN_TRUST_DEMO_CA = _bool("MOTCUA_ESIGN_TRUST_DEMO_CA", not PRODUCTION)
# MOTCUA_ESIGN_TSA: the RFC 3161 time-stamping authority that makes signatures PAdES B-T: an
# http(s) URL (the province's or a CA's TSA), "demo" (an in-process TSA whose certificate the
# demo CA issued; default outside production) or empty (B-B, the time is the signer's own).
MOTCUA_ESIGN_TSA = os.environ.get("MOTCUA_ESIGN_TSA", "" if PRODUCTION else "demo").strip()
# MOTCUA_ESIGN_BACKEND: dotted path of the class that signs with an agency's key (interface in
# motcua.esign.backends); default the local key files under MOTCUA_ESIGN_DIR.
MOTCUA_ESIGN_BACKEND = os.environ.get(
    "MOTCUA_ESIGN_BACKEND", "motcua.esign.backends.LocalKeyBackend"
)
# MOTCUA_AUDIT_KEY: the secret (at least 32 characters) that seals the audit trail (an HMAC over
# every entry and the head, docs/audit.md). Required in production; keep it outside the database
# (whoever holds the key and write access to the tables could forge a trail). In development an
# empty value means a random key generated once into VAR_DIR/audit.key (never committed).
MOTCUA_AUDIT_KEY = os.environ.get("MOTCUA_AUDIT_KEY", "")
if PRODUCTION and len(MOTCUA_AUDIT_KEY) < 32:
    raise ImproperlyConfigured(
        "MOTCUA_AUDIT_KEY (ít nhất 32 ký tự) phải được đặt khi MOTCUA_ENV=production"
    )

# MOTCUA_SMS_BACKEND: dotted path of the class that sends SMS (motcua deliver-outbox). Default
# the logging backend (writes each text to the integrations.SmsMessage table and the log);
# "motcua.integrations.sms.HttpSmsBackend" posts to the province's SMS gateway at
# MOTCUA_SMS_URL with the bearer token MOTCUA_SMS_TOKEN (docs/notifications.md).
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND", "motcua.integrations.sms.LogSmsBackend")
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
# MOTCUA_SMS_ASCII: "1" (default) sends texts without diacritics (one 160-character GSM segment;
# most brand-name gateways require it); "0" keeps Vietnamese diacritics (UCS-2, 70 per segment).
MOTCUA_SMS_ASCII = _bool("MOTCUA_SMS_ASCII", True)

# Citizen-data verification against the national population database (popdata, docs/popdata.md).
# MOTCUA_POPDATA_BACKEND: "motcua.popdata.backends.HttpBackend" (the NDXP / LGSP protocol: OAuth2
# client credentials at MOTCUA_POPDATA_TOKEN_URL, the check at MOTCUA_POPDATA_URL), "…DemoBackend"
# (the fake's answers in process; the default outside production) or "…DisabledBackend" (always
# "unavailable"). Timeout in seconds; answers cached CACHE_SECONDS; after BREAKER_FAILURES failures
# in a row the service is not called for BREAKER_SECONDS.
MOTCUA_POPDATA_BACKEND = os.environ.get(
    "MOTCUA_POPDATA_BACKEND",
    "motcua.popdata.backends.HttpBackend" if PRODUCTION else "motcua.popdata.backends.DemoBackend",
)
MOTCUA_POPDATA_TOKEN_URL = os.environ.get("MOTCUA_POPDATA_TOKEN_URL", "")
MOTCUA_POPDATA_URL = os.environ.get("MOTCUA_POPDATA_URL", "")
MOTCUA_POPDATA_CLIENT_ID = os.environ.get("MOTCUA_POPDATA_CLIENT_ID", "")
MOTCUA_POPDATA_CLIENT_SECRET = os.environ.get("MOTCUA_POPDATA_CLIENT_SECRET", "")
MOTCUA_POPDATA_TIMEOUT = float(os.environ.get("MOTCUA_POPDATA_TIMEOUT", "3"))
MOTCUA_POPDATA_CACHE_SECONDS = int(os.environ.get("MOTCUA_POPDATA_CACHE_SECONDS", "300"))
MOTCUA_POPDATA_BREAKER_FAILURES = int(os.environ.get("MOTCUA_POPDATA_BREAKER_FAILURES", "3"))
MOTCUA_POPDATA_BREAKER_SECONDS = int(os.environ.get("MOTCUA_POPDATA_BREAKER_SECONDS", "60"))

# MOTCUA_FEEDBACK_DAYS: working days an agency has to answer a citizen's feedback (phản ánh,
# kiến nghị); default 10 (docs/feedback.md: Decree 20/2008/NĐ-CP practice, [verify]).
MOTCUA_FEEDBACK_DAYS = float(os.environ.get("MOTCUA_FEEDBACK_DAYS", "10"))

# MOTCUA_CALENDAR: code of the stored working calendar used when none is named; empty = the
# built-in national default (VN public holidays, 07:00–11:30 and 13:30–17:00).
MOTCUA_DEFAULT_CALENDAR = os.environ.get("MOTCUA_CALENDAR", "")

# The cache that counts look-ups and failed logins (portal.throttle, django-axes) and holds the
# short-lived values every worker must agree on. MOTCUA_CACHE_URL: redis://host:port/db, the
# shared cache production needs when several gunicorn workers serve (deploy/motcua.env.example);
# unset: each process counts in its own memory (the demo's one process).
_CACHE_URL = os.environ.get("MOTCUA_CACHE_URL", "").strip()
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("MOTCUA_CACHE_URL phải là địa chỉ Redis (redis://máy:cổng/số)")
CACHES = {
    "default": {
        # Django's Redis cache keeping its Redis client object (motcua/core/cache.py)
        "BACKEND": "motcua.core.cache.RedisCache",
        "LOCATION": _CACHE_URL,
        "KEY_PREFIX": "motcua",
    }
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The public portal (docs/portal.md). MOTCUA_PUBLIC_URL: the address citizens reach the site at,
# printed in the QR code of the receipt (Mẫu 01) as <url>/tra-cuu/q/<token>/; required in
# production; the demo's http://127.0.0.1:8000 elsewhere. Every link the system sends out (mails,
# SMS, the QR code) starts with it, never with a request's Host. MOTCUA_LOOKUP_RATE:
# dossier look-ups allowed per client address and window, "<tries>/<seconds>" (default 10/600),
# counted in the default cache (a shared cache such as Redis when several processes serve).
# MOTCUA_PROXY_HOPS: reverse proxies in front of the site that append to X-Forwarded-For (0: the
# client address is REMOTE_ADDR).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "").strip().rstrip("/")
if not MOTCUA_PUBLIC_URL:
    if PRODUCTION:  # a receipt or a mail with the demo's address would lead nowhere
        raise ImproperlyConfigured("MOTCUA_PUBLIC_URL must be set when MOTCUA_ENV=production")
    MOTCUA_PUBLIC_URL = "http://127.0.0.1:8000"  # where ./dev demo serves
try:
    _tries, _window = os.environ.get("MOTCUA_LOOKUP_RATE", "10/600").split("/")
    MOTCUA_LOOKUP_RATE = (int(_tries), int(_window))
    MOTCUA_PROXY_HOPS = int(os.environ.get("MOTCUA_PROXY_HOPS", "0"))
    if min(MOTCUA_LOOKUP_RATE) < 1 or MOTCUA_PROXY_HOPS < 0:
        raise ValueError("out of range")
except ValueError as exc:
    raise ImproperlyConfigured(
        "MOTCUA_LOOKUP_RATE phải có dạng <số lần>/<số giây> (ví dụ 10/600); "
        "MOTCUA_PROXY_HOPS phải là số nguyên"
    ) from exc


def _rate(name: str, default: str) -> tuple[int, int]:
    try:
        tries, window = (int(n) for n in os.environ.get(name, default).split("/"))
        if min(tries, window) < 1:
            raise ValueError("out of range")
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} phải có dạng <số lần>/<số giây>, hai số nguyên dương (ví dụ {default})"
        ) from exc
    return tries, window


# The public feedback form (feedback.views.submit, docs/feedback.md, "Sending limit"), counted
# like the look-up in the default cache, "<sends>/<seconds>": MOTCUA_FEEDBACK_RATE: feedback
# accepted per client address (an IPv6 client by its /64) and window from senders not logged in
# (default 5/3600: five an hour); MOTCUA_FEEDBACK_CITIZEN_RATE: per logged-in citizen's account,
# whatever the address (default 20/3600). Sends that pass the form's checks count; the next one
# over the limit is refused (429) and nothing is stored.
MOTCUA_FEEDBACK_RATE = _rate("MOTCUA_FEEDBACK_RATE", "5/3600")
MOTCUA_FEEDBACK_CITIZEN_RATE = _rate("MOTCUA_FEEDBACK_CITIZEN_RATE", "20/3600")

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
    "DEFAULT_PARSER_CLASSES": ["motcua.api.parsers.SafeJSONParser"],
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
        "PopdataFieldEnum": "motcua.popdata.backends.FIELDS",
    },
}

# ---- online payment (motcua.payments; docs/payments.md) ------------------------------------------
_SITE = f"http://{os.environ.get('MOTCUA_ADDR', '127.0.0.1:8000')}"
# PAYMENT_GATEWAY_URL: the gateway's payment page the citizen is redirected to (VNPay:
# https://sandbox.vnpayment.vn/paymentv2/vpcpay.html); default: this site's sandbox gateway.
PAYMENT_GATEWAY_URL = os.environ.get(
    "PAYMENT_GATEWAY_URL", "/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"
)
# PAYMENT_GATEWAY_API_URL: the gateway's server-to-server query API (VNPay's querydr endpoint),
# used by the daily reconciliation; default: the sandbox on MOTCUA_ADDR.
PAYMENT_GATEWAY_API_URL = os.environ.get(
    "PAYMENT_GATEWAY_API_URL",
    f"{_SITE}/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
)
# PAYMENT_GATEWAY_TMN_CODE: the merchant (terminal) code the gateway gave this system.
PAYMENT_GATEWAY_TMN_CODE = os.environ.get("PAYMENT_GATEWAY_TMN_CODE", "MOTCUA01")
# PAYMENT_GATEWAY_SECRET: the shared HMAC-SHA512 secret. Required in production; elsewhere a
# random one is generated once into VAR_DIR/payment-gateway-secret (never committed).
PAYMENT_GATEWAY_SECRET = os.environ.get("PAYMENT_GATEWAY_SECRET", "")
if PRODUCTION and not PAYMENT_GATEWAY_SECRET:
    raise ImproperlyConfigured("PAYMENT_GATEWAY_SECRET must be set when MOTCUA_ENV=production")
# PAYMENT_SANDBOX_ENABLED: serve the sandbox gateway under /cong-thanh-toan-thu-nghiem/ (on by
# default outside production, off in production unless set).
PAYMENT_SANDBOX_ENABLED = _bool("PAYMENT_SANDBOX_ENABLED", not PRODUCTION)
# PAYMENT_SANDBOX_IPN_URL: where the sandbox gateway sends its server-to-server notification
# (a real gateway is told this URL in its merchant portal).
PAYMENT_SANDBOX_IPN_URL = os.environ.get(
    "PAYMENT_SANDBOX_IPN_URL", f"{_SITE}/thanh-toan/vnpay/ipn/"
)
# Postal return of results (motcua.postal, docs/postal.md). MOTCUA_POSTAL_OPERATOR: dotted path of
# the operator adapter; MOTCUA_POSTAL_URL: its API (e.g. `motcua postal-fake-operator` on
# http://127.0.0.1:8099), MOTCUA_POSTAL_TOKEN: the API token, MOTCUA_POSTAL_SECRET: the HMAC key
# of its status callbacks (unset: callbacks are refused), MOTCUA_POSTAL_CALLBACK_URL: where it
# sends them, MOTCUA_POSTAL_FEE_PAYER: "receiver" (the postman collects the freight, COD) or
# "agency" (prepaid by the agency).
MOTCUA_POSTAL_OPERATOR = os.environ.get(
    "MOTCUA_POSTAL_OPERATOR", "motcua.postal.operators.VNPostOperator"
)
MOTCUA_POSTAL_URL = os.environ.get("MOTCUA_POSTAL_URL", "")
MOTCUA_POSTAL_TOKEN = os.environ.get("MOTCUA_POSTAL_TOKEN", "")
MOTCUA_POSTAL_SECRET = os.environ.get("MOTCUA_POSTAL_SECRET", "")
MOTCUA_POSTAL_CUSTOMER_CODE = os.environ.get("MOTCUA_POSTAL_CUSTOMER_CODE", "MOTCUA")
MOTCUA_POSTAL_CALLBACK_URL = os.environ.get(
    "MOTCUA_POSTAL_CALLBACK_URL", f"{_SITE}/buu-chinh/vnpost/thong-bao/"
)
MOTCUA_POSTAL_FEE_PAYER = os.environ.get("MOTCUA_POSTAL_FEE_PAYER", "receiver")
# Background work (motcua.config.celery, ADR 0015). CELERY_BROKER_URL: e.g.
# redis://127.0.0.1:6379/0. Unset (the demo, SQLite): no broker, tasks run eagerly in the
# caller's process and cron or the commands do the periodic work (deploy/README.md).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# CELERY_RESULT_BACKEND: where task results go (optional; tasks write their effects to the db).
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The periodic work Celery beat schedules: "every" seconds, or "cron" (local time) as
# celery.schedules.crontab's arguments. motcua.config.celery builds CELERY_BEAT_SCHEDULE from it
# (importing Celery here cost every process, command and gunicorn worker half a second).
MOTCUA_BEAT = {
    "deliver-outbox": {"task": "motcua.deliver_outbox", "every": 60},
    # 06:30 local time, Monday to Saturday (a Saturday can be a make-up working day)
    "morning-warnings": {
        "task": "motcua.morning_warnings",
        "cron": {"hour": 6, "minute": 30, "day_of_week": "mon-sat"},
    },
    "sweep-files": {"task": "motcua.sweep_files", "cron": {"hour": 2, "minute": 15}},
    # the audit trail checked every night (docs/audit.md): a broken trail fails the task
    "audit-verify": {"task": "motcua.audit_verify", "cron": {"hour": 3, "minute": 0}},
    # postal shipments' statuses asked of the operator (the callbacks' safety net, docs/postal.md)
    "postal-poll": {"task": "motcua.postal_poll", "every": 900},
}
# MOTCUA_OUTBOX_DELIVERERS: comma-separated dotted paths of the functions the deliver-outbox
# task calls in turn (each takes no argument and returns a dict of counts).
MOTCUA_OUTBOX_DELIVERERS = [
    p.strip()
    for p in os.environ.get(
        "MOTCUA_OUTBOX_DELIVERERS",
        "motcua.integrations.services.outbox_deliver,"
        "motcua.integrations.portal.portal_sync_if_configured",
    ).split(",")
    if p.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
