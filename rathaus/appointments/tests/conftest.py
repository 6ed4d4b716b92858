"""Fixtures shared by the appointments tests: the Bürgerbüro Esslingen-Mitte with two counters and two services.

The clock is set to a Monday 09:00 a few days ahead, so that booking windows, holidays and weekdays are the
same whatever day the tests run; ``booking_day`` is the first ordinary working day inside the window.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rathaus.appointments.availability import BookingItem, public_holidays
from rathaus.appointments.tests.factories import AppointmentServiceFactory, CounterFactory, LocationFactory

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware local time on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def now(monkeypatch):
    today = date.today()
    monday = today + timedelta(days=7 - today.weekday())
    while any(monday + timedelta(days=offset) in public_holidays(monday.year) for offset in range(1, 4)):
        monday += timedelta(days=7)
    moment = at(monday, 9)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def booking_day(now):
    """The Tuesday after ``now``: open 8–12, inside the online window."""
    return now.date() + timedelta(days=1)


@pytest.fixture
def location(esslingen, citizens_office):
    return LocationFactory(
        municipality=esslingen, unit=citizens_office, slug="mitte", name="Bürgerbüro Esslingen-Mitte"
    )


@pytest.fixture
def id_card(esslingen):
    return AppointmentServiceFactory(
        municipality=esslingen, service__name="Personalausweis beantragen", duration_minutes=20, max_quantity=4
    )


@pytest.fixture
def registration(esslingen):
    return AppointmentServiceFactory(
        municipality=esslingen, service__name="Wohnsitz anmelden", duration_minutes=10, max_quantity=1
    )


@pytest.fixture
def counters(location, id_card, registration):
    return [CounterFactory(location=location, services=[id_card, registration]) for _number in range(2)]


@pytest.fixture
def id_card_items(id_card):
    return [BookingItem(service=id_card)]
