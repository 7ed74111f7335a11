"""casereview settings, all read from the environment (see README "Environment variables").

With nothing set beyond DEBUG=true the product runs on a laptop: a SQLite file in the project,
Celery tasks run in-process and a local-memory cache. With DATABASE_URL and REDIS_URL it is
the production shape: PostgreSQL, Redis as cache and Celery broker, separate workers.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from casereview.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str
from casereview.error_tracking import init_error_tracking
from casereview.logging_setup import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

# A development checkout's .env (bin/run writes DEBUG=true there) fills in variables that are not
# set; the real environment always wins. CASEREVIEW_ENV_FILE names another file (os.devnull: none).
load_dotenv(os.environ.get("CASEREVIEW_ENV_FILE") or BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For a development machine set DEBUG=true; "
            "for production generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address people use to reach the site, for links printed outside a request
# (e.g. the password link that `add_member` prints).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "casereview",
    "workshops",
    "analytics",
    "improvement",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "csp",
    "axes",
    "django_structlog",
    # Sign-in (issue 35): allauth's account flow for the MFA step, TOTP and recovery codes, and
    # each LA's OpenID Connect provider (the "council" provider of casereview/provider.py).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
]

MIDDLEWARE = [
    # First, so that every response carries X-Request-ID and every line of a request its id.
    "casereview.request_logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Counts every request by view name and status, and times it (/metrics, docs/operations.md).
    "casereview.metrics.RequestMetricsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that reads the database (sessions, sign-in): a blip answers 503, not 500.
    "casereview.database_unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Renews a signed-in session at most once a minute (inside SessionMiddleware, which saves it).
    "casereview.sessions.IdleSessionMiddleware",
    # allauth's pending sign-in (between the password and the second factor) lives in the session.
    "allauth.account.middleware.AccountMiddleware",
    # MFA set up before anything else where required; SSO sessions end; SSO-only LAs have no
    # password sessions (casereview/signin/policy.py).
    "casereview.signin.policy.SignInPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casereview.urls"
WSGI_APPLICATION = "casereview.wsgi.application"

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
                "casereview.context_processors.membership",
            ],
        },
    },
]

# Database. Persistent connections with health checks: a web process reuses its connection
# across requests instead of paying for a new one each time, and notices a dead one.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60, minimum=0)
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Tell the planner that reading by index is cheap, as it is on SSD storage (PostgreSQL's
    # default of 4 dates from spinning disks). Otherwise it reads every LA's reviews to report on
    # one, and a report's time grows with the whole installation, not with the LA (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=" + env_str(
        "DATABASE_RANDOM_PAGE_COST", "1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache and Celery broker. Unset: a local-memory cache and tasks run in-process.
REDIS_URL = env_redis_url("REDIS_URL")
# Lets several installations (or test runs) share one Redis without reading each other's keys.
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "casereview")
if REDIS_URL:
    # Short timeouts: with Redis down, a save must carry on at once rather than hang (docs/design.md,
    # “The write path: nothing lost”).
    CACHES = {
        "default": {
            "BACKEND": "casereview.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_KEY_PREFIX}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message is acknowledged once its task has finished, so a worker killed mid-task (or holding a
# task waiting for its countdown) leaves it in Redis to be delivered again; a worker process lost
# under a pool puts it back at once. Every task is idempotent (docs/design.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis hands an unacknowledged message to another worker after this long: it must exceed the
# longest a healthy worker holds one, a countdown (60 s at most) plus the longest hard time limit
# (900 s, the nightly retention job; refreshes 150 s), or a task still running would be run twice.
# A lost refresh does not wait for it: the sweep queues it again within a minute (analytics/snapshots.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1020, "socket_connect_timeout": 1, "socket_timeout": 2}
# Enqueueing happens after a save has committed; with the broker down it must fail fast (and be
# logged) instead of retrying while a facilitator or a phone waits.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# How often beat sweeps for figures left stale by a lost refresh (analytics/tasks.py).
REPORT_SWEEP_SECONDS = env_int("REPORT_SWEEP_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "casereview.tasks.worker_heartbeat", "schedule": 60.0},
    # Catches up any snapshot whose refresh request was lost (Redis or the worker was down).
    "sweep-stale-report-snapshots": {
        "task": "analytics.tasks.sweep_stale_snapshots",
        "schedule": float(REPORT_SWEEP_SECONDS),
    },
    "delete-workshops-past-retention": {
        "task": "workshops.tasks.delete_workshops_past_retention",
        "schedule": 24 * 3600.0,
    },
    # Each member's improvement plan actions and follow-ups due, by email (improvement/reminders.py):
    # 07:00 in TIME_ZONE (Europe/London), which Celery reads as its own time zone.
    "send-plan-reminders": {
        "task": "improvement.tasks.send_plan_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
# /metrics (Prometheus) answers only a scraper sending "Authorization: Bearer <METRICS_TOKEN>";
# unset, it is not there at all (404). Several gunicorn workers share their counts through the
# folder PROMETHEUS_MULTIPROC_DIR names (read by prometheus-client itself: casereview/metrics.py).
METRICS_TOKEN = env_str("METRICS_TOKEN")

AUTH_USER_MODEL = "casereview.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after 5 failed sign-ins for one email from one address, that pair waits.
# No "AXES: BEGIN version..." banner on stderr before every manage.py command's own output.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The sign-in form posts "username"; allauth's re-authentication and the second factor pass "email":
# both count against one person's lockout (casereview/signin/lockout.py).
AXES_USERNAME_CALLABLE = "casereview.signin.lockout.axes_username"
# The client's address behind the load balancer: X-Forwarded-For, trusted for as many proxies as
# there are (casereview/client_ip.py). Shared with the attendee limits.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "casereview.client_ip.axes_client_ip"
# Its log lines name a client by address, never by the email typed into the form.
AXES_CLIENT_STR_CALLABLE = "casereview.request_logging.axes_client_str"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- allauth (issue 35) ----------------------------------------------------------------------------
# Accounts are made only by add_member or the people page: nobody signs up, by password or provider.
ACCOUNT_ADAPTER = "casereview.signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "casereview.signin.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
# Wrong second-factor codes: 5 per person in 15 minutes (as django-axes allows passwords), 10 a
# minute per client address. allauth counts them in the cache (casereview/signin/lockout.py also
# counts each as a failed sign-in for django-axes).
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,{AXES_FAILURE_LIMIT}/{int(AXES_COOLOFF_TIME.total_seconds())}s/key"}
# Passkeys (WebAuthn, through fido2) count as a second factor like the authenticator app.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "casereview.signin.adapters.MfaAdapter"
MFA_TOTP_ISSUER = "casereview"
# A code of the period before or after is accepted too: phones' clocks drift by seconds.
MFA_TOTP_TOLERANCE = 1
# A passkey is a second step after the password, never a way in on its own: allauth's passwordless
# sign-in would skip casereview's sign-in form, so neither django-axes' lockout nor the refusal of
# password-style sign-ins for members of an LA that requires its own provider would apply to it.
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_PASSKEY_SIGNUP_ENABLED = False
# Ask the passkey for a PIN or fingerprint where it has one; a plain security key still works.
MFA_WEBAUTHN_USER_VERIFICATION = "preferred"
MFA_TRUST_ENABLED = False
# Who must use a second factor in an LA that has not chosen (OrganisationSignIn.mfa_required_for):
# programme leads in production; nobody on a development machine. Superusers always.
MFA_REQUIRED_FOR_DEFAULT = env_str("MFA_REQUIRED_FOR_DEFAULT", "none" if DEBUG else "leads")
if MFA_REQUIRED_FOR_DEFAULT not in ("leads", "everyone", "none"):
    raise ImproperlyConfigured("MFA_REQUIRED_FOR_DEFAULT must be leads, everyone or none.")
# A session begun at an LA's provider ends this long after that sign-in, however busy: a leaver
# disabled at the provider is out within this many hours (the next sign-in asks the provider).
SSO_SESSION_HOURS = env_int("SSO_SESSION_HOURS", 10, minimum=1)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching a provider's person is casereview's own rule
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {"council": {"OAUTH_PKCE_ENABLED": True}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic gathers the files WhiteNoise serves (and their manifest) when DEBUG is off.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "casereview.staticfinders.PlotlyJsFinder",
]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "casereview <noreply@casereview.invalid>")

# HTTPS. On by default whenever DEBUG is off; HTTPS=false is only for trying the production
# shape on a machine without TLS (e.g. docker compose on a laptop).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Only a header flag: submitting the domain to the browsers' preload list is a separate, deliberate act.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_TLS_PROXY", False):
    # The load balancer terminates TLS and says so in this header; trust it only when told to.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Signed-in sessions end after this long without a request: IdleSessionMiddleware renews them
# (to within a minute) rather than SESSION_SAVE_EVERY_REQUEST writing one on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120, minimum=5) * 60
# Database sessions whose renewal is one UPDATE, not a transaction of its own (casereview/sessions.py).
SESSION_ENGINE = "casereview.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: pages load their JavaScript from our own static files, and chart data
# travels as JSON (<script type="application/json">), which a browser never runs. Inline styles
# stay allowed because Plotly and htmx set element styles as they draw.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# One JSON object a line in production, lines for people with DEBUG on (casereview/logging_setup.py).
LOGGING = logging_config(debug=DEBUG, level=env_str("LOG_LEVEL", "INFO"))
configure_structlog()
# django-structlog: one line as each request finishes (its start only at DEBUG), with the request id
# casereview/request_logging.py chose (from the proxy only when TRUSTED_PROXY_HOPS > 0), and each
# Celery task's id.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# Error tracking: off unless SENTRY_DSN is set; sends no personal data (casereview/error_tracking.py).
init_error_tracking(
    dsn=env_str("SENTRY_DSN"),
    environment=env_str("SENTRY_ENVIRONMENT", "production"),
    traces_sample_rate=env_str("SENTRY_TRACES_SAMPLE_RATE", "0"),
)
