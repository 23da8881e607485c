"""Kontor's settings. The environment is read here and nowhere else.

Every variable is optional: unset means the embedded default (SQLite, in-memory channel layer,
local files, background jobs run in process), so `kontor demo` works on a bare machine.
The README lists the variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(_env("KONTOR_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if key := _env("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "channels",
    "django_celery_beat",
    "server.accounts",
    "server.audit",
    "server.tenancy",
    "server.realtime",
    "dossier",
    "calendar_app",
    "bookkeeping",
    "chat",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "server.tenancy.access.ReachPerRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "server.urls"
ASGI_APPLICATION = "server.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: DATABASE_URL, else SQLite in the data dir -------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kontor.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo serves HTTP and the socket from threads of one process: wait for the
    # write lock rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif _env_bool("KONTOR_DB_POOL", True):
    # A connection pool per process (psycopg_pool): a request or socket action borrows a warm
    # connection instead of opening one (Django's persistent connections are unsafe under ASGI).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(_env("KONTOR_DB_POOL_SIZE", "20")),
        "timeout": 10,
    }

# Socket actions (chat.send, ...) run their database work on this many threads per process; each
# holds a connection while it works, so keep it at or below the pool size.
KONTOR_WS_ACTION_THREADS = int(_env("KONTOR_WS_ACTION_THREADS", "8"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: channel layer, cache, Celery broker ------------------------------------------------
REDIS_URL = _env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels-redis blocks up to 5 s per read: redis-py's default 5 s socket
                # timeout would crash every idle consumer. Many sockets closing at once need
                # more than the default 100 pooled connections.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "max_connections": 10000}],
                # The default capacity of 100 drops group messages silently under load; the event
                # log makes a drop recoverable, but it should stay rare.
                "capacity": int(_env("KONTOR_CHANNEL_CAPACITY", "5000")),
                "expiry": 60,
                "prefix": _env("KONTOR_CHANNEL_PREFIX", "kontor"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _env("KONTOR_CHANNEL_PREFIX", "kontor"),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 5000, "expiry": 60},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the jobs run in process, at the call, so the demo needs no worker.
CELERY_TASK_ALWAYS_EAGER = _env_bool("KONTOR_TASKS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Files: S3 when a bucket is set, else local disk in the data dir ---------------------------
S3_BUCKET = _env("S3_BUCKET")
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
if S3_BUCKET:
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _env("S3_ENDPOINT_URL") or None,
            "access_key": _env("S3_ACCESS_KEY_ID") or None,
            "secret_key": _env("S3_SECRET_ACCESS_KEY") or None,
            "region_name": _env("S3_REGION", "us-east-1"),
            "addressing_style": _env("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_expire": 300,
        },
    }
else:
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail: EMAIL_URL (smtp://user:pass@host:587/?tls=True), else printed on the console -----
_email = dj_email_url.parse(_env("EMAIL_URL") or "console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", "Kontor <noreply@kontor.localhost>")

# --- Sign-in -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:login"
# After this many failed sign-ins for one address (or from one client address) within the window,
# further attempts are refused until the window has passed.
KONTOR_LOGIN_MAX_FAILURES = int(_env("KONTOR_LOGIN_MAX_FAILURES", "5"))
KONTOR_LOGIN_WINDOW_SECONDS = int(_env("KONTOR_LOGIN_WINDOW_SECONDS", "900"))
KONTOR_WS_TICKET_SECONDS = 60
# Invitation and password-reset links work once, for this many hours.
KONTOR_PASSWORD_LINK_HOURS = int(_env("KONTOR_PASSWORD_LINK_HOURS", "72"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Live updates ------------------------------------------------------------------------------
# Events before the resume point that were written this long before it are replayed too, because
# a transaction can commit after a later id was already delivered (docs/realtime.md).
KONTOR_REPLAY_LOOKBACK_SECONDS = int(_env("KONTOR_REPLAY_LOOKBACK_SECONDS", "15"))
# More missed events than this and the client is told to reload over HTTP instead.
KONTOR_REPLAY_MAX_EVENTS = int(_env("KONTOR_REPLAY_MAX_EVENTS", "2000"))
KONTOR_EVENT_RETENTION_DAYS = int(_env("KONTOR_EVENT_RETENTION_DAYS", "30"))
KONTOR_WS_MAX_FRAME_BYTES = 64 * 1024
# How often a socket renews its group memberships (channels-redis expires them after a day).
KONTOR_WS_REJOIN_SECONDS = int(_env("KONTOR_WS_REJOIN_SECONDS", "3600"))
# Client frames per second a connection may send (sustained), and the burst it may save up.
KONTOR_WS_RATE = float(_env("KONTOR_WS_RATE", "20"))
KONTOR_WS_BURST = int(_env("KONTOR_WS_BURST", "40"))

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "server.accounts.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "server.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kontor API",
    "DESCRIPTION": "The client–accountant workspace. Live updates: see docs/realtime.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- Dossier -----------------------------------------------------------------------------------
# Uploads through Kontor (streamed to a temp file, hashed, then to storage); larger files go
# straight to S3 with a presigned POST.
KONTOR_UPLOAD_MAX_BYTES = int(_env("KONTOR_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024)))
KONTOR_DIRECT_UPLOAD_MAX_BYTES = int(_env("KONTOR_DIRECT_UPLOAD_MAX_BYTES", str(5 * 1024**3)))
KONTOR_DIRECT_UPLOAD_SECONDS = 3600
KONTOR_DOWNLOAD_LINK_SECONDS = int(_env("KONTOR_DOWNLOAD_LINK_SECONDS", "60"))
KONTOR_TRASH_RETENTION_DAYS = int(_env("KONTOR_TRASH_RETENTION_DAYS", "30"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# --- Chat --------------------------------------------------------------------------------------
KONTOR_CHAT_EDIT_MINUTES = int(_env("KONTOR_CHAT_EDIT_MINUTES", "15"))
# Unread messages are e-mailed after this grace period, unless read meanwhile.
KONTOR_CHAT_NOTIFY_GRACE_MINUTES = int(_env("KONTOR_CHAT_NOTIFY_GRACE_MINUTES", "10"))
KONTOR_SITE_URL = _env("KONTOR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("pl", "Polski"),
    ("nb", "Norsk bokmål"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
