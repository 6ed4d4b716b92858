from datetime import timedelta

import pytest

from rathaus.appointments.availability import (
    BookingItem,
    booking_window,
    days_with_free_times,
    first_free_times,
    free_times,
    locations_for,
)
from rathaus.appointments.models import Appointment
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import (
    AppointmentFactory,
    ClosureFactory,
    CounterFactory,
    LocationFactory,
    LotteryWindowFactory,
)

pytestmark = pytest.mark.django_db


def test_an_empty_morning_offers_every_start_that_fits_before_closing(location, counters, id_card_items, booking_day):
    times = free_times(location=location, items=id_card_items, day=booking_day)

    # 20 minutes need two 10-minute units: the last start is 11:40.
    assert times[0] == at(booking_day, 8)
    assert times[-1] == at(booking_day, 11, 40)
    assert len(times) == 23


def test_a_time_stays_free_while_another_counter_is_free(location, counters, id_card, id_card_items, booking_day):
    AppointmentFactory(counter=counters[0], starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20))
    assert at(booking_day, 9) in free_times(location=location, items=id_card_items, day=booking_day)

    AppointmentFactory(counter=counters[1], starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20))
    times = free_times(location=location, items=id_card_items, day=booking_day)

    # 8:50 would run into 9:00, 9:10 starts inside the booked time.
    assert at(booking_day, 8, 40) in times
    assert {at(booking_day, 8, 50), at(booking_day, 9), at(booking_day, 9, 10)}.isdisjoint(times)
    assert at(booking_day, 9, 20) in times


def test_combined_services_need_consecutive_units_on_one_counter(
    location, counters, id_card, registration, booking_day
):
    items = [BookingItem(service=id_card, quantity=2), BookingItem(service=registration)]
    times = free_times(location=location, items=items, day=booking_day)

    # 2 × 20 + 10 minutes = 50 minutes: the last start is 11:10.
    assert times[-1] == at(booking_day, 11, 10)


def test_a_counter_that_does_not_handle_a_service_is_not_offered(location, id_card, registration, booking_day):
    CounterFactory(location=location, services=[registration])

    assert free_times(location=location, items=[BookingItem(service=id_card)], day=booking_day) == []
    assert free_times(location=location, items=[BookingItem(service=registration)], day=booking_day)


def test_counters_held_back_for_walk_ins_are_not_booked_online_but_by_phone(
    location, counters, id_card_items, booking_day
):
    location.walk_in_share = 50
    location.save()
    AppointmentFactory(counter=counters[0], starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20))

    online = free_times(location=location, items=id_card_items, day=booking_day)
    by_phone = free_times(location=location, items=id_card_items, day=booking_day, staff=True)

    assert at(booking_day, 9) not in online
    assert at(booking_day, 9) in by_phone


def test_closures_and_public_holidays_have_no_free_times(location, counters, id_card_items, now, booking_day):
    ClosureFactory(location=location, first_day=booking_day, last_day=booking_day)
    holiday = next(
        day
        for day in (now.date() + timedelta(days=offset) for offset in range(1, 366))
        if day.weekday() < 5 and day.strftime("%m-%d") in {"01-01", "01-06", "05-01", "10-03", "12-25", "12-26"}
    )
    location.booking_max_days = (holiday - now.date()).days
    location.save()

    days = days_with_free_times(location=location, items=id_card_items, first_day=now.date(), last_day=holiday)

    assert booking_day not in days
    assert holiday not in days
    assert booking_day + timedelta(days=1) in days


def test_the_month_view_counts_free_starts_and_respects_the_booking_window(location, counters, id_card_items, now):
    days = days_with_free_times(
        location=location, items=id_card_items, first_day=now.date(), last_day=now.date() + timedelta(days=90)
    )
    first_day, last_day = booking_window(location=location, now=now)

    assert now.date() not in days
    assert min(days) >= first_day
    assert max(days) <= last_day
    thursday = now.date() + timedelta(days=3)
    # Thursday is also open 14–18: 23 starts in the morning and 23 in the afternoon.
    assert days[thursday] == 23 + 23
    assert days[thursday - timedelta(days=1)] == 23
    assert all(day.weekday() < 5 for day in days)


def test_an_expired_hold_counts_as_free_but_a_running_one_does_not(location, counters, id_card_items, now, booking_day):
    for counter in counters:
        AppointmentFactory(
            counter=counter,
            starts_at=at(booking_day, 9),
            ends_at=at(booking_day, 9, 20),
            state=Appointment.State.HELD,
            hold_expires_at=now + timedelta(minutes=5),
        )

    assert at(booking_day, 9) not in free_times(location=location, items=id_card_items, day=booking_day, now=now)
    later = now + timedelta(minutes=6)
    assert at(booking_day, 9) in free_times(location=location, items=id_card_items, day=booking_day, now=later)


def test_cancelled_appointments_do_not_block_time(location, counters, id_card_items, booking_day):
    for counter in counters:
        AppointmentFactory(
            counter=counter,
            starts_at=at(booking_day, 9),
            ends_at=at(booking_day, 9, 20),
            state=Appointment.State.CANCELLED,
        )

    assert at(booking_day, 9) in free_times(location=location, items=id_card_items, day=booking_day)


def test_days_of_a_collecting_fair_release_are_not_bookable_first_come(
    location, counters, id_card, id_card_items, booking_day
):
    LotteryWindowFactory(location=location, service=id_card, first_day=booking_day, last_day=booking_day)

    assert free_times(location=location, items=id_card_items, day=booking_day) == []
    assert free_times(location=location, items=id_card_items, day=booking_day, staff=True)


def test_first_free_anywhere_picks_the_earliest_times_over_all_locations(
    esslingen, location, counters, id_card, id_card_items, now, booking_day
):
    district = LocationFactory(municipality=esslingen, slug="berkheim", name="Bürgerbüro Berkheim")
    CounterFactory(location=district, services=[id_card])
    for counter in counters:
        AppointmentFactory(counter=counter, starts_at=at(booking_day, 8), ends_at=at(booking_day, 8, 20))

    found = first_free_times(municipality=esslingen, items=id_card_items, limit=3)

    assert found[0] == (district, at(booking_day, 8))
    assert [moment for _location, moment in found] == sorted(moment for _location, moment in found)
    assert set(locations_for(municipality=esslingen, items=id_card_items)) == {district, location}


def test_locations_of_another_municipality_are_never_offered(esslingen, musterhausen, id_card_items, counters):
    LocationFactory(municipality=musterhausen, slug="rathaus")

    assert all(found.municipality == esslingen for found in locations_for(municipality=esslingen, items=id_card_items))


def test_staff_see_today_but_only_times_still_ahead(location, counters, id_card_items, now):
    times = free_times(location=location, items=id_card_items, day=now.date(), staff=True)

    # The clock stands at 9:00: the next start is 9:10.
    assert times[0] == at(now.date(), 9, 10)
    assert free_times(location=location, items=id_card_items, day=now.date()) == []


def test_an_appointment_being_moved_finds_its_own_time_free(location, counters, id_card_items, booking_day):
    taken = [
        AppointmentFactory(counter=counter, starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20))
        for counter in counters
    ]

    others = free_times(location=location, items=id_card_items, day=booking_day)
    itself = free_times(location=location, items=id_card_items, day=booking_day, exclude_appointment_id=taken[0].pk)

    assert at(booking_day, 9) not in others
    assert at(booking_day, 9) in itself
    assert days_with_free_times(
        location=location,
        items=id_card_items,
        first_day=booking_day,
        last_day=booking_day,
        exclude_appointment_id=taken[0].pk,
    ) == {booking_day: len(itself)}


def test_an_appointment_won_in_a_draw_is_moved_within_the_days_held_back_for_it(
    location, counters, id_card, id_card_items, booking_day
):
    LotteryWindowFactory(location=location, service=id_card, first_day=booking_day, last_day=booking_day)

    assert (
        days_with_free_times(location=location, items=id_card_items, first_day=booking_day, last_day=booking_day) == {}
    )
    assert free_times(location=location, items=id_card_items, day=booking_day) == []
    won = free_times(location=location, items=id_card_items, day=booking_day, ignore_fair_release=True)
    assert won
    assert days_with_free_times(
        location=location,
        items=id_card_items,
        first_day=booking_day,
        last_day=booking_day,
        ignore_fair_release=True,
    ) == {booking_day: len(won)}
