"""Settings shared by every profile. Every value that differs between installations
comes from an environment variable documented in docs/configuration.md."""

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost"])

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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "rathaus.municipalities",
    "rathaus.accounts",
    "rathaus.catalogue",
    "rathaus.applications",
    "rathaus.audit",
    "rathaus.cases",
    "rathaus.postbox",
    "rathaus.appointments",
    "rathaus.visits",
    "rathaus.reports",
    "rathaus.roadmap",
    "rathaus.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rathaus.municipalities.middleware.MunicipalityMiddleware",
    "rathaus.portal.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rathaus.portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rathaus.applications.access.ForgetOnLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rathaus.portal.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
FORM_RENDERER = "rathaus.portal.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rathaus.municipalities.context_processors.municipality",
                "rathaus.accounts.context_processors.staff",
                "rathaus.portal.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: German first, English complete.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages from npm (`npm ci`), served under stable paths.
    ("vendor/kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # ALTCHA widget: the "external" build (no injected <style>, workers as files) for the strict CSP.
    ("vendor/altcha", BASE_DIR / "node_modules" / "altcha" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Application attachments and receipts: never under MEDIA_ROOT (which the web server publishes);
# only the portal's own views hand them out, after checking who asks.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rathaus"},
    # Page header and footer fragments (templates/base.html): in each process's memory, as they are the same
    # for every process and cost less to render again than to fetch over the network.
    "chrome": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rathaus-chrome",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
if env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Security headers that hold in every profile.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# E-mail
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rathaus <noreply@rathaus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "rathaus.accounts.adapters.AccountAdapter"
LOGIN_REDIRECT_URL = "accounts:overview"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Rathaus")
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Background tasks: database queue, worked off by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rathaus.portal.api_pagination.ApiPagination",
    "EXCEPTION_HANDLER": "rathaus.portal.api_errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rathaus API",
    "DESCRIPTION": "Öffentliche Programmierschnittstelle des virtuellen Rathauses. "
    "Alle Antworten gelten für die Kommune, zu der der aufgerufene Hostname gehört.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Product settings
RATHAUS_DEFAULT_MUNICIPALITY = env_str("RATHAUS_DEFAULT_MUNICIPALITY")
RATHAUS_MUNICIPALITY_CACHE_SECONDS = env_int("RATHAUS_MUNICIPALITY_CACHE_SECONDS", 60, minimum=0)
RATHAUS_PAGE_CACHE_SECONDS = env_int("RATHAUS_PAGE_CACHE_SECONDS", 60, minimum=0)
RATHAUS_STAFF_REQUIRE_MFA = env_bool("RATHAUS_STAFF_REQUIRE_MFA", True)
# Online applications: how long a worker may hold a hand-off before another may retry it, and how
# often the worker looks for submissions and hand-offs that a crash left behind.
RATHAUS_HANDOFF_LEASE_SECONDS = env_int("RATHAUS_HANDOFF_LEASE_SECONDS", 300, minimum=1)
RATHAUS_RECOVERY_INTERVAL_SECONDS = env_int("RATHAUS_RECOVERY_INTERVAL_SECONDS", 60, minimum=1)
# Cases: how often the worker sends deadline reminders and escalations and anonymises cases past
# their retention period (each pass handles a limited batch, so a short interval catches up quickly).
RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS = env_int("RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS", 900, minimum=1)
# Expired holds, lapsed waitlist offers, reminders and due draws of appointments: minutes matter here.
RATHAUS_APPOINTMENTS_HOUSEKEEPING_INTERVAL_SECONDS = env_int(
    "RATHAUS_APPOINTMENTS_HOUSEKEEPING_INTERVAL_SECONDS", 60, minimum=1
)
# Photos of abandoned Mängelmelder drafts and reports never confirmed by e-mail.
RATHAUS_REPORTS_HOUSEKEEPING_INTERVAL_SECONDS = env_int(
    "RATHAUS_REPORTS_HOUSEKEEPING_INTERVAL_SECONDS", 3600, minimum=1
)
# Expired rows of the database cache (the production profile without Redis): rate-limit counters that ran out.
RATHAUS_CACHE_HOUSEKEEPING_INTERVAL_SECONDS = env_int("RATHAUS_CACHE_HOUSEKEEPING_INTERVAL_SECONDS", 600, minimum=1)
# Per IP address: applications started, and resume links e-mailed (django-ratelimit rates).
RATHAUS_APPLICATION_START_RATE = env_str("RATHAUS_APPLICATION_START_RATE", "60/h")
RATHAUS_RESUME_LINK_RATE = env_str("RATHAUS_RESUME_LINK_RATE", "10/h")
# How many reverse proxies in front of the application are the installation's own: the per-address limits then
# count the address the outermost of them saw in X-Forwarded-For (rathaus/portal/client_address.py). 0: REMOTE_ADDR.
RATHAUS_TRUSTED_PROXIES = env_int("RATHAUS_TRUSTED_PROXIES", 0, minimum=0)
RATELIMIT_IP_META_KEY = "rathaus.portal.client_address.client_address"
# Webhook hand-offs go to https addresses on the public internet only; development may post to local receivers.
RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# An SMTP server that hangs must not outlast the hand-off lease (a second worker would send again).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 60, minimum=1)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
