"""Reads on the service catalogue. Every read takes the municipality explicitly."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from rathaus.municipalities.models import Municipality, OpeningHours, OrganisationalUnit

from . import xzufi
from .models import CatalogueFeed, ImportRun, OnlineService, Service, Topic
from .search import service_ids_matching

_FOLD_INITIAL = str.maketrans({"Ä": "A", "Ö": "O", "Ü": "U"})


def _enabled_online_services() -> QuerySet[OnlineService]:
    return OnlineService.objects.filter(is_enabled=True).order_by("name")


def service_list(*, municipality: Municipality) -> QuerySet[Service]:
    """Published services of ``municipality``, each marked with ``online_available``."""
    return (
        Service.objects.filter(municipality=municipality, is_published=True)
        .annotate(online_available=Exists(OnlineService.objects.filter(services=OuterRef("pk"), is_enabled=True)))
        .order_by("name")
    )


def service_get(*, municipality: Municipality, slug: str) -> Service:
    """One published service with its offices (and their hours), online offers and topics."""
    return (
        service_list(municipality=municipality)
        .prefetch_related(
            Prefetch(
                "responsible_units",
                queryset=OrganisationalUnit.objects.prefetch_related(
                    Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
                ).order_by("name"),
            ),
            Prefetch("online_services", queryset=_enabled_online_services(), to_attr="enabled_online_services"),
            Prefetch("topics", queryset=Topic.objects.order_by("kind", "position", "name")),
        )
        .get(slug=slug)
    )


@dataclass(frozen=True)
class ServiceSearch:
    services: list[Service]
    spelling_corrected: bool


def service_search(*, municipality: Municipality, query: str, language: str, limit: int = 50) -> ServiceSearch:
    """Services matching ``query`` in ``language``, best first."""
    result = service_ids_matching(municipality=municipality, query=query, language=language, limit=limit)
    by_id = service_list(municipality=municipality).in_bulk(result.service_ids)
    return ServiceSearch([by_id[pk] for pk in result.service_ids if pk in by_id], result.spelling_corrected)


def service_initial(service: Service, language: str) -> str:
    name = (service.name_en or service.name) if language == "en" else service.name
    initial = name[:1].upper().translate(_FOLD_INITIAL)
    return initial if initial.isalpha() else "#"


def services_by_initial(*, municipality: Municipality, language: str) -> list[tuple[str, list[Service]]]:
    """Published services grouped under their first letter (umlauts under their base letter)."""
    groups: dict[str, list[Service]] = {}
    services = list(service_list(municipality=municipality))
    if language == "en":
        services.sort(key=lambda service: (service.name_en or service.name).lower())
    for service in services:
        groups.setdefault(service_initial(service, language), []).append(service)
    return sorted(groups.items())


def topic_list(*, municipality: Municipality, kind: str) -> QuerySet[Topic]:
    """Life situations or categories of ``municipality`` that contain a published service."""
    return (
        Topic.objects.filter(municipality=municipality, kind=kind)
        .annotate(service_count=Count("services", filter=Q(services__is_published=True)))
        .filter(service_count__gt=0)
        .order_by("position", "name")
    )


def topic_get(*, municipality: Municipality, kind: str, slug: str) -> Topic:
    return Topic.objects.get(municipality=municipality, kind=kind, slug=slug)


def services_for_topic(*, municipality: Municipality, topic: Topic) -> QuerySet[Service]:
    return service_list(municipality=municipality).filter(topics=topic)


def services_for_unit(*, municipality: Municipality, unit: OrganisationalUnit) -> QuerySet[Service]:
    """Published services the office ``unit`` is responsible for."""
    return service_list(municipality=municipality).filter(responsible_units=unit)


# Back office ---------------------------------------------------------------------------------


def staff_service_list(*, municipality: Municipality, query: str = "") -> QuerySet[Service]:
    """Every service of ``municipality``, published or not, for administrators."""
    services = Service.objects.filter(municipality=municipality).order_by("name")
    for word in query.split()[:8]:
        services = services.filter(Q(name__icontains=word) | Q(leika_key__startswith=word))
    return services


def staff_service_get(*, municipality: Municipality, slug: str) -> Service:
    return (
        Service.objects.filter(municipality=municipality).prefetch_related("responsible_units", "topics").get(slug=slug)
    )


def online_service_list(*, municipality: Municipality) -> QuerySet[OnlineService]:
    return OnlineService.objects.filter(municipality=municipality).prefetch_related("services").order_by("name")


def online_service_get(*, municipality: Municipality, pk: int) -> OnlineService:
    return OnlineService.objects.get(municipality=municipality, pk=pk)


def import_run_list(*, municipality: Municipality) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(municipality=municipality).order_by("-started_at")


def import_run_get(*, municipality: Municipality, pk: int) -> ImportRun:
    return ImportRun.objects.get(municipality=municipality, pk=pk)


def feed_for(*, municipality: Municipality) -> CatalogueFeed | None:
    return CatalogueFeed.objects.filter(municipality=municipality).first()


def catalogue_export(*, municipality: Municipality, include_imported: bool = False) -> bytes:
    """The municipality's own services (optionally every service) as an XZuFi 2.2.0 message.

    Offices and online services responsible for the exported services travel with them; records
    without an outside id get a stable one from the municipality's ARS and their slug or number.
    """
    services = Service.objects.filter(municipality=municipality).prefetch_related(
        "responsible_units", "online_services"
    )
    if not include_imported:
        services = services.filter(origin=Service.Origin.LOCAL)

    def service_id(service: Service) -> str:
        return service.source_id or f"{municipality.ars}-L-{service.slug}"

    exported_services: list[dict[str, Any]] = []
    units: dict[int, tuple[OrganisationalUnit, list[tuple[str, list[str]]]]] = {}
    online_services: dict[int, tuple[OnlineService, list[tuple[str, list[str]]]]] = {}
    for service in services.order_by("name"):
        values = {name: getattr(service, name) for name in xzufi.ALL_TEXT_FIELDS}
        values.update(
            leika_key=service.leika_key,
            service_type=service.service_type,
            written_form_required=service.written_form_required,
            fee_min=None if service.fee_min is None else str(service.fee_min),
            fee_max=None if service.fee_max is None else str(service.fee_max),
            synonyms=service.synonyms,
        )
        exported_services.append(
            {"source_id": service_id(service), "values": values, "valid_regions": service.valid_regions}
        )
        for unit in service.responsible_units.all():
            units.setdefault(unit.pk, (unit, []))[1].append((service_id(service), [municipality.ars]))
        for online_service in service.online_services.all():
            online_services.setdefault(online_service.pk, (online_service, []))[1].append(
                (service_id(service), [municipality.ars])
            )
    offices = [
        {
            "source_id": unit.source_id or f"{municipality.ars}-O-{unit.slug}",
            "values": {name: getattr(unit, name) for name in xzufi.OFFICE_FIELDS},
            "responsibilities": responsibilities,
        }
        for unit, responsibilities in units.values()
    ]
    online = [
        {
            "source_id": online_service.source_id or f"{municipality.ars}-D-{online_service.pk}",
            "values": {name: getattr(online_service, name) for name in xzufi.ONLINE_SERVICE_FIELDS},
            "responsibilities": responsibilities,
        }
        for online_service, responsibilities in online_services.values()
    ]
    return xzufi.build_message(
        sender=municipality.name,
        agency=municipality.ars,
        services=exported_services,
        offices=offices,
        online_services=online,
    )
