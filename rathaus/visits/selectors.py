"""Reads of the counter side; every function takes the municipality (or a location of it) explicitly."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import StaffMembership
from rathaus.appointments.models import Appointment, AppointmentService, Counter, Location
from rathaus.cases.dashboard import percentile
from rathaus.municipalities.models import Municipality

from .models import Visit
from .queue import WaitEstimate, wait_estimate

# How many recent calls the waiting-room display lists below the newest one.
DISPLAY_CALLS = 8


def locations_for_staff(*, municipality: Municipality, membership: StaffMembership) -> QuerySet[Location]:
    """Locations whose unit the person works in; municipality administrators see every location."""
    if membership.municipality_id != municipality.pk or not membership.is_active:
        return Location.objects.none()
    locations = Location.objects.filter(municipality=municipality).select_related("unit")
    if membership.is_municipality_admin:
        return locations
    return locations.filter(unit__in=membership.units.all())


def location_for_staff(*, municipality: Municipality, membership: StaffMembership, location_id: Any) -> Location | None:
    return locations_for_staff(municipality=municipality, membership=membership).filter(pk=location_id).first()


def counter_for_staff(*, municipality: Municipality, membership: StaffMembership, counter_id: Any) -> Counter | None:
    locations = locations_for_staff(municipality=municipality, membership=membership)
    return Counter.objects.select_related("location").filter(location__in=locations, pk=counter_id).first()


def visit_for_staff(*, municipality: Municipality, membership: StaffMembership, visit_id: Any) -> Visit | None:
    locations = locations_for_staff(municipality=municipality, membership=membership)
    return (
        Visit.objects.select_related("location", "counter", "appointment")
        .prefetch_related("services__service")
        .filter(municipality=municipality, location__in=locations, pk=visit_id)
        .first()
    )


def appointment_for_staff(
    *, municipality: Municipality, membership: StaffMembership, appointment_id: Any
) -> Appointment | None:
    locations = locations_for_staff(municipality=municipality, membership=membership)
    return Appointment.objects.filter(municipality=municipality, location__in=locations, pk=appointment_id).first()


def counters_of_locations(*, locations: QuerySet[Location]) -> QuerySet[Counter]:
    return (
        Counter.objects.filter(location__in=locations, is_active=True)
        .select_related("location")
        .order_by("location__position", "location__name", "position", "name")
    )


def location_services(*, location: Location) -> QuerySet[AppointmentService]:
    """Services that at least one staffed counter of ``location`` handles (what a walk-in may ask for)."""
    return (
        AppointmentService.objects.filter(
            municipality_id=location.municipality_id, counters__location=location, counters__is_active=True
        )
        .select_related("service")
        .distinct()
    )


def appointments_of_day(*, location: Location, day: date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            municipality_id=location.municipality_id,
            location=location,
            starts_at__date=day,
            state__in=[
                Appointment.State.CONFIRMED,
                Appointment.State.CHECKED_IN,
                Appointment.State.COMPLETED,
                Appointment.State.NO_SHOW,
            ],
        )
        .select_related("counter", "visit")
        .order_by("starts_at", "id")
    )


def visits_of_day(*, location: Location, day: date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(municipality_id=location.municipality_id, location=location, day=day)
        .select_related("counter", "appointment")
        .prefetch_related("services__service")
        .order_by("arrived_at", "id")
    )


def walk_in_estimate(*, visit: Visit, now: datetime | None = None) -> WaitEstimate:
    now = now or timezone.now()
    return wait_estimate(location=visit.location, services=list(visit.services.all()), now=now, before=visit)


def location_estimate(*, location: Location, now: datetime | None = None) -> WaitEstimate:
    """The estimate for someone drawing a ticket now, for any service of the location."""
    now = now or timezone.now()
    return wait_estimate(
        location=location, services=list(location_services(location=location)), now=now, combined=False
    )


@dataclass(frozen=True)
class DisplayState:
    location: Location
    newest: Visit | None
    recent: list[Visit]
    waiting: int
    estimate: WaitEstimate


def display_state(
    *, municipality: Municipality, location_slug: str, now: datetime | None = None
) -> DisplayState | None:
    """What the waiting-room screen shows: numbers and counter names of today's calls, no names of people."""
    now = now or timezone.now()
    location = Location.objects.filter(municipality=municipality, slug=location_slug).first()
    if location is None:
        return None
    today = timezone.localdate(now)
    calls = list(
        Visit.objects.filter(
            location=location,
            day=today,
            called_at__isnull=False,
            state__in=[Visit.State.CALLED, Visit.State.IN_SERVICE],
        )
        .select_related("counter")
        .order_by("-called_at", "-id")[: DISPLAY_CALLS + 1]
    )
    waiting = Visit.objects.filter(location=location, day=today, state=Visit.State.WAITING).count()
    return DisplayState(
        location=location,
        newest=calls[0] if calls else None,
        recent=calls[1:],
        waiting=waiting,
        estimate=location_estimate(location=location, now=now),
    )


# Statistics -------------------------------------------------------------------------------------


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 60, 0.0)


def visit_waiting_minutes(visit: Visit) -> float | None:
    """From arrival (or the appointment's start, if the person came early) to the first call."""
    ready = visit.arrived_at
    if visit.appointment is not None and visit.appointment.starts_at > ready:
        ready = visit.appointment.starts_at
    return _minutes(ready, visit.first_called_at)


@dataclass
class ServiceFigures:
    location: str
    service: str
    served: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    appointments_due: int = 0
    no_shows: int = 0


def _round(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def statistics_rows(
    *, municipality: Municipality, locations: QuerySet[Location], first_day: date, last_day: date
) -> list[ServiceFigures]:
    """Per location and service: people served, waiting and service times, no-show rate."""
    figures: dict[tuple[int, int], ServiceFigures] = {}

    def row(location: Location, service: AppointmentService) -> ServiceFigures:
        key = (location.pk, service.pk)
        if key not in figures:
            figures[key] = ServiceFigures(location=location.name, service=service.service.name)
        return figures[key]

    visits = (
        Visit.objects.filter(
            municipality=municipality,
            location__in=locations,
            day__gte=first_day,
            day__lte=last_day,
            state=Visit.State.FINISHED,
        )
        .select_related("location", "appointment")
        .prefetch_related("services__service")
    )
    for visit in visits:
        wait = visit_waiting_minutes(visit)
        service_time = _minutes(visit.service_started_at, visit.finished_at)
        for service in visit.services.all():
            figures_row = row(visit.location, service)
            figures_row.served += 1
            if wait is not None:
                figures_row.waits.append(wait)
            if service_time is not None:
                figures_row.services.append(service_time)

    appointments = (
        Appointment.objects.filter(
            municipality=municipality,
            location__in=locations,
            starts_at__date__gte=first_day,
            starts_at__date__lte=last_day,
            state__in=[Appointment.State.CHECKED_IN, Appointment.State.COMPLETED, Appointment.State.NO_SHOW],
        )
        .select_related("location")
        .prefetch_related("items__service__service")
    )
    for appointment in appointments:
        for item in appointment.items.all():
            figures_row = row(appointment.location, item.service)
            figures_row.appointments_due += 1
            if appointment.state == Appointment.State.NO_SHOW:
                figures_row.no_shows += 1
    return sorted(figures.values(), key=lambda figure: (figure.location, figure.service))


def statistics_tables(rows: list[ServiceFigures]) -> list[dict[str, Any]]:
    """The figures as tables (caption, headers, rows of text) for the page and the CSV download."""
    times = {
        "key": "zeiten",
        "caption": _("Wartezeiten und Bedienzeiten je Standort und Anliegen (Minuten)"),
        "headers": [
            _("Standort"),
            _("Anliegen"),
            _("Bediente Personen"),
            _("Wartezeit Median"),
            _("Wartezeit 90-%-Wert"),
            _("Bedienzeit Median"),
            _("Bedienzeit 90-%-Wert"),
        ],
        "rows": [
            [
                figure.location,
                figure.service,
                str(figure.served),
                _round(percentile(figure.waits, 50)),
                _round(percentile(figure.waits, 90)),
                _round(percentile(figure.services, 50)),
                _round(percentile(figure.services, 90)),
            ]
            for figure in rows
            if figure.served
        ],
    }
    no_shows = {
        "key": "nichterscheinen",
        "caption": _("Nicht erschienene Termine je Standort und Anliegen"),
        "headers": [_("Standort"), _("Anliegen"), _("Fällige Termine"), _("Nicht erschienen"), _("Quote")],
        "rows": [
            [
                figure.location,
                figure.service,
                str(figure.appointments_due),
                str(figure.no_shows),
                f"{figure.no_shows * 100 / figure.appointments_due:.0f} %",
            ]
            for figure in rows
            if figure.appointments_due
        ],
    }
    return [times, no_shows]


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=29), today
