from datetime import timedelta

import pytest

from rathaus.appointments import housekeeping
from rathaus.appointments.housekeeping import housekeeping_run
from rathaus.appointments.models import Appointment, BookingPolicy, SlotClaim, WaitlistEntry
from rathaus.appointments.services import appointment_confirm, appointment_hold
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tests.factories import AppointmentFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def hold(esslingen, location, items, starts_at, email="erika@example.org", now=None):
    return appointment_hold(
        municipality=esslingen,
        location=location,
        items=items,
        starts_at=starts_at,
        name="Erika Mustermann",
        email=email,
        now=now,
    )


def test_expired_holds_are_closed_and_release_their_time(
    esslingen, location, counters, id_card_items, now, booking_day
):
    expiring = hold(esslingen, location, id_card_items, at(booking_day, 9))
    running = hold(esslingen, location, id_card_items, at(booking_day, 10), now=now + timedelta(minutes=8))

    result = housekeeping_run(now=now + timedelta(minutes=11))

    expiring.refresh_from_db()
    running.refresh_from_db()
    assert result["holds_expired"] == 1
    assert expiring.state == Appointment.State.EXPIRED
    assert not SlotClaim.objects.filter(appointment=expiring).exists()
    assert running.state == Appointment.State.HELD
    assert SlotClaim.objects.filter(appointment=running).count() == 4
    assert housekeeping_run(now=now + timedelta(minutes=11))["holds_expired"] == 0


def test_a_reminder_goes_out_once_when_the_appointment_is_the_set_hours_away(
    esslingen, location, counters, id_card_items, now, booking_day, mailoutbox, django_capture_on_commit_callbacks
):
    BookingPolicy.objects.create(municipality=esslingen, reminder_hours=12)
    appointment = appointment_confirm(appointment=hold(esslingen, location, id_card_items, at(booking_day, 9)))

    with django_capture_on_commit_callbacks(execute=True):
        early = housekeeping_run(now=at(booking_day, 9) - timedelta(hours=13))
        due = housekeeping_run(now=at(booking_day, 9) - timedelta(hours=11))
        again = housekeeping_run(now=at(booking_day, 9) - timedelta(hours=10))

    assert (early["reminders"], due["reminders"], again["reminders"]) == (0, 1, 0)
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == at(booking_day, 9) - timedelta(hours=11)
    [reminder] = [message for message in mailoutbox if "Erinnerung" in message.subject]
    assert reminder.to == ["erika@example.org"]
    assert reminder.attachments[0][2] == "text/calendar"


def test_no_reminder_when_switched_off_or_booked_within_the_reminder_period(
    esslingen, location, counters, id_card_items, now, booking_day
):
    AppointmentFactory(
        counter=counters[0],
        starts_at=at(booking_day, 9),
        ends_at=at(booking_day, 9, 20),
        confirmed_at=at(booking_day, 9) - timedelta(hours=2),
    )

    assert housekeeping_run(now=at(booking_day, 9) - timedelta(hours=1))["reminders"] == 0

    BookingPolicy.objects.create(municipality=esslingen, reminder_hours=0)
    AppointmentFactory(
        counter=counters[1], starts_at=at(booking_day, 10), ends_at=at(booking_day, 10, 20), confirmed_at=now
    )
    assert housekeeping_run(now=at(booking_day, 9))["reminders"] == 0


def test_waitlist_entries_whose_period_has_passed_stop_waiting(esslingen, now):
    past = WaitlistEntryFactory(
        municipality=esslingen, earliest_day=now.date() - timedelta(days=5), latest_day=now.date() - timedelta(days=1)
    )
    current = WaitlistEntryFactory(municipality=esslingen)

    assert housekeeping_run(now=now)["waitlist_entries_expired"] == 1
    past.refresh_from_db()
    current.refresh_from_db()
    assert past.state == WaitlistEntry.State.EXPIRED
    assert current.state == WaitlistEntry.State.WAITING


def test_the_recurring_task_runs_a_pass(esslingen, location, counters, id_card_items, now, booking_day, monkeypatch):
    from django.utils import timezone

    from rathaus.appointments.tasks import appointments_housekeeping

    expiring = hold(esslingen, location, id_card_items, at(booking_day, 9))
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=11))

    appointments_housekeeping.enqueue()

    expiring.refresh_from_db()
    assert expiring.state == Appointment.State.EXPIRED


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_there_is_one_chain_of_passes_and_each_pass_queues_the_next(settings, esslingen):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from rathaus.appointments import tasks

    settings.TASKS = DATABASE_TASKS
    settings.RATHAUS_APPOINTMENTS_HOUSEKEEPING_INTERVAL_SECONDS = 60

    assert tasks.housekeeping_ensure_scheduled() is True
    assert tasks.housekeeping_ensure_scheduled() is False
    DBTaskResult.objects.all().delete()

    assert tasks.appointments_housekeeping.call()["holds_expired"] == 0

    (next_pass,) = DBTaskResult.objects.filter(task_path=tasks.appointments_housekeeping.module_path)
    assert next_pass.run_after > timezone.now() + timedelta(seconds=50)


def test_appointments_booked_inside_the_reminder_period_leave_the_candidates_so_due_ones_are_not_starved(
    esslingen, location, counters, booking_day, now, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(housekeeping, "BATCH", 2)
    BookingPolicy.objects.create(municipality=esslingen, reminder_hours=24)
    run_at = at(booking_day, 7)
    for minute in (0, 20):  # confirmed an hour ago, inside their reminder period: no reminder needed
        AppointmentFactory(
            counter=counters[0],
            starts_at=at(booking_day, 8, minute),
            ends_at=at(booking_day, 8, minute + 20),
            confirmed_at=run_at - timedelta(hours=1),
        )
    due = AppointmentFactory(
        counter=counters[1], starts_at=at(booking_day, 11), ends_at=at(booking_day, 11, 20), confirmed_at=now
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = housekeeping_run(now=run_at)
        second = housekeeping_run(now=run_at + timedelta(minutes=1))

    assert (first["reminders"], second["reminders"]) == (0, 1)
    due.refresh_from_db()
    assert due.reminder_sent_at == run_at + timedelta(minutes=1)
    assert [message.to for message in mailoutbox if "Erinnerung" in message.subject] == [[due.email]]


def test_an_expired_hold_whose_time_lies_ahead_is_offered_to_the_waitlist(
    esslingen, location, counters, id_card, id_card_items, now, booking_day, django_capture_on_commit_callbacks
):
    expiring = hold(esslingen, location, id_card_items, at(booking_day, 9))
    waiting = WaitlistEntryFactory(
        municipality=esslingen,
        location=location,
        items=[{"service": id_card.pk, "quantity": 1}],
        earliest_day=booking_day,
        latest_day=booking_day,
    )

    with django_capture_on_commit_callbacks(execute=True):
        housekeeping_run(now=now + timedelta(minutes=11))

    expiring.refresh_from_db()
    waiting.refresh_from_db()
    assert expiring.state == Appointment.State.EXPIRED
    assert waiting.state == WaitlistEntry.State.OFFERED
    assert waiting.offered_appointment.starts_at == at(booking_day, 9)
    assert waiting.offered_appointment.state == Appointment.State.HELD
