"""Run one pass of the case housekeeping now: deadline reminders, escalations, retention."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.cases.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = (
        "Send due deadline reminders and escalations and anonymise cases past their retention period, "
        "one batch each. The worker does this by itself every RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = housekeeping_run()
        self.stdout.write(
            "Erinnerungen: {reminders}, Eskalationen: {escalations}, anonymisierte Vorgänge: {anonymised}".format(
                **result
            )
        )
