"""The background worker: django-tasks' db_worker, with the recurring passes (recovery, housekeeping) queued first."""

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from rathaus.applications.processing import recovery_ensure_scheduled
from rathaus.appointments.tasks import housekeeping_ensure_scheduled as appointments_housekeeping_ensure_scheduled
from rathaus.cases.tasks import housekeeping_ensure_scheduled
from rathaus.portal.scheduling import recurring_ensure_scheduled
from rathaus.portal.tasks import portal_housekeeping
from rathaus.visits.tasks import no_shows_ensure_scheduled


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker for all queues. Queues the recurring recovery of online applications "
        "and the housekeeping of cases (deadline reminders, escalation, retention) and of the database cache "
        "unless they are already waiting; takes every option of db_worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Extending db_worker rather than calling it keeps every one of its options working as is;
        # only the defaults change to what development and production both want.
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", interval=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if recovery_ensure_scheduled():
            self.stdout.write("Wiederherstellungslauf für Online-Anträge eingeplant.")
        if housekeeping_ensure_scheduled():
            self.stdout.write("Fristen- und Aufbewahrungslauf für Vorgänge eingeplant.")
        if appointments_housekeeping_ensure_scheduled():
            self.stdout.write("Aufräumlauf für Termine (Reservierungen, Erinnerungen, Verlosungen) eingeplant.")
        no_shows_ensure_scheduled()
        from rathaus.reports.tasks import housekeeping_ensure_scheduled as reports_housekeeping_ensure_scheduled

        reports_housekeeping_ensure_scheduled()
        recurring_ensure_scheduled(portal_housekeeping)
        super().handle(*args, **options)
