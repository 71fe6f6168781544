"""Settings read from the environment (django-environ), with safe local defaults.

Local default: SQLite under var/, django-q2 on its ORM broker, mail to the console.
Set DATABASE_URL / REDIS_URL / EMAIL_URL to move to PostgreSQL, Redis and real SMTP.
Production deployments use config.production, which adds the HTTPS hardening.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# On by default for a developer's checkout, so a bare `manage.py` works; deployments use
# config.production, which forces DEBUG off and requires SECRET_KEY.
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "simple_history",
    "django_q",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "core",
    "outbox",
    "audit",
    "sla",
    "contacts",
    "verification",
    "escalation",
    "notifications",
    "api",
    "inbox",
    "chatops",
    "jiraops",
    "paging",
    "training",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RefuseNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.htmx: the bell and the self-refreshing pages answer htmx with a fragment.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Just outside KeepSessionAlive: a page refreshing itself does not keep a session alive.
    "notifications.polling.PollsKeepNoSessionAlive",
    "core.middleware.KeepSessionAlive",
    "core.middleware.AdminReadOnlyForViewers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Logins are throttled (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username, or from one address, further attempts are refused until the cool-off ends or
# a lead unlocks them in the admin. Behind a proxy set AXES_IPWARE_PROXY_COUNT.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False

# Sessions end after this long without a request (core.middleware.KeepSessionAlive renews
# an active session at most once a minute, so pages do not write the session each time).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60

# Content-Security-Policy (django-csp): scripts only from this site; inline styles are
# allowed because the stock admin's widgets set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL + a busy timeout keep the web process and the
    # ORM-broker worker from failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Connections are kept for a minute, on SQLite too: the ORM broker closes a connection
# past its age before each task it queues, so with 0 every batch of the SLA sweep (and
# every request) opened the database file again and re-ran the pragmas above.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"
# Each role's start page (escalation.desk.home.landing); the admin's sign-in page goes there too.
LOGIN_REDIRECT_URL = "landing"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# django-q2: ORM broker by default (one machine), Redis when REDIS_URL is set.
# timeout < retry so a slow task is never handed to a second worker while it runs;
# catch_up off so downtime does not replay every missed sweep; bounded attempts.
Q_CLUSTER = {
    "name": env.str("Q_CLUSTER_NAME", default="escalation"),
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 120,
    "max_attempts": 3,
    "catch_up": False,
    "queue_limit": 50,
    "scheduler": env.bool("Q_SCHEDULER", default=True),
    "sync": env.bool("Q_SYNC", default=False),
}
# How many other workers a large SLA sweep asks to help (PostgreSQL only; a helper that
# finds nothing left returns at once).
SLA_SWEEP_HELPERS = env.int("SLA_SWEEP_HELPERS", default=1)
# Timers per sweep transaction (one lock set, one event per kind, one outbox batch).
SLA_SWEEP_BATCH = env.int("SLA_SWEEP_BATCH", default=500)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="escalations@example.com")
# A hanging mail server stalls one message for this long, never the outbox (EMAIL_URL
# cannot carry a timeout, so it has its own variable).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Customer email in (inbox/): replies come back to reply+<signed ticket token>@ this domain
# (outbox.threading), which the email provider routes to /inbox/anymail/<esp>/inbound/.
INBOUND_EMAIL_DOMAIN = env.str(
    "INBOUND_EMAIL_DOMAIN", default=DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
)
# The provider signs in to that webhook with HTTP basic auth "user:pass" (comma-separated
# for a rotation, so no comma in a secret). Unset, inbound email is refused (inbox.urls).
ANYMAIL = {"WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[])}

# Outbox delivery: chat messages are POSTed as JSON to this webhook (Slack-compatible).
CHAT_WEBHOOK_URL = env.str("CHAT_WEBHOOK_URL", default="")
CHAT_TIMEOUT = env.int("CHAT_TIMEOUT", default=10)
# "slack" (Block Kit with buttons) or "teams" (an incoming-webhook card with a link).
CHAT_KIND = env.str("CHAT_KIND", default="slack")
# Slack app's signing secret: buttons pressed in Slack are refused until it is set.
SLACK_SIGNING_SECRET = env.str("SLACK_SIGNING_SECRET", default="")
# Where the result of a button press may be posted back (Slack's response_url host).
SLACK_RESPONSE_HOSTS = env.list("SLACK_RESPONSE_HOSTS", default=["hooks.slack.com"])
# Jira (jiraops): department requests become issues in the department's Jira target
# (contacts, set by directory admins); the account signs in with basic auth (email + API
# token). Jira's webhook is refused until its secret is set (X-Hub-Signature, sha256).
JIRA_EMAIL = env.str("JIRA_EMAIL", default="")
JIRA_API_TOKEN = env.str("JIRA_API_TOKEN", default="")
JIRA_WEBHOOK_SECRET = env.str("JIRA_WEBHOOK_SECRET", default="")
JIRA_TIMEOUT = env.int("JIRA_TIMEOUT", default=10)
# Paging (paging): a department with an active escalation policy and a routing key here
# ("department-code=key,...", never stored in the database) is paged through PagerDuty's
# Events API v2; the others by email and chat.
PAGERDUTY_ROUTING_KEYS = env.dict("PAGERDUTY_ROUTING_KEYS", default={})
PAGERDUTY_EVENTS_URL = env.str(
    "PAGERDUTY_EVENTS_URL", default="https://events.pagerduty.com/v2/enqueue"
)
PAGERDUTY_TIMEOUT = env.int("PAGERDUTY_TIMEOUT", default=10)
# This site's address as people reach it, for links in chat messages.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)

# History: reasons are free text (transition + why); revert is never offered.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; lockouts (WARNING) are what matters, and they
    # are in the audit trail too.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Identity verification (003): how long a request stays usable, and how many failed
# factors lock it (possible account takeover: security is alerted).
VERIFICATION_VALID_HOURS = env.int("VERIFICATION_VALID_HOURS", default=24)
VERIFICATION_MAX_FAILED_FACTORS = env.int("VERIFICATION_MAX_FAILED_FACTORS", default=3)

# The REST API (api/): integration tokens or the browser's session; errors as RFC 9457
# problem details; each account throttled on its own.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.handle",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_RATE", default="600/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Escalation back office API",
    "DESCRIPTION": "Tickets in from the helpdesk, hand-offs and answers out. Errors are "
    "RFC 9457 problem details (application/problem+json).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Flash messages live in the session, never in a cookie: the one that shows a new
# integration token must not travel through the browser's cookie jar.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Webhook subscribers may not point at this machine or the private network (SSRF); tests
# and a single-machine setup may allow it.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
