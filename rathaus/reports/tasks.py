"""Background work of the Mängelmelder: e-mails. Tasks take ids and may run twice without harm."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from rathaus.portal.scheduling import recurring_ensure_scheduled, recurring_task

from . import housekeeping, notifications


@task()
def report_send_confirmation(*, report_id: str) -> bool:
    """Ask someone without an account to confirm their report by following a link."""
    return notifications.report_send_confirmation(report_id=report_id)


@task()
def report_send_receipt(*, report_id: str) -> bool:
    """Tell the reporter that the report has arrived and where to follow it."""
    return notifications.report_send_receipt(report_id=report_id)


@task()
def subscription_send_confirmation(*, subscription_id: int) -> bool:
    """Ask a new subscriber to confirm their address."""
    return notifications.subscription_send_confirmation(subscription_id=subscription_id)


@task()
def report_notify_subscribers(*, update_id: int) -> int:
    """Tell every confirmed subscriber about a status change or public note; returns how many were told."""
    return notifications.report_notify_subscribers(update_id=update_id)


def housekeeping_interval() -> timedelta:
    return timedelta(seconds=settings.RATHAUS_REPORTS_HOUSEKEEPING_INTERVAL_SECONDS)


@recurring_task(housekeeping_interval)
def reports_housekeeping() -> dict[str, int]:
    """Remove photos of abandoned drafts and reports never confirmed; then queue the next pass."""
    return housekeeping.housekeeping_run()


def housekeeping_ensure_scheduled() -> bool:
    """Queue a housekeeping pass now unless one is already waiting; called when a worker starts."""
    return recurring_ensure_scheduled(reports_housekeeping)
