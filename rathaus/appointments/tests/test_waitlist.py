from datetime import timedelta

import pytest

from rathaus.appointments.availability import BookingItem
from rathaus.appointments.housekeeping import housekeeping_run
from rathaus.appointments.models import Appointment, WaitlistEntry
from rathaus.appointments.services import (
    BookingRefused,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    waitlist_join,
    waitlist_offer_freed_time,
)
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import CounterFactory, LocationFactory
from rathaus.appointments.tokens import appointment_from_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(location, id_card, registration):
    return CounterFactory(location=location, services=[id_card, registration])


@pytest.fixture
def booked(esslingen, location, counter, id_card_items, booking_day):
    appointment = appointment_hold(
        municipality=esslingen,
        location=location,
        items=id_card_items,
        starts_at=at(booking_day, 9),
        name="Erika Mustermann",
        email="erika@example.org",
    )
    return appointment_confirm(appointment=appointment)


def join(esslingen, items, booking_day, email, location=None):
    return waitlist_join(
        municipality=esslingen,
        location=location,
        items=items,
        earliest_day=booking_day,
        latest_day=booking_day + timedelta(days=7),
        name="Wartende Person",
        email=email,
    )


def test_a_cancelled_time_is_offered_to_the_first_waiting_person_not_the_second(
    esslingen, booked, id_card_items, now, booking_day, mailoutbox, django_capture_on_commit_callbacks
):
    first = join(esslingen, id_card_items, booking_day, "erste@example.org")
    second = join(esslingen, id_card_items, booking_day, "zweite@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == WaitlistEntry.State.OFFERED
    assert second.state == WaitlistEntry.State.WAITING
    offer = first.offered_appointment
    assert offer.state == Appointment.State.HELD
    assert offer.channel == Appointment.Channel.WAITLIST
    assert offer.starts_at == at(booking_day, 9)
    assert offer.email == "erste@example.org"
    assert offer.hold_expires_at == now + timedelta(hours=4)
    [message] = [message for message in mailoutbox if message.to == ["erste@example.org"]]
    assert "frei geworden" in message.subject
    assert not [message for message in mailoutbox if message.to == ["zweite@example.org"]]


def test_confirming_the_offer_books_it_and_closes_the_entry(
    esslingen, booked, id_card_items, booking_day, mailoutbox, django_capture_on_commit_callbacks
):
    first = join(esslingen, id_card_items, booking_day, "erste@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked)
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/termine/bestaetigen/" in line)
    offer = appointment_from_token(
        municipality=esslingen, token=link.strip().rstrip("/").split("/")[-1], purpose="confirm"
    )

    appointment_confirm(appointment=offer)

    first.refresh_from_db()
    assert first.state == WaitlistEntry.State.BOOKED
    assert first.offered_appointment.state == Appointment.State.CONFIRMED


def test_an_offer_not_confirmed_in_time_passes_to_the_next_person(
    esslingen, booked, id_card_items, now, booking_day, django_capture_on_commit_callbacks
):
    first = join(esslingen, id_card_items, booking_day, "erste@example.org")
    second = join(esslingen, id_card_items, booking_day, "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked)

    with django_capture_on_commit_callbacks(execute=True):
        result = housekeeping_run(now=now + timedelta(hours=4, minutes=1))

    first.refresh_from_db()
    second.refresh_from_db()
    assert result["waitlist_offers_lapsed"] == 1
    assert first.state == WaitlistEntry.State.EXPIRED
    assert first.offered_appointment.state == Appointment.State.EXPIRED
    assert second.state == WaitlistEntry.State.OFFERED
    assert second.offered_appointment.starts_at == at(booking_day, 9)


def test_people_waiting_for_other_services_or_places_are_skipped(
    esslingen, booked, id_card_items, registration, booking_day, django_capture_on_commit_callbacks
):
    elsewhere = LocationFactory(municipality=esslingen, slug="berkheim", name="Bürgerbüro Berkheim")
    other_service = join(esslingen, [BookingItem(service=registration)], booking_day, "anmelden@example.org")
    other_place = join(esslingen, id_card_items, booking_day, "berkheim@example.org", location=elsewhere)
    matching = join(esslingen, id_card_items, booking_day, "passt@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked)

    assert WaitlistEntry.objects.get(pk=other_service.pk).state == WaitlistEntry.State.WAITING
    assert WaitlistEntry.objects.get(pk=other_place.pk).state == WaitlistEntry.State.WAITING
    assert WaitlistEntry.objects.get(pk=matching.pk).state == WaitlistEntry.State.OFFERED


def test_offering_the_same_freed_time_twice_does_not_reach_a_second_person(
    esslingen, booked, id_card_items, booking_day
):
    first = join(esslingen, id_card_items, booking_day, "erste@example.org")
    second = join(esslingen, id_card_items, booking_day, "zweite@example.org")
    appointment_cancel(appointment=booked)

    assert waitlist_offer_freed_time(appointment_id=booked.pk) == first
    assert waitlist_offer_freed_time(appointment_id=booked.pk) is None
    second.refresh_from_db()
    assert second.state == WaitlistEntry.State.WAITING


def test_a_time_taken_again_before_the_offer_is_not_offered(esslingen, location, booked, id_card_items, booking_day):
    first = join(esslingen, id_card_items, booking_day, "erste@example.org")
    appointment_cancel(appointment=booked)
    appointment_hold(
        municipality=esslingen,
        location=location,
        items=id_card_items,
        starts_at=at(booking_day, 9),
        name="Schnell",
        email="schnell@example.org",
    )

    assert waitlist_offer_freed_time(appointment_id=booked.pk) is None
    first.refresh_from_db()
    assert first.state == WaitlistEntry.State.WAITING


def test_joining_the_waitlist_checks_the_period_and_the_address(esslingen, id_card_items, booking_day):
    with pytest.raises(BookingRefused):
        waitlist_join(
            municipality=esslingen,
            location=None,
            items=id_card_items,
            earliest_day=booking_day + timedelta(days=5),
            latest_day=booking_day,
            name="Max",
            email="max@example.org",
        )
    with pytest.raises(BookingRefused):
        join(esslingen, id_card_items, booking_day, "keine-adresse")
    assert not WaitlistEntry.objects.exists()
