"""Check the audit trail's hash chains and report the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rathaus.audit.selectors import audit_chains_verify

_PROBLEMS = {
    "content": "Inhalt verändert (Prüfsumme stimmt nicht)",
    "link": "Verkettung unterbrochen (Verweis auf den vorigen Eintrag stimmt nicht)",
    "missing": "Eintrag fehlt (gelöscht)",
}


class Command(BaseCommand):
    help = "Prüft die Hash-Ketten des Protokolls und nennt die erste gebrochene Stelle."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = 0
        chains = 0
        for report in audit_chains_verify():
            chains += 1
            if report.intact:
                self.stdout.write(f"{report.chain_key}: {report.entries} Einträge, Kette intakt.")
                continue
            broken += 1
            entry = f" (Datenbank-Id {report.entry_id})" if report.entry_id is not None else ""
            self.stdout.write(
                f"{report.chain_key}: gebrochen bei Eintrag Nr. {report.broken_at}{entry}: "
                f"{_PROBLEMS[report.problem]}. Davor {report.entries} Einträge intakt."
            )
        if broken:
            raise CommandError(f"{broken} von {chains} Protokollketten sind gebrochen.")
        self.stdout.write(self.style.SUCCESS(f"Alle {chains} Protokollketten sind intakt."))
