"""The citizen booking pages: choose, find a day and time, hold, confirm, manage by link, waitlist, fair release."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.appointments import antibot
from rathaus.appointments.models import Appointment, BookingPolicy
from rathaus.appointments.tests.factories import AppointmentServiceFactory, LotteryWindowFactory
from rathaus.appointments.tokens import appointment_token
from rathaus.catalogue.tests.factories import ServiceFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_proof_of_work(settings):
    settings.RATHAUS_APPOINTMENT_ALTCHA_COST = 50
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 0


@pytest.fixture
def items_param(id_card, registration, counters):
    return f"{id_card.pk}:2,{registration.pk}:1"


def solved_payload(client) -> str:
    challenge = client.get(reverse("appointments:altcha")).json()
    return antibot.altcha_solve_for_tests(challenge)


def contact_url(location, items_param, starts_at) -> str:
    return (
        reverse("appointments:contact", args=[location.slug])
        + "?"
        + f"anliegen={items_param}&beginn={starts_at.isoformat().replace('+', '%2B')}"
    )


def hold(client, location, items_param, starts_at, *, email="erika@example.org", payload=None, **extra):
    page = client.get(contact_url(location, items_param, starts_at))
    form = page.context["form"]
    data = {
        "name": "Erika Mustermann",
        "email": email,
        "phone": "",
        "form_token": form.initial["form_token"],
        "idempotency_key": form.initial["idempotency_key"],
        "altcha": solved_payload(client) if payload is None else payload,
        **extra,
    }
    return client.post(contact_url(location, items_param, starts_at), data)


def _held_at_eight(client, location, items_param, booking_day) -> Appointment:
    """The citizen of ``client`` holds the time 08:00 of the booking day, as in the browser."""
    hold(client, location, items_param, at(booking_day, 8))
    return Appointment.objects.get()


def test_choosing_two_services_leads_to_the_location_step_with_both_in_the_address(id_card, registration, counters):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(
        reverse("appointments:start"), {"weiter": "1", f"anzahl_{id_card.pk}": "2", f"anzahl_{registration.pk}": "1"}
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["anliegen"] == [f"{id_card.pk}:2,{registration.pk}:1"]


def test_choosing_nothing_shows_an_error_summary_and_fehler_in_the_title(id_card, counters):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(reverse("appointments:start"), {"weiter": "1", f"anzahl_{id_card.pk}": "0"})
    content = response.content.decode()
    assert "<title>Fehler:" in content
    assert "Bitte wählen Sie mindestens ein Anliegen" in content


def test_a_quantity_above_the_maximum_is_refused(id_card, counters):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(reverse("appointments:start"), {"weiter": "1", f"anzahl_{id_card.pk}": "9"})
    assert "<title>Fehler:" in response.content.decode()
    edited = client.get(reverse("appointments:locations"), {"anliegen": f"{id_card.pk}:9"})
    assert edited.status_code == 302 and edited["Location"] == reverse("appointments:start")


def test_month_view_links_the_days_with_free_times_as_an_accessible_table(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(reverse("appointments:month", args=[location.slug]), {"anliegen": items_param})
    content = response.content.decode()
    assert "<table" in content and "<caption" in content and 'scope="col"' in content
    day_url = reverse("appointments:day", args=[location.slug, booking_day.isoformat()])
    assert day_url in content
    # Today is before the window (booking_min_days = 1), so it has no link.
    assert reverse("appointments:day", args=[location.slug, now.date().isoformat()]) not in content


def test_day_view_lists_the_free_times_as_links_to_the_contact_step(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(
        reverse("appointments:day", args=[location.slug, booking_day.isoformat()]), {"anliegen": items_param}
    )
    content = response.content.decode()
    assert "08:00 Uhr" in content
    assert reverse("appointments:contact", args=[location.slug]) in content


@pytest.fixture
def one_counter(counters):
    """Only one counter takes online bookings, so a booked time is gone from the day page until it is freed."""
    counters[1].is_active = False
    counters[1].save(update_fields=["is_active"])
    return counters[0]


def offered_times(client, location, items_param, day) -> list:
    page = client.get(reverse("appointments:day", args=[location.slug, day.isoformat()]), {"anliegen": items_param})
    return [moment for moment, _url in page.context["times"]]


def test_a_citizen_holds_confirms_and_cancels_a_combined_appointment(
    now, location, items_param, booking_day, one_counter, django_capture_on_commit_callbacks
):
    client = client_for(ESSLINGEN_HOST)
    starts_at = at(booking_day, 8)
    assert starts_at in offered_times(client, location, items_param, booking_day)
    with django_capture_on_commit_callbacks(execute=True):
        response = hold(client, location, items_param, starts_at)
    appointment = Appointment.objects.get(email="erika@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("appointments:held", args=[appointment.uuid])
    assert appointment.state == Appointment.State.HELD
    assert sorted(item.quantity for item in appointment.items.all()) == [1, 2]
    held = client.get(response["Location"]).content.decode()
    assert "erika@example.org" in held and appointment.code in held

    confirm_url = reverse("appointments:confirm", args=[appointment_token(appointment, "confirm")])
    confirmed = client.post(confirm_url)
    assert confirmed.status_code == 302 and confirmed["Location"] == confirm_url
    assert "Ihr Termin ist gebucht" in client.get(confirm_url).content.decode()
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CONFIRMED
    assert starts_at not in offered_times(client, location, items_param, booking_day)

    manage_token = appointment_token(appointment, "manage")
    calendar_file = client.get(reverse("appointments:ics", args=[manage_token]))
    assert calendar_file["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in calendar_file.content

    assert "Ja, Termin absagen" in client.get(reverse("appointments:cancel", args=[manage_token])).content.decode()
    cancelled = client.post(reverse("appointments:cancel", args=[manage_token]))
    assert cancelled.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    assert starts_at in offered_times(client, location, items_param, booking_day)


def test_opening_the_confirmation_link_only_asks_and_does_not_book(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    confirm_url = reverse("appointments:confirm", args=[appointment_token(appointment, "confirm")])

    # What a mail scanner or a link preview does: open the link, twice, in another browser.
    for _visit in range(2):
        page = client_for(ESSLINGEN_HOST).get(confirm_url)
        assert page.status_code == 200
        assert "Termin verbindlich bestätigen" in page.content.decode()

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.HELD
    assert appointment.confirmed_at is None


def test_confirming_twice_books_once_and_shows_the_booked_appointment(
    now, location, items_param, booking_day, django_capture_on_commit_callbacks
):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    confirm_url = reverse("appointments:confirm", args=[appointment_token(appointment, "confirm")])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(confirm_url)
        second = client.post(confirm_url)

    appointment.refresh_from_db()
    assert (first.status_code, second.status_code) == (302, 302)
    assert appointment.state == Appointment.State.CONFIRMED
    assert len([message for message in mail.outbox if message.to == ["erika@example.org"]]) == 1
    page = client.get(confirm_url).content.decode()
    assert "Ihr Termin ist gebucht" in page and "Termin verbindlich bestätigen" not in page


def test_the_confirmation_link_of_a_hold_that_ran_out_says_so_and_books_nothing(
    now, location, items_param, booking_day, monkeypatch
):
    from django.utils import timezone

    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    confirm_url = reverse("appointments:confirm", args=[appointment_token(appointment, "confirm")])
    later = now + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    page = client.get(confirm_url)
    posted = client.post(confirm_url)

    appointment.refresh_from_db()
    assert page.status_code == 400 and "Die Reservierung ist abgelaufen" in page.content.decode()
    assert posted.status_code == 400 and "Die Reservierung ist abgelaufen" in posted.content.decode()
    assert appointment.state == Appointment.State.HELD


def test_the_contact_page_names_the_municipalitys_hold_time(now, location, items_param, booking_day, esslingen):
    BookingPolicy.objects.update_or_create(municipality=esslingen, defaults={"hold_minutes": 25})
    page = client_for(ESSLINGEN_HOST).get(contact_url(location, items_param, at(booking_day, 8))).content.decode()
    assert "Wir halten die Zeit 25 Minuten für Sie frei" in page
    assert "10 Minuten" not in page


@pytest.mark.parametrize(
    "state", [Appointment.State.CHECKED_IN, Appointment.State.COMPLETED, Appointment.State.NO_SHOW]
)
def test_an_appointment_dealt_with_on_site_cannot_be_cancelled_or_moved_by_link(
    now, location, items_param, booking_day, state
):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    Appointment.objects.filter(pk=appointment.pk).update(state=state)
    token = appointment_token(appointment, "manage")
    later_day = booking_day + timedelta(days=1)

    cancelled = client.post(reverse("appointments:cancel", args=[token]))
    moved = client.post(
        reverse("appointments:move_day", args=[token, later_day.isoformat()]),
        {"starts_at": at(later_day, 9).isoformat()},
    )

    appointment.refresh_from_db()
    assert cancelled.status_code == 400 and "kann nicht mehr abgesagt werden" in cancelled.content.decode()
    assert moved.status_code == 400 and "kann nicht mehr verschoben werden" in moved.content.decode()
    assert (appointment.state, appointment.starts_at) == (state, at(booking_day, 8))


def test_an_appointment_whose_time_has_passed_cannot_be_cancelled_by_link(
    now, location, items_param, booking_day, monkeypatch
):
    from django.utils import timezone

    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CONFIRMED, hold_expires_at=None)
    after = at(booking_day, 9)
    monkeypatch.setattr(timezone, "now", lambda: after)

    response = client.post(reverse("appointments:cancel", args=[appointment_token(appointment, "manage")]))

    appointment.refresh_from_db()
    assert response.status_code == 400 and "kann nicht mehr abgesagt werden" in response.content.decode()
    assert appointment.state == Appointment.State.CONFIRMED


def test_the_day_and_month_pages_are_rate_limited_per_address(now, location, items_param, booking_day, settings):
    settings.RATHAUS_APPOINTMENT_AVAILABILITY_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)
    month = client.get(reverse("appointments:month", args=[location.slug]), {"anliegen": items_param})
    day_url = reverse("appointments:day", args=[location.slug, booking_day.isoformat()])
    day = client.get(day_url, {"anliegen": items_param})
    refused = client.get(day_url, {"anliegen": items_param})
    assert (month.status_code, day.status_code, refused.status_code) == (200, 200, 429)
    assert "sehr viele Abfragen nach freien Terminen" in refused.content.decode()


def test_the_held_page_is_refused_to_another_browser(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    stranger = client_for(ESSLINGEN_HOST)
    assert stranger.get(reverse("appointments:held", args=[appointment.uuid])).status_code == 404


def test_sending_the_form_twice_keeps_one_appointment(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    starts_at = at(booking_day, 8)
    page = client.get(contact_url(location, items_param, starts_at))
    data = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "form_token": page.context["form"].initial["form_token"],
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "altcha": solved_payload(client),
    }
    first = client.post(contact_url(location, items_param, starts_at), data)
    second = client.post(contact_url(location, items_param, starts_at), data)
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1


def test_a_taken_time_shows_the_german_refusal_in_the_error_summary(now, location, items_param, booking_day, counters):
    starts_at = at(booking_day, 8)
    for number in range(len(counters)):
        hold(client_for(ESSLINGEN_HOST), location, items_param, starts_at, email=f"person{number}@example.org")
    response = hold(client_for(ESSLINGEN_HOST), location, items_param, starts_at, email="late@example.org")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in content and "Es gibt ein Problem" in content
    assert 'value="late@example.org"' in content
    assert not Appointment.objects.filter(email="late@example.org").exists()


def test_the_cap_of_open_appointments_per_email_is_shown(now, location, items_param, booking_day, esslingen):
    BookingPolicy.objects.update_or_create(municipality=esslingen, defaults={"max_open_per_email": 1})
    hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 8))
    response = hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 10))
    assert "Mit dieser E-Mail-Adresse sind schon 1 Termine gebucht" in response.content.decode()


def test_a_logged_in_citizen_finds_the_contact_form_prefilled_and_the_appointment_in_the_account(
    now, location, items_param, booking_day, citizen
):
    client = client_for(ESSLINGEN_HOST, citizen)
    page = client.get(contact_url(location, items_param, at(booking_day, 8)))
    assert page.context["form"].initial["email"] == citizen.email
    hold(client, location, items_param, at(booking_day, 8), email=citizen.email)
    mine = client.get(reverse("appointments:mine")).content.decode()
    assert Appointment.objects.get().location.name in mine


def test_my_appointments_need_a_login_and_show_nobody_elses(
    now, location, items_param, booking_day, citizen, second_citizen
):
    assert client_for(ESSLINGEN_HOST).get(reverse("appointments:mine")).status_code == 302
    hold(client_for(ESSLINGEN_HOST, citizen), location, items_param, at(booking_day, 8), email=citizen.email)
    other = client_for(ESSLINGEN_HOST, second_citizen).get(reverse("appointments:mine")).content.decode()
    assert "Sie haben keine anstehenden Termine." in other


def test_a_manage_link_is_refused_with_a_forged_token_and_in_another_municipality(
    now, location, items_param, booking_day, musterhausen
):
    hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 8))
    appointment = Appointment.objects.get()
    forged = client_for(ESSLINGEN_HOST).get(reverse("appointments:manage", args=["abc:def"]))
    assert forged.status_code == 400 and "Dieser Link ist ungültig" in forged.content.decode()
    token = appointment_token(appointment, "manage")
    assert client_for(MUSTERHAUSEN_HOST).get(reverse("appointments:manage", args=[token])).status_code == 400
    assert client_for(MUSTERHAUSEN_HOST).post(reverse("appointments:cancel", args=[token])).status_code == 400
    # A confirm token does not open the manage page.
    assert (
        client_for(ESSLINGEN_HOST)
        .get(reverse("appointments:manage", args=[appointment_token(appointment, "confirm")]))
        .status_code
        == 400
    )


def test_moving_frees_the_old_time_and_takes_the_new_one(now, location, items_param, booking_day, one_counter):
    client = client_for(ESSLINGEN_HOST)
    old_time = at(booking_day, 8)
    hold(client, location, items_param, old_time)
    appointment = Appointment.objects.get()
    token = appointment_token(appointment, "manage")
    assert old_time not in offered_times(client, location, items_param, booking_day)
    month = client.get(reverse("appointments:move", args=[token])).content.decode()
    later_day = booking_day + timedelta(days=1)
    assert reverse("appointments:move_day", args=[token, later_day.isoformat()]) in month
    target = at(later_day, 9)
    response = client.post(
        reverse("appointments:move_day", args=[token, later_day.isoformat()]), {"starts_at": target.isoformat()}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == target
    assert old_time in offered_times(client, location, items_param, booking_day)
    assert target not in offered_times(client, location, items_param, later_day)


def test_moving_offers_times_that_overlap_the_appointments_own_time_but_not_that_time_itself(
    now, location, items_param, booking_day, one_counter
):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    token = appointment_token(appointment, "manage")

    # With one counter, 08:30 is taken by the appointment itself (08:00 to 08:50) for everybody else.
    assert at(booking_day, 8, 30) not in offered_times(client, location, items_param, booking_day)
    page = client.get(reverse("appointments:move_day", args=[token, booking_day.isoformat()]))
    offered = list(page.context["form"].times.values())
    moved = client.post(
        reverse("appointments:move_day", args=[token, booking_day.isoformat()]),
        {"starts_at": at(booking_day, 8, 30).isoformat()},
    )

    assert at(booking_day, 8, 30) in offered and at(booking_day, 8) not in offered
    appointment.refresh_from_db()
    assert moved.status_code == 302 and appointment.starts_at == at(booking_day, 8, 30)


def test_a_phone_booking_is_moved_with_the_counters_held_back_for_phone_and_walk_ins(
    now, location, id_card, one_counter, booking_day
):
    from rathaus.appointments import services
    from rathaus.appointments.availability import BookingItem

    location.walk_in_share = 100
    location.save(update_fields=["walk_in_share"])
    appointment = services.appointment_hold(
        municipality=location.municipality,
        location=location,
        items=[BookingItem(service=id_card)],
        starts_at=at(booking_day, 8),
        name="Hans Beispiel",
        email="",
        phone="0711 000000",
        channel=Appointment.Channel.PHONE,
    )
    services.appointment_confirm(appointment=appointment)
    token = appointment_token(appointment, "manage")
    later_day = booking_day + timedelta(days=1)
    client = client_for(ESSLINGEN_HOST)

    move_page = client.get(reverse("appointments:move_day", args=[token, later_day.isoformat()]))

    # Online, the only counter is held back and nothing is free; the phone booking keeps its own rules.
    assert offered_times(client, location, f"{id_card.pk}:1", later_day) == []
    assert at(later_day, 9) in move_page.context["form"].times.values()


def test_without_free_times_the_month_offers_the_waitlist(now, location, id_card, counters):
    location.opening_periods.all().delete()
    client = client_for(ESSLINGEN_HOST)
    response = client.get(reverse("appointments:month", args=[location.slug]), {"anliegen": f"{id_card.pk}:1"})
    assert "Auf die Warteliste" in response.content.decode()
    waitlist_url = reverse("appointments:waitlist") + f"?anliegen={id_card.pk}:1&standort={location.slug}"
    joined = client.post(
        waitlist_url,
        {
            "form_token": client.get(waitlist_url).context["form"].initial["form_token"],
            "name": "Max Muster",
            "email": "max@example.org",
            "earliest_day": (now.date() + timedelta(days=1)).isoformat(),
            "latest_day": (now.date() + timedelta(days=30)).isoformat(),
        },
    )
    assert "Sie stehen auf der Warteliste" in joined.content.decode()


def test_a_collecting_lottery_window_is_announced_and_takes_entries(now, location, id_card, counters, esslingen):
    window = LotteryWindowFactory(location=location, municipality=esslingen, service=id_card)
    client = client_for(ESSLINGEN_HOST)
    month = client.get(reverse("appointments:month", args=[location.slug]), {"anliegen": f"{id_card.pk}:1"})
    lottery_url = reverse("appointments:lottery", args=[window.uuid])
    assert lottery_url in month.content.decode()
    token = client.get(lottery_url).context["form"].initial["form_token"]
    entered = client.post(
        lottery_url, {"name": "Max Muster", "email": "max@example.org", "quantity": "1", "form_token": token}
    )
    assert "Ihre Anfrage ist eingegangen" in entered.content.decode()
    assert window.entries.count() == 1
    assert client_for(MUSTERHAUSEN_HOST).get(lottery_url).status_code == 404


def test_the_confirmation_email_link_points_to_the_confirm_page(
    now, location, items_param, booking_day, django_capture_on_commit_callbacks
):
    client = client_for(ESSLINGEN_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        hold(client, location, items_param, at(booking_day, 8))
    links = [
        link for message in mail.outbox for link in re.findall(r"https?://\S+/termine/bestaetigen/\S+/", message.body)
    ]
    assert links


@pytest.mark.parametrize(
    ("url_name", "extra_args", "method"),
    [
        ("appointments:confirm", [], "get"),
        ("appointments:confirm", [], "post"),
        ("appointments:manage", [], "get"),
        ("appointments:ics", [], "get"),
        ("appointments:cancel", [], "post"),
        ("appointments:move", [], "get"),
        ("appointments:move_day", ["2030-01-07"], "post"),
    ],
)
def test_every_link_page_refuses_a_forged_token_with_a_german_message(esslingen, url_name, extra_args, method):
    client = client_for(ESSLINGEN_HOST)
    response = getattr(client, method)(reverse(url_name, args=["eyJmYWtlIjoxfQ:gefaelscht", *extra_args]))
    assert response.status_code == 400
    assert "Dieser Link ist ungültig" in response.content.decode()


def test_the_held_page_of_another_municipality_is_not_found(now, location, items_param, booking_day, musterhausen):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    session_cookie = client.cookies
    foreign = client_for(MUSTERHAUSEN_HOST)
    foreign.cookies = session_cookie
    assert foreign.get(reverse("appointments:held", args=[appointment.uuid])).status_code == 404


def test_the_service_page_offers_booking_and_the_start_page_preselects_the_service(id_card, counters, citizen):
    client = client_for(ESSLINGEN_HOST)
    page = client.get(reverse("catalogue:service_detail", args=[id_card.service.slug])).content.decode()
    start_url = f"{reverse('appointments:start')}?leistung={id_card.service.slug}"
    assert start_url in page
    start = client.get(start_url)
    assert start.context["form"].initial == {f"anzahl_{id_card.pk}": 1}
    overview = client_for(ESSLINGEN_HOST, citizen).get(reverse("accounts:overview")).content.decode()
    assert reverse("appointments:mine") in overview


def test_after_an_online_application_that_needs_a_visit_the_booking_is_offered(
    esslingen, citizens_office, settings, tmp_path
):
    import json

    from rathaus.applications.demo import FORMS_FOLDER
    from rathaus.applications.models import Submission
    from rathaus.applications.services import form_create, form_publish
    from rathaus.applications.tests.test_views import _walk_to_check

    settings.MEDIA_ROOT = tmp_path
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form_publish(form=form_create(municipality=esslingen, service=service, definition=definition))
    AppointmentServiceFactory(municipality=esslingen, service=service, in_person_required=True)
    client = client_for(ESSLINGEN_HOST)
    client.post(_walk_to_check(client, service, own_vehicle=True), {"declaration": "on"})
    page = client.get(reverse("applications:confirmation", args=[Submission.objects.get().pk])).content.decode()
    assert f"{reverse('appointments:start')}?leistung={service.slug}" in page


def test_the_move_calendar_counts_for_the_appointments_own_day_only_the_times_it_can_move_to(
    now, location, items_param, booking_day, one_counter
):
    client = client_for(ESSLINGEN_HOST)
    appointment = _held_at_eight(client, location, items_param, booking_day)
    token = appointment_token(appointment, "manage")

    month = client.get(reverse("appointments:move", args=[token]), {"monat": f"{booking_day:%Y-%m}"}).context["weeks"]
    day_page = client.get(reverse("appointments:move_day", args=[token, booking_day.isoformat()]))

    own_day = next(cell for week in month for cell in week if cell["day"] == booking_day)
    assert own_day["count"] == len(day_page.context["form"].times)


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00"])
def test_a_start_time_at_the_ends_of_the_calendar_sends_back_to_the_start(location, items_param, moment):
    url = reverse("appointments:contact", args=[location.slug])
    response = client_for(ESSLINGEN_HOST).get(url, {"anliegen": items_param, "beginn": moment})

    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:start")
