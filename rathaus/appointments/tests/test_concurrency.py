"""A rush on few times: the database, not the application, decides who gets a time.

Runs on PostgreSQL only: SQLite serialises every writer on one file lock, so it cannot show what
happens when many transactions insert claims at the same moment.
"""

import threading

import pytest
from django.db import connection

from rathaus.appointments.models import Appointment, Location, SlotClaim
from rathaus.appointments.services import BookingRefused, appointment_hold
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 40


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets only one writer in at a time, so there is no race to test.")


def rush(esslingen, location, items, times):
    """``ATTEMPTS`` threads, each with its own connection, try to hold one of ``times`` at the same moment."""
    barrier = threading.Barrier(ATTEMPTS)
    held: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        try:
            barrier.wait()
            appointment = appointment_hold(
                municipality=esslingen,
                location=location,
                items=items,
                starts_at=times[number % len(times)],
                name=f"Person {number}",
                email=f"person{number}@example.org",
            )
            with lock:
                held.append(appointment.pk)
        except BookingRefused as refused:
            with lock:
                refusals.append(str(refused.message))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return held, refusals, errors


def assert_no_capacity_used_twice():
    claims = list(SlotClaim.objects.values_list("counter_id", "starts_at"))
    assert len(claims) == len(set(claims))
    slots = list(Appointment.objects.filter(state__in=Appointment.ACTIVE_STATES).values_list("counter_id", "starts_at"))
    assert len(slots) == len(set(slots))


def test_forty_people_rushing_five_counters_at_one_time_get_exactly_five_holds(
    esslingen, location, id_card, id_card_items, booking_day
):
    for _number in range(5):
        CounterFactory(location=location, services=[id_card])

    held, refusals, errors = rush(esslingen, location, id_card_items, [at(booking_day, 9)])

    assert errors == []
    assert len(held) == 5
    assert Appointment.objects.filter(state=Appointment.State.HELD).count() == 5
    assert len(refusals) == ATTEMPTS - 5
    assert all("nicht mehr frei" in message for message in refusals)
    assert_no_capacity_used_twice()


def test_forty_people_rushing_five_times_of_one_counter_get_exactly_five_holds(
    esslingen, location, id_card, id_card_items, booking_day
):
    CounterFactory(location=location, services=[id_card])
    times = [
        at(booking_day, 9, 0),
        at(booking_day, 9, 20),
        at(booking_day, 9, 40),
        at(booking_day, 10),
        at(booking_day, 10, 20),
    ]

    held, refusals, errors = rush(esslingen, location, id_card_items, times)

    assert errors == []
    assert len(held) == 5
    assert sorted(Appointment.objects.values_list("starts_at", flat=True)) == times
    assert len(refusals) == ATTEMPTS - 5
    assert_no_capacity_used_twice()


def test_racing_holds_on_an_old_and_a_new_grid_never_both_take_one_counter(
    esslingen, location, id_card, id_card_items, booking_day
):
    # Half the requests still see the 10-minute grid (page loaded before the change), half the 15-minute one:
    # 08:10–08:30 and 08:15–08:45 share no unit start, only 5-minute grains.
    CounterFactory(location=location, services=[id_card])
    old_grid = Location.objects.get(pk=location.pk)
    Location.objects.filter(pk=location.pk).update(slot_minutes=15)
    new_grid = Location.objects.get(pk=location.pk)
    barrier = threading.Barrier(ATTEMPTS)
    held: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        try:
            barrier.wait()
            appointment = appointment_hold(
                municipality=esslingen,
                location=old_grid if number % 2 else new_grid,
                items=id_card_items,
                starts_at=at(booking_day, 8, 10) if number % 2 else at(booking_day, 8, 15),
                name=f"Person {number}",
                email=f"person{number}@example.org",
            )
            with lock:
                held.append(appointment.pk)
        except BookingRefused as refusal:
            with lock:
                refused.append(str(refusal.message))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(held) == 1
    assert len(refused) == ATTEMPTS - 1
    assert_no_capacity_used_twice()
