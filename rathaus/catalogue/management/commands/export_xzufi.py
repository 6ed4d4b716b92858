"""Write a municipality's services as an XZuFi 2.2.0 message."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.catalogue import selectors
from rathaus.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Export the municipality's own services (or, with --all, every service) as XZuFi 2.2.0."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="Slug of the municipality, e.g. esslingen.")
        parser.add_argument("--output", "-o", help="File to write; standard output if left out.")
        parser.add_argument("--all", action="store_true", help="Also export services that came from an import.")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Keine Kommune mit dem Kürzel „{options['municipality']}“.")
        data = selectors.catalogue_export(municipality=municipality, include_imported=options["all"])
        if options["output"]:
            try:
                Path(options["output"]).write_bytes(data)
            except OSError as error:
                raise CommandError(f"Die Datei {options['output']} konnte nicht geschrieben werden: {error}") from error
            self.stderr.write(f"{len(data)} Bytes nach {options['output']} geschrieben.")
        else:
            self.stdout.write(data.decode(), ending="")
