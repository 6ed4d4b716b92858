"""Demo waiting room: today's visits at Esslingen's first location, added once."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.appointments.demo import load_appointments
from rathaus.appointments.models import Appointment, SlotClaim
from rathaus.catalogue.demo import load_catalogue
from rathaus.municipalities import demo as municipalities_demo
from rathaus.municipalities.models import Municipality
from rathaus.visits.demo import load_visits
from rathaus.visits.models import Visit


@pytest.fixture
def esslingen_demo(db):
    municipalities_demo.load_municipalities()
    municipality = Municipality.objects.get(slug="esslingen")
    load_catalogue(municipality)
    return municipality


def test_without_locations_the_demo_adds_no_visits(esslingen_demo):
    assert load_visits(esslingen_demo) == 0
    assert not Visit.objects.exists()


def test_the_demo_fills_todays_waiting_room_once_and_the_call_display_shows_a_number(esslingen_demo):
    load_appointments(esslingen_demo)

    added, again = load_visits(esslingen_demo), load_visits(esslingen_demo)

    visits = list(Visit.objects.select_related("location", "appointment"))
    assert added == len(visits) == 7
    assert again == 0
    assert len({visit.location_id for visit in visits}) == 1
    assert sorted(visit.kind for visit in visits) == ["spontan"] * 4 + ["termin"] * 3
    assert [visit.state for visit in visits if visit.state != Visit.State.WAITING] == [Visit.State.CALLED]
    checked_in = [visit.appointment for visit in visits if visit.appointment is not None]
    assert all(appointment.state == Appointment.State.CHECKED_IN for appointment in checked_in)
    assert all(SlotClaim.objects.filter(appointment=appointment).exists() for appointment in checked_in)
    called = next(visit for visit in visits if visit.state == Visit.State.CALLED)
    display = client_for(ESSLINGEN_HOST).get(reverse("visits:display", args=[called.location.slug]))
    assert called.display_number in display.content.decode()
    assert "example.org" not in display.content.decode()
