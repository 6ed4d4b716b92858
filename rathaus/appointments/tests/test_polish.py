"""Gaps closed after the first round: the e-mail cap under a rush, moved times for the waitlist, past claims."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from rathaus.appointments.availability import free_times
from rathaus.appointments.models import Appointment, BookingEmailLock, SlotClaim, WaitlistEntry
from rathaus.appointments.services import (
    BookingRefused,
    appointment_confirm,
    appointment_hold,
    appointment_move,
    waitlist_join,
    waitlist_offer_lapse,
)
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import AppointmentFactory, BookingPolicyFactory, CounterFactory
from rathaus.visits.services import visit_call_next, visit_check_in, visit_left


def hold(esslingen, location, items, starts_at, email="erika@example.org"):
    return appointment_hold(
        municipality=esslingen,
        location=location,
        items=items,
        starts_at=starts_at,
        name="Erika Mustermann",
        email=email,
    )


@pytest.mark.django_db
def test_the_cap_on_open_appointments_counts_the_address_whatever_its_spelling(
    esslingen, location, counters, id_card_items, booking_day
):
    BookingPolicyFactory(municipality=esslingen, max_open_per_email=2)
    hold(esslingen, location, id_card_items, at(booking_day, 9), email="erika@example.org")
    hold(esslingen, location, id_card_items, at(booking_day, 10), email=" Erika@Example.org")

    with pytest.raises(BookingRefused, match="schon 2 Termine"):
        hold(esslingen, location, id_card_items, at(booking_day, 11), email="ERIKA@example.org")

    assert BookingEmailLock.objects.filter(municipality=esslingen).count() == 1
    assert "erika" not in BookingEmailLock.objects.get().email_hash


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_holds_with_one_address_and_a_cap_of_three_end_with_exactly_three(
    esslingen, location, id_card, id_card_items, booking_day
):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets only one writer in at a time, so there is no race to test.")
    BookingPolicyFactory(municipality=esslingen, max_open_per_email=3)
    for _number in range(3):
        CounterFactory(location=location, services=[id_card])
    attempts = 10
    barrier = threading.Barrier(attempts)
    held: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        try:
            barrier.wait()
            # Ten different times, so only the cap (not a taken time) can refuse.
            appointment = hold(esslingen, location, id_card_items, at(booking_day, 8 + number // 3, number % 3 * 20))
            with lock:
                held.append(appointment.pk)
        except BookingRefused as refused:
            with lock:
                refusals.append(str(refused.message))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(held) == 3
    assert Appointment.objects.filter(email="erika@example.org", state=Appointment.State.HELD).count() == 3
    assert len(refusals) == 7
    assert all("schon 3 Termine" in message for message in refusals)


@pytest.mark.django_db
def test_the_time_a_moved_appointment_leaves_behind_is_offered_to_the_first_waiting_person(
    esslingen, location, counters, id_card_items, booking_day, mailoutbox, django_capture_on_commit_callbacks
):
    # Every counter at 9:00 is taken, so the waiting person can only get a time someone gives up.
    booked = [
        appointment_confirm(
            appointment=hold(esslingen, location, id_card_items, at(booking_day, 9), email=f"p{number}@example.org")
        )
        for number in range(2)
    ]
    assert at(booking_day, 9) not in free_times(location=location, items=id_card_items, day=booking_day)
    entry = waitlist_join(
        municipality=esslingen,
        location=location,
        items=id_card_items,
        earliest_day=booking_day,
        latest_day=booking_day,
        name="Wartende Person",
        email="wartet@example.org",
    )

    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(appointment=booked[0], starts_at=at(booking_day, 11))

    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    offer = entry.offered_appointment
    assert (offer.starts_at, offer.email, offer.state) == (at(booking_day, 9), "wartet@example.org", "reserviert")
    assert entry.offered_from_id == booked[0].pk
    booked[0].refresh_from_db()
    assert booked[0].starts_at == at(booking_day, 11)
    assert [message for message in mailoutbox if message.to == ["wartet@example.org"]]


@pytest.mark.django_db
def test_a_lapsed_offer_of_a_moved_time_passes_the_time_on_to_the_next_person(
    esslingen, location, counters, id_card_items, booking_day, now, django_capture_on_commit_callbacks
):
    booked = [
        appointment_confirm(
            appointment=hold(esslingen, location, id_card_items, at(booking_day, 9), email=f"p{number}@example.org")
        )
        for number in range(2)
    ]
    entries = [
        waitlist_join(
            municipality=esslingen,
            location=location,
            items=id_card_items,
            earliest_day=booking_day,
            latest_day=booking_day,
            name="Wartende Person",
            email=f"wartet{number}@example.org",
        )
        for number in range(2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(appointment=booked[0], starts_at=at(booking_day, 11))
    entries[0].refresh_from_db()
    offer = entries[0].offered_appointment

    with django_capture_on_commit_callbacks(execute=True):
        waitlist_offer_lapse(entry_id=entries[0].pk, now=offer.hold_expires_at + timedelta(minutes=1))

    entries[0].refresh_from_db()
    entries[1].refresh_from_db()
    assert entries[0].state == WaitlistEntry.State.EXPIRED
    assert entries[1].state == WaitlistEntry.State.OFFERED
    assert entries[1].offered_appointment.starts_at == at(booking_day, 9)


@pytest.mark.django_db
def test_a_no_show_or_cancelled_appointment_with_claims_left_behind_does_not_block_its_time(
    esslingen, location, id_card, id_card_items, booking_day, now
):
    counter = CounterFactory(location=location, services=[id_card])
    for state in (Appointment.State.NO_SHOW, Appointment.State.CANCELLED):
        appointment = AppointmentFactory(
            counter=counter,
            starts_at=at(booking_day, 9),
            ends_at=at(booking_day, 9, 20),
            state=Appointment.State.CONFIRMED,
            services=[id_card],
        )
        # Claims still there from before the state changed (as a data import or an old pass might leave them).
        Appointment.objects.filter(pk=appointment.pk).update(state=state)
        assert SlotClaim.objects.filter(appointment=appointment).exists()

        assert at(booking_day, 9) in free_times(location=location, items=id_card_items, day=booking_day)
        taken = hold(esslingen, location, id_card_items, at(booking_day, 9), email=f"{state}@example.org")

        assert taken.counter_id == counter.pk
        assert not SlotClaim.objects.filter(appointment=appointment).exists()
        taken.state = Appointment.State.CANCELLED
        taken.save(update_fields=["state"])
        SlotClaim.objects.filter(appointment=taken).delete()


@pytest.mark.django_db
def test_a_completed_appointment_keeps_its_time_in_the_history_and_its_past_slot_does_not_matter(
    esslingen, location, id_card, id_card_items, booking_day, now
):
    counter = CounterFactory(location=location, services=[id_card])
    completed = AppointmentFactory(
        counter=counter,
        starts_at=at(booking_day, 9),
        ends_at=at(booking_day, 9, 20),
        state=Appointment.State.COMPLETED,
        services=[id_card],
    )

    later = hold(esslingen, location, id_card_items, at(booking_day, 9))

    completed.refresh_from_db()
    assert (completed.state, completed.starts_at, completed.counter_id) == ("erledigt", at(booking_day, 9), counter.pk)
    assert later.counter_id == counter.pk


@pytest.mark.parametrize(("called", "state"), [(False, Appointment.State.NO_SHOW), (True, Appointment.State.COMPLETED)])
def test_a_checked_in_person_who_leaves_ends_the_appointment_and_frees_its_time_ahead(
    esslingen, location, counters, id_card, booking_day, clerk, called, state
):
    appointment = AppointmentFactory(
        counter=counters[0], starts_at=at(booking_day, 9), ends_at=at(booking_day, 9, 20), services=[id_card]
    )
    visit = visit_check_in(appointment=appointment, now=at(booking_day, 8, 50))
    if called:
        visit = visit_call_next(counter=counters[0], staff=clerk, now=at(booking_day, 9))
        assert visit is not None

    visit_left(visit=visit, staff=clerk, now=at(booking_day, 9, 10))

    appointment.refresh_from_db()
    assert appointment.state == state
    assert sorted(appointment.claims.values_list("starts_at", flat=True)) == [
        at(booking_day, 9, 0),
        at(booking_day, 9, 5),
    ]
