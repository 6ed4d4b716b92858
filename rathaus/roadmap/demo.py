"""Demo roadmap for Esslingen: eight digitalisation projects with services, dependencies, phases and milestones.

Legal deadlines and volume assumptions are illustrative values for the demo, not the city's plans.
Loading is repeatable: projects are found again by title, milestones and phases are replaced.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import Project
from .services import (
    milestone_add,
    milestone_delete,
    phase_add,
    phase_delete,
    project_save,
    roadmap_settings_save,
    service_volume_set,
)


@dataclass(frozen=True)
class DemoProject:
    title: str
    description: str
    unit: str
    services: tuple[str, ...]
    effort_days: int
    risk: int
    minutes_saved: int
    status: str = Project.Status.PLANNED
    expected_volume: int | None = None
    legal_obligation: str = ""
    legal_deadline: date | None = None
    dependencies: tuple[str, ...] = ()
    milestones: tuple[tuple[str, date | int], ...] = field(default_factory=tuple)
    phases: tuple[tuple[str, int], ...] = (("Konzeption", 20), ("Umsetzung", 60), ("Einführung", 20))


BUNDID = "Bürgerkonto mit BundID"
E_FILE = "E-Akte im Ordnungsamt"

PROJECTS = (
    DemoProject(
        title=BUNDID,
        description="Anmeldung im Portal mit BundID (Online-Ausweis, ELSTER-Zertifikat), damit Anträge mit hohem "
        "Vertrauensniveau ohne Gang ins Rathaus möglich sind.",
        unit="buergermeisteramt-rathaus",
        services=(),
        effort_days=30,
        risk=3,
        minutes_saved=2,
        status=Project.Status.IN_PROGRESS,
        expected_volume=5000,
        legal_obligation="Onlinezugangsgesetz (OZG), § 3: Zugang über ein Nutzerkonto",
        milestones=(("Anbindung an die Testumgebung", 3), ("Freischaltung im Portal", 10)),
        phases=(("Konzeption", 30), ("Umsetzung", 70)),
    ),
    DemoProject(
        title="Gewerbeanmeldung online",
        description="Gewerbe an-, um- und abmelden ohne Papier; die Daten gehen direkt an das Ordnungsamt.",
        unit="ordnungsamt",
        services=("gewerbe-anmelden", "gewerbe-ummelden", "gewerbe-abmelden"),
        effort_days=45,
        risk=2,
        minutes_saved=15,
        legal_obligation="Onlinezugangsgesetz (OZG): Gewerbeanzeige als Online-Leistung",
        legal_deadline=date(2027, 12, 31),
        dependencies=(BUNDID,),
        milestones=(("Formular nach FIM-Stammdatenschema", 4), ("Pilot im Ordnungsamt", 10)),
    ),
    DemoProject(
        title=E_FILE,
        description="Elektronische Akte für Erlaubnisse und Veranstaltungen statt Papierordnern; Übergabe aus dem "
        "Portal ohne Abtippen.",
        unit="ordnungsamt",
        services=("gaststaettenerlaubnis", "veranstaltung-anmelden"),
        effort_days=120,
        risk=4,
        minutes_saved=10,
        legal_obligation="E-Government-Gesetz Baden-Württemberg: elektronische Aktenführung",
        milestones=(("Aktenplan abgestimmt", 6), ("Alle neuen Vorgänge elektronisch", 20)),
    ),
    DemoProject(
        title="Online-Terminvergabe in allen Bürgerbüros",
        description="Termine für Ausweis, Pass und Anmeldung in jedem Bürgerbüro online buchen, mit Warteliste.",
        unit="buergeramt-esslingen",
        services=("personalausweis-beantragen", "reisepass-beantragen", "wohnsitz-anmelden"),
        effort_days=25,
        risk=2,
        minutes_saved=3,
        milestones=(("Bürgerbüro Mitte", 2), ("Alle Standorte", 8)),
    ),
    DemoProject(
        title="Mängelmelder mit Open311",
        description="Schäden an Straßen, Wegen und Beleuchtung online melden, mit Karte und Rückmeldung zum Stand.",
        unit="tiefbauamt",
        services=(),
        effort_days=35,
        risk=2,
        minutes_saved=6,
        expected_volume=3000,
        milestones=(("Schnittstelle Open311 GeoReport v2", 5),),
    ),
    DemoProject(
        title="Digitale Hundesteuer",
        description="Hund an- und abmelden online; der Steuerbescheid kommt ins Postfach.",
        unit="steuern-hundesteuer",
        services=("hund-anmelden", "hund-abmelden"),
        effort_days=15,
        risk=1,
        minutes_saved=12,
        dependencies=(BUNDID,),
        milestones=(("Bescheid ins Postfach", 6),),
    ),
    DemoProject(
        title="XBau-Anbindung Baurechtsamt",
        description="Bauanträge und Kenntnisgaben im Standard XBau vom Portal in das Fachverfahren des Baurechtsamts.",
        unit="baurechtsamt",
        services=("baugenehmigung-beantragen", "kenntnisgabeverfahren"),
        effort_days=90,
        risk=4,
        minutes_saved=45,
        legal_obligation="Landesbauordnung Baden-Württemberg: digitales Baugenehmigungsverfahren",
        legal_deadline=date(2027, 6, 30),
        dependencies=(E_FILE,),
        milestones=(("Testnachrichten XBau", 4), ("Erster digitaler Bauantrag", 12)),
    ),
    DemoProject(
        title="E-Rechnung",
        description="Rechnungen von Lieferanten als XRechnung empfangen und ohne Papier freigeben.",
        unit="steuern-hundesteuer",
        services=(),
        effort_days=30,
        risk=2,
        minutes_saved=8,
        expected_volume=12000,
        legal_obligation="E-Rechnungsverordnung Baden-Württemberg: Empfang elektronischer Rechnungen",
        legal_deadline=date(2027, 3, 31),
        milestones=(("Empfang über die Plattform des Landes", 4),),
    ),
)

# Yearly volumes assumed for services the demo portal has hardly any cases for.
VOLUMES = {
    "wohnsitz-anmelden": (8700, "Vergleichswert Konstanz 2018 („Das Bürgeramt in Zahlen“)"),
    "personalausweis-beantragen": (9000, "Annahme für die Demo"),
    "reisepass-beantragen": (4000, "Annahme für die Demo"),
    "gewerbe-anmelden": (1400, "Annahme für die Demo"),
    "hund-anmelden": (900, "Annahme für die Demo"),
    "baugenehmigung-beantragen": (450, "Annahme für die Demo"),
    "veranstaltung-anmelden": (600, "Annahme für die Demo"),
    "gaststaettenerlaubnis": (120, "Annahme für die Demo"),
}


def load_roadmap(municipality: Municipality) -> int:
    """Create or refresh the demo projects of ``municipality``; returns how many there are."""
    services = {service.slug: service for service in Service.objects.filter(municipality=municipality)}
    units = {unit.slug: unit for unit in OrganisationalUnit.objects.filter(municipality=municipality)}
    with transaction.atomic():
        roadmap_settings_save(
            municipality=municipality,
            actor=None,
            capacity_days=80,
            start_year=2027,
            start_quarter=1,
            public_roadmap=True,
        )
        for slug, (volume, source) in VOLUMES.items():
            if slug in services:
                service_volume_set(
                    municipality=municipality, actor=None, service=services[slug], yearly_volume=volume, source=source
                )
        saved: dict[str, Project] = {}
        for demo in PROJECTS:
            existing = Project.objects.filter(municipality=municipality, title=demo.title).first()
            project = project_save(
                municipality=municipality,
                actor=None,
                project=existing,
                title=demo.title,
                description=demo.description,
                services=[services[slug] for slug in demo.services if slug in services],
                legal_obligation=demo.legal_obligation,
                legal_deadline=demo.legal_deadline,
                effort_days=demo.effort_days,
                risk=demo.risk,
                dependencies=[saved[title] for title in demo.dependencies],
                owning_unit=units.get(demo.unit),
                status=demo.status,
                minutes_saved_per_case=demo.minutes_saved,
                expected_volume=demo.expected_volume,
            )
            for milestone in list(project.milestones.all()):
                milestone_delete(municipality=municipality, actor=None, milestone=milestone)
            for title, when in demo.milestones:
                milestone_add(
                    municipality=municipality,
                    actor=None,
                    project=project,
                    title=title,
                    date=when if isinstance(when, date) else None,
                    week=when if isinstance(when, int) else None,
                )
            for phase in list(project.phases.all()):
                phase_delete(municipality=municipality, actor=None, phase=phase)
            for title, percent in demo.phases:
                phase_add(municipality=municipality, actor=None, project=project, title=title, effort_percent=percent)
            saved[demo.title] = project
    return len(saved)
