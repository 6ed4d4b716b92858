"""Recurring work of the platform, run by the worker: expired rows of the database cache.

Django's database cache deletes expired rows only when the table is full, and counts the table at every write.
Without Redis the rate-limit counters of every per-address limit live there, so the worker deletes what has
expired: the table then holds only live entries, and counting it stays cheap.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone


def housekeeping_run() -> dict[str, int]:
    """Delete expired entries of every database cache; returns how many rows went."""
    return {"cache_entries_expired": sum(_expired_delete(alias) for alias in settings.CACHES)}


def _expired_delete(alias: str) -> int:
    cache = caches[alias]
    if not isinstance(cache, DatabaseCache):
        return 0
    database = router.db_for_write(cache.cache_model_class)
    connection = connections[database]
    table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)
    expires = connection.ops.quote_name("expires")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608 - names of the cache's table, quoted
            [connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        return max(cursor.rowcount, 0)
