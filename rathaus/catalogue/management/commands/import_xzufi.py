"""Import an XZuFi 2.2.0 message (file or http(s) URL) into one municipality's catalogue."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.catalogue import services
from rathaus.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Import services, offices and online services from an XZuFi 2.2.0 message (Service-BW, PVOG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path of an XZuFi file or an http(s) URL.")
        parser.add_argument("--municipality", required=True, help="Slug of the municipality, e.g. esslingen.")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Keine Kommune mit dem Kürzel „{options['municipality']}“.")
        try:
            run = services.catalogue_import(municipality=municipality, source=options["source"])
        except services.CatalogueImportError as error:
            raise CommandError(f"Import abgebrochen, der Katalog ist unverändert: {error}") from error
        for detail in run.details:
            if detail["outcome"] != "unverändert" or detail["reason"]:
                reason = f" – {detail['reason']}" if detail["reason"] else ""
                self.stdout.write(f"{detail['outcome']:>12}  {detail['kind']} {detail['id']} {detail['name']}{reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{municipality.name}: {run.created} neu, {run.updated} geändert, "
                f"{run.unchanged} unverändert, {run.skipped} übersprungen."
            )
        )
