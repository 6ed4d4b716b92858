"""A Bürgerbüro with two counters: Schalter 1 handles ID cards and passports, Schalter 2 only ID cards."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rathaus.appointments.models import AppointmentService, Counter, Location

from .factories import AppointmentServiceFactory, CounterFactory, LocationFactory

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Office:
    location: Location
    id_card: AppointmentService
    passport: AppointmentService
    counter_one: Counter
    counter_two: Counter


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment on a working day in November 2026, Esslingen time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def office(esslingen, citizens_office) -> Office:
    location = LocationFactory(
        municipality=esslingen, unit=citizens_office, slug="buergerbuero-mitte", name="Bürgerbüro Esslingen-Mitte"
    )
    id_card = AppointmentServiceFactory(
        municipality=esslingen, service__name="Personalausweis beantragen", duration_minutes=10
    )
    passport = AppointmentServiceFactory(
        municipality=esslingen, service__name="Reisepass beantragen", duration_minutes=15
    )
    counter_one = CounterFactory(location=location, name="Schalter 1", position=1, services=[id_card, passport])
    counter_two = CounterFactory(location=location, name="Schalter 2", position=2, services=[id_card])
    return Office(location, id_card, passport, counter_one, counter_two)
