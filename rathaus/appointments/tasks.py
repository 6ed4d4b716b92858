"""Background work on appointments, run by the worker. Tasks take ids and may run twice without harm."""

from datetime import datetime, timedelta

from django.conf import settings
from django_tasks import task

from rathaus.portal.scheduling import recurring_ensure_scheduled, recurring_task

from . import housekeeping, notifications


def housekeeping_interval() -> timedelta:
    return timedelta(seconds=settings.RATHAUS_APPOINTMENTS_HOUSEKEEPING_INTERVAL_SECONDS)


@task()
def appointment_email(appointment_id: int, kind: str) -> bool:
    """Send one e-mail about an appointment (confirm link, confirmation, move, cancellation, offer, reminder)."""
    return notifications.appointment_email_send(appointment_id=appointment_id, kind=kind)


@task()
def lottery_result(entry_id: int) -> bool:
    """Tell one participant of a fair release what the draw gave them."""
    return notifications.lottery_result_send(entry_id=entry_id)


@task()
def waitlist_offer(appointment_id: int) -> int | None:
    """Offer the time of a cancelled appointment to the first matching person on the waitlist."""
    from .services import waitlist_offer_freed_time

    entry = waitlist_offer_freed_time(appointment_id=appointment_id)
    return entry.pk if entry is not None else None


@task()
def waitlist_offer_moved(appointment_id: int, location_id: int, starts_at: str, ends_at: str) -> int | None:
    """Offer the time a moved appointment left behind to the first matching person on the waitlist."""
    from .services import waitlist_offer_moved_time

    entry = waitlist_offer_moved_time(
        appointment_id=appointment_id,
        location_id=location_id,
        starts_at=datetime.fromisoformat(starts_at),
        ends_at=datetime.fromisoformat(ends_at),
    )
    return entry.pk if entry is not None else None


@recurring_task(housekeeping_interval)
def appointments_housekeeping() -> dict[str, int]:
    """Expired holds, lapsed waitlist offers, reminders and due draws, one batch each; then queue the next pass."""
    return housekeeping.housekeeping_run()


def housekeeping_ensure_scheduled() -> bool:
    """Queue a housekeeping pass now unless one is already waiting; called when a worker starts."""
    return recurring_ensure_scheduled(appointments_housekeeping)
