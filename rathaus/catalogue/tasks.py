"""Background work of the catalogue: scheduled XZuFi imports."""

from django_tasks import task

from . import services


@task()
def catalogue_feed_import(feed_id: int, token: str) -> int | None:
    """Import a configured XZuFi feed and queue its next run; stale runs do nothing."""
    run = services.feed_run(feed_id=feed_id, token=token)
    return run.pk if run else None
