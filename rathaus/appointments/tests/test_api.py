"""The booking API under /api/v1/appointments/: reads, a hold behind ALTCHA and rate limits, cancel by token."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.appointments import antibot
from rathaus.appointments.models import Appointment
from rathaus.appointments.tokens import appointment_token

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_proof_of_work(settings):
    settings.RATHAUS_APPOINTMENT_ALTCHA_COST = 50


def _payload(client) -> str:
    return antibot.altcha_solve_for_tests(client.get(reverse("api:appointment-altcha")).json())


def _hold_body(client, location, id_card, registration, starts_at, **extra):
    return {
        "location": location.slug,
        "items": [{"service": id_card.pk, "quantity": 2}, {"service": registration.pk, "quantity": 1}],
        "starts_at": starts_at.isoformat(),
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "altcha": _payload(client),
        **extra,
    }


def test_locations_and_bookable_services_are_listed_per_municipality(
    location, id_card, registration, counters, musterhausen
):
    client = client_for(ESSLINGEN_HOST)
    locations = client.get(reverse("api:appointment-location-list")).json()
    assert [entry["slug"] for entry in locations] == [location.slug]
    services = client.get(reverse("api:appointment-service-list")).json()
    assert {entry["id"] for entry in services} == {id_card.pk, registration.pk}
    assert client_for(MUSTERHAUSEN_HOST).get(reverse("api:appointment-location-list")).json() == []


def test_days_and_times_are_answered_for_the_items(now, location, id_card, registration, counters, booking_day):
    client = client_for(ESSLINGEN_HOST)
    items = f"{id_card.pk}:2,{registration.pk}:1"
    days = client.get(
        reverse("api:appointment-availability-days"),
        {"location": location.slug, "items": items, "month": f"{booking_day:%Y-%m}"},
    ).json()
    assert booking_day.isoformat() in [entry["date"] for entry in days]
    times = client.get(
        reverse("api:appointment-availability-times"),
        {"location": location.slug, "items": items, "day": booking_day.isoformat()},
    ).json()
    assert times[0]["starts_at"].startswith(f"{booking_day.isoformat()}T08:00")


def test_availability_refuses_unknown_items_and_locations(location, id_card, counters):
    client = client_for(ESSLINGEN_HOST)
    response = client.get(reverse("api:appointment-availability-days"), {"location": location.slug, "items": "999:1"})
    assert response.status_code == 400
    response = client.get(
        reverse("api:appointment-availability-days"), {"location": "gibt-es-nicht", "items": f"{id_card.pk}:1"}
    )
    assert response.status_code == 404


def test_a_hold_with_a_solved_challenge_answers_uuid_code_and_expiry(
    now, location, id_card, registration, counters, booking_day
):
    client = client_for(ESSLINGEN_HOST)
    response = client.post(
        reverse("api:appointment-hold"),
        _hold_body(client, location, id_card, registration, at(booking_day, 8)),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    appointment = Appointment.objects.get(uuid=body["uuid"])
    assert body["code"] == appointment.code and body["hold_expires_at"]
    assert "token" not in str(body)


def test_a_hold_without_or_with_a_replayed_challenge_is_refused(
    now, location, id_card, registration, counters, booking_day
):
    client = client_for(ESSLINGEN_HOST)
    body = _hold_body(client, location, id_card, registration, at(booking_day, 8))
    missing = client.post(reverse("api:appointment-hold"), {**body, "altcha": "Zm9v"}, content_type="application/json")
    assert missing.status_code == 400 and "ungültig" in missing.json()["detail"]
    assert client.post(reverse("api:appointment-hold"), body, content_type="application/json").status_code == 201
    replayed = client.post(
        reverse("api:appointment-hold"),
        {**body, "starts_at": at(booking_day, 10).isoformat()},
        content_type="application/json",
    )
    assert replayed.status_code == 400 and "schon einmal verwendet" in replayed.json()["detail"]


def test_a_taken_time_is_refused_with_409_and_a_german_message(
    now, location, id_card, registration, counters, booking_day
):
    client = client_for(ESSLINGEN_HOST)
    for number in range(len(counters)):
        body = _hold_body(client, location, id_card, registration, at(booking_day, 8), email=f"p{number}@example.org")
        assert client.post(reverse("api:appointment-hold"), body, content_type="application/json").status_code == 201
    late = _hold_body(client, location, id_card, registration, at(booking_day, 8), email="spaet@example.org")
    response = client.post(reverse("api:appointment-hold"), late, content_type="application/json")
    assert response.status_code == 409 and response.json()["detail"]


def test_the_api_hold_is_rate_limited(now, location, id_card, registration, counters, booking_day, settings):
    settings.RATHAUS_APPOINTMENT_HOLD_RATE = "1/h"
    client = client_for(ESSLINGEN_HOST)
    first = _hold_body(client, location, id_card, registration, at(booking_day, 8))
    assert client.post(reverse("api:appointment-hold"), first, content_type="application/json").status_code == 201
    second = _hold_body(client, location, id_card, registration, at(booking_day, 10), email="zwei@example.org")
    response = client.post(reverse("api:appointment-hold"), second, content_type="application/json")
    assert response.status_code == 429


def test_cancel_by_token_frees_the_time_and_refuses_foreign_tokens(
    now, location, id_card, registration, counters, booking_day, musterhausen
):
    client = client_for(ESSLINGEN_HOST)
    body = _hold_body(client, location, id_card, registration, at(booking_day, 8))
    uuid = client.post(reverse("api:appointment-hold"), body, content_type="application/json").json()["uuid"]
    token = appointment_token(Appointment.objects.get(uuid=uuid), "manage")
    foreign = client_for(MUSTERHAUSEN_HOST).post(
        reverse("api:appointment-cancel"), {"token": token}, content_type="application/json"
    )
    assert foreign.status_code == 400
    forged = client.post(reverse("api:appointment-cancel"), {"token": "x:y"}, content_type="application/json")
    assert forged.status_code == 400 and "ungültig" in forged.json()["detail"]
    response = client.post(reverse("api:appointment-cancel"), {"token": token}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == Appointment.State.CANCELLED
    assert not Appointment.objects.get(uuid=uuid).claims.exists()


def test_the_endpoints_are_in_the_openapi_schema(esslingen):
    schema = client_for(ESSLINGEN_HOST).get(reverse("api:schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/appointments/locations/",
        "/api/v1/appointments/services/",
        "/api/v1/appointments/availability/days/",
        "/api/v1/appointments/availability/times/",
        "/api/v1/appointments/holds/",
        "/api/v1/appointments/cancel/",
        "/api/v1/appointments/altcha/",
    ):
        assert path in schema["paths"], path
    hold = schema["paths"]["/api/v1/appointments/holds/"]["post"]
    assert hold["description"].startswith("Hold a time")
    assert set(hold["responses"]) == {"201", "400", "409", "429"}


def test_the_availability_api_is_rate_limited_per_address_with_a_german_message(
    now, location, id_card, registration, counters, booking_day, settings
):
    settings.RATHAUS_APPOINTMENT_AVAILABILITY_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)
    items = f"{id_card.pk}:2,{registration.pk}:1"
    days = client.get(reverse("api:appointment-availability-days"), {"location": location.slug, "items": items})
    times_query = {"location": location.slug, "items": items, "day": booking_day.isoformat()}
    times = client.get(reverse("api:appointment-availability-times"), times_query)
    refused = client.get(reverse("api:appointment-availability-times"), times_query)
    assert (days.status_code, times.status_code, refused.status_code) == (200, 200, 429)
    assert "sehr viele Abfragen nach freien Terminen" in refused.json()["detail"]


def test_the_api_does_not_cancel_an_appointment_already_checked_in(
    now, location, id_card, registration, counters, booking_day
):
    client = client_for(ESSLINGEN_HOST)
    body = _hold_body(client, location, id_card, registration, at(booking_day, 8))
    client.post(reverse("api:appointment-hold"), body, content_type="application/json")
    appointment = Appointment.objects.get()
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CHECKED_IN)

    response = client.post(
        reverse("api:appointment-cancel"),
        {"token": appointment_token(appointment, "manage")},
        content_type="application/json",
    )

    appointment.refresh_from_db()
    assert response.status_code == 400 and "kann nicht mehr abgesagt werden" in response.json()["detail"]
    assert appointment.state == Appointment.State.CHECKED_IN


@pytest.mark.parametrize("moment", ["0001-01-01", "0001-01-01T00:00:00", "0001-01-01T00:30:00+05:00"])
def test_a_hold_at_the_ends_of_the_calendar_is_refused_at_its_field(
    now, location, id_card, registration, counters, moment
):
    client = client_for(ESSLINGEN_HOST)
    body = {**_hold_body(client, location, id_card, registration, now), "starts_at": moment}

    response = client.post(reverse("api:appointment-hold"), body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]


def test_an_unreadable_json_body_is_refused_in_german_without_the_parsers_words(esslingen):
    response = client_for(ESSLINGEN_HOST).post(
        reverse("api:appointment-cancel"), "{kein json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Der Inhalt der Anfrage ist nicht lesbar: Er passt nicht zu seinem Content-Type."
    }


def test_the_api_documentation_answers_options_with_405_not_a_server_error(esslingen):
    response = client_for(ESSLINGEN_HOST).options(reverse("api:docs"))

    assert response.status_code == 405
