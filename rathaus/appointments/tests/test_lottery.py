from datetime import timedelta

import pytest

from rathaus.appointments.housekeeping import housekeeping_run
from rathaus.appointments.models import Appointment, BookingPolicy, LotteryEntry, LotteryWindow, WaitlistEntry
from rathaus.appointments.services import BookingRefused, appointment_confirm, lottery_draw, lottery_enter
from rathaus.appointments.tests.factories import (
    CounterFactory,
    LocationFactory,
    LotteryWindowFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

# One counter open 8–12 gives twelve 20-minute times; fifteen people ask for them.
PEOPLE = [f"person{number}@example.org" for number in range(15)]


@pytest.fixture
def make_window(esslingen, id_card, now, booking_day):
    def make(slug: str) -> LotteryWindow:
        location = LocationFactory(municipality=esslingen, slug=slug, name=f"Bürgerbüro {slug}")
        CounterFactory(location=location, services=[id_card])
        return LotteryWindowFactory(
            location=location,
            service=id_card,
            collect_from=now - timedelta(days=1),
            collect_until=now + timedelta(hours=1),
            first_day=booking_day,
            last_day=booking_day,
        )

    return make


def enter_all(window, emails, now):
    for email in emails:
        lottery_enter(window=window, name="Teilnehmende Person", email=email, now=now)


def allocation(window):
    return {
        entry.email: (entry.appointment.starts_at.time() if entry.appointment else None)
        for entry in window.entries.select_related("appointment")
    }


def test_the_allocation_does_not_depend_on_the_order_requests_came_in(make_window, now):
    forward, backward = make_window("vorwaerts"), make_window("rueckwaerts")
    enter_all(forward, PEOPLE, now)
    enter_all(backward, list(reversed(PEOPLE)), now)

    lottery_draw(window=forward, seed="fester-schluessel", now=now + timedelta(hours=2))
    lottery_draw(window=backward, seed="fester-schluessel", now=now + timedelta(hours=2))

    assert allocation(forward) == allocation(backward)
    assert sum(1 for time in allocation(forward).values() if time is not None) == 12


def test_another_seed_gives_another_allocation(make_window, now):
    first, second = make_window("erste"), make_window("zweite")
    enter_all(first, PEOPLE, now)
    enter_all(second, PEOPLE, now)

    lottery_draw(window=first, seed="schluessel-eins", now=now + timedelta(hours=2))
    lottery_draw(window=second, seed="schluessel-zwei", now=now + timedelta(hours=2))

    assert allocation(first) != allocation(second)


def test_winners_get_a_hold_to_confirm_and_the_others_a_prefilled_waitlist_link(
    make_window, now, mailoutbox, django_capture_on_commit_callbacks
):
    window = make_window("mitte-los")
    enter_all(window, PEOPLE, now)
    drawn_at = now + timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True):
        entries = lottery_draw(window=window, now=drawn_at)

    winners = [entry for entry in entries if entry.state == LotteryEntry.State.WON]
    losers = [entry for entry in entries if entry.state == LotteryEntry.State.LOST]
    assert (len(winners), len(losers)) == (12, 3)
    assert entries[:12] == winners
    offer_hours = BookingPolicy._meta.get_field("waitlist_offer_hours").get_default()
    for entry in winners:
        assert entry.appointment.state == Appointment.State.HELD
        assert entry.appointment.hold_expires_at == drawn_at + timedelta(hours=offer_hours)
        assert entry.appointment.channel == Appointment.Channel.LOTTERY
    window.refresh_from_db()
    assert window.state == LotteryWindow.State.DRAWN
    assert window.seed
    won_mail = next(message for message in mailoutbox if message.to == [winners[0].email])
    assert "bestätigen" in won_mail.subject
    assert "/termine/bestaetigen/" in won_mail.body
    assert "/termine/verwalten/" in won_mail.body
    assert not won_mail.attachments
    lost_mail = next(message for message in mailoutbox if message.to == [losers[0].email])
    assert "kein Termin" in lost_mail.subject
    assert f"/termine/warteliste/?anliegen={window.service_id}%3A1&standort=mitte-los" in lost_mail.body
    assert len(mailoutbox) == 15


def test_a_winner_who_confirms_is_booked_and_one_who_does_not_frees_the_time_for_the_waitlist(
    make_window, now, django_capture_on_commit_callbacks
):
    window = make_window("mitte-los")
    enter_all(window, PEOPLE[:2], now)
    drawn_at = now + timedelta(hours=2)
    first, second = lottery_draw(window=window, now=drawn_at)
    waiting = WaitlistEntryFactory(
        municipality=window.municipality,
        location=window.location,
        items=[{"service": window.service_id, "quantity": 1}],
        earliest_day=window.first_day,
        latest_day=window.last_day,
    )

    confirmed = appointment_confirm(appointment=first.appointment, now=drawn_at + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = housekeeping_run(now=drawn_at + timedelta(hours=5))

    assert confirmed.state == Appointment.State.CONFIRMED
    second.appointment.refresh_from_db()
    assert second.appointment.state == Appointment.State.EXPIRED
    assert result["holds_expired"] == 1
    waiting.refresh_from_db()
    assert waiting.state == WaitlistEntry.State.OFFERED
    assert waiting.offered_appointment.starts_at == second.appointment.starts_at


def test_a_draw_runs_once_only_after_collecting_has_ended(make_window, now):
    window = make_window("einmal")
    enter_all(window, PEOPLE[:3], now)

    with pytest.raises(BookingRefused):
        lottery_draw(window=window, now=now)
    lottery_draw(window=window, now=now + timedelta(hours=2))
    lottery_draw(window=window, now=now + timedelta(hours=3))

    assert Appointment.objects.count() == 3


def test_one_request_per_address_and_only_while_collecting(make_window, now):
    window = make_window("anfragen")
    lottery_enter(window=window, name="Erika", email="erika@example.org", now=now)

    with pytest.raises(BookingRefused):
        lottery_enter(window=window, name="Erika", email=" ERIKA@example.org ", now=now)
    with pytest.raises(BookingRefused):
        lottery_enter(window=window, name="Spät", email="spaet@example.org", now=now + timedelta(hours=2))
    assert window.entries.count() == 1


def test_housekeeping_draws_windows_whose_collection_has_ended(make_window, now):
    window = make_window("aufraeumen")
    enter_all(window, PEOPLE[:2], now)

    assert housekeeping_run(now=now)["lotteries_drawn"] == 0
    assert housekeeping_run(now=now + timedelta(hours=2))["lotteries_drawn"] == 1
    assert window.entries.filter(state=LotteryEntry.State.WON).count() == 2


def test_a_result_mail_goes_out_once_however_often_its_task_runs(make_window, now, mailoutbox):
    from rathaus.appointments.notifications import lottery_result_send

    window = make_window("einmal-mail")
    enter_all(window, PEOPLE[:1], now)
    [entry] = lottery_draw(window=window, now=now + timedelta(hours=2))

    assert lottery_result_send(entry_id=entry.pk) is True
    assert lottery_result_send(entry_id=entry.pk) is False
    assert len(mailoutbox) == 1
