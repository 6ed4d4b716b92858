"""Test runs: fast hashing, mail kept in memory, tasks run at once."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so a worker process started by a test (test_worker_crash) sees the
    # test database; one per test process, so parallel runs in the same tree do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"rathaus-test-{os.getpid()}.sqlite3")
    }
RATHAUS_DEFAULT_MUNICIPALITY = env_str("RATHAUS_DEFAULT_MUNICIPALITY", "")
RATHAUS_MUNICIPALITY_CACHE_SECONDS = 0
RATHAUS_PAGE_CACHE_SECONDS = 0
# The hand-off tests run their webhook receivers on 127.0.0.1.
RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "confirm_email": False}  # type: ignore[dict-item]  # noqa: F405
# Serve static files straight from the finders so browser tests see the real styles.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Browser tests register security keys on http://localhost (a virtual authenticator in Chromium).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
