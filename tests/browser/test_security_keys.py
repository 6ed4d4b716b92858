"""A security key (WebAuthn) as second factor, with Chromium's virtual authenticator.

WebAuthn needs a domain as relying party, not an IP address, so this journey runs on the
"localhost" host name (Musterhausen in the browser fixtures).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, _person
from rathaus.accounts.models import User

from .conftest import assert_accessible
from .test_account_journeys import log_in_with_password, main_button

pytestmark = pytest.mark.browser


def _add_virtual_authenticator(page: Page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_citizen_adds_a_security_key_and_logs_in_with_it(page: Page, musterhausen_url: str):
    _person("schluessel@example.org")
    _add_virtual_authenticator(page)
    log_in_with_password(page, musterhausen_url, "schluessel@example.org", PASSWORD, check_accessibility=False)

    page.goto(musterhausen_url + "/konto/2fa/webauthn/add/")
    expect(page).to_have_url(re.compile(r"/konto/reauthenticate/"))
    page.locator("#id_password").fill(PASSWORD)
    main_button(page, "Bestätigen").click()
    expect(page).to_have_url(musterhausen_url + "/konto/2fa/webauthn/add/")
    assert_accessible(page)
    page.locator("main input[name=name]").fill("Schlüssel am Bund")
    main_button(page, "Hinzufügen").click()
    expect(page).not_to_have_url(musterhausen_url + "/konto/2fa/webauthn/add/")
    assert User.objects.get(email="schluessel@example.org").authenticator_set.filter(type="webauthn").exists()

    page.goto(musterhausen_url + "/konto/logout/")
    main_button(page, "Abmelden").click()
    log_in_with_password(page, musterhausen_url, "schluessel@example.org", PASSWORD, check_accessibility=False)
    expect(page).to_have_url(musterhausen_url + "/konto/2fa/authenticate/")
    assert_accessible(page)
    page.locator("#mfa_webauthn_authenticate").click()

    expect(page).to_have_url(musterhausen_url + "/mein-konto/")
