from datetime import timedelta

import pytest
from django.utils import translation
from icalendar import Calendar

from rathaus.appointments.ics import appointment_ics
from rathaus.appointments.models import Appointment
from rathaus.appointments.notifications import appointment_email_send
from rathaus.appointments.services import appointment_cancel, appointment_confirm, appointment_hold
from rathaus.appointments.tests.conftest import at
from rathaus.appointments.tokens import appointment_from_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(esslingen, location, counters, id_card, booking_day, django_capture_on_commit_callbacks):
    from rathaus.appointments.availability import BookingItem

    with django_capture_on_commit_callbacks(execute=True):
        return appointment_hold(
            municipality=esslingen,
            location=location,
            items=[BookingItem(service=id_card, quantity=2)],
            starts_at=at(booking_day, 9),
            name="Erika Mustermann",
            email="erika@example.org",
        )


def link_in(body: str, marker: str) -> str:
    return next(line for line in body.splitlines() if marker in line).strip()


def test_a_hold_mails_an_absolute_confirm_link_on_the_municipalitys_host(esslingen, held, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["erika@example.org"]
    assert "bestätigen" in message.subject
    link = link_in(message.body, "/termine/")
    assert link.startswith("http://esslingen.localhost/termine/")
    token = link.rstrip("/").split("/")[-1]
    assert appointment_from_token(municipality=esslingen, token=token, purpose="confirm") == held


def test_the_confirmation_carries_a_calendar_file_what_to_bring_and_the_manage_link(
    esslingen, held, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_confirm(appointment=held)

    message = mailoutbox[-1]
    assert "gebucht" in message.subject
    assert "2 × Personalausweis beantragen" in message.body
    assert "ein biometrisches Passfoto" in message.body
    assert "Ritterstraße 17, 73728 Esslingen am Neckar" in message.body
    assert "Eingang ebenerdig" in message.body
    assert held.code in message.body
    manage = link_in(message.body, "/termine/")
    assert appointment_from_token(municipality=esslingen, token=manage.rstrip("/").split("/")[-1], purpose="manage")
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("termin.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{held.uuid}@esslingen.localhost"
    assert event.decoded("DTSTART") == held.starts_at
    assert event.decoded("DTEND") == held.ends_at
    assert "Bürgerbüro Esslingen-Mitte" in str(event["LOCATION"])
    assert "Passfoto" in str(event["DESCRIPTION"])


def test_the_calendar_file_keeps_its_uid_when_the_appointment_moves(held, booking_day):
    from rathaus.appointments.services import appointment_move

    before = Calendar.from_ical(appointment_ics(held)).walk("VEVENT")[0]
    moved = appointment_move(appointment=held, starts_at=at(booking_day, 10))
    after = Calendar.from_ical(appointment_ics(moved)).walk("VEVENT")[0]

    assert before["UID"] == after["UID"]
    assert after.decoded("DTSTART") == at(booking_day, 10)


def test_a_cancellation_is_confirmed_by_mail(held, mailoutbox, django_capture_on_commit_callbacks):
    appointment_confirm(appointment=held)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=held)

    assert "abgesagt" in mailoutbox[-1].subject
    assert held.code in mailoutbox[-1].body


def test_a_stale_mail_is_not_sent_for_an_appointment_that_changed_meanwhile(held, mailoutbox):
    appointment_cancel(appointment=held)

    assert appointment_email_send(appointment_id=held.pk, kind="confirm_link") is False
    assert appointment_email_send(appointment_id=held.pk, kind="confirmed") is False
    assert len(mailoutbox) == 1


def test_mails_follow_the_language_of_the_booking(
    esslingen, location, counters, id_card_items, booking_day, mailoutbox
):
    location.name_en = "Citizens' Office Esslingen Centre"
    location.save()
    with translation.override("en"):
        appointment = appointment_hold(
            municipality=esslingen,
            location=location,
            items=id_card_items,
            starts_at=at(booking_day, 9),
            name="Jane Doe",
            email="jane@example.org",
        )
    appointment_confirm(appointment=appointment)

    assert appointment.language == "en"
    assert appointment_email_send(appointment_id=appointment.pk, kind="confirmed")
    assert "Citizens' Office Esslingen Centre" in mailoutbox[-1].body


def test_an_appointment_without_an_address_gets_no_mail(esslingen, location, counters, id_card_items, now, clerk):
    by_phone = appointment_hold(
        municipality=esslingen,
        location=location,
        items=id_card_items,
        starts_at=at(now.date(), 10),
        name="Anrufer",
        email="",
        channel=Appointment.Channel.PHONE,
        booked_by=clerk,
    )
    appointment_confirm(appointment=by_phone, now=now + timedelta(minutes=1))

    assert appointment_email_send(appointment_id=by_phone.pk, kind="confirmed") is False


def test_documents_from_the_catalogue_arrive_as_plain_lines():
    from rathaus.appointments.ics import plain_text

    assert plain_text("<ul><li>Reisepass &amp; Passfoto</li><li>Geburtsurkunde</li></ul>") == (
        "Reisepass & Passfoto\nGeburtsurkunde"
    )


def test_a_mail_task_that_runs_twice_sends_once(held, mailoutbox):
    appointment_confirm(appointment=held)

    assert appointment_email_send(appointment_id=held.pk, kind="confirmed") is True
    assert appointment_email_send(appointment_id=held.pk, kind="confirmed") is False
    assert len([message for message in mailoutbox if "gebucht" in message.subject]) == 1


def test_a_moved_appointment_is_announced_again_for_its_new_time(held, booking_day, mailoutbox):
    from rathaus.appointments.services import appointment_move

    appointment_confirm(appointment=held)
    appointment_move(appointment=held, starts_at=at(booking_day, 10))
    appointment_move(appointment=held, starts_at=at(booking_day, 11))

    assert appointment_email_send(appointment_id=held.pk, kind="moved") is True
    assert appointment_email_send(appointment_id=held.pk, kind="moved") is False


def test_every_mail_before_the_booking_carries_the_one_click_cancel_link(esslingen, held, mailoutbox):
    [confirm_link] = mailoutbox

    manage_lines = [line.strip() for line in confirm_link.body.splitlines() if "/termine/verwalten/" in line]

    assert len(manage_lines) == 1
    token = manage_lines[0].rstrip("/").split("/")[-1]
    assert appointment_from_token(municipality=esslingen, token=token, purpose="manage") == held


def test_a_cancellation_mail_links_to_booking_anew_and_withdraws_the_calendar_entry(
    held, mailoutbox, django_capture_on_commit_callbacks
):
    appointment_confirm(appointment=held)
    booked_uid = Calendar.from_ical(appointment_ics(held)).walk("VEVENT")[0]["UID"]
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=held)

    message = mailoutbox[-1]
    assert link_in(message.body, "http://") == "http://esslingen.localhost/termine/"
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("termin.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == booked_uid
