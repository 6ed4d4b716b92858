"""Reads on appointments. Every read that returns tenant data takes the municipality (or a location of it)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation

from rathaus.municipalities.models import HostName, Municipality

from .availability import local_zone
from .models import Appointment, AppointmentItem, AppointmentService, Counter, Location, OpeningPeriod


def municipality_portal_url(*, municipality: Municipality) -> str:
    """The portal's address for links in e-mails and calendar files: the municipality's first host name."""
    host = HostName.objects.filter(municipality=municipality).order_by("name").values_list("name", flat=True).first()
    if host is None:
        return ""
    local = settings.DEBUG or host == "localhost" or host.endswith(".localhost")
    return f"{'http' if local else 'https'}://{host}"


def in_language(german: str, english: str) -> str:
    """The English text when the active language is English and one is given, else the German one."""
    return english if english and (translation.get_language() or "de").startswith("en") else german


def _with_details(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related("location", "counter", "municipality").prefetch_related(
        Prefetch("items", queryset=AppointmentItem.objects.select_related("service__service"))
    )


def appointments_for_user(*, municipality: Municipality, user: Any) -> QuerySet[Appointment]:
    """A citizen's appointments in ``municipality`` (without lapsed holds), the latest first."""
    return _with_details(
        Appointment.objects.filter(municipality=municipality, user=user).exclude(state=Appointment.State.EXPIRED)
    ).order_by("-starts_at")


def appointments_of_location_day(*, location: Location, day: date) -> QuerySet[Appointment]:
    """All appointments of one day at ``location`` that hold or held time (not expired holds), by time and counter."""
    zone = local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return _with_details(
        Appointment.objects.filter(
            location=location, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        ).exclude(state=Appointment.State.EXPIRED)
    ).order_by("starts_at", "counter__position", "counter_id")


def appointment_for_staff(*, municipality: Municipality, pk: int) -> Appointment:
    """One appointment of ``municipality``; raises DoesNotExist for any other municipality's appointment."""
    return _with_details(Appointment.objects.filter(municipality=municipality)).get(pk=pk)


def appointment_by_code(*, municipality: Municipality, code: str) -> Appointment | None:
    """The appointment with booking code ``code`` (as read out on the phone), or ``None``."""
    return (
        _with_details(Appointment.objects.filter(municipality=municipality)).filter(code=code.strip().upper()).first()
    )


def bookable_services(*, municipality: Municipality) -> QuerySet[AppointmentService]:
    """Services citizens may book online that at least one active counter handles."""
    return (
        AppointmentService.objects.filter(
            municipality=municipality,
            is_bookable=True,
            counters__is_active=True,
            counters__location__is_active=True,
        )
        .select_related("service")
        .distinct()
        .order_by("position", "service__name")
    )


def books_after_application(*, municipality: Municipality, service_id: int) -> bool:
    """Whether the confirmation of an online application for this service offers booking the visit it needs."""
    return AppointmentService.objects.filter(
        municipality=municipality, service_id=service_id, in_person_required=True, is_bookable=True
    ).exists()


def active_locations(*, municipality: Municipality) -> QuerySet[Location]:
    """The municipality's locations that take bookings, with opening periods and active counters."""
    return (
        Location.objects.filter(municipality=municipality, is_active=True)
        .prefetch_related(
            Prefetch("opening_periods", queryset=OpeningPeriod.objects.order_by("weekday", "opens")),
            Prefetch("counters", queryset=Counter.objects.filter(is_active=True).prefetch_related("services")),
        )
        .order_by("position", "name")
    )


@dataclass(frozen=True)
class NoShowRow:
    location: Location
    service: AppointmentService
    appointments: int
    no_shows: int

    @property
    def rate(self) -> float:
        """Share of no-shows among the appointments that were due (0.0 to 1.0)."""
        return self.no_shows / self.appointments if self.appointments else 0.0


def no_show_rate(*, municipality: Municipality, since: date, until: date) -> list[NoShowRow]:
    """Per service and location: appointments that were due between two days and how many nobody came to."""
    zone = local_zone()
    due = (Appointment.State.CHECKED_IN, Appointment.State.COMPLETED, Appointment.State.NO_SHOW)
    rows = (
        AppointmentItem.objects.filter(
            appointment__municipality=municipality,
            appointment__starts_at__gte=datetime.combine(since, time.min, tzinfo=zone),
            appointment__starts_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone),
            appointment__state__in=due,
        )
        .values("appointment__location_id", "service_id")
        .annotate(
            appointments=Count("appointment_id", distinct=True),
            no_shows=Count("appointment_id", filter=Q(appointment__state=Appointment.State.NO_SHOW), distinct=True),
        )
    )
    locations = {location.pk: location for location in Location.objects.filter(municipality=municipality)}
    services = {
        service.pk: service
        for service in AppointmentService.objects.filter(municipality=municipality).select_related("service")
    }
    result = [
        NoShowRow(
            location=locations[row["appointment__location_id"]],
            service=services[row["service_id"]],
            appointments=row["appointments"],
            no_shows=row["no_shows"],
        )
        for row in rows
    ]
    result.sort(key=lambda row: (row.location.position, row.location.name, row.service.service.name))
    return result


def appointments_of_case(*, municipality: Municipality, case: Any) -> QuerySet[Appointment]:
    """The appointments booked for a case (lapsed holds left out), the earliest first."""
    return _with_details(
        Appointment.objects.filter(municipality=municipality, case=case)
        .exclude(state=Appointment.State.EXPIRED)
        .order_by("starts_at", "pk")
    )
