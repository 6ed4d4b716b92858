"""Bot protection before a hold: ALTCHA proof of work, the slower path without JavaScript, rate limits."""

import base64
import json
import time

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.appointments import antibot
from rathaus.appointments.models import Appointment

from .conftest import at
from .test_views import contact_url, hold, solved_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_proof_of_work(settings):
    settings.RATHAUS_APPOINTMENT_ALTCHA_COST = 50


@pytest.fixture
def items_param(id_card, registration, counters):
    return f"{id_card.pk}:1"


def test_the_challenge_endpoint_answers_a_signed_v2_challenge(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("appointments:altcha"))
    challenge = response.json()
    assert "no-store" in response["Cache-Control"]
    assert challenge["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert challenge["parameters"]["expiresAt"] > time.time()
    assert len(challenge["signature"]) == 64


def test_a_solved_challenge_is_accepted_once():
    payload = antibot.altcha_solve_for_tests(antibot.altcha_challenge())
    antibot.altcha_verify(payload)
    with pytest.raises(antibot.AntiBotRefused, match="schon einmal verwendet"):
        antibot.altcha_verify(payload)


def test_a_forged_challenge_signature_is_refused():
    challenge = antibot.altcha_challenge()
    challenge["parameters"]["cost"] = 1  # cheaper work, same signature
    payload = antibot.altcha_solve_for_tests(challenge)
    with pytest.raises(antibot.AntiBotRefused, match="ungültig"):
        antibot.altcha_verify(payload)


def test_the_widgets_test_mode_payload_is_refused():
    payload = base64.b64encode(json.dumps({"challenge": None, "solution": None, "test": True}).encode()).decode()
    with pytest.raises(antibot.AntiBotRefused, match="ungültig"):
        antibot.altcha_verify(payload)


def test_garbage_is_refused_with_a_german_message():
    with pytest.raises(antibot.AntiBotRefused, match="ungültig"):
        antibot.altcha_verify("kein-base64!")


def test_a_forged_payload_on_the_form_is_refused_and_nothing_is_held(now, location, items_param, booking_day):
    response = hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 8), payload="Zm9v")
    content = response.content.decode()
    assert "<title>Fehler:" in content
    assert "Die Prüfung „Ich bin kein Roboter“ ist ungültig." in content
    assert not Appointment.objects.exists()


def test_a_replayed_payload_on_the_form_is_refused(now, location, items_param, booking_day):
    client = client_for(ESSLINGEN_HOST)
    payload = solved_payload(client)
    hold(client, location, items_param, at(booking_day, 8), payload=payload)
    response = hold(client, location, items_param, at(booking_day, 10), payload=payload, email="zweite@example.org")
    assert "Diese Prüfung wurde schon einmal verwendet." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_without_javascript_a_too_fast_form_is_refused(now, location, items_param, booking_day, settings):
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 60
    response = hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 8), payload="")
    content = response.content.decode()
    assert "Bitte warten Sie nach dem Öffnen des Formulars einige Sekunden" in content
    assert 'value="Erika Mustermann"' in content
    assert not Appointment.objects.exists()


def test_without_javascript_a_patient_form_is_accepted_once(now, location, items_param, booking_day, settings):
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 0
    client = client_for(ESSLINGEN_HOST)
    page = client.get(contact_url(location, items_param, at(booking_day, 8)))
    token = page.context["form"].initial["form_token"]
    data = {"name": "Erika Mustermann", "email": "erika@example.org", "form_token": token, "idempotency_key": "a" * 20}
    assert client.post(contact_url(location, items_param, at(booking_day, 8)), data).status_code == 302
    again = client.post(contact_url(location, items_param, at(booking_day, 10)), {**data, "idempotency_key": "b" * 20})
    assert "Das Formular ist abgelaufen oder beschädigt." in again.content.decode()
    assert Appointment.objects.count() == 1


def test_a_forged_form_token_is_refused():
    with pytest.raises(antibot.AntiBotRefused, match="abgelaufen oder beschädigt"):
        antibot.form_token_verify("ein:gefälschtes:token")


def test_over_the_no_javascript_limit_the_page_says_so_with_status_429(
    now, location, items_param, booking_day, settings
):
    settings.RATHAUS_APPOINTMENT_NOJS_MIN_SECONDS = 0
    settings.RATHAUS_APPOINTMENT_NOJS_HOLD_RATE = "2/h"
    client = client_for(ESSLINGEN_HOST)
    for number, hour in enumerate((8, 9)):
        assert (
            hold(
                client, location, items_param, at(booking_day, hour), payload="", email=f"p{number}@example.org"
            ).status_code
            == 302
        )
    response = hold(client, location, items_param, at(booking_day, 10), payload="", email="p3@example.org")
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert Appointment.objects.count() == 2


def test_too_many_holds_for_one_email_are_refused_with_429(now, location, items_param, booking_day, settings):
    settings.RATHAUS_APPOINTMENT_EMAIL_RATE = "1/h"
    hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 8))
    response = hold(client_for(ESSLINGEN_HOST), location, items_param, at(booking_day, 10))
    assert response.status_code == 429
