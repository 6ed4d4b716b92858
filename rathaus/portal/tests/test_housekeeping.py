"""The worker deletes expired rows of the database cache and keeps the live ones."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from rathaus.portal import housekeeping, tasks
from rathaus.portal.scheduling import recurring_ensure_scheduled

DATABASE_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "housekeeping-test"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rathaus_cache_housekeeping"},
}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _rows() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM rathaus_cache_housekeeping ORDER BY cache_key")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_pass_deletes_expired_cache_rows_and_keeps_live_counters(settings):
    settings.CACHES = DATABASE_CACHES
    call_command("createcachetable", "--database", "default")
    shared = caches["shared"]
    shared.set("rl:abgelaufen", 3, timeout=0)  # stored already expired, as a counter whose window has passed
    shared.set("rl:laufend", 2, timeout=3600)

    result = housekeeping.housekeeping_run()

    assert result == {"cache_entries_expired": 1}
    assert _rows() == [":1:rl:laufend"]
    assert shared.get("rl:laufend") == 2


@pytest.mark.django_db
def test_a_pass_without_a_database_cache_deletes_nothing(settings):
    settings.CACHES = {"default": DATABASE_CACHES["default"]}

    assert housekeeping.housekeeping_run() == {"cache_entries_expired": 0}


@pytest.mark.django_db
def test_there_is_one_chain_of_passes_and_each_pass_queues_the_next(settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    settings.RATHAUS_CACHE_HOUSEKEEPING_INTERVAL_SECONDS = 600

    assert recurring_ensure_scheduled(tasks.portal_housekeeping) is True
    assert recurring_ensure_scheduled(tasks.portal_housekeeping) is False
    DBTaskResult.objects.all().delete()

    assert tasks.portal_housekeeping.call() == {"cache_entries_expired": 0}

    (next_pass,) = DBTaskResult.objects.filter(task_path=tasks.portal_housekeeping.module_path)
    assert next_pass.run_after > timezone.now() + timedelta(seconds=590)


@pytest.mark.django_db
def test_a_pass_that_fails_still_queues_the_next(settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS

    def broken() -> dict[str, int]:
        raise RuntimeError("Datenbank nicht erreichbar")

    monkeypatch.setattr(housekeeping, "housekeeping_run", broken)

    with pytest.raises(RuntimeError):
        tasks.portal_housekeeping.call()

    assert DBTaskResult.objects.filter(task_path=tasks.portal_housekeeping.module_path).count() == 1


def test_a_recurring_task_keeps_the_name_the_worker_finds_it_by():
    assert tasks.portal_housekeeping.module_path == "rathaus.portal.tasks.portal_housekeeping"
    assert tasks.portal_housekeeping.func.__doc__.startswith("Delete expired entries")
