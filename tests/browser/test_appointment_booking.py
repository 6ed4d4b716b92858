"""Acceptance 1 of the appointments: a citizen books a combined appointment for two services (one of them twice),
solves the ALTCHA proof of work in the browser, confirms by the e-mail link, gets an .ics that parses, moves the
appointment, cancels it, and sees the time free again at once (the location has one counter, so the time is gone
from the day page while booked). axe-core checks every page. The same booking
runs once more with JavaScript switched off, through the slower no-JavaScript path of the bot protection.
"""

import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from rathaus.appointments.models import Appointment
from rathaus.appointments.tests.factories import AppointmentServiceFactory, CounterFactory, LocationFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

EMAIL = "lena.weber@example.org"


@pytest.fixture
def booking_world(esslingen_live, citizens_office_live, settings):
    # Cheap proof of work and a short no-JavaScript wait keep the journeys fast; the code paths are the real ones.
    settings.RATHAUS_APPOINTMENT_ALTCHA_COST = 200
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 1
    location = LocationFactory(
        municipality=esslingen_live, unit=citizens_office_live, slug="mitte", name="Bürgerbüro Esslingen-Mitte"
    )
    id_card = AppointmentServiceFactory(
        municipality=esslingen_live, service__name="Personalausweis beantragen", duration_minutes=20, max_quantity=4
    )
    registration = AppointmentServiceFactory(
        municipality=esslingen_live, service__name="Wohnsitz anmelden", duration_minutes=10, max_quantity=1
    )
    CounterFactory(location=location, services=[id_card, registration])
    return {"location": location, "id_card": id_card, "registration": registration}


def _check(page: Page, javascript: bool) -> None:
    # axe-core needs JavaScript; without it the pages are the same HTML, checked in the other run.
    if javascript:
        assert_accessible(page)


def _mail_link(base_url: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(r"https?://[^\s\"<>]+" + pattern + r"[^\s\"<>]*", message.body)
        if found:
            return base_url + urlsplit(found.group(0)).path
    raise AssertionError(f"no link {pattern} in {[message.subject for message in mail.outbox]}")


def _book_until_held(page: Page, base_url: str, *, javascript: bool) -> tuple[Appointment, str]:
    """From the start page to the "reserviert" page; returns the appointment and the day page's address."""
    page.goto(base_url + "/termine/")
    _check(page, javascript)
    page.get_by_label("Personalausweis beantragen").select_option("2")
    page.get_by_label("Wohnsitz anmelden").select_option("1")
    page.locator("main").get_by_role("button", name="Weiter zum Standort").click()

    expect(page.locator("main h1")).to_have_text("Wo möchten Sie hinkommen?")
    _check(page, javascript)
    page.get_by_role("link", name="Bürgerbüro Esslingen-Mitte").click()

    expect(page.locator("main h1")).to_have_text("An welchem Tag möchten Sie kommen?")
    _check(page, javascript)
    page.locator(".rathaus-calendar__free a").first.click()

    expect(page.locator("main h1")).to_contain_text("Freie Zeiten am")
    _check(page, javascript)
    day_url = page.url
    page.locator(".rathaus-slot-list a").first.click()

    expect(page.locator("main h1")).to_have_text("Ihre Kontaktdaten")
    page.get_by_label("Vor- und Nachname").fill("Lena Weber")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    if javascript:
        _check(page, javascript)
        # By keyboard, as many people operate it (the widget's tick mark lies over the box for the mouse).
        page.locator("altcha-widget input[type=checkbox]").focus()
        page.keyboard.press("Space")
        page.wait_for_function(
            "() => (document.querySelector('altcha-widget input[name=altcha]') || {}).value", timeout=20_000
        )
    else:
        page.wait_for_timeout(1_200)
    page.locator("main").get_by_role("button", name="Termin reservieren").click()

    expect(page.locator("main h1")).to_have_text("Ihre Zeit ist reserviert – bitte bestätigen Sie sie")
    expect(page.locator("main")).to_contain_text(EMAIL)
    _check(page, javascript)
    return Appointment.objects.get(email=EMAIL, state=Appointment.State.HELD), day_url


def _journey(page: Page, base_url: str, world: dict, *, javascript: bool) -> None:
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    appointment, _day_url = _book_until_held(page, base_url, javascript=javascript)
    assert {item.service_id: item.quantity for item in appointment.items.all()} == {
        world["id_card"].pk: 2,
        world["registration"].pk: 1,
    }

    # Opening the link only asks (mail scanners open links too); the button books.
    page.goto(_mail_link(base_url, "/termine/bestaetigen/"))
    expect(page.locator("main h1")).to_have_text("Bitte bestätigen Sie Ihren Termin")
    _check(page, javascript)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.HELD
    page.locator("main").get_by_role("button", name="Termin verbindlich bestätigen").click()
    expect(page.locator("main h1")).to_have_text("Ihr Termin ist gebucht")
    _check(page, javascript)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CONFIRMED

    attachments = [
        content
        for message in mail.outbox
        for _name, content, mimetype in getattr(message, "attachments", [])
        if mimetype and mimetype.startswith("text/calendar")
    ]
    assert attachments, "the confirmation has no .ics attachment"
    calendar = icalendar.Calendar.from_ical(attachments[-1])
    event = next(component for component in calendar.walk("VEVENT"))
    assert event.decoded("DTSTART") == appointment.starts_at

    # Move to another time.
    page.locator("main").get_by_role("link", name="Termin verschieben oder absagen").click()
    expect(page.locator("main h1")).to_contain_text(appointment.code)
    _check(page, javascript)
    page.locator("main").get_by_role("link", name="Termin verschieben").click()
    expect(page.locator("main h1")).to_have_text("Auf welchen Tag möchten Sie verschieben?")
    _check(page, javascript)
    page.locator(".rathaus-calendar__free a").first.click()
    _check(page, javascript)
    page.locator("main input[type=radio]").last.check()
    page.locator("main").get_by_role("button", name="Termin verschieben").click()
    expect(page.locator("main")).to_contain_text("Ihr Termin ist verschoben")
    _check(page, javascript)
    old_start = appointment.starts_at
    appointment.refresh_from_db()
    assert appointment.starts_at != old_start
    manage_url = page.url

    from django.utils import timezone

    items = f"{world['id_card'].pk}:2,{world['registration'].pk}:1"
    old_local = timezone.localtime(old_start)
    local = timezone.localtime(appointment.starts_at)
    # The old time is offered again; the new one is taken (one counter, so nobody else has it).
    page.goto(f"{base_url}/termine/standort/mitte/{old_local.date().isoformat()}/?anliegen={items}")
    expect(page.locator(".rathaus-slot-list")).to_contain_text(f"{old_local:%H:%M} Uhr")
    page.goto(f"{base_url}/termine/standort/mitte/{local.date().isoformat()}/?anliegen={items}")
    expect(page.locator("main h1")).to_contain_text("Freie Zeiten am")
    expect(page.locator("main")).not_to_contain_text(f"{local:%H:%M} Uhr")

    # Cancel; the moved-to time is free again at once.
    page.goto(manage_url)
    page.locator("main").get_by_role("link", name="Termin absagen").click()
    expect(page.locator("main h1")).to_have_text("Möchten Sie diesen Termin absagen?")
    _check(page, javascript)
    page.locator("main").get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.locator("main")).to_contain_text("Ihr Termin ist abgesagt")
    _check(page, javascript)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED

    page.goto(f"{base_url}/termine/standort/mitte/{local.date().isoformat()}/?anliegen={items}")
    expect(page.locator(".rathaus-slot-list")).to_contain_text(f"{local:%H:%M} Uhr")
    assert not csp_errors, csp_errors


def test_a_citizen_books_confirms_moves_and_cancels_a_combined_appointment(page, base_url, booking_world):
    _journey(page, base_url, booking_world, javascript=True)


def test_the_booking_works_without_javascript(javascript_disabled_page, base_url, booking_world):
    _journey(javascript_disabled_page, base_url, booking_world, javascript=False)
