from datetime import timedelta

import pytest

from rathaus.appointments.models import Appointment
from rathaus.audit.models import AuditEntry
from rathaus.visits import services
from rathaus.visits.models import Visit
from rathaus.visits.queue import WALK_IN_PATIENCE_MINUTES, wait_estimate

from .conftest import local
from .factories import LocationFactory, appointment_at


def _confirmed(office, starts_at, services_=None, counter=None):
    return appointment_at(
        counter=counter or office.counter_one,
        starts_at=starts_at,
        services=services_ or [office.id_card],
        state=Appointment.State.CONFIRMED,
    )


# Numbering --------------------------------------------------------------------------------------


def test_walk_in_tickets_are_numbered_from_one_per_location_and_day(office, esslingen, citizens_office):
    first = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 8, 0))
    second = services.visit_walk_in(location=office.location, services=[office.passport], now=local(24, 8, 5))
    next_day = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(25, 8, 0))

    assert [first.display_number, second.display_number, next_day.display_number] == ["W 001", "W 002", "W 001"]


def test_appointments_and_walk_ins_count_separately(office):
    ticket = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 8, 0))
    appointment = _confirmed(office, local(24, 9, 0))
    checked_in = services.visit_check_in(appointment=appointment, now=local(24, 8, 50))

    assert ticket.display_number == "W 001"
    assert checked_in.display_number == "T 001"


def test_another_location_starts_its_own_numbers(office, esslingen, citizens_office):
    services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 8, 0))
    district = LocationFactory(municipality=esslingen, unit=citizens_office, slug="berkheim", name="Bürgeramt Berkheim")
    district.counters.create(name="Schalter A").services.add(office.id_card)

    ticket = services.visit_walk_in(location=district, services=[office.id_card], now=local(24, 8, 1))

    assert ticket.display_number == "W 001"


def test_walk_in_without_a_service_is_refused(office):
    with pytest.raises(services.VisitRefused, match="mindestens ein Anliegen"):
        services.visit_walk_in(location=office.location, services=[], now=local(24, 8, 0))

    assert not Visit.objects.exists()


def test_walk_in_for_a_service_no_counter_handles_is_refused(office, esslingen):
    from .factories import AppointmentServiceFactory

    parking = AppointmentServiceFactory(municipality=esslingen, service__name="Bewohnerparkausweis")

    with pytest.raises(services.VisitRefused, match="kein Schalter besetzt"):
        services.visit_walk_in(location=office.location, services=[parking], now=local(24, 8, 0))


# Check-in ---------------------------------------------------------------------------------------


def test_check_in_of_a_confirmed_appointment_of_today_creates_a_waiting_visit(office):
    appointment = _confirmed(office, local(24, 9, 0), [office.id_card, office.passport])

    visit = services.visit_check_in(appointment=appointment, now=local(24, 8, 55))

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CHECKED_IN
    assert appointment.checked_in_at == local(24, 8, 55)
    assert visit.state == Visit.State.WAITING
    assert set(visit.services.all()) == {office.id_card, office.passport}
    assert AuditEntry.objects.filter(object_type="visit", action="visit.check_in", object_id=str(visit.pk)).exists()


def test_checking_in_twice_returns_the_same_visit(office):
    appointment = _confirmed(office, local(24, 9, 0))

    first = services.visit_check_in(appointment=appointment, now=local(24, 8, 55))
    again = services.visit_check_in(appointment=appointment, now=local(24, 8, 56))

    assert again.pk == first.pk
    assert Visit.objects.count() == 1


def test_check_in_on_another_day_is_refused(office):
    appointment = _confirmed(office, local(25, 9, 0))

    with pytest.raises(services.VisitRefused, match=r"25\.11\.2026, nicht heute"):
        services.visit_check_in(appointment=appointment, now=local(24, 9, 0))

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CONFIRMED


@pytest.mark.parametrize("state", [Appointment.State.HELD, Appointment.State.CANCELLED, Appointment.State.NO_SHOW])
def test_check_in_of_an_appointment_that_is_not_confirmed_is_refused(office, state):
    appointment = appointment_at(
        counter=office.counter_one, starts_at=local(24, 9, 0), services=[office.id_card], state=state
    )

    with pytest.raises(services.VisitRefused, match="kann nicht angemeldet werden"):
        services.visit_check_in(appointment=appointment, now=local(24, 8, 55))

    assert not Visit.objects.exists()


# Interleaving -----------------------------------------------------------------------------------


def test_a_due_appointment_goes_before_an_earlier_walk_in(office, clerk):
    walk_in = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 8, 50))
    appointment = services.visit_check_in(appointment=_confirmed(office, local(24, 9, 0)), now=local(24, 8, 55))

    first = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 8, 58))
    second = services.visit_call_next(counter=office.counter_two, staff=clerk, now=local(24, 8, 58))

    assert (first, second) == (appointment, walk_in)


def test_an_early_appointment_waits_while_walk_ins_are_served(office, clerk):
    appointment = services.visit_check_in(appointment=_confirmed(office, local(24, 10, 0)), now=local(24, 9, 0))
    walk_in = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 5))

    called = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 10))

    assert called == walk_in
    assert Visit.objects.get(pk=appointment.pk).state == Visit.State.WAITING


def test_an_early_appointment_is_called_when_nobody_else_waits(office, clerk):
    appointment = services.visit_check_in(appointment=_confirmed(office, local(24, 10, 0)), now=local(24, 9, 0))

    assert services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 10)) == appointment


def _serve(visit, clerk, now):
    services.visit_finish(visit=visit, staff=clerk, now=now)


def test_after_two_appointment_calls_in_a_row_a_long_waiting_walk_in_goes_next(office, clerk):
    walk_in = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 0))
    appointments = [
        services.visit_check_in(appointment=_confirmed(office, local(24, 9, minute)), now=local(24, 8, 50))
        for minute in (0, 10, 20)
    ]
    now = local(24, 9, WALK_IN_PATIENCE_MINUTES + 1)

    calls = []
    for _round in range(3):
        visit = services.visit_call_next(counter=office.counter_one, staff=clerk, now=now)
        calls.append(visit)
        _serve(visit, clerk, now)

    assert calls == [appointments[0], appointments[1], walk_in]


def test_a_walk_in_who_has_not_waited_long_does_not_break_the_appointment_order(office, clerk):
    appointments = [
        services.visit_check_in(appointment=_confirmed(office, local(24, 9, minute)), now=local(24, 8, 50))
        for minute in (0, 10, 20)
    ]
    now = local(24, 9, 20)
    walk_in = services.visit_walk_in(
        location=office.location, services=[office.id_card], now=now - timedelta(minutes=5)
    )

    calls = []
    for _round in range(3):
        visit = services.visit_call_next(counter=office.counter_one, staff=clerk, now=now)
        calls.append(visit)
        _serve(visit, clerk, now)

    assert calls == appointments
    assert Visit.objects.get(pk=walk_in.pk).state == Visit.State.WAITING


def test_a_counter_calls_only_people_whose_services_it_handles(office, clerk):
    services.visit_walk_in(location=office.location, services=[office.passport], now=local(24, 9, 0))

    assert services.visit_call_next(counter=office.counter_two, staff=clerk, now=local(24, 9, 5)) is None
    assert services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 5)) is not None


def test_a_counter_with_someone_called_cannot_call_the_next(office, clerk):
    services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 0))
    services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 1))
    services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 2))

    with pytest.raises(services.VisitRefused, match="noch W 001 aufgerufen"):
        services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 2))

    assert Visit.objects.filter(state=Visit.State.CALLED).count() == 1


# Serving ----------------------------------------------------------------------------------------


def test_the_loop_of_a_visit_records_every_moment(office, clerk):
    visit = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 0))
    called = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 12))
    assert called is not None
    recalled = services.visit_recall(visit=called, staff=clerk, now=local(24, 9, 14))
    started = services.visit_start(visit=recalled, staff=clerk, now=local(24, 9, 15))
    finished = services.visit_finish(visit=started, staff=clerk, now=local(24, 9, 25))

    assert finished.pk == visit.pk
    assert (finished.first_called_at, finished.called_at, finished.call_count) == (
        local(24, 9, 12),
        local(24, 9, 14),
        2,
    )
    assert (finished.service_started_at, finished.finished_at) == (local(24, 9, 15), local(24, 9, 25))
    assert finished.counter == office.counter_one
    assert finished.called_by == clerk
    actions = list(
        AuditEntry.objects.filter(object_type="visit", object_id=str(visit.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["visit.walk_in", "visit.call", "visit.recall", "visit.start", "visit.finish"]


def test_a_double_click_on_recall_counts_once(office, clerk):
    services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 0))
    called = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 5))
    assert called is not None

    services.visit_recall(visit=called, staff=clerk, now=local(24, 9, 7))
    twice = services.visit_recall(visit=called, staff=clerk, now=local(24, 9, 7) + timedelta(seconds=2))

    assert twice.call_count == 2


def test_finishing_completes_the_appointment_and_may_be_repeated(office, clerk):
    appointment = _confirmed(office, local(24, 9, 0))
    services.visit_check_in(appointment=appointment, now=local(24, 8, 55))
    called = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 0))
    assert called is not None

    services.visit_finish(visit=called, staff=clerk, now=local(24, 9, 10))
    again = services.visit_finish(visit=called, staff=clerk, now=local(24, 9, 30))

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.COMPLETED
    assert again.finished_at == local(24, 9, 10)
    # Served straight after the call: the service counts from the call.
    assert again.service_started_at == local(24, 9, 0)


def test_someone_who_left_cannot_be_served(office, clerk):
    visit = services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, 0))
    gone = services.visit_left(visit=visit, staff=clerk, now=local(24, 9, 30))

    assert gone.state == Visit.State.LEFT
    assert services.visit_left(visit=visit, staff=clerk, now=local(24, 9, 31)).left_at == local(24, 9, 30)
    with pytest.raises(services.VisitRefused):
        services.visit_start(visit=visit, staff=clerk, now=local(24, 9, 32))
    assert services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 9, 33)) is None


# No-shows ---------------------------------------------------------------------------------------


def test_confirmed_appointments_whose_time_has_passed_become_no_shows(office):
    missed = _confirmed(office, local(24, 9, 0))
    arrived = _confirmed(office, local(24, 9, 10))
    services.visit_check_in(appointment=arrived, now=local(24, 9, 5))
    later = _confirmed(office, local(24, 16, 0))
    tomorrow = _confirmed(office, local(25, 8, 0))

    marked = services.appointments_mark_no_shows(location=office.location, day=local(24, 0).date(), now=local(24, 12))
    marked_again = services.appointments_mark_no_shows(
        location=office.location, day=local(24, 0).date(), now=local(24, 12)
    )

    states = dict(Appointment.objects.values_list("pk", "state"))
    assert (marked, marked_again) == (1, 0)
    assert states == {
        missed.pk: Appointment.State.NO_SHOW,
        arrived.pk: Appointment.State.CHECKED_IN,
        later.pk: Appointment.State.CONFIRMED,
        tomorrow.pk: Appointment.State.CONFIRMED,
    }


# Waiting estimate -------------------------------------------------------------------------------


def test_without_history_the_estimate_uses_the_booked_duration(office):
    for minute in range(3):
        services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, minute))

    estimate = wait_estimate(location=office.location, services=[office.id_card], now=local(24, 9, 5))

    # 3 people ahead × 10 minutes ÷ 2 counters handling ID cards.
    assert (estimate.people_ahead, estimate.counters, estimate.from_history) == (3, 2, False)
    assert estimate.minutes == 15


def test_the_estimate_uses_the_median_service_time_of_finished_visits(office, clerk):
    for minute, length in ((0, 4), (10, 6), (20, 20)):
        visit = services.visit_walk_in(location=office.location, services=[office.passport], now=local(24, 8, minute))
        called = services.visit_call_next(counter=office.counter_one, staff=clerk, now=local(24, 8, minute))
        assert called == visit
        services.visit_start(visit=called, staff=clerk, now=local(24, 8, minute))
        services.visit_finish(visit=called, staff=clerk, now=local(24, 8, minute + length))
    waiting = [
        services.visit_walk_in(location=office.location, services=[office.passport], now=local(24, 9, minute))
        for minute in range(3)
    ]

    estimate = wait_estimate(
        location=office.location, services=[office.passport], now=local(24, 9, 5), before=waiting[2]
    )

    # 2 ahead × median 6 minutes ÷ 1 counter handling passports.
    assert (estimate.people_ahead, estimate.service_minutes, estimate.counters) == (2, 6.0, 1)
    assert estimate.minutes == 12


def test_the_estimate_for_a_new_arrival_assumes_one_typical_service(office):
    from rathaus.visits.selectors import location_estimate

    for minute in range(4):
        services.visit_walk_in(location=office.location, services=[office.id_card], now=local(24, 9, minute))

    estimate = location_estimate(location=office.location, now=local(24, 9, 5))

    # 4 ahead × median(10, 15) = 12.5 minutes ÷ 2 counters.
    assert (estimate.people_ahead, estimate.service_minutes, estimate.counters) == (4, 12.5, 2)
    assert estimate.minutes == 25
