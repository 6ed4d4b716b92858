"""The demo appointments of Esslingen: real offices as locations, bookable services, repeatable loading."""

import json

import pytest
from django.db.models import Count

from rathaus.appointments.demo import DATA_FILE, OFFICES_FILE, load_appointments
from rathaus.appointments.models import (
    Appointment,
    AppointmentService,
    Counter,
    Location,
    LotteryWindow,
    OpeningPeriod,
    SlotClaim,
)
from rathaus.catalogue.demo import load_catalogue
from rathaus.municipalities import demo as municipalities_demo
from rathaus.municipalities.models import Municipality


@pytest.fixture
def esslingen_demo(db):
    municipalities_demo.load_municipalities()
    municipality = Municipality.objects.get(slug="esslingen")
    load_catalogue(municipality)
    return municipality


def _snapshot():
    return {
        "locations": sorted(Location.objects.values_list("slug", "name", "street")),
        "periods": OpeningPeriod.objects.count(),
        "counters": sorted(Counter.objects.values_list("location__slug", "name")),
        "services": sorted(AppointmentService.objects.values_list("service__slug", "duration_minutes", "max_quantity")),
        "windows": LotteryWindow.objects.count(),
        "appointments": sorted(Appointment.objects.values_list("idempotency_key", "starts_at", "counter_id", "state")),
        "claims": SlotClaim.objects.count(),
    }


def test_loading_the_demo_appointments_twice_changes_nothing(esslingen_demo):
    first = load_appointments(esslingen_demo)
    before = _snapshot()

    second = load_appointments(esslingen_demo)

    assert first == second == 40
    assert _snapshot() == before
    assert not Appointment.objects.values("starts_at", "counter").annotate(count=Count("pk")).filter(count__gt=1)


def test_demo_locations_use_the_addresses_of_the_real_offices(esslingen_demo):
    load_appointments(esslingen_demo)
    offices = {office["slug"]: office for office in json.loads(OFFICES_FILE.read_text(encoding="utf-8"))}
    entries = json.loads(DATA_FILE.read_text(encoding="utf-8"))["locations"]

    for entry in entries:
        location = Location.objects.get(municipality=esslingen_demo, slug=entry["slug"])
        office = offices[entry["office"]]
        assert (location.street, location.postal_code, location.unit.slug) == (
            office["street"],
            office["postal_code"],
            entry["office"],
        )
        assert location.opening_periods.count() == len(office["opening_hours"])


def test_demo_id_cards_can_be_booked_for_a_family_of_four(esslingen_demo):
    load_appointments(esslingen_demo)

    id_card = AppointmentService.objects.get(service__slug="personalausweis-beantragen")

    assert id_card.max_quantity == 4
    assert id_card.service.appointment_available


def test_demo_appointments_are_confirmed_fictitious_and_hold_their_time(esslingen_demo):
    load_appointments(esslingen_demo)
    appointments = Appointment.objects.filter(municipality=esslingen_demo)

    assert set(appointments.values_list("state", flat=True)) == {Appointment.State.CONFIRMED}
    assert {Appointment.Channel.PHONE, Appointment.Channel.ONLINE} <= set(
        appointments.values_list("channel", flat=True)
    )
    assert all(
        email.endswith("@example.org") for email in appointments.exclude(email="").values_list("email", flat=True)
    )
    assert all(appointment.claims.exists() for appointment in appointments)


def test_demo_has_one_fair_release_window_for_a_fair_release_service(esslingen_demo):
    load_appointments(esslingen_demo)

    window = LotteryWindow.objects.get(municipality=esslingen_demo)

    assert window.service.fair_release
    assert window.state == LotteryWindow.State.COLLECTING
