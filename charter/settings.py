"""Charter settings. Every value that differs between machines comes from the environment."""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CHARTER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in var/ (never in the repo)."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # Ours, in the order of the design's domain map: a lower app never imports a higher one.
    "charter.core",
    "charter.accounts",
    "charter.customers",
    "charter.standards",
    "charter.catalog",
    "charter.orders",
    "charter.cases",
    "charter.feedback",
    "charter.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "charter.core.middleware.AuditContextMiddleware",
    "charter.core.middleware.ConstraintRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "charter.urls"
WSGI_APPLICATION = "charter.wsgi.application"

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
                "charter.core.context_processors.charter",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) under var/ by default so one command runs anywhere; PostgreSQL in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'charter.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
        # The web process and the worker write concurrently: take the write lock up front.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Connections kept between requests: opening one costs more than a simple request (SQLite's
# too, which registers its functions and pragmas on each).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Auth and passwords ---------------------------------------------------------------------
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "charter.accounts.backends.CachedModelBackend",
]
# How long a user's permissions may be read from the cache (changes of roles drop it at once).
PERMISSIONS_CACHE_SECONDS = env.int("PERMISSIONS_CACHE_SECONDS", default=300)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation and time ------------------------------------------------------------
LANGUAGE_CODE = "en-au"
TIME_ZONE = env.str("TIME_ZONE", default="Australia/Sydney")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
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
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Charter <charter@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The address people reach Charter at (scheme, host, port): links in emails, printed QR codes
# and survey invitations start with it. `make run` sets it from PORT; production must set it
# (checked at start-up, charter.core.checks); empty under DEBUG means http://127.0.0.1:8000.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "charter.core.error_views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # A load balancer probes /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call gets 401 with "WWW-Authenticate: Token".
        "charter.api.authentication.AuditedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with finite numbers and sane nesting; forms as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "charter.api.parsers.CharterJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "charter.api.pagination.CharterPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "charter.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Charter API",
    "DESCRIPTION": "Customer service quality management: the charter made executable.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RoleCodeEnum": "charter.accounts.models.RoleCode"},
}

# --- Audit trail ----------------------------------------------------------------------------
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
# auditlog's own migrations would create its default table even though ours replaces it.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_INCLUDE_ALL_MODELS = True
# Framework tables are not domain records; tokens are secrets.
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "admin",
    "sessions",
    "contenttypes",
    "auth.permission",
    "authtoken",
    "axes",
    "django_tasks_database",
    "core.scheduledjob",
    "core.settingsgeneration",  # a cache stamp, not a record
    # Bulk-written and themselves dated records of who, when and why.
    "customers.searchterm",
    "customers.segmentmembership",
    "customers.segmentevaluation",
    "customers.customerimport",
    # Mail is kept whole (raw bytes) in its own table, itself the record of what came and when.
    "cases.email",
    "cases.attachment",
    # A case's story and its contacts are themselves dated records of who did what, written
    # once and never edited by people; the case's own changes are audited.
    "cases.caseevent",
    "cases.contact",
    # The complaints log's monthly counts are worked out from cases, which are audited.
    "cases.casemonthcount",
    "cases.casemonthcountsstate",
    # Survey answers and invitations are written in bulk by customers and tasks, and are
    # themselves dated; a person's changes to comments (sorting, acting) are audited.
    "feedback.invitation",
    "feedback.response",
    "feedback.answer",
    "feedback.trainingexample",
    # A stored categoriser is a machine's artefact (megabytes of pickle), not a record people
    # change.
    "feedback.trainedcategoriser",
)
# Bookkeeping timestamps say nothing the entry's own time does not.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "updated_at")
AUDITLOG_MASK_TRACKING_FIELDS = ("password",)
# Customers' personal data never enters the append-only trail, so erasure can remove it all:
# the trail records that a personal field changed, and by whom, but not its values.
_PERSONAL = "charter.core.audit.mask_personal_data"
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "customers.customer",
        "mask_fields": ["name", "given_name", "family_name", "email", "phone", "date_of_birth"],
        "mask_callable": _PERSONAL,
    },
    {
        "model": "customers.contact",
        "mask_fields": ["name", "job_title", "email", "phone"],
        "mask_callable": _PERSONAL,
    },
    {
        "model": "customers.address",
        "mask_fields": ["line1", "line2", "locality", "postcode"],
        "mask_callable": _PERSONAL,
    },
    {"model": "customers.consentrecord", "mask_fields": ["note"], "mask_callable": _PERSONAL},
    {"model": "customers.segmentfeedback", "mask_fields": ["comment"], "mask_callable": _PERSONAL},
    {"model": "customers.segmentnotice", "mask_fields": ["note"], "mask_callable": _PERSONAL},
    {
        "model": "cases.case",
        "mask_fields": [
            "public_name",
            "public_email",
            "public_phone",
            "description",
            "desired_outcome",
        ],
        "mask_callable": _PERSONAL,
    },
    {
        "model": "feedback.comment",
        "mask_fields": ["text", "name", "email"],
        "mask_callable": _PERSONAL,
    },
)
AUDITLOG_STORE_JSON_CHANGES = True

# --- Background work ------------------------------------------------------------------------
# The database queue is the default; TASK_BACKEND=rq runs the same tasks on Redis workers.
if env.str("TASK_BACKEND", default="database") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif env.str("TASK_BACKEND", default="database") == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Caches ---------------------------------------------------------------------------------
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
        }
    }

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # axes logs every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Charter tunables -----------------------------------------------------------------------
CHARTER_ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Innovative Widgets")
CHARTER_DEMO_LOGINS_FILE = VAR_DIR / "demo-logins.txt"
CHARTER_APPROVAL_REMINDER_HOURS = env.int("APPROVAL_REMINDER_HOURS", default=24)
