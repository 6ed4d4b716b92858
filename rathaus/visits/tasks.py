"""Background work of the counter side, run by the worker. Passes may run twice without harm."""

from datetime import timedelta

from django.utils import timezone

from rathaus.appointments.models import Location
from rathaus.portal.scheduling import recurring_ensure_scheduled, recurring_task

from .services import appointments_mark_no_shows, visits_close_day

NO_SHOWS_INTERVAL = timedelta(minutes=30)
# Someone up to an hour late after their appointment's end may still be checked in before counting as a no-show.
NO_SHOW_GRACE = timedelta(hours=1)


def no_shows_run() -> int:
    """Mark missed appointments of today (and of yesterday, if the last pass of the day was missed)."""
    cutoff = timezone.now() - NO_SHOW_GRACE
    today = timezone.localdate(cutoff)
    marked = 0
    for location in Location.objects.all():
        for day in (today - timedelta(days=1), today):
            marked += appointments_mark_no_shows(location=location, day=day, now=cutoff)
    return marked


def day_close_run() -> int:
    """Close the visits still waiting or called at the end of yesterday (and the day before, after a gap)."""
    now = timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for location in Location.objects.all():
        for day in (today - timedelta(days=2), today - timedelta(days=1)):
            closed += visits_close_day(location=location, day=day, now=now)
    return closed


@recurring_task(lambda: NO_SHOWS_INTERVAL)
def visits_no_shows() -> int:
    """Mark confirmed appointments that passed without a check-in as no-shows, close yesterday's waiting room;
    then queue the next pass."""
    return no_shows_run() + day_close_run()


def no_shows_ensure_scheduled() -> bool:
    """Queue a no-show pass now unless one is already waiting; called when a worker starts."""
    return recurring_ensure_scheduled(visits_no_shows)
