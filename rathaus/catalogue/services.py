"""Writes on the service catalogue: XZuFi imports, local edits, online offers, feeds."""

import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rathaus.municipalities.models import ImportedRecord, Municipality, OrganisationalUnit, as_imported_value
from rathaus.municipalities.page_cache import forget_cached_pages

from . import xzufi
from .models import CatalogueFeed, ImportRun, OnlineService, Service
from .search import service_index

SERVICE_IMPORTED_FIELDS = (
    *xzufi.ALL_TEXT_FIELDS,
    "leika_key",
    "service_type",
    "written_form_required",
    "fee_min",
    "fee_max",
    "synonyms",
    "valid_regions",
)
SERVICE_EDITABLE_FIELDS = (*SERVICE_IMPORTED_FIELDS, "is_published", "appointment_available")


class CatalogueImportError(Exception):
    """An import failed as a whole; the catalogue is unchanged. ``run`` is the recorded attempt."""

    def __init__(self, message: str, run: ImportRun) -> None:
        super().__init__(message)
        self.run = run


@dataclass
class _Summary:
    details: list[dict[str, str]] = field(default_factory=list)

    def add(self, kind: str, source_id: str, name: str, outcome: str, reason: str = "") -> None:
        self.details.append({"kind": kind, "id": source_id, "name": name, "outcome": outcome, "reason": reason})

    def count(self, outcome: str) -> int:
        return sum(1 for detail in self.details if detail["outcome"] == outcome)


def read_source(source: str) -> bytes:
    """The bytes of an XZuFi message from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "Rathaus-Katalogimport"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - scheme checked above
                data: bytes = response.read(xzufi.MAX_MESSAGE_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise xzufi.MessageError(
                _("Die Adresse %(source)s konnte nicht gelesen werden: %(error)s") % {"source": source, "error": error}
            ) from error
        return data
    if "://" in source:
        raise xzufi.MessageError(_("Nur Dateien und http(s)-Adressen werden unterstützt."))
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise xzufi.MessageError(
            _("Die Datei %(source)s konnte nicht gelesen werden: %(error)s")
            % {"source": source, "error": error.strerror or error}
        ) from error


def catalogue_import(
    *, municipality: Municipality, source: str, trigger: str = ImportRun.Trigger.COMMAND, data: bytes | None = None
) -> ImportRun:
    """Import an XZuFi 2.2.0 message into ``municipality``'s catalogue in one transaction.

    Objects that cannot be used are skipped with a reason; a message that cannot be used as a
    whole changes nothing and raises ``CatalogueImportError`` with the recorded failed run.
    """
    started_at = timezone.now()
    summary = _Summary()
    try:
        message = xzufi.parse(data if data is not None else read_source(source))
        with transaction.atomic():
            _apply(municipality, message, summary, started_at)
            transaction.on_commit(forget_cached_pages)
    except xzufi.MessageError as error:
        run = _record_run(municipality, source, trigger, started_at, _Summary(), error=str(error))
        raise CatalogueImportError(str(error), run) from error
    return _record_run(municipality, source, trigger, started_at, summary)


def _record_run(
    municipality: Municipality, source: str, trigger: str, started_at: datetime, summary: _Summary, error: str = ""
) -> ImportRun:
    return ImportRun.objects.create(
        municipality=municipality,
        source=source[:500],
        trigger=trigger,
        status=ImportRun.Status.FAILED if error else ImportRun.Status.SUCCEEDED,
        started_at=started_at,
        finished_at=timezone.now(),
        created=summary.count("neu"),
        updated=summary.count("geändert"),
        unchanged=summary.count("unverändert"),
        skipped=summary.count("übersprungen"),
        details=summary.details,
        error=error,
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {name: as_imported_value(value) for name, value in values.items()}


# Path segments that already mean something under /leistungen/ and /verwaltung/leistungen/.
RESERVED_SLUGS = frozenset({"suche", "neu", "importe", "online-dienste"})


def _unique_slug(queryset: models.QuerySet[Any], name: str, max_length: int) -> str:
    base = (slugify(name) or "eintrag")[: max_length - 6].strip("-")
    slug, number = base, 2
    while slug in RESERVED_SLUGS or queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _store(instance: ImportedRecord, values: dict[str, Any], fields: tuple[str, ...], now: datetime) -> None:
    """Apply imported ``values`` except where a clerk has overridden them, then validate and save."""
    for name in fields:
        if name in values and name not in instance.local_overrides:
            setattr(instance, name, values[name])
    instance.imported_values = values
    instance.last_imported_at = now
    instance.full_clean()
    instance.save()


def _upsert(
    summary: _Summary,
    kind: str,
    source_id: str,
    instance: ImportedRecord,
    values: dict[str, Any],
    fields: tuple[str, ...],
    now: datetime,
    note: str = "",
) -> str | None:
    """Create or update ``instance`` inside a savepoint; returns the outcome, or None if skipped.

    ``note`` is added to the summary's reason (languages or services that were left out).
    """
    values = _jsonable(values)
    name = str(values.get("name", ""))
    is_new = instance.pk is None
    if not is_new and instance.imported_values == values:
        summary.add(kind, source_id, name, "unverändert", note)
        return "unverändert"
    try:
        with transaction.atomic():
            _store(instance, values, fields, now)
    except ValidationError as error:
        messages = "; ".join(f"{key}: {' '.join(texts)}" for key, texts in error.message_dict.items())
        summary.add(
            kind, source_id, name, "übersprungen", _("Ungültige Angaben: %(messages)s") % {"messages": messages}
        )
        return None
    outcome = "neu" if is_new else "geändert"
    overridden = [field_name for field_name in instance.local_overrides if field_name in values]
    kept = _("Lokal geändert und beibehalten: %(fields)s") % {"fields": ", ".join(overridden)} if overridden else ""
    summary.add(kind, source_id, name, outcome, " ".join(part for part in (kept, note) if part))
    return outcome


def _applies_here(regions: list[str], municipality: Municipality) -> bool:
    return not regions or any(xzufi.region_contains(region, municipality.ars) for region in regions)


def _apply(municipality: Municipality, message: xzufi.Message, summary: _Summary, now: datetime) -> None:
    for skipped in message.skipped:
        summary.add(skipped.kind, skipped.source_id, skipped.name, "übersprungen", skipped.reason)
    services = {
        service.source_id: service
        for service in Service.objects.filter(municipality=municipality).exclude(source_id="")
    }
    for record in message.services:
        _import_service(municipality, record, services, summary, now)
    linked_records: list[xzufi.OfficeRecord | xzufi.OnlineServiceRecord] = [*message.offices, *message.online_services]
    for linked_record in linked_records:
        responsibilities = linked_record.responsibilities + message.transferred_responsibilities.get(
            linked_record.source_id, []
        )
        _import_linked_record(municipality, linked_record, responsibilities, services, summary, now)
    for kind, source_id in message.deleted:
        _apply_deletion(municipality, kind, source_id, summary)


def _import_service(
    municipality: Municipality,
    record: xzufi.ServiceRecord,
    services: dict[str, Service],
    summary: _Summary,
    now: datetime,
) -> None:
    name = record.values["name"]
    if not _applies_here(record.valid_regions, municipality):
        summary.add(
            "leistung",
            record.source_id,
            name,
            "übersprungen",
            _("Gilt nur für die Gebiete %(regions)s, nicht für %(name)s.")
            % {"regions": ", ".join(record.valid_regions), "name": municipality.name},
        )
        return
    service = services.get(record.source_id)
    if service is None:
        service = Service(
            municipality=municipality,
            source_id=record.source_id,
            origin=Service.Origin.XZUFI,
            slug=_unique_slug(Service.objects.filter(municipality=municipality), name, 120),
        )
    values = {**record.values, "valid_regions": record.valid_regions}
    note = (
        _("Sprachen nicht übernommen: %(languages)s.") % {"languages": ", ".join(sorted(record.skipped_languages))}
        if record.skipped_languages
        else ""
    )
    outcome = _upsert(summary, "leistung", record.source_id, service, values, SERVICE_IMPORTED_FIELDS, now, note)
    if outcome is None:
        return
    services[record.source_id] = service
    if outcome != "unverändert":
        service_index(service=service)


def _linked_services(
    municipality: Municipality, responsibilities: list[xzufi.Responsibility], services: dict[str, Service]
) -> tuple[list[Service], list[str], str]:
    """Services an office or online service is responsible for here, ids not found, and a refusal reason."""
    relevant = [item for item in responsibilities if _applies_here(item.regions, municipality)]
    if responsibilities and not relevant:
        regions = sorted({region for item in responsibilities for region in item.regions})
        return [], [], _("Nur für andere Gebiete zuständig (%(regions)s).") % {"regions": ", ".join(regions)}
    linked = [services[item.service_source_id] for item in relevant if item.service_source_id in services]
    missing = sorted({item.service_source_id for item in relevant if item.service_source_id not in services})
    return list(dict.fromkeys(linked)), missing, ""


def _relink(instance: OrganisationalUnit | OnlineService, linked: list[Service]) -> None:
    # Only links to imported services are the import's to change; a clerk's links to local services stay.
    manager = instance.services
    current = set(manager.exclude(source_id="").values_list("pk", flat=True))
    wanted = {service.pk for service in linked}
    manager.remove(*(current - wanted))
    manager.add(*(wanted - current))


def _import_linked_record(
    municipality: Municipality,
    record: xzufi.OfficeRecord | xzufi.OnlineServiceRecord,
    responsibilities: list[xzufi.Responsibility],
    services: dict[str, Service],
    summary: _Summary,
    now: datetime,
) -> None:
    """Import an office or an online service and link it to the services it is responsible for here."""
    is_office = isinstance(record, xzufi.OfficeRecord)
    kind = "organisationseinheit" if is_office else "onlinedienst"
    linked, missing, refusal = _linked_services(municipality, responsibilities, services)
    if refusal:
        summary.add(kind, record.source_id, record.values["name"], "übersprungen", refusal)
        return
    instance: OrganisationalUnit | OnlineService | None
    fields: tuple[str, ...]
    if is_office:
        instance = OrganisationalUnit.objects.filter(municipality=municipality, source_id=record.source_id).first()
        instance = instance or OrganisationalUnit(
            municipality=municipality,
            source_id=record.source_id,
            slug=_unique_slug(OrganisationalUnit.objects.filter(municipality=municipality), record.values["name"], 50),
        )
        fields = xzufi.OFFICE_FIELDS
    else:
        instance = OnlineService.objects.filter(municipality=municipality, source_id=record.source_id).first()
        instance = instance or OnlineService(municipality=municipality, source_id=record.source_id)
        fields = xzufi.ONLINE_SERVICE_FIELDS
    values = {**record.values, "services": sorted(service.source_id for service in linked)}
    note = _("Unbekannte Leistungen nicht verknüpft: %(ids)s.") % {"ids": ", ".join(missing)} if missing else ""
    outcome = _upsert(summary, kind, record.source_id, instance, values, fields, now, note)
    if outcome not in (None, "unverändert"):
        _relink(instance, linked)


def _apply_deletion(municipality: Municipality, kind: str, source_id: str, summary: _Summary) -> None:
    # Deletions are applied reversibly: the service is unpublished, the online offer switched off.
    if kind == "Leistung":
        changed = Service.objects.filter(municipality=municipality, source_id=source_id, is_published=True).update(
            is_published=False
        )
        for service in Service.objects.filter(municipality=municipality, source_id=source_id):
            service_index(service=service)
        summary.add(
            "leistung",
            source_id,
            "",
            "geändert" if changed else "unverändert",
            _("Gelöscht gemeldet: nicht mehr veröffentlicht."),
        )
    elif kind == "Onlinedienst":
        changed = OnlineService.objects.filter(municipality=municipality, source_id=source_id, is_enabled=True).update(
            is_enabled=False
        )
        summary.add(
            "onlinedienst",
            source_id,
            "",
            "geändert" if changed else "unverändert",
            _("Gelöscht gemeldet: ausgeschaltet."),
        )
    else:
        summary.add(
            kind or "loesche", source_id, "", "übersprungen", _("Löschungen dieser Objektart werden nicht übernommen.")
        )


# Local edits ---------------------------------------------------------------------------------


def service_update(*, service: Service, values: dict[str, Any]) -> Service:
    """Change a service's description; fields that differ from the last import become local overrides."""
    unknown = set(values) - set(SERVICE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for name, value in values.items():
            setattr(service, name, value)
        service.full_clean()
        if service.is_imported:
            service.mark_local_changes(values)
        service.save()
        service_index(service=service)
        transaction.on_commit(forget_cached_pages)
    return service


def service_reset_to_imported(*, service: Service) -> Service:
    """Drop every local override and show the imported description again."""
    with transaction.atomic():
        for name in service.local_overrides:
            if name in service.imported_values:
                setattr(service, name, service.imported_values[name])
        service.local_overrides = []
        service.full_clean()
        service.save()
        service_index(service=service)
        transaction.on_commit(forget_cached_pages)
    return service


def service_create(*, municipality: Municipality, values: dict[str, Any]) -> Service:
    """Add a service described by the municipality itself (origin local)."""
    unknown = set(values) - set(SERVICE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        service = Service(municipality=municipality, origin=Service.Origin.LOCAL, **values)
        service.slug = _unique_slug(Service.objects.filter(municipality=municipality), service.name, 120)
        service.full_clean()
        service.save()
        service_index(service=service)
        transaction.on_commit(forget_cached_pages)
    return service


def online_service_set_enabled(*, online_service: OnlineService, is_enabled: bool) -> OnlineService:
    """Switch an online offer on or off in the portal."""
    with transaction.atomic():
        online_service.is_enabled = is_enabled
        online_service.save(update_fields=["is_enabled"])
        transaction.on_commit(forget_cached_pages)
    return online_service


# Scheduled imports ---------------------------------------------------------------------------


def feed_configure(*, municipality: Municipality, url: str, interval_hours: int, is_enabled: bool) -> CatalogueFeed:
    """Set the XZuFi address the worker imports from; the first run is queued at once."""
    with transaction.atomic():
        feed = CatalogueFeed.objects.filter(municipality=municipality).first() or CatalogueFeed(
            municipality=municipality
        )
        feed.url, feed.interval_hours, feed.is_enabled = url, interval_hours, is_enabled
        feed.next_run_at = timezone.now() if is_enabled else None
        feed.full_clean()
        feed.save()
        if is_enabled:
            transaction.on_commit(lambda: feed_schedule(feed_id=feed.pk, run_after=None))
    return feed


def feed_schedule(*, feed_id: int, run_after: datetime | None) -> None:
    """Queue the next import of a feed. Each queued run carries a fresh token; only the run holding
    the feed's current token works, so a feed never ends up with two chains of runs."""
    from django_tasks import default_task_backend

    from .tasks import catalogue_feed_import

    task = catalogue_feed_import
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return
        task = task.using(run_after=run_after)
    token = uuid.uuid4().hex
    CatalogueFeed.objects.filter(pk=feed_id).update(scheduled_task_id=token, next_run_at=run_after or timezone.now())
    task.enqueue(feed_id, token)


def feed_run(*, feed_id: int, token: str) -> ImportRun | None:
    """Import a feed now if ``token`` is still the feed's current one, then queue the next run."""
    feed = CatalogueFeed.objects.select_related("municipality").filter(pk=feed_id).first()
    if feed is None or not feed.is_enabled or feed.scheduled_task_id != token:
        return None
    try:
        run = catalogue_import(municipality=feed.municipality, source=feed.url, trigger=ImportRun.Trigger.SCHEDULE)
    except CatalogueImportError as error:
        run = error.run
    finally:
        feed_schedule(feed_id=feed.pk, run_after=timezone.now() + timedelta(hours=feed.interval_hours))
    return run
