"""Production: refuses to start without a real secret, DEBUG off, HTTPS only, JSON logs."""

import sys

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

_WEAK_KEYS = {"", "changeme", "secret", "development-only-key-never-use-in-production"}
if SECRET_KEY in _WEAK_KEYS or len(SECRET_KEY) < 32:  # noqa: F405
    sys.exit(
        "Rathaus refuses to start: DJANGO_ENV=production needs SECRET_KEY set to a random value "
        "of at least 32 characters (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if not env_str("REDIS_URL"):
    # Rate limits and the municipality cache must be shared by all worker processes. Django's default of 300
    # entries would throw away a third of the live rate-limit counters at every write above it; the worker's
    # cache housekeeping deletes expired rows, so the table holds only live ones and counting it stays cheap.
    CACHES = {
        **CACHES,  # noqa: F405
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rathaus_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
RATHAUS_PRODUCTION = True
