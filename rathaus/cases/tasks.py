"""Background work on cases, run by the worker. Tasks take ids and may run twice without harm."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from rathaus.portal.scheduling import recurring_ensure_scheduled, recurring_schedule_next

from . import housekeeping


def housekeeping_interval() -> timedelta:
    return timedelta(seconds=settings.RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS)


@task()
def cases_housekeeping() -> dict[str, int]:
    """Deadline reminders, escalations and retention, one batch each; then queue the next pass."""
    try:
        return housekeeping.housekeeping_run()
    finally:
        recurring_schedule_next(cases_housekeeping, housekeeping_interval())


def housekeeping_ensure_scheduled() -> bool:
    """Queue a housekeeping pass now unless one is already waiting; called when a worker starts."""
    return recurring_ensure_scheduled(cases_housekeeping)
