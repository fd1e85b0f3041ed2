"""One settings module, configured from the environment.

Every variable is documented in `.env.example`. Development defaults are safe:
DEBUG is off unless set, and secrets are generated once per checkout into `var/`
(never committed). With `MENTORING_ENV=production` every secret must come from
the environment, or start-up stops with a message saying which one is missing.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# Local state of a development checkout: generated secrets, the SQLite database, the
# embedded broker's folders. Tests point it at a temporary folder.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

MENTORING_ENV = env.str("MENTORING_ENV", default="development")
PRODUCTION = MENTORING_ENV == "production"
DEBUG = env.bool("DEBUG", default=False)


def _secret(name: str, make) -> str:
    """A secret from the environment; in development, one generated once into var/."""
    value = env.str(name, default="")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} is not set. In production every secret comes from the environment: "
            f"see .env.example."
        )
    path = VAR_DIR / f"dev-{name.lower().replace('_', '-')}"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))


def _fernet_keys(value: str) -> list[str]:
    """Check the keys now: a bad one would otherwise fail only at the first encryption."""
    keys = [k.strip() for k in value.split(",") if k.strip()]
    try:
        if not keys:
            raise ValueError("no key")
        for key in keys:
            Fernet(key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more Fernet keys, comma-separated, newest "
            'first. Generate one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from exc
    return keys


# Keys for encrypted fields (and MFA secrets), newest first: new values use the first.
# To rotate: prepend a new key, restart, run `manage.py rotate_field_keys` (re-encrypts
# every row with the first key, resumable), then drop the old keys.
FIELD_ENCRYPTION_KEYS = _fernet_keys(
    _secret("FIELD_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode())
)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the site's host names.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address, for links in emails, .ics UIDs and unsubscribe URLs. Production
# must name it, over https (RFC 8058 one-click unsubscribe needs https); development
# follows the port `make run` serves on.
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if PRODUCTION and not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is not set: give the site's public https address (https://mentoring.example.org)."
    )
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        f"SITE_URL must start with https:// in production (it is {SITE_URL!r}): "
        "links in emails and unsubscribe URLs must be https."
    )
SITE_URL = SITE_URL or f"http://127.0.0.1:{PORT}"
SITE_NAME = env.str("SITE_NAME", default="Mentoring for Health Professionals")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "mentoring.accounts",
    "mentoring.notifications",
    "programmes",
    "matching",
    "sessions.apps.MentoringSessionsConfig",
    "wellbeing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below), nonces for scripts.
    "csp.middleware.CSPMiddleware",
    # Refuses an oversized body before anything reads it (MAX_REQUEST_BYTES).
    "mentoring.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their long cache; pages are never stored.
    "mentoring.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Sessions and the security log (see "Sessions and the security log" below).
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "mentoring.accounts.middleware.SessionTimeoutMiddleware",
    "mentoring.accounts.middleware.RefusedAccessLogMiddleware",
    "mentoring.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

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
                "mentoring.context_processors.site",
                "programmes.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# --- Caches: "default" for what may be lost, "security" for what must not be ------------
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, pages keep working and the cache is empty.
            "BACKEND": "mentoring.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate-limit counters, sign-in throttling and used one-time codes: in the database, so
# they hold through a Redis outage and are shared by every web process. allauth is
# pointed at this alias in mentoring/accounts/throttle.py. Live entries are never culled;
# past MAX_ENTRIES rows, each write sweeps the expired ones.
CACHES["security"] = {
    "BACKEND": "mentoring.cache.SecurityDatabaseCache",
    "LOCATION": "accounts_security_cache",
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email is the login; no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
# allauth 65 lists only its own fields here; the full name comes from the sign-up form
# class, which also sets the order of the fields on the page.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "mentoring.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "mentoring.accounts.adapters.AccountAdapter"
# Tell people by email when their password, email address or two-factor settings change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# --- Sign-in throttling (README "Sign-in throttling"; mentoring/accounts/throttle.py) ---
# Nothing here counts failures across different accounts from one address: an NHS trust
# signs thousands of staff in from one address, and a typo must not pause their colleagues.
ACCOUNT_RATE_LIMITS = {
    # Every sign-in attempt from one address (IPv6: its /64): a ceiling against floods,
    # set far above a large hospital's busiest minute.
    "login": f"{env.int('LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE', default=120)}/m/ip",
    # Wrong passwords for one account from one address: that address pauses for that
    # account only.
    "login_failed_from_address": "5/15m/key,20/d/key",
    # Wrong passwords for one account from anywhere: slower, and above what one address
    # can reach alone (20 an hour, 20 a day); a password reset or a sign-in code lifts it.
    "login_failed_for_account": "30/h/key,100/d/key",
    # allauth's own use of this action: wrong two-factor codes, per account.
    "login_failed": "5/15m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Sensitive changes (email address, password, turning two-factor off, recovery codes)
# ask for the password or a code again when the last check is older than this.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
MFA_REAUTHENTICATION_REQUIRED = True
# How long the old address's "this wasn't me" link undoes an email change.
EMAIL_CHANGE_UNDO_DAYS = env.int("EMAIL_CHANGE_UNDO_DAYS", default=7)

# An emailed sign-in code: the way in that no one else's failed attempts can block.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Behind the reverse proxy every request comes from the proxy: trust its
# X-Forwarded-For for this many hops, or every person shares one address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# --- end of sign-in throttling ---
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Encrypts TOTP secrets and recovery-code seeds at rest with FIELD_ENCRYPTION_KEYS.
MFA_ADAPTER = "mentoring.accounts.adapters.MFAAdapter"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: the console in development, SMTP (EMAIL_URL=smtp+tls://user:pass@host:587) in production.
# An empty EMAIL_URL counts as unset, so production names it rather than its scheme.
_email_url = environ.Env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
EMAIL_HOST = _email_url["EMAIL_HOST"]
EMAIL_PORT = _email_url["EMAIL_PORT"]
EMAIL_HOST_USER = _email_url["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email_url["EMAIL_HOST_PASSWORD"]
# smtp+tls:// and smtps:// turn on TLS, smtp+ssl:// SSL (or ?use_tls=1, ?use_ssl=1).
EMAIL_USE_TLS = _email_url.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email_url.get("EMAIL_USE_SSL", False)
# A different backend by dotted path (the integration tests write each message to a file).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email_url["EMAIL_BACKEND"])
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
if PRODUCTION and EMAIL_BACKEND.endswith("console.EmailBackend"):
    raise ImproperlyConfigured("EMAIL_URL is not set: production sends email over SMTP.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="")
if PRODUCTION and not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL is not set: name the sender of every email "
        "(Mentoring <noreply@mentoring.example.org>)."
    )
DEFAULT_FROM_EMAIL = DEFAULT_FROM_EMAIL or f"{SITE_NAME} <noreply@example.org>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every email's Reply-To, so a reply reaches a person: a programme's contact address when
# the email is about a programme and it has one, otherwise this (default SUPPORT_EMAIL).
REPLY_TO_EMAIL = env.str("REPLY_TO_EMAIL", default="") or SUPPORT_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise an embedded file-system broker.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables for broadcasts (worker control); kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
    }
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
else:
    # Redis redelivers a message not acknowledged within this time. Reminders never
    # wait in the broker (their due time is a column in PostgreSQL) and a delivery task
    # is killed long before this, so only a worker lost mid-task is redelivered.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1800}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With the broker down, publishing gives up within a couple of seconds instead of
# holding a web request: the reminder rows are in PostgreSQL and go out when it is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}

# Reminders (mentoring/notifications): a claimed reminder is leased for this long; a
# delivery task is stopped well inside it. After this many attempts it is marked dead.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=300)
NOTIFICATIONS_TASK_SOFT_LIMIT = 60
# How often beat runs the dispatcher (seconds).
NOTIFICATIONS_DISPATCH_EVERY = env.int("NOTIFICATIONS_DISPATCH_EVERY", default=60)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
# No optional reminder lands between 21:00 and 07:00 in the recipient's time zone.
NOTIFICATIONS_QUIET_HOURS = (21, 7)
EMAIL_TIMEOUT = 30

# Security. Production turns everything on; `manage.py check --deploy` reports nothing.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp). Scripts and styles come from our own origin
# only: no inline scripts or event handlers, no eval (htmx is configured without it in
# base.html), no inline styles. The TOTP set-up page's QR code is a data: image.
# Violations are reported to `csp_report`, which logs them (logger
# mentoring.security.csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": "/csp-report/",
    },
}

# Request size caps. A body larger than MAX_REQUEST_BYTES (by its Content-Length) is
# refused with a 413 page before it is read; the reverse proxy in front should refuse
# it even earlier (nginx client_max_body_size, see the README). Django's own caps bound
# the parsed form fields and keep uploads above 2.5 MB on disk, not in memory.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file fields of one request (2.5 MB)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# ---- Sessions and the security log ----
# A person sees their signed-in sessions (allauth's user sessions) and can end the others.
# "Last seen" is written by SessionTimeoutMiddleware at most once a minute, not by allauth
# on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# Signed out after this long without activity, on top of SESSION_COOKIE_AGE: coordinators
# and welfare leads (in any programme) sooner than everyone else.
IDLE_TIMEOUT_PRIVILEGED_MINUTES = env.int("IDLE_TIMEOUT_PRIVILEGED_MINUTES", default=30)
IDLE_TIMEOUT_MINUTES = env.int("IDLE_TIMEOUT_MINUTES", default=4 * 60)
if PRODUCTION:
    # __Host- cookies are only accepted Secure, for Path=/ and without Domain, so no
    # other host (a sibling subdomain) can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_DOMAIN = None
    CSRF_COOKIE_DOMAIN = None
    SESSION_COOKIE_PATH = "/"
    CSRF_COOKIE_PATH = "/"
# ---- end of sessions ----

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # The security log: one line per event, key=value pairs, with the time.
        "security": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "formatter": "security"},
    },
    "loggers": {
        # Sign-ins, sign-outs, failures, account changes and refused access by id
        # (mentoring/accounts/security_log.py). Kept at INFO whatever LOG_LEVEL says.
        "mentoring.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # Content-Security-Policy violations reported by browsers, at WARNING, written by
        # the security log's handler.
        "mentoring.security.csp": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
