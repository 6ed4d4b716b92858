"""The production profile refuses to run insecurely. Each case starts a fresh Python process,
because settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import django
from django.conf import settings
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz", secure=True)
print("HSTS", response.get("Strict-Transport-Security"))
print("COOKIES", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)
print("REDIRECT", Client(HTTP_HOST="localhost").get("/impressum/").status_code)
import logging
logging.getLogger("rathaus.probe").warning("probe message", extra={"municipality": "esslingen"})
"""


def _run(extra_env: dict[str, str], probe: str = PROBE, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    """``probe`` in a fresh process with the production profile; without Redis unless ``extra_env`` names one."""
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_ENV", "REDIS_URL"}}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "production", "DATABASE_URL": "sqlite://:memory:"}
    )
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_production_without_secret_key_stops_with_a_clear_message():
    result = _run({})

    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_with_a_short_secret_key_stops_too():
    result = _run({"SECRET_KEY": "kurz"})

    assert result.returncode != 0


def test_production_sends_hsts_and_uses_secure_cookies_without_debug():
    result = _run({"SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "localhost"})

    assert result.returncode == 0, result.stderr
    assert "HSTS max-age=31536000; includeSubDomains" in result.stdout
    assert "COOKIES True True False" in result.stdout
    assert "REDIRECT 301" in result.stdout


def test_unknown_profile_name_is_refused():
    result = _run({"DJANGO_ENV": "prod"})

    assert result.returncode != 0
    assert "not a known profile" in result.stderr


def test_production_logs_one_json_object_per_line():
    import json

    result = _run({"SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "localhost"})

    records = [json.loads(line) for line in result.stderr.splitlines() if "probe message" in line]
    assert records, result.stderr
    assert records[0]["level"] == "WARNING"
    assert records[0]["logger"] == "rathaus.probe"
    assert records[0]["municipality"] == "esslingen"


CACHE_PROBE = """
import django
django.setup()
from django.core.cache import cache
from django.core.management import call_command
call_command("createcachetable")
# A counter that sorts first among the cache keys: the first a cull of a third of the keys would remove.
cache.set("rl:0000", 1, 3600)
for number in range(1, 1000):
    cache.set(f"rl:{number:04d}", 1, 3600)
print("KEPT", cache.get("rl:0000"))
"""


def test_production_keeps_every_live_rate_limit_counter_of_a_thousand_in_the_database_cache():
    # Without Redis the counters of django-ratelimit and allauth live in the database cache. Django's default
    # there (300 entries) throws away a third of the live counters at every write above it: an attacker cycling
    # through e-mail addresses from one address would wipe their own per-address counter.
    result = _run({"SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "localhost"}, probe=CACHE_PROBE, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "KEPT 1" in result.stdout


def test_production_with_a_zero_worker_interval_stops_at_start_with_the_variable_named():
    result = _run({"SECRET_KEY": "p" * 50, "RATHAUS_RECOVERY_INTERVAL_SECONDS": "0"})

    assert result.returncode != 0
    assert "RATHAUS_RECOVERY_INTERVAL_SECONDS must be at least 1, not 0." in result.stderr


def test_production_reads_the_reports_housekeeping_interval_from_the_environment():
    probe = "import django; from django.conf import settings; django.setup(); "
    probe += "from rathaus.reports.tasks import housekeeping_interval; print('EVERY', housekeeping_interval())"

    result = _run({"SECRET_KEY": "p" * 50, "RATHAUS_REPORTS_HOUSEKEEPING_INTERVAL_SECONDS": "1800"}, probe=probe)

    assert result.returncode == 0, result.stderr
    assert "EVERY 0:30:00" in result.stdout
