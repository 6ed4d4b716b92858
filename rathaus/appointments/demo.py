"""Demo appointments for Esslingen: three locations, their counters and opening hours, bookable services,
one fair-release window and about forty booked appointments over the coming weeks.

``demo_data/esslingen_appointments.json`` names the locations after the demo offices of
``rathaus/municipalities/demo_data/esslingen_offices.json``; address, accessibility note and opening hours are
copied from those offices. Demo appointments go through the real booking services (hold, then confirm), by
phone or online, with clearly fictitious names and ``example.org`` addresses.

Loading is repeatable: locations are found again by slug, services by their catalogue service, and appointments
by their idempotency key (``demo-<n>``); what an administrator changed on an existing location or service stays.
"""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import availability, services
from .availability import BookingItem
from .models import (
    Appointment,
    AppointmentService,
    BookingPolicy,
    Counter,
    Location,
    LotteryWindow,
    OpeningPeriod,
)

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "esslingen_appointments.json"
OFFICES_FILE = Path(__file__).resolve().parent.parent / "municipalities" / "demo_data" / "esslingen_offices.json"
DEMO_APPOINTMENTS = 40
# The first demo appointment lies this many days ahead, the last about five weeks ahead.
FIRST_DAY_OFFSET = 2
SPREAD_DAYS = 35


def _appointment_services(
    municipality: Municipality, entries: dict[str, dict[str, Any]]
) -> dict[str, AppointmentService]:
    catalogue = {service.slug: service for service in Service.objects.filter(municipality=municipality)}
    found: dict[str, AppointmentService] = {}
    for position, (slug, settings) in enumerate(entries.items()):
        service = catalogue.get(slug)
        if service is None:
            continue
        appointment_service, _created = AppointmentService.objects.get_or_create(
            service=service,
            defaults={"municipality": municipality, "position": position, **settings},
        )
        found[slug] = appointment_service
    return found


def _locations(
    municipality: Municipality, entries: list[dict[str, Any]], appointment_services: dict[str, AppointmentService]
) -> dict[str, Location]:
    offices = {office["slug"]: office for office in json.loads(OFFICES_FILE.read_text(encoding="utf-8"))}
    units = {unit.slug: unit for unit in OrganisationalUnit.objects.filter(municipality=municipality)}
    found: dict[str, Location] = {}
    for position, entry in enumerate(entries):
        office, unit = offices.get(entry["office"]), units.get(entry["office"])
        if office is None or unit is None:
            continue
        location, created = Location.objects.get_or_create(
            municipality=municipality,
            slug=entry["slug"],
            defaults={
                "unit": unit,
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "street": office["street"],
                "postal_code": office["postal_code"],
                "city": office["city"],
                "accessibility": office.get("accessibility_de", ""),
                "accessibility_en": office.get("accessibility_en", ""),
                "slot_minutes": entry["slot_minutes"],
                "booking_min_days": entry["booking_min_days"],
                "booking_max_days": entry["booking_max_days"],
                "walk_in_share": entry["walk_in_share"],
                "position": position,
            },
        )
        found[entry["slug"]] = location
        if not created:
            continue
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(location=location, weekday=period["weekday"], opens=period["opens"], closes=period["closes"])
            for period in office["opening_hours"]
        )
        handled = [appointment_services[slug] for slug in entry["services"] if slug in appointment_services]
        for counter_position, name in enumerate(entry["counters"]):
            counter = Counter.objects.create(location=location, name=name, position=counter_position)
            counter.services.set(handled)
    return found


def _lottery(
    municipality: Municipality,
    entry: dict[str, Any],
    locations: dict[str, Location],
    appointment_services: dict[str, AppointmentService],
) -> None:
    location, service = locations.get(entry["location"]), appointment_services.get(entry["service"])
    if location is None or service is None or LotteryWindow.objects.filter(location=location, service=service).exists():
        return
    now = timezone.now()
    today = timezone.localdate()
    first_day = today + timedelta(days=entry["first_day_offset"])
    LotteryWindow.objects.create(
        municipality=municipality,
        location=location,
        service=service,
        collect_from=now,
        collect_until=now + timedelta(days=entry["collect_days"]),
        first_day=first_day,
        last_day=first_day + timedelta(days=entry["days"] - 1),
    )


def _book(
    municipality: Municipality,
    number: int,
    location: Location,
    items: list[BookingItem],
    name: str,
    today: date,
) -> Appointment | None:
    """Book demo appointment ``number`` on the first day from its planned day on that has a free time."""
    phone_booking = number % 3 == 0
    channel = Appointment.Channel.PHONE if phone_booking else Appointment.Channel.ONLINE
    first_day, last_day = availability.booking_window(location=location, staff=phone_booking)
    day = max(first_day, today + timedelta(days=FIRST_DAY_OFFSET + (number * 7) % SPREAD_DAYS))
    while day <= last_day:
        times = availability.free_times(location=location, items=items, day=day, staff=phone_booking)
        if times:
            starts_at = times[(number * 11) % len(times)]
            appointment = services.appointment_hold(
                municipality=municipality,
                location=location,
                items=items,
                starts_at=starts_at,
                name=name,
                email="" if phone_booking else f"demo-termin-{number}@example.org",
                phone="0711 000000" if phone_booking else "",
                channel=channel,
                idempotency_key=f"demo-{number}",
            )
            return services.appointment_confirm(appointment=appointment)
        day += timedelta(days=1)
    return None


def load_appointments(municipality: Municipality, data_file: Path = DATA_FILE) -> int:
    """Create the demo configuration and appointments of ``municipality``; returns how many demo appointments exist."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    with transaction.atomic():
        BookingPolicy.objects.get_or_create(municipality=municipality)
        appointment_services = _appointment_services(municipality, data["services"])
        locations = _locations(municipality, data["locations"], appointment_services)
        _lottery(municipality, data["lottery"], locations, appointment_services)
    existing = set(
        Appointment.objects.filter(municipality=municipality, idempotency_key__startswith="demo-").values_list(
            "idempotency_key", flat=True
        )
    )
    today = timezone.localdate()
    people: list[str] = data["people"]
    bookings: list[dict[str, Any]] = data["bookings"]
    for number in range(DEMO_APPOINTMENTS):
        if f"demo-{number}" in existing:
            continue
        booking = bookings[number % len(bookings)]
        location = locations.get(booking["location"])
        items = [
            BookingItem(service=appointment_services[slug], quantity=quantity)
            for slug, quantity in booking["items"]
            if slug in appointment_services
        ]
        if location is None or not items:
            continue
        try:
            _book(municipality, number, location, items, people[(number * 7) % len(people)], today)
        except services.BookingRefused:
            continue  # an administrator changed the configuration; the demo does without this appointment
    return Appointment.objects.filter(municipality=municipality, idempotency_key__startswith="demo-").count()
