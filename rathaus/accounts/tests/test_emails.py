import re

from django.core import mail
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, PASSWORD, client_for


def test_verification_mail_names_the_municipality_and_carries_the_link(esslingen):
    client_for(ESSLINGEN_HOST).post(
        reverse("account_signup"), {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert message.from_email.startswith("Stadt Esslingen am Neckar <")
    assert "virtuellen Rathaus von Stadt Esslingen am Neckar" in message.body
    assert re.search(r"http://esslingen\.localhost/konto/confirm-email/\S+/", message.body)
    assert "esslingen.localhost!" not in message.body


def test_password_reset_mail_comes_from_the_municipality_of_the_host(citizen, musterhausen):
    client_for(MUSTERHAUSEN_HOST).post(reverse("account_reset_password"), {"email": citizen.email})

    message = mail.outbox[0]
    assert message.from_email.startswith("Gemeinde Musterhausen am Neckar <")
    assert "Gemeinde Musterhausen am Neckar" in message.body
    assert "http://musterhausen.localhost/konto/password/reset/key/" in message.body


def test_password_reset_for_an_unknown_address_reveals_nothing_on_the_page(esslingen):
    response = client_for(ESSLINGEN_HOST).post(reverse("account_reset_password"), {"email": "unbekannt@example.org"})

    assert response.status_code == 302
