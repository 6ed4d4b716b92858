"""Demo content for the counter side: today's waiting room at Esslingen's first location.

Three people with an appointment have checked in, four walk-ins drew a ticket and one of them has just been
called, so the day view, the ticket pages and the call display (``/aufruf/<location>/``) show something.
Everything goes through the counter services; only the three appointments of today are written straight to
the tables, because the booking services rightly refuse times that have already begun.

Loading is repeatable: nothing is added when the location has any visit today.
"""

import secrets
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.appointments.availability import BookingItem, local_zone, units_needed
from rathaus.appointments.models import Appointment, AppointmentItem, AppointmentService, Counter, Location, SlotClaim
from rathaus.appointments.services import CODE_ALPHABET, CODE_LENGTH, slot_claims_for
from rathaus.municipalities.models import Municipality

from .models import Visit
from .services import visit_call_next, visit_check_in, visit_walk_in

# Fictitious people; the addresses are example.org, so no demo e-mail can reach anyone.
DEMO_PEOPLE = ("Jonas Beispiel", "Aylin Muster", "Grete Probe")
# Minutes before now at which the walk-ins arrived, the earliest first.
WALK_IN_ARRIVALS = (35, 22, 12, 4)


def _code(municipality: Municipality) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
        if not Appointment.objects.filter(municipality=municipality, code=code).exists():
            return code


def _appointment_today(
    *, location: Location, counter: Counter, service: AppointmentService, starts_at: datetime, name: str
) -> Appointment | None:
    """A confirmed appointment of today with its claims; ``None`` when that time of the counter is taken."""
    ends_at = starts_at + timedelta(
        minutes=units_needed(location=location, items=[BookingItem(service)]) * location.slot_minutes
    )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                municipality=location.municipality,
                location=location,
                counter=counter,
                code=_code(location.municipality),
                starts_at=starts_at,
                ends_at=ends_at,
                state=Appointment.State.CONFIRMED,
                channel=Appointment.Channel.PHONE,
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                confirmed_at=starts_at - timedelta(days=3),
            )
            AppointmentItem.objects.create(appointment=appointment, service=service, quantity=1)
            SlotClaim.objects.bulk_create(slot_claims_for(appointment))
    except IntegrityError:
        return None
    return appointment


def load_visits(municipality: Municipality) -> int:
    """Fill today's waiting room of the municipality's first location; returns how many visits were added."""
    location = Location.objects.filter(municipality=municipality, is_active=True).order_by("pk").first()
    if location is None:
        return 0
    now = timezone.now()
    today = timezone.localdate(now, local_zone())
    if Visit.objects.filter(location=location, day=today).exists():
        return 0
    counters = list(Counter.objects.filter(location=location, is_active=True).order_by("position", "pk"))
    services = list(AppointmentService.objects.filter(counters__in=counters).distinct().order_by("position", "pk"))
    if not counters or not services:
        return 0
    start_of_day = datetime.combine(today, time(0), tzinfo=local_zone())
    slot = timedelta(minutes=location.slot_minutes)
    # Appointment times on the location's grid, the latest one starting about now.
    latest = start_of_day + ((now - start_of_day) // slot) * slot
    added = 0
    for number, name in enumerate(DEMO_PEOPLE):
        counter = counters[number % len(counters)]
        service = next((service for service in services if counter.services.filter(pk=service.pk).exists()), None)
        starts_at = max(latest - number * 2 * slot, start_of_day)
        if service is None:
            continue
        appointment = _appointment_today(
            location=location, counter=counter, service=service, starts_at=starts_at, name=name
        )
        if appointment is None:
            continue
        visit_check_in(appointment=appointment, now=max(now - timedelta(minutes=5 * (number + 1)), start_of_day))
        added += 1
    for number, minutes in enumerate(WALK_IN_ARRIVALS):
        visit_walk_in(
            location=location,
            services=[services[number % len(services)]],
            now=max(now - timedelta(minutes=minutes), start_of_day),
        )
        added += 1
    # Nobody was called yet today (the room was empty), so this call always finds the first in line.
    visit_call_next(counter=counters[0], staff=None, now=now)
    return added
