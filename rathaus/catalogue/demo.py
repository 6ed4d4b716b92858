"""Demo catalogue: Esslingen's most requested services, described in our own words.

``demo_data/esslingen_services.json`` holds the services, life situations and categories. LeiKa
keys are filled in only where they were checked; the rest stay empty rather than guessed.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import OnlineService, Service, Topic
from .search import service_index
from .xzufi import TEXT_FIELDS

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "esslingen_services.json"


def _amount(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _topics(municipality: Municipality, kind: str, entries: list[dict[str, Any]]) -> dict[str, Topic]:
    topics = {}
    for position, entry in enumerate(entries):
        topic, _created = Topic.objects.update_or_create(
            municipality=municipality,
            kind=kind,
            slug=entry["slug"],
            defaults={
                "name": entry["name_de"],
                "name_en": entry.get("name_en", ""),
                "description": entry.get("description_de", ""),
                "description_en": entry.get("description_en", ""),
                "position": position,
            },
        )
        topics[topic.slug] = topic
    return topics


@transaction.atomic
def load_catalogue(municipality: Municipality, data_file: Path = DATA_FILE) -> int:
    """Create or refresh the demo services of ``municipality``; returns how many there are."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    topics = _topics(municipality, Topic.Kind.LIFE_SITUATION, data["life_situations"])
    topics.update(
        {
            f"kategorie:{slug}": topic
            for slug, topic in _topics(municipality, Topic.Kind.CATEGORY, data["categories"]).items()
        }
    )
    units = {unit.slug: unit for unit in OrganisationalUnit.objects.filter(municipality=municipality)}
    for entry in data["services"]:
        values: dict[str, Any] = {}
        for field in TEXT_FIELDS:
            values[field] = entry.get(f"{field}_de", "") or ""
            values[f"{field}_en"] = entry.get(f"{field}_en", "") or ""
        values.update(
            leika_key=entry.get("leika_key", ""),
            service_type=entry.get("service_type", ""),
            fee_min=_amount(entry.get("fee_min")),
            fee_max=_amount(entry.get("fee_max")),
            synonyms="\n".join(entry.get("synonyms", [])),
            written_form_required=entry.get("written_form_required", False),
            appointment_available=entry.get("appointment", False),
            origin=Service.Origin.LOCAL,
        )
        service, _created = Service.objects.update_or_create(
            municipality=municipality, slug=entry["slug"], defaults=values
        )
        service.responsible_units.set([units[slug] for slug in entry.get("offices", []) if slug in units])
        service.topics.set(
            [topics[slug] for slug in entry.get("life_situations", []) if slug in topics]
            + [topics[f"kategorie:{slug}"] for slug in entry.get("categories", []) if f"kategorie:{slug}" in topics]
        )
        online = entry.get("online_service")
        if online:
            online_service, _created = OnlineService.objects.update_or_create(
                municipality=municipality,
                name=online["name_de"],
                defaults={"url": online["url"], "name_en": online.get("name_en", ""), "trust_level": _trust(online)},
            )
            online_service.services.add(service)
        service_index(service=service)
    return Service.objects.filter(municipality=municipality).count()


def _trust(online: dict[str, Any]) -> str:
    return {"none": "keins", "low": "niedrig", "substantial": "substantiell", "high": "hoch"}.get(
        online.get("trust_level", "none"), "keins"
    )
