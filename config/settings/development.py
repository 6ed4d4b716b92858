"""Local development: DEBUG on, SQLite, e-mails on the console, a default municipality."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

DEBUG = env_bool("DEBUG", True)
# See template changes at once while developing, also in header and footer.
RATHAUS_PAGE_CACHE_SECONDS = env_int("RATHAUS_PAGE_CACHE_SECONDS", 0, minimum=0)
CACHES = {**CACHES, "chrome": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
SECRET_KEY = SECRET_KEY or "development-only-key-never-use-in-production"  # noqa: F405
RATHAUS_DEFAULT_MUNICIPALITY = env_str("RATHAUS_DEFAULT_MUNICIPALITY", "esslingen")
RATHAUS_STAFF_REQUIRE_MFA = env_bool("RATHAUS_STAFF_REQUIRE_MFA", True)
# Local test receivers for webhook hand-offs.
RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
# Security keys need a secure origin; http://*.localhost counts only with this switch.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
