"""Settings, driven by the environment.

Embedded mode (no DATABASE_URL / REDIS_URL): SQLite file, in-memory channel layer,
tasks run in-process, media on local disk. Production mode: DATABASE_URL (Postgres)
and REDIS_URL (Channels layer, Celery broker and results) switch everything over.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from detection.ops.logging import logging_config

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AIDETECT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# A development key is generated into var/ on first start so embedded mode needs no setup;
# production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    from .dev_secret import dev_secret_key

    SECRET_KEY = dev_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "drf_spectacular_sidecar",  # Swagger/ReDoc assets served locally: no CDN
    "channels",
    "accounts",
    "detection",
    "frontend",
]

MIDDLEWARE = [
    "detection.ops.middleware.TracingMiddleware",  # a no-op unless tracing is configured
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Needs request.user (staff may read /metrics), so it sits after authentication.
    "detection.ops.middleware.MetricsMiddleware",
    "detection.ops.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

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
            ]
        },
    }
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# A query that runs longer is cancelled, and a connection attempt gives up, so an
# overloaded or restarting database turns into quick 503s instead of piled-up requests.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)
DATABASE_CONNECT_TIMEOUT_S = env_int("DATABASE_CONNECT_TIMEOUT_S", 5)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            connect_timeout=DATABASE_CONNECT_TIMEOUT_S,
            options=f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, Celery --------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
EMBEDDED = not REDIS_URL
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, exactly channels_redis's
            # 5 s blocking pop: an idle WebSocket then dies with "Timeout reading" (1011).
            # The socket timeout must outlast the pop.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds rate-limit counters and circuit-breaker state: shared through Redis in
# production so every web replica and worker agrees, process-local in embedded mode.
REDIS_TIMEOUT_S = env_float("REDIS_TIMEOUT_S", 2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "aidetect",
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_S,
                "socket_connect_timeout": REDIS_TIMEOUT_S,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None  # results live in the Detection rows, not in Celery
# Embedded mode runs jobs on a thread inside the web process: the in-memory channel layer
# is per process, so a separate worker's messages would never reach the browser.
# "celery" | "thread" | "inline" (see detection/dispatch.py).
DETECTION_EXECUTOR = env_str("DETECTION_EXECUTOR", "thread" if EMBEDDED else "celery")
# Re-queue jobs an embedded server left unfinished when it stopped (set by .ci/serve).
DETECTION_RECOVER_ON_START = env_bool("DETECTION_RECOVER_ON_START", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "detection.tasks.run_detection": {"queue": "gpu"},
    "detection.tasks.score_window": {"queue": "live"},
}
# A job whose worker died without a word (SIGKILL, lost node) is re-delivered after this
# many seconds; it must exceed DETECTION_TASK_TIME_LIMIT or long jobs would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # How often a worker looks for such messages (kombu's defaults sweep every ~100 s).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    "socket_connect_timeout": REDIS_TIMEOUT_S,
    # Without it a publish on a dead connection (fail-over, NAT drop) waits forever.
    "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 10.0),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The web process publishes inside a request: give up after about a second (-> 503).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0.2,
    "interval_step": 0.4,
    "interval_max": 0.6,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# Retries of a job while the database or broker is unreachable (back-off up to 15 s each).
# They are not attempts: the retry resumes the same claim (detection/retries.py).
DETECTION_INFRA_RETRIES = env_int("DETECTION_INFRA_RETRIES", 30)
# A finished result whose save fails is saved again in place this many times (back-off
# doubling from the base, up to 8 s), then kept aside for the retry (detection/outcome.py).
DETECTION_SAVE_RETRIES = env_int("DETECTION_SAVE_RETRIES", 6)
DETECTION_SAVE_RETRY_BASE_S = env_float("DETECTION_SAVE_RETRY_BASE_S", 0.5)
# Running jobs hold a lease, renewed every third of it while the detector runs; the sweep
# re-queues jobs whose lease lapsed, and queued jobs this old (a lost broker message),
# in every process that runs jobs (detection/leases.py). Interval 0: no sweep.
DETECTION_LEASE_S = env_float("DETECTION_LEASE_S", 60.0)
DETECTION_SWEEP_INTERVAL_S = env_float("DETECTION_SWEEP_INTERVAL_S", 60.0)
DETECTION_REQUEUE_QUEUED_AFTER_S = env_float("DETECTION_REQUEUE_QUEUED_AFTER_S", 3600.0)

# --- Auth ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An open WebSocket re-checks its token or session (revoked, expired, logged out) on a
# timer while idle, and before sending once the last check is this old (0: every message).
WS_CREDENTIAL_CHECK_S = env_float("WS_CREDENTIAL_CHECK_S", 30.0)
WS_CREDENTIAL_RECHECK_S = env_float("WS_CREDENTIAL_RECHECK_S", 0.0)
# Guessing limits (accounts/lockout.py): failed sign-ins per username and per address
# within the window lock sign-in for LOGIN_LOCKOUT_S; failed API tokens per address
# within theirs get 429 for TOKEN_LOCKOUT_S.
LOGIN_FAILURES_PER_USER = env_int("LOGIN_FAILURES_PER_USER", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 900)
LOGIN_LOCKOUT_S = env_int("LOGIN_LOCKOUT_S", 900)
TOKEN_FAILURES_PER_ADDRESS = env_int("TOKEN_FAILURES_PER_ADDRESS", 20)
TOKEN_FAILURE_WINDOW_S = env_int("TOKEN_FAILURE_WINDOW_S", 300)
TOKEN_LOCKOUT_S = env_int("TOKEN_LOCKOUT_S", 300)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "frontend:upload"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
# Behind nginx (docker/nginx/nginx.conf), which terminates TLS and says so in a header.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# --- REST API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The API's JSON errors, with retry_after added to 429s (detection/api/errors.py).
    "EXCEPTION_HANDLER": "detection.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "detection.ops.throttles.AnonThrottle",
        "detection.ops.throttles.UserRateThrottle",
        "detection.ops.throttles.TokenRateThrottle",
        "detection.ops.throttles.SubmitRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "120/min"),
        "user": env_str("THROTTLE_USER", "1200/min"),
        "token": env_str("THROTTLE_TOKEN", "600/min"),
        "submit": env_str("THROTTLE_SUBMIT", "300/min"),
    },
    # X-Forwarded-For hops to trust when keying anonymous limits (1 behind nginx).
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0) or None,
    "DEFAULT_PARSER_CLASSES": [
        "detection.api.parsers.BoundedJSONParser",  # refuses deep nesting with a 400
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI content detection API",
    "DESCRIPTION": "Submit text, images, audio and video; get calibrated AI-generation verdicts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Media and static ----------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up without it
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve from the finders too, so embedded mode works without collectstatic.
WHITENOISE_USE_FINDERS = True

# --- Detection limits ------------------------------------------------------------------
DETECTION_MAX_UPLOAD_BYTES = env_int("DETECTION_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
DETECTION_MAX_TEXT_CHARS = env_int("DETECTION_MAX_TEXT_CHARS", 100_000)
DETECTION_MAX_BATCH_ITEMS = env_int("DETECTION_MAX_BATCH_ITEMS", 32)
DETECTION_TASK_SOFT_TIME_LIMIT = env_int("DETECTION_TASK_SOFT_TIME_LIMIT", 900)
DETECTION_TASK_TIME_LIMIT = env_int("DETECTION_TASK_TIME_LIMIT", 960)
DETECTION_TASK_MAX_RETRIES = env_int("DETECTION_TASK_MAX_RETRIES", 2)
DETECTION_READY_CHECK_TIMEOUT = env_float("DETECTION_READY_CHECK_TIMEOUT", 2.0)
# Audio/video longer than this is refused at upload (0: no limit beyond the detectors' own).
DETECTION_MAX_MEDIA_SECONDS = env_int("DETECTION_MAX_MEDIA_SECONDS", 600)

# Text streams (ws/text/stream/): open streams per account and in all, per server process
# (live checks have LIVE_MAX_SESSIONS_*).
TEXT_STREAM_MAX_PER_USER = env_int("TEXT_STREAM_MAX_PER_USER", 2)
TEXT_STREAM_MAX_TOTAL = env_int("TEXT_STREAM_MAX_TOTAL", 16)

# Live frames, voice windows and text-stream windows: with the Celery executor they go to
# the workers over their own queue (``celery -Q live``), each with an expiry; one not
# scored in time is dropped and counted (a stale window is worth nothing), never queued
# without bound. With the thread executor (embedded) they run on threads in this process.
DETECTION_WINDOW_QUEUE = env_str("DETECTION_WINDOW_QUEUE", "live")
DETECTION_LIVE_WINDOW_EXPIRY_S = env_float("DETECTION_LIVE_WINDOW_EXPIRY_S", 3.0)
DETECTION_STREAM_WINDOW_EXPIRY_S = env_float("DETECTION_STREAM_WINDOW_EXPIRY_S", 30.0)
# Embedded mode: threads scoring text-stream windows (the models use every core already).
DETECTION_TEXT_STREAM_THREADS = env_int("DETECTION_TEXT_STREAM_THREADS", 1)

# --- Throughput: result cache, dynamic batching, model memory ---------------------------
DETECTION_RESULT_CACHE = env_str("DETECTION_RESULT_CACHE", "owner")  # owner | global | off
DETECTION_BATCH_MAX_SIZE = env_int("DETECTION_BATCH_MAX_SIZE", 8)  # 1 turns batching off
DETECTION_BATCH_WAIT_MS = env_float("DETECTION_BATCH_WAIT_MS", 25.0)
# Batches of one detector running at once: 1 per GPU. On a CPU-only worker, batching rarely
# pays (see docker/README.md): set DETECTION_BATCH_MAX_SIZE=1 and let the threads run.
DETECTION_BATCH_CONCURRENCY = env_int("DETECTION_BATCH_CONCURRENCY", 1)
# DETECTION_MODEL_MEMORY_BUDGET_MB and DETECTION_MIN_FREE_MEMORY_MB are read by the engine
# (detection/engine/memory.py) from the environment, since the engine never imports Django.

# --- Protection: circuit breaker -------------------------------------------------------
DETECTION_CIRCUIT_FAILURES = env_int("DETECTION_CIRCUIT_FAILURES", 5)
DETECTION_CIRCUIT_RESET_S = env_int("DETECTION_CIRCUIT_RESET_S", 60)

# --- Observability -------------------------------------------------------------------------
METRICS_PATH = "/metrics"
METRICS_TOKEN = env_list("METRICS_TOKEN")  # bearer tokens a Prometheus scraper may present
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")  # e.g. "10.0.0.0/8"
DETECTION_METRICS_QUEUES = ["gpu", "live", "default"]  # Celery queues whose depth is exported
DETECTION_WORKER_METRICS_PORT = env_int("DETECTION_WORKER_METRICS_PORT", 0)
DETECTION_WORKER_METRICS_ADDR = env_str("DETECTION_WORKER_METRICS_ADDR", "0.0.0.0")  # noqa: S104
# Django refuses request bodies past this before our own checks run; keep it above the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# JSON lines in production (one object per line, with detection_id); plain in embedded mode.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if EMBEDDED else "json")
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), fmt=LOG_FORMAT)
