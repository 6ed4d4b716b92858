"""Load the demo municipalities (Esslingen am Neckar and Musterhausen) and, on request, demo accounts.

Safe to run again: existing records are updated in place, nothing is duplicated.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.applications.demo import load_forms
from rathaus.appointments.demo import load_appointments
from rathaus.cases.demo import load_cases
from rathaus.catalogue.demo import load_catalogue
from rathaus.municipalities import demo
from rathaus.reports.demo import load_reports
from rathaus.roadmap.demo import load_roadmap
from rathaus.visits.demo import load_visits


class Command(BaseCommand):
    help = "Load or refresh the demo municipalities, their offices and (optionally) demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-demo-accounts",
            action="store_true",
            help="Also create demo citizen and staff accounts with published passwords (never in production).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["with_demo_accounts"] and getattr(settings, "RATHAUS_PRODUCTION", False):
            raise CommandError("Demo accounts have published passwords and are refused in production.")
        municipalities = demo.load_municipalities()
        for municipality in municipalities:
            services = load_catalogue(municipality) if municipality.slug == "esslingen" else 0
            forms = load_forms(municipality) if municipality.slug == "esslingen" else 0
            self.stdout.write(
                f"{municipality.name}: {municipality.organisational_units.count()} Organisationseinheiten, "
                f"{services} Leistungen, {forms} Online-Anträge, "
                f"Hosts {', '.join(municipality.host_names.values_list('name', flat=True))}"
            )
        if options["with_demo_accounts"]:
            for line in demo.load_accounts():
                self.stdout.write(line)
        # After the forms (online demo cases are submitted on them) and the accounts (cases go to demo staff).
        for municipality in municipalities:
            if municipality.slug == "esslingen":
                self.stdout.write(f"{municipality.name}: {load_cases(municipality)} Demo-Vorgänge")
                self.stdout.write(f"{municipality.name}: {load_appointments(municipality)} Demo-Termine")
                # After the appointments: today's waiting room is filled from their locations.
                self.stdout.write(f"{municipality.name}: {load_visits(municipality)} Besuche im Wartebereich heute")
                self.stdout.write(f"{municipality.name}: {load_reports(municipality)} Mängelmeldungen")
                # Last: the roadmap's suggestions and volumes read the cases.
                self.stdout.write(f"{municipality.name}: {load_roadmap(municipality)} Roadmap-Projekte")
