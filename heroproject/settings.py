"""Settings for heroproject, read from the environment with safe defaults.

Production needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; everything else has a default that
works on one machine (SQLite and a database cache under DATA_DIR).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HEROPROJECT_DATA_DIR", BASE_DIR / "data"))
MODELS_DIR = Path(os.environ.get("HEROPROJECT_MODELS_DIR", DATA_DIR / "models"))
DATASETS_DIR = Path(os.environ.get("HEROPROJECT_DATASETS_DIR", DATA_DIR / "datasets"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_ratelimit",  # only its system checks; the limits are in heroproject/ratelimits.py
    "django_tasks",
    "django_tasks_db",
    "classifier",
    "namegen",
    "quotes",
    "studio",
    "management",
    "heroes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "heroproject.compression.PublicHTMLGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After CSRF (forgeries are refused, not counted) and HTMX (its answer may be a partial).
    "heroproject.ratelimits.RateLimitMiddleware",
]

ROOT_URLCONF = "heroproject.urls"
WSGI_APPLICATION = "heroproject.wsgi.application"

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
                "quotes.context_processors.quote",
            ],
        },
    },
]

# SQLite by default: WAL lets readers and a writer work at once, IMMEDIATE transactions take the
# write lock up front so concurrent writers wait (up to the timeout) instead of failing.
# Connections persist (one per worker thread): opening one and setting its pragmas cost 1.5 ms,
# a tenth of a classification. synchronous=FULL flushes the log at each commit, so a committed
# row survives a power cut too, not only a killed process (NORMAL would lose the last commits).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

# One cache shared by every gunicorn worker: Redis when configured, else a database table.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "heroproject_cache",
        }
    }

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
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    # Uploads are flushed to disk under a temporary name and then named: see heroproject.storage.
    "default": {"BACKEND": "heroproject.storage.DurableFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# HTTPS hardening is on in production; DJANGO_HTTPS=0 serves plain HTTP (a local run.sh).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy (DJANGO_BEHIND_PROXY=1), trust the scheme and client address it adds.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # TensorFlow logs each SavedModel it writes on the way to a TFLite export.
    "loggers": {"tensorflow": {"level": "WARNING"}},
}

# Quotes: the provider chain is tried in order until one yields quotes; base URLs are settings so
# tests can point them at a local server.
QUOTES_PROVIDERS = [
    {
        "BACKEND": "quotes.providers.ZenQuotes",
        "OPTIONS": {"base_url": os.environ.get("ZENQUOTES_URL", "https://zenquotes.io")},
    },
    {
        "BACKEND": "quotes.providers.Quotable",
        "OPTIONS": {"base_url": os.environ.get("QUOTABLE_URL", "https://api.quotable.io")},
    },
    {"BACKEND": "quotes.providers.Bundled", "OPTIONS": {}},
]
QUOTES_TIMEOUT = float(os.environ.get("QUOTES_TIMEOUT", "3"))
QUOTES_MAX_AGE = int(os.environ.get("QUOTES_MAX_AGE", str(6 * 60 * 60)))
QUOTES_MAX_LENGTH = 400
# Pages start a background refill when the pool is stale; 0 leaves refills to `refresh_quotes`.
QUOTES_AUTO_REFILL = env_bool("QUOTES_AUTO_REFILL", True)

# Classifier uploads: larger files are refused before they are read whole; originals are kept
# (for "add to dataset") for PREDICTIONS_RETENTION_DAYS, then `prune_predictions` deletes them.
CLASSIFIER_MAX_UPLOAD_BYTES = int(os.environ.get("CLASSIFIER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# The studio takes a zip of class folders up to this size (its images each up to the one above).
STUDIO_MAX_ZIP_BYTES = int(os.environ.get("STUDIO_MAX_ZIP_BYTES", 200 * 1024 * 1024))
PREDICTIONS_KEEP_ORIGINALS = env_bool("PREDICTIONS_KEEP_ORIGINALS", True)
PREDICTIONS_RETENTION_DAYS = int(os.environ.get("PREDICTIONS_RETENTION_DAYS", "30"))
FILE_UPLOAD_HANDLERS = [
    "heroproject.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


# Rate limits per client (heroproject/ratelimits.py; its middleware refuses a bad rate at startup):
# COUNT/PERIOD such as "20/m" or "100/5m"; "" or "0" turns a limit off. Over it: 429 + Retry-After.
# Classifying costs 25-40 ms of CPU and stores a thumbnail and the original: 20 a minute is far
# more than a person picking images needs, and keeps one script to a fraction of a core. Names
# cost 1-2 ms: 60 a minute leaves room for scripts calling the API once per name. Every other
# POST, PUT, PATCH or DELETE (forms, the admin) counts as "writes": 120 a minute, more than anyone
# clicking needs.
RATE_LIMITS = {
    "classify": os.environ.get("RATELIMIT_CLASSIFY", "20/m"),
    "names": os.environ.get("RATELIMIT_NAMES", "60/m"),
    "writes": os.environ.get("RATELIMIT_WRITES", "120/m"),
}
# The client is REMOTE_ADDR; behind a proxy, the last X-Forwarded-For entry (the proxy's own).
RATELIMIT_IP_META_KEY = "heroproject.ratelimits.client_ip"
# A cache failure lets requests through rather than refusing every visitor.
RATELIMIT_FAIL_OPEN = True
# django-ratelimit wants a cache with an atomic increment. Django's own RedisCache has one (INCR)
# but is not on the library's list (W001). The database cache (E003) reads and writes the count
# in two steps, so under heavy concurrency a few requests may go uncounted: good enough for a
# limit meant to stop one client hogging the site; set REDIS_URL for exact counts.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# The task queue (the studio's training jobs). By default the database is the queue and
# `manage.py db_worker` runs its tasks: no other server. TASKS_REDIS_URL moves the queue to
# Redis, run by RQ (`manage.py rqworker default`): workers on other machines sharing the database
# and the models directory.
TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "")
if TASKS_REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    INSTALLED_APPS.append("django_rq")  # its admin dashboard reads Redis: only when it is used
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# RQ runs django-tasks' tasks with their job class, and never times a training out (-1).
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
RQ_QUEUES = {
    "default": {"URL": TASKS_REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": -1}
}
