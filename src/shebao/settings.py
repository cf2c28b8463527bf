"""Django settings, driven by environment variables.

``SHEBAO_ENV=production`` switches on the production checks: a real ``SECRET_KEY``,
explicit ``ALLOWED_HOSTS`` and secure cookies are then required, and the process refuses to
start with the development defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SHEBAO_VAR_DIR", PROJECT_DIR / "var"))
DATA_DIR = Path(os.environ.get("SHEBAO_DATA_DIR", PROJECT_DIR / "data"))

ENVIRONMENT = os.environ.get("SHEBAO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

# Old keys still accepted for sessions and signatures while a new SECRET_KEY rolls out.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]

if PRODUCTION:
    # The same thresholds as Django's own ``check --deploy`` (security.W009), so a key that
    # starts the server never draws that warning.
    if (
        not SECRET_KEY
        or SECRET_KEY == _DEV_SECRET
        or SECRET_KEY.startswith("django-insecure-")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "生产模式必须设置 SECRET_KEY 环境变量：至少 50 个字符、不少于 5 种不同字符的随机串，"
            "例如 python3 -c 'import secrets; print(secrets.token_urlsafe(50))' 的输出。"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产模式必须设置 ALLOWED_HOSTS 环境变量（逗号分隔的域名）。")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产模式的 ALLOWED_HOSTS 不得使用通配符 *，请逐个列出域名。")
    if DEBUG:
        raise ImproperlyConfigured("生产模式不得开启 DEBUG。")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shebao.core",
    "shebao.accounts",
    "shebao.catalog",
    "shebao.rules",
    "shebao.cases",
    "shebao.portal",
    "shebao.workbench",
    "shebao.reports",
    "shebao.lifeevents",
    "shebao.ops",
]

MIDDLEWARE = [
    "shebao.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shebao.ops.middleware.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shebao.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "shebao.urls"
CSRF_FAILURE_VIEW = "shebao.core.views.csrf_failure"
WSGI_APPLICATION = "shebao.wsgi.application"

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
                "shebao.core.context.site",
            ],
        },
    }
]

from shebao.reports.dbsettings import SQLITE_ENGINE, SQLITE_OPTIONS, demo_database  # noqa: E402

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'shebao.sqlite3'}"
# Workers keep their connection for a minute: opening one (and, on SQLite, running the PRAGMAs
# below) costs more than most of our requests.
CONN_MAX_AGE = int(os.environ.get("SHEBAO_CONN_MAX_AGE", "60"))
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=CONN_MAX_AGE)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE transactions take the write lock up
    # front, queued on a file lock (shebao.core.sqlite) instead of SQLite's sleeping busy handler.
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SHEBAO_TEST_SQLITE") or None
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs more than the dashboard's aggregates take to run.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Where `shebao demo generate` writes clearly labelled demo cases (never the default database).
DATABASES["demo"] = demo_database(VAR_DIR)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed logins are counted in the database (so every worker and machine sees them): after
# SHEBAO_LOGIN_MAX_FAILURES failures for one username from one address within
# SHEBAO_LOGIN_LOCK_MINUTES minutes, that pair is locked for the rest of the window.
AUTHENTICATION_BACKENDS = ["shebao.ops.throttle.ThrottledModelBackend"]
SHEBAO_LOGIN_MAX_FAILURES = int(os.environ.get("SHEBAO_LOGIN_MAX_FAILURES", "5"))
SHEBAO_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("SHEBAO_LOGIN_MAX_FAILURES_PER_IP", "30"))
SHEBAO_LOGIN_LOCK_MINUTES = int(os.environ.get("SHEBAO_LOGIN_LOCK_MINUTES", "15"))
# Behind a reverse proxy every request comes from the proxy's address; rate limits (login, the
# public progress query) need the client's. SHEBAO_TRUST_X_FORWARDED_FOR=1 takes the first
# X-Forwarded-For address, SHEBAO_CLIENT_IP_HEADER names another header (e.g. HTTP_X_REAL_IP).
# Only set them when the proxy overwrites that header (nginx: proxy_set_header X-Forwarded-For
# $remote_addr), or clients can pick their own address.
SHEBAO_TRUST_X_FORWARDED_FOR = os.environ.get("SHEBAO_TRUST_X_FORWARDED_FOR") == "1"
SHEBAO_CLIENT_IP_HEADER = os.environ.get("SHEBAO_CLIENT_IP_HEADER", "")
# How often ``shebao serve`` runs the case deadline job (seconds).
SHEBAO_TICK_INTERVAL = int(os.environ.get("SHEBAO_TICK_INTERVAL", "180"))
# Extra views for the benchmarks (a bare constant view); never on in production.
SHEBAO_BENCH_VIEWS = os.environ.get("SHEBAO_BENCH") == "1" and not PRODUCTION
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:queue"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Our few additions to Django's own Chinese (admin strings its zh_Hans catalog leaves in English).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production whitenoise finds files on request (no collectstatic, no STATIC_ROOT needed).
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Requests larger than this are refused with 413 (see shebao.core.middleware): 2 MB for forms
# and JSON, SHEBAO_MAX_UPLOAD_BYTES (default 10 MB) for multipart uploads of scanned materials.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
SHEBAO_MAX_UPLOAD_BYTES = int(os.environ.get("SHEBAO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "1") == "1"
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
    # A working day at the window; staff sign in again the next morning.
    SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(10 * 3600)))
    SESSION_COOKIE_NAME = "__Host-sessionid"
    if not SECURE_SSL_REDIRECT:
        # TLS ends at the reverse proxy, which redirects plain HTTP itself (README 部署).
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
                               if os.environ.get("PYTEST_CURRENT_TEST") else
                               "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@shebao.local")
# The mail server for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend. Messages go out
# right after the change commits, inside the clerk's request: without a timeout an unreachable
# server would hold that request (and its worker) until the operating system gives up.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "5"))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS 与 EMAIL_USE_SSL 只能设置一个（STARTTLS 或 SMTPS）。")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The county whose catalog the public site shows when a request names none.
SHEBAO_DEFAULT_COUNTY = os.environ.get("SHEBAO_COUNTY", "140522")
SHEBAO_CATALOG_FILE = Path(os.environ.get("SHEBAO_CATALOG_FILE", DATA_DIR / "catalog" / "yangcheng.yaml"))
SHEBAO_PDF_FONT = os.environ.get("SHEBAO_PDF_FONT", str(BASE_DIR / "core" / "static" / "fonts" / "wqy-microhei.ttc"))
SHEBAO_WARNING_DAYS = int(os.environ.get("SHEBAO_WARNING_DAYS", "2"))

# Logs go to stderr, one line per record; SHEBAO_LOG_JSON=1 makes each line a JSON object.
# Personal data (ID numbers, credit codes, phone numbers) is masked by a filter on the handler.
SHEBAO_LOG_JSON = os.environ.get("SHEBAO_LOG_JSON") == "1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "shebao.core.logging.PersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "shebao.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if SHEBAO_LOG_JSON else "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SHEBAO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Our request log replaces Django's (which prints query strings).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
