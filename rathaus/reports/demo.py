"""Demo Mängelmelder for Esslingen: seven categories routed to the real demo offices, two routing areas and about
twenty reports around the town in every status. Texts are ours; places are real streets of Esslingen.

Repeatable: categories and areas are updated in place by their code and name; the reports are created only once
(when the municipality has none yet), through the real services, so each has its case in the office's inbox.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import services
from .models import Area, Category, Report, ReportUpdate

Status = Report.Status

CATEGORIES: list[dict[str, Any]] = [
    {
        "service_code": "strassenschaden",
        "name": "Straßenschaden",
        "name_en": "Road damage",
        "description": "Schlaglöcher, Risse, lose Pflastersteine, abgesackte Gullydeckel",
        "office": "tiefbauamt",
        "response_days": 5,
        "questions": [
            {
                "code": "flaeche",
                "label": "Wo genau ist der Schaden?",
                "datatype": "singlevaluelist",
                "required": False,
                "values": [
                    {"key": "fahrbahn", "name": "Fahrbahn"},
                    {"key": "radweg", "name": "Radweg"},
                    {"key": "gehweg", "name": "Gehweg"},
                ],
            }
        ],
    },
    {
        "service_code": "strassenbeleuchtung",
        "name": "Straßenbeleuchtung",
        "name_en": "Street lighting",
        "description": "Straßenlampe dunkel, flackert oder brennt am Tag",
        "office": "tiefbauamt",
        "response_days": 5,
        "questions": [
            {
                "code": "mastnummer",
                "label": "Nummer am Lampenmast (falls zu sehen)",
                "datatype": "string",
                "required": False,
            }
        ],
    },
    {
        "service_code": "wilder-muell",
        "name": "Wilder Müll",
        "name_en": "Illegal dumping",
        "description": "Abgestellter Sperrmüll, Müllsäcke, volle Papierkörbe",
        "office": "ordnungsamt",
        "response_days": 3,
        "questions": [],
    },
    {
        "service_code": "graffiti",
        "name": "Graffiti",
        "name_en": "Graffiti",
        "description": "Schmierereien an öffentlichen Gebäuden, Brücken und Schildern",
        "office": "ordnungsamt",
        "response_days": 10,
        "questions": [],
    },
    {
        "service_code": "gruenflaechen-baeume",
        "name": "Grünflächen und Bäume",
        "name_en": "Green spaces and trees",
        "description": "Herabhängende Äste, zugewachsene Wege, beschädigte Bänke in Anlagen",
        "office": "tiefbauamt",
        "response_days": 10,
        "questions": [],
    },
    {
        "service_code": "verkehrszeichen-ampeln",
        "name": "Verkehrszeichen und Ampeln",
        "name_en": "Traffic signs and lights",
        "description": "Ampel ausgefallen, Schild verdreht oder zugewachsen",
        "office": "ordnungsamt",
        "response_days": 2,
        "questions": [],
    },
    {
        "service_code": "spielplaetze",
        "name": "Spielplätze",
        "name_en": "Playgrounds",
        "description": "Kaputte Spielgeräte, Scherben, Sand verschmutzt",
        "office": "tiefbauamt",
        "response_days": 3,
        "questions": [],
    },
]


def _box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict[str, Any]:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


# Rough outlines, good enough to show routing by area; not official district borders.
AREAS: list[dict[str, Any]] = [
    {
        "name": "Altstadt und Bahnhof",
        "office": "ordnungsamt",
        "priority": 10,
        "categories": ["wilder-muell", "graffiti"],
        "polygon": {
            "type": "Polygon",
            "coordinates": [
                [
                    [9.2990, 48.7390],
                    [9.3130, 48.7370],
                    [9.3170, 48.7435],
                    [9.3080, 48.7470],
                    [9.2990, 48.7445],
                    [9.2990, 48.7390],
                ]
            ],
        },
    },
    {
        "name": "Neckarufer und Pliensauvorstadt",
        "office": "tiefbauamt",
        "priority": 5,
        "categories": [],
        "polygon": _box(9.2900, 48.7280, 9.3200, 48.7370),
    },
]

# (category, lat, lon, address, public description, status, days ago)
REPORTS: list[tuple[str, float, float, str, str, str, int]] = [
    ("strassenschaden", 48.7412, 9.3051, "Ritterstraße 12", "Schlagloch am Fahrbahnrand", Status.REPORTED, 1),
    ("strassenschaden", 48.7448, 9.3118, "Mülberger Straße 40", "Riss im Radweg", Status.CHECKING, 4),
    ("strassenschaden", 48.7364, 9.3026, "Pliensaustraße 21", "Pflastersteine locker", Status.PLANNED, 9),
    ("strassenschaden", 48.7489, 9.3215, "Hohenheimer Straße 5", "Gullydeckel abgesackt", Status.DONE, 21),
    ("strassenbeleuchtung", 48.7427, 9.3092, "Marktplatz", "Straßenlampe dunkel", Status.IN_PROGRESS, 3),
    ("strassenbeleuchtung", 48.7398, 9.3140, "Kiesstraße 8", "Lampe flackert nachts", Status.REPORTED, 2),
    ("strassenbeleuchtung", 48.7516, 9.2987, "Zollberg, Wendeplatte", "Lampe brennt tagsüber", Status.DONE, 30),
    ("wilder-muell", 48.7402, 9.3060, "Bahnhofstraße 3", "Sperrmüll neben dem Glascontainer", Status.IN_PROGRESS, 2),
    ("wilder-muell", 48.7331, 9.3075, "Neckarufer, Höhe Pliensaubrücke", "Müllsäcke am Ufer", Status.DONE, 12),
    ("wilder-muell", 48.7554, 9.3321, "Römerstraße 60", "Alte Matratze am Straßenrand", Status.REPORTED, 0),
    ("graffiti", 48.7436, 9.3079, "Innere Brücke", "Schmiererei am Brückengeländer", Status.PLANNED, 15),
    (
        "graffiti",
        48.7384,
        9.3012,
        "Unterführung Bahnhof",
        "Graffiti in der Unterführung",
        Status.FORWARDED,
        20,
    ),
    ("gruenflaechen-baeume", 48.7441, 9.2968, "Merkelpark", "Ast hängt über dem Weg", Status.CHECKING, 5),
    ("gruenflaechen-baeume", 48.7345, 9.2950, "Neckarwiesen", "Bank beschädigt", Status.DONE_WITHOUT_ACTION, 18),
    ("gruenflaechen-baeume", 48.7470, 9.3160, "Burgsteige", "Weg zugewachsen", Status.REPORTED, 6),
    (
        "verkehrszeichen-ampeln",
        48.7419,
        9.3167,
        "Kreuzung Augustinerstraße",
        "Fußgängerampel zeigt kein Grün",
        Status.DONE,
        7,
    ),
    ("verkehrszeichen-ampeln", 48.7379, 9.3190, "Fleischmannstraße", "Vorfahrtsschild verdreht", Status.REPORTED, 1),
    (
        "spielplaetze",
        48.7503,
        9.3089,
        "Spielplatz Ebershaldenfriedhof",
        "Schaukelkette gerissen",
        Status.IN_PROGRESS,
        4,
    ),
    ("spielplaetze", 48.7352, 9.3101, "Spielplatz Pliensauvorstadt", "Scherben im Sandkasten", Status.DONE, 10),
    ("spielplaetze", 48.7461, 9.3243, "Spielplatz Wäldenbronn", "Rutsche wackelt", Status.REOPENED, 25),
]

STATUS_NOTES: dict[str, str] = {
    Status.CHECKING: "Wir sehen uns die Stelle an.",
    Status.IN_PROGRESS: "Der Bauhof ist beauftragt.",
    Status.PLANNED: "Die Arbeiten sind eingeplant.",
    Status.DONE: "Erledigt. Danke für den Hinweis!",
    Status.DONE_WITHOUT_ACTION: "",
    Status.FORWARDED: "",
    Status.REOPENED: "",
}


def _office(municipality: Municipality, slug: str) -> OrganisationalUnit | None:
    return OrganisationalUnit.objects.filter(municipality=municipality, slug=slug).first()


def _categories(municipality: Municipality) -> dict[str, Category]:
    found: dict[str, Category] = {}
    for order, values in enumerate(CATEGORIES):
        office = _office(municipality, values["office"])
        if office is None:
            continue
        fields = {key: value for key, value in values.items() if key not in ("service_code", "office")}
        category, _created = Category.objects.update_or_create(
            municipality=municipality,
            service_code=values["service_code"],
            defaults={**fields, "office": office, "order": order, "is_public": True},
        )
        found[category.service_code] = category
    return found


def _areas(municipality: Municipality, categories: dict[str, Category]) -> None:
    for values in AREAS:
        office = _office(municipality, values["office"])
        if office is None:
            continue
        existing = Area.objects.filter(municipality=municipality, name=values["name"]).first()
        services.area_save(
            municipality=municipality,
            actor=None,
            name=values["name"],
            office=office,
            polygon=values["polygon"],
            priority=values["priority"],
            categories=[categories[code] for code in values["categories"] if code in categories],
            area=existing,
        )


def _walk(report: Report, status: str, now: Any) -> None:
    """Take the report to ``status`` the way staff would."""
    if status == Status.REPORTED:
        return
    if status == Status.REOPENED:
        services.report_status_change(report=report, status=Status.DONE, actor=None)
        services.report_reopen(report=report)
        return
    services.report_status_change(
        report=report,
        status=status,
        actor=None,
        public_text=STATUS_NOTES.get(status, ""),
        planned_for=(now + timedelta(days=14)).date() if status == Status.PLANNED else None,
        reason="Die Bank gehört nicht der Stadt; der Eigentümer ist informiert."
        if status == Status.DONE_WITHOUT_ACTION
        else "",
        forwarded_to="Deutsche Bahn AG" if status == Status.FORWARDED else "",
    )


def load_reports(municipality: Municipality) -> int:
    """Categories, areas and (once) the demo reports of ``municipality``; returns how many reports it has."""
    with transaction.atomic():
        categories = _categories(municipality)
        _areas(municipality, categories)
        if Report.objects.filter(municipality=municipality).exists() or not categories:
            return Report.objects.filter(municipality=municipality).count()
        now = timezone.now()
        for code, lat, lon, address, public_text, status, days_ago in REPORTS:
            category = categories.get(code)
            if category is None:
                continue
            report = services.report_create(
                municipality=municipality,
                category=category,
                description=f"{public_text}. (Demo-Meldung)",
                lat=lat,
                lon=lon,
                address=address,
                needs_confirmation=False,
            )
            created = now - timedelta(days=days_ago, hours=3)
            Report.objects.filter(pk=report.pk).update(
                created_at=created, public_description=public_text, public_location=address
            )
            ReportUpdate.objects.filter(report=report).update(created_at=created)
            report.refresh_from_db()
            _walk(report, status, now)
        return Report.objects.filter(municipality=municipality).count()
