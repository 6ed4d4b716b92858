"""Background work on cases, run by the worker. Tasks take ids and may run twice without harm."""

from datetime import timedelta

from django.conf import settings

from rathaus.portal.scheduling import recurring_ensure_scheduled, recurring_task

from . import housekeeping


def housekeeping_interval() -> timedelta:
    return timedelta(seconds=settings.RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS)


@recurring_task(housekeeping_interval)
def cases_housekeeping() -> dict[str, int]:
    """Deadline reminders, escalations and retention, one batch each; then queue the next pass."""
    return housekeeping.housekeeping_run()


def housekeeping_ensure_scheduled() -> bool:
    """Queue a housekeeping pass now unless one is already waiting; called when a worker starts."""
    return recurring_ensure_scheduled(cases_housekeeping)
