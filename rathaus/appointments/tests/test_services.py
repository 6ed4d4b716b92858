import json
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rathaus.appointments.availability import BookingItem, free_times
from rathaus.appointments.config_services import Period, opening_periods_problems
from rathaus.appointments.models import Appointment, BookingPolicy, Location, SlotClaim
from rathaus.appointments.services import (
    CODE_ALPHABET,
    BookingRefused,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_move,
    slot_claims_for,
)
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import AppointmentFactory, CounterFactory
from rathaus.appointments.tokens import appointment_from_token, appointment_token
from rathaus.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def hold(municipality, location, items, starts_at, email="erika@example.org", **kwargs):
    return appointment_hold(
        municipality=municipality,
        location=location,
        items=items,
        starts_at=starts_at,
        name="Erika Mustermann",
        email=email,
        **kwargs,
    )


def test_a_hold_claims_every_five_minute_grain_of_its_time_and_waits_for_confirmation(
    esslingen, location, counters, id_card, registration, now, booking_day
):
    items = [BookingItem(service=id_card, quantity=2), BookingItem(service=registration)]

    appointment = hold(esslingen, location, items, at(booking_day, 9))

    assert appointment.state == Appointment.State.HELD
    assert appointment.hold_expires_at == now + timedelta(minutes=10)
    assert appointment.ends_at == at(booking_day, 9, 50)
    assert list(
        SlotClaim.objects.filter(appointment=appointment).order_by("starts_at").values_list("starts_at", flat=True)
    ) == [at(booking_day, 9, minute) for minute in range(0, 50, 5)]
    assert len(appointment.code) == 6
    assert set(appointment.code) <= set(CODE_ALPHABET)
    assert {(item.service, item.quantity) for item in appointment.items.all()} == {(id_card, 2), (registration, 1)}


def test_a_time_taken_on_every_counter_is_refused_in_plain_german(
    esslingen, location, counters, id_card_items, booking_day
):
    hold(esslingen, location, id_card_items, at(booking_day, 9), email="a@example.org")
    hold(esslingen, location, id_card_items, at(booking_day, 9), email="b@example.org")

    with pytest.raises(BookingRefused) as refused:
        hold(esslingen, location, id_card_items, at(booking_day, 9), email="c@example.org")

    assert "nicht mehr frei" in str(refused.value.message)
    assert Appointment.objects.count() == 2


def test_a_time_off_the_grid_or_outside_opening_hours_is_refused(
    esslingen, location, counters, id_card_items, booking_day
):
    with pytest.raises(BookingRefused):
        hold(esslingen, location, id_card_items, at(booking_day, 9, 5))
    with pytest.raises(BookingRefused):
        hold(esslingen, location, id_card_items, at(booking_day, 11, 50))
    assert not Appointment.objects.exists()


def test_online_bookings_keep_to_the_booking_window_but_phone_bookings_may_take_today(
    esslingen, location, counters, id_card_items, now, clerk
):
    with pytest.raises(BookingRefused) as refused:
        hold(esslingen, location, id_card_items, at(now.date(), 10))
    assert "Termine gibt es vom" in str(refused.value.message)

    by_phone = hold(
        esslingen, location, id_card_items, at(now.date(), 10), channel=Appointment.Channel.PHONE, booked_by=clerk
    )
    assert by_phone.channel == Appointment.Channel.PHONE


def test_the_same_idempotency_key_returns_the_same_appointment(
    esslingen, location, counters, id_card_items, booking_day
):
    first = hold(esslingen, location, id_card_items, at(booking_day, 9), idempotency_key="abc123")
    again = hold(esslingen, location, id_card_items, at(booking_day, 10), idempotency_key="abc123")

    assert again.pk == first.pk
    assert Appointment.objects.count() == 1


def test_an_email_address_cannot_hold_more_than_the_allowed_open_appointments(
    esslingen, location, counters, id_card_items, booking_day
):
    BookingPolicy.objects.create(municipality=esslingen, max_open_per_email=2)
    hold(esslingen, location, id_card_items, at(booking_day, 9))
    hold(esslingen, location, id_card_items, at(booking_day, 10))

    with pytest.raises(BookingRefused) as refused:
        hold(esslingen, location, id_card_items, at(booking_day, 11), email="ERIKA@example.org")

    assert "schon 2 Termine" in str(refused.value.message)


def test_more_of_a_service_than_one_appointment_allows_is_refused(
    esslingen, location, counters, registration, booking_day
):
    with pytest.raises(BookingRefused) as refused:
        hold(esslingen, location, [BookingItem(service=registration, quantity=2)], at(booking_day, 9))

    assert "höchstens 1" in str(refused.value.message)


def test_a_service_of_another_municipality_cannot_be_booked(esslingen, musterhausen, location, counters, booking_day):
    from rathaus.appointments.tests.factories import AppointmentServiceFactory

    foreign = AppointmentServiceFactory(municipality=musterhausen)

    with pytest.raises(BookingRefused):
        hold(esslingen, location, [BookingItem(service=foreign)], at(booking_day, 9))


def test_an_expired_hold_gives_its_time_to_the_next_person(
    esslingen, location, counters, id_card_items, now, booking_day
):
    first = hold(esslingen, location, id_card_items, at(booking_day, 9), email="a@example.org")
    second = hold(esslingen, location, id_card_items, at(booking_day, 9), email="b@example.org")
    later = now + timedelta(minutes=11)

    third = hold(esslingen, location, id_card_items, at(booking_day, 9), email="c@example.org", now=later)

    assert third.counter_id in {first.counter_id, second.counter_id}
    taken_over = first if third.counter_id == first.counter_id else second
    taken_over.refresh_from_db()
    assert taken_over.state == Appointment.State.EXPIRED
    assert not taken_over.claims.exists()
    with pytest.raises(BookingRefused):
        appointment_confirm(appointment=taken_over, now=later)


def test_confirming_turns_the_hold_into_a_booking_and_is_idempotent(
    esslingen, location, counters, id_card_items, now, booking_day
):
    appointment = hold(esslingen, location, id_card_items, at(booking_day, 9))

    confirmed = appointment_confirm(appointment=appointment, now=now + timedelta(minutes=3))
    again = appointment_confirm(appointment=appointment, now=now + timedelta(minutes=30))

    assert confirmed.state == Appointment.State.CONFIRMED
    assert confirmed.hold_expires_at is None
    assert again.confirmed_at == now + timedelta(minutes=3)


def test_cancelling_frees_the_time_at_once(esslingen, location, counters, id_card_items, booking_day):
    location.walk_in_share = 50
    location.save()
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))
    assert at(booking_day, 9) not in free_times(location=location, items=id_card_items, day=booking_day)

    cancelled = appointment_cancel(appointment=appointment, reason="Krank")
    appointment_cancel(appointment=appointment)

    assert cancelled.state == Appointment.State.CANCELLED
    assert not SlotClaim.objects.filter(appointment=appointment).exists()
    assert at(booking_day, 9) in free_times(location=location, items=id_card_items, day=booking_day)


def test_a_finished_appointment_cannot_be_cancelled(location, counters):
    appointment = AppointmentFactory(counter=counters[0], state=Appointment.State.COMPLETED)

    with pytest.raises(BookingRefused):
        appointment_cancel(appointment=appointment)


def test_moving_takes_the_new_time_and_frees_the_old_one(esslingen, location, counters, id_card_items, booking_day):
    location.walk_in_share = 50
    location.save()
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))

    moved = appointment_move(appointment=appointment, starts_at=at(booking_day, 9, 10))

    assert moved.starts_at == at(booking_day, 9, 10)
    assert moved.ends_at == at(booking_day, 9, 30)
    assert moved.state == Appointment.State.CONFIRMED
    assert sorted(moved.claims.values_list("starts_at", flat=True)) == [
        at(booking_day, 9, minute) for minute in range(10, 30, 5)
    ]
    assert at(booking_day, 8, 50) in free_times(location=location, items=id_card_items, day=booking_day)


def test_moving_to_a_taken_time_keeps_the_old_one(esslingen, location, counters, id_card_items, booking_day):
    location.walk_in_share = 50
    location.save()
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))
    hold(esslingen, location, id_card_items, at(booking_day, 10), email="b@example.org")

    with pytest.raises(BookingRefused):
        appointment_move(appointment=appointment, starts_at=at(booking_day, 10))

    appointment.refresh_from_db()
    assert appointment.starts_at == at(booking_day, 9)
    assert appointment.claims.count() == 4


def test_the_walk_in_counter_is_never_given_to_an_online_booking(
    esslingen, location, counters, id_card_items, booking_day
):
    location.walk_in_share = 50
    location.save()
    appointment = hold(esslingen, location, id_card_items, at(booking_day, 9))

    assert appointment.counter == counters[0]
    with pytest.raises(BookingRefused):
        hold(esslingen, location, id_card_items, at(booking_day, 9), email="b@example.org")


def test_the_audit_trail_records_each_step_without_names_or_addresses(
    esslingen, location, counters, id_card_items, booking_day
):
    appointment = hold(esslingen, location, id_card_items, at(booking_day, 9))
    appointment_confirm(appointment=appointment)
    appointment_move(appointment=appointment, starts_at=at(booking_day, 10))
    appointment_cancel(appointment=appointment)

    entries = AuditEntry.objects.filter(object_type="appointment", object_id=str(appointment.pk))
    assert [entry.action for entry in entries.order_by("pk")] == [
        "appointment.held",
        "appointment.confirmed",
        "appointment.moved",
        "appointment.cancelled",
    ]
    written = json.dumps([entry.details for entry in entries])
    assert "erika" not in written.lower()
    assert "Mustermann" not in written


def test_a_signed_link_finds_its_appointment_only_for_its_purpose_and_municipality(
    esslingen, musterhausen, location, counters, id_card_items, booking_day
):
    appointment = hold(esslingen, location, id_card_items, at(booking_day, 9))
    token = appointment_token(appointment, "manage")

    assert appointment_from_token(municipality=esslingen, token=token, purpose="manage") == appointment
    with pytest.raises(BookingRefused):
        appointment_from_token(municipality=esslingen, token=token, purpose="confirm")
    with pytest.raises(BookingRefused):
        appointment_from_token(municipality=musterhausen, token=token, purpose="manage")
    with pytest.raises(BookingRefused):
        appointment_from_token(municipality=esslingen, token=token[:-2] + "xx", purpose="manage")


def test_a_counter_that_closes_is_no_longer_booked(esslingen, location, id_card, id_card_items, booking_day):
    CounterFactory(location=location, services=[id_card], is_active=False)

    with pytest.raises(BookingRefused):
        hold(esslingen, location, id_card_items, at(booking_day, 9))


def test_an_account_export_lists_its_appointments_and_erasure_unlinks_them(
    esslingen, location, counters, id_card_items, booking_day, citizen
):
    from rathaus.appointments.personal_data_appointments import provider

    appointment = appointment_hold(
        municipality=esslingen,
        location=location,
        items=id_card_items,
        starts_at=at(booking_day, 9),
        name="Erika Mustermann",
        email="erika@example.org",
        user=citizen,
    )

    [exported] = provider.export(citizen)
    assert exported["code"] == appointment.code
    assert exported["contact"]["email"] == "erika@example.org"
    assert provider.retention_notice(citizen)

    provider.erase(citizen)

    appointment.refresh_from_db()
    assert appointment.user is None
    assert appointment.email == "erika@example.org"
    assert provider.export(citizen) == []


def test_the_no_show_rate_counts_due_appointments_per_service_and_location(
    esslingen, musterhausen, location, counters, id_card, registration, now
):
    from rathaus.appointments.selectors import no_show_rate

    yesterday = now - timedelta(days=1)
    for state in (Appointment.State.COMPLETED, Appointment.State.COMPLETED, Appointment.State.NO_SHOW):
        AppointmentFactory(
            counter=counters[0],
            starts_at=yesterday,
            ends_at=yesterday + timedelta(minutes=20),
            state=state,
            services=[id_card],
        )
    AppointmentFactory(
        counter=counters[1],
        starts_at=yesterday,
        ends_at=yesterday + timedelta(minutes=10),
        state=Appointment.State.CANCELLED,
        services=[registration],
    )

    [row] = no_show_rate(municipality=esslingen, since=yesterday.date(), until=now.date())

    assert (row.location, row.service, row.appointments, row.no_shows) == (location, id_card, 3, 1)
    assert row.rate == pytest.approx(1 / 3)
    assert no_show_rate(municipality=musterhausen, since=yesterday.date(), until=now.date()) == []


# --- fixed claim grain, changeable appointments, scoped idempotency keys, moves -----------------------------


def test_an_appointment_overlapping_one_booked_on_an_older_grid_is_refused_by_the_database(
    location, counters, booking_day
):
    # 08:10–08:30 booked on the 10-minute grid; 08:15–08:45 on a 15-minute grid shares no unit start with it.
    AppointmentFactory(counter=counters[0], starts_at=at(booking_day, 8, 10), ends_at=at(booking_day, 8, 30))
    overlapping = AppointmentFactory(
        counter=counters[0],
        starts_at=at(booking_day, 8, 15),
        ends_at=at(booking_day, 8, 45),
        state=Appointment.State.CANCELLED,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        SlotClaim.objects.bulk_create(slot_claims_for(overlapping))


def test_after_the_grid_changes_a_time_overlapping_an_older_booking_is_neither_offered_nor_held(
    esslingen, location, id_card, id_card_items, booking_day
):
    CounterFactory(location=location, services=[id_card])
    hold(esslingen, location, id_card_items, at(booking_day, 8, 10))
    location.slot_minutes = 15
    location.save()

    offered = free_times(location=location, items=id_card_items, day=booking_day)

    assert at(booking_day, 8) not in offered
    assert at(booking_day, 8, 15) not in offered
    assert at(booking_day, 8, 30) in offered
    with pytest.raises(BookingRefused):
        hold(esslingen, location, id_card_items, at(booking_day, 8, 15), email="b@example.org")


def test_a_grid_that_is_not_a_multiple_of_five_minutes_is_refused_by_validation_and_database(location):
    location.slot_minutes = 12
    with pytest.raises(ValidationError):
        location.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=location.pk).update(slot_minutes=12)


def test_opening_times_off_the_five_minute_grain_are_refused():
    problems = opening_periods_problems([Period(weekday=0, opens=time(8, 7), closes=time(12, 0))])

    assert problems
    assert "5-Minuten-Schritten" in problems[0]


@pytest.mark.parametrize(
    "state", [Appointment.State.CHECKED_IN, Appointment.State.COMPLETED, Appointment.State.NO_SHOW]
)
def test_a_citizen_cannot_cancel_or_move_an_appointment_that_has_begun_at_the_counter(
    location, counters, id_card, booking_day, state
):
    appointment = AppointmentFactory(
        counter=counters[0], starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20), state=state
    )
    appointment.items.create(service=id_card, quantity=1)

    with pytest.raises(BookingRefused):
        appointment_cancel(appointment=appointment)
    with pytest.raises(BookingRefused):
        appointment_move(appointment=appointment, starts_at=at(booking_day, 10))
    appointment.refresh_from_db()
    assert appointment.state == state


def test_a_citizen_cannot_cancel_an_appointment_whose_start_has_passed_but_staff_can(
    esslingen, location, counters, id_card_items, now, booking_day, clerk
):
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))
    later = at(booking_day, 9, 5)

    with pytest.raises(BookingRefused) as refusal:
        appointment_cancel(appointment=appointment, now=later)
    with pytest.raises(BookingRefused):
        appointment_move(appointment=appointment, starts_at=at(booking_day, 11), now=later)
    assert "vorbei" in str(refusal.value.message)

    cancelled = appointment_cancel(appointment=appointment, actor=clerk, reason="Ausfall", now=later)

    assert cancelled.state == Appointment.State.CANCELLED
    assert appointment_cancel(appointment=appointment, now=later).state == Appointment.State.CANCELLED


def test_staff_may_cancel_a_checked_in_appointment(location, counters, id_card, booking_day):
    appointment = AppointmentFactory(
        counter=counters[0],
        starts_at=at(booking_day, 9),
        ends_at=at(booking_day, 9, 20),
        state=Appointment.State.CHECKED_IN,
    )

    assert appointment_cancel(appointment=appointment, by_staff=True).state == Appointment.State.CANCELLED


def test_an_idempotency_key_sent_by_another_address_makes_a_new_request(
    esslingen, location, counters, id_card_items, booking_day
):
    first = hold(esslingen, location, id_card_items, at(booking_day, 9), email="a@example.org", idempotency_key="k1")
    retried = hold(esslingen, location, id_card_items, at(booking_day, 9), email="A@Example.org ", idempotency_key="k1")
    other = hold(esslingen, location, id_card_items, at(booking_day, 10), email="b@example.org", idempotency_key="k1")
    other_retried = hold(
        esslingen, location, id_card_items, at(booking_day, 10), email="b@example.org", idempotency_key="k1"
    )

    assert retried.pk == first.pk
    assert other.pk != first.pk
    assert other.email == "b@example.org"
    assert other.starts_at == at(booking_day, 10)
    assert other_retried.pk == other.pk
    assert Appointment.objects.count() == 2


def test_a_move_by_a_few_minutes_may_overlap_its_own_old_time(esslingen, location, id_card, id_card_items, booking_day):
    CounterFactory(location=location, services=[id_card])
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))

    moved = appointment_move(appointment=appointment, starts_at=at(booking_day, 9, 10))

    assert (moved.starts_at, moved.ends_at) == (at(booking_day, 9, 10), at(booking_day, 9, 30))
    assert sorted(moved.claims.values_list("starts_at", flat=True)) == [
        at(booking_day, 9, minute) for minute in range(10, 30, 5)
    ]


def test_an_online_appointment_cannot_move_onto_a_counter_held_back_for_walk_ins(
    esslingen, location, counters, id_card_items, booking_day
):
    location.walk_in_share = 50  # the second counter takes walk-ins and phone bookings only
    location.save()
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))
    hold(esslingen, location, id_card_items, at(booking_day, 10), email="b@example.org")

    with pytest.raises(BookingRefused):
        appointment_move(appointment=appointment, starts_at=at(booking_day, 10))
    appointment.refresh_from_db()
    assert appointment.starts_at == at(booking_day, 9)
    assert appointment.counter_id == counters[0].pk
