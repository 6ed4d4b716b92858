"""Turn a FIM XDatenfelder file (XDF 1, 2 or 3.0.0) into a draft online form of one service."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.applications import services
from rathaus.applications.fim import FimError
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Create a draft form definition from a FIM XDatenfelder file for the service with the given LeiKa key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the XDatenfelder XML file.")
        parser.add_argument("--service", required=True, help="LeiKa key (14 digits) or slug of the service.")
        parser.add_argument("--municipality", required=True, help="Slug of the municipality, e.g. esslingen.")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Keine Kommune mit dem Kürzel „{options['municipality']}“.")
        key = options["service"]
        found = Service.objects.filter(municipality=municipality, leika_key=key) | Service.objects.filter(
            municipality=municipality, slug=key
        )
        service = found.first()
        if service is None:
            raise CommandError(f"{municipality.name} hat keine Leistung mit dem LeiKa-Schlüssel oder Kürzel „{key}“.")
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Die Datei lässt sich nicht lesen: {error.strerror}") from error
        try:
            version = services.form_import_fim(municipality=municipality, service=service, data=data)
        except FimError as error:
            raise CommandError(f"Import abgebrochen, nichts wurde gespeichert: {error}") from error
        except ValidationError as error:
            raise CommandError("Import abgebrochen: " + "; ".join(error.messages)) from error
        pages = version.definition["pages"]
        fields = sum(len(page.get("fields", [])) for page in pages)
        self.stdout.write(
            self.style.SUCCESS(
                f"Entwurf Version {version.number} für „{service.name}“: {len(pages)} Seiten, {fields} Felder, "
                f"{len(version.notes)} Hinweise."
            )
        )
        for note in version.notes:
            self.stdout.write(f"  Hinweis: {note}")
