"""Pick the settings profile from ``DJANGO_ENV`` (development, test, production)."""

import os
import sys

_PROFILES = {"development", "test", "production"}
_profile = os.environ.get("DJANGO_ENV", "development").strip().lower()

if _profile not in _PROFILES:
    sys.exit(f"DJANGO_ENV={_profile!r} is not a known profile; use one of {', '.join(sorted(_PROFILES))}.")

if _profile == "production":
    from .production import *  # noqa: F403
elif _profile == "test":
    from .test import *  # noqa: F403
else:
    from .development import *  # noqa: F403
