"""Browser journeys through the account area, the public pages and the staff area.

Each journey drives Chromium against the live server and checks every page it reaches with
axe-core (WCAG 2.1 A and AA). The municipality comes from the host name: Esslingen is served under
127.0.0.1, Musterhausen under localhost, both on the same live server.
"""

import json
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from playwright.sync_api import Page, expect

from conftest import PASSWORD, TOTP_SECRET, _person, _staff
from rathaus.accounts.models import StaffMembership, User
from rathaus.portal import services as portal_services

from .conftest import assert_accessible, axe_violations

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Rathaus-Besuch-am-Neckar-2026"
CONFIRMATION_LINK = re.compile(r"https?://[^\s\"'<>]+/konto/confirm-email/[^\s\"'<>]+/")


# --- Helpers -----------------------------------------------------------------------------------


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def main_button(page: Page, name: str):
    """The button called ``name`` in the page's main content (the header has buttons too)."""
    return page.locator("main").get_by_role("button", name=name, exact=True)


def confirmation_link_for(email: str) -> str:
    """The link in the newest verification mail to ``email``."""
    messages = [message for message in mail.outbox if email in message.to]
    assert messages, f"no mail to {email}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    message = messages[-1]
    bodies = [message.body] + [content for content, _mimetype in getattr(message, "alternatives", [])]
    for body in bodies:
        match = CONFIRMATION_LINK.search(body)
        if match:
            return match.group(0)
    raise AssertionError(f"no confirmation link in the mail to {email}:\n{message.body}")


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now.

    The server accepts only the current 30-second step (MFA_TOTP_TOLERANCE = 0), so a code computed
    in the last two seconds of a step could expire on the way; then wait for the next step.
    """
    period = 30
    if period - time.time() % period < 2:
        time.sleep(period - time.time() % period + 0.1)
    counters = list(yield_hotp_counters_from_time())  # current step ± tolerance
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def next_totp_code(secret: str, after_time: float) -> str:
    """A code from a later 30-second step than ``after_time``: a used code is refused within its step."""
    period = 30
    next_step_starts = (int(after_time) // period + 1) * period
    if time.time() < next_step_starts:
        time.sleep(next_step_starts - time.time() + 0.1)
    return current_totp_code(secret)


def register(page: Page, base_url: str, email: str, *, check_accessibility: bool) -> None:
    """Start page → "Konto erstellen" → sign-up form → "check your mail" page."""
    page.goto(base_url + "/")
    expect(page).to_have_title(re.compile(r"Esslingen am Neckar$"))
    assert html_lang(page) == "de"
    if check_accessibility:
        assert_accessible(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Konto erstellen").click()
    expect(page).to_have_url(base_url + "/konto/signup/")
    if check_accessibility:
        assert_accessible(page)

    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base_url + "/konto/confirm-email/")
    expect(page.locator("h1")).to_be_visible()
    if check_accessibility:
        assert_accessible(page)


def confirm_email(page: Page, base_url: str, email: str, *, check_accessibility: bool) -> None:
    """Open the link from the verification mail and confirm with the POST button."""
    link = confirmation_link_for(email)
    assert link.startswith(base_url + "/konto/confirm-email/"), link
    page.goto(link)
    expect(page.locator("main")).to_contain_text(email)
    if check_accessibility:
        assert_accessible(page)
    main_button(page, "Bestätigen").click()
    # Confirming does not log in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False): on to the login page.
    expect(page).to_have_url(base_url + "/konto/login/")
    if check_accessibility:
        assert_accessible(page)
    assert User.objects.get(email=email).emailaddress_set.get(email=email).verified


def log_in_with_password(page: Page, base_url: str, email: str, password: str, *, check_accessibility: bool) -> None:
    page.goto(base_url + "/konto/login/")
    if check_accessibility:
        assert_accessible(page)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    # The login button says "Anmelden" (our override of allauth's "Sign In" in locale/de).
    main_button(page, "Anmelden").click()
    expect(page).not_to_have_url(base_url + "/konto/login/")


def enter_second_factor(page: Page, base_url: str, code: str) -> None:
    expect(page).to_have_url(base_url + "/konto/2fa/authenticate/")
    assert_accessible(page)
    page.locator("main input[name=code]").fill(code)
    main_button(page, "Anmelden").click()
    expect(page).not_to_have_url(base_url + "/konto/2fa/authenticate/")


# --- Journeys ----------------------------------------------------------------------------------


def test_citizen_registers_verifies_sets_up_totp_and_deletes_the_account(page: Page, base_url: str):
    email = "neu.buergerin@example.org"
    mail.outbox.clear()

    # Register and verify the e-mail address.
    register(page, base_url, email, check_accessibility=True)
    confirm_email(page, base_url, email, check_accessibility=True)

    # Log in; a fresh account lands on "Mein Konto".
    log_in_with_password(page, base_url, email, NEW_PASSWORD, check_accessibility=True)
    expect(page).to_have_url(base_url + "/mein-konto/")
    expect(page.locator("main")).to_contain_text(email)
    assert_accessible(page)

    # Two-factor overview: nothing set up yet.
    page.goto(base_url + "/konto/2fa/")
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)

    # Activate TOTP with the secret the page shows (as text field and as the QR code's text alternative).
    page.goto(base_url + "/konto/2fa/totp/activate/")
    # allauth asks for the password again before a login factor is added (MFA_REAUTHENTICATION_REQUIRED),
    # also right after the login: the login itself does not count as a reauthentication.
    expect(page).to_have_url(re.compile(r"/konto/reauthenticate/\?next="))
    assert_accessible(page)
    page.locator("#id_password").fill(NEW_PASSWORD)
    main_button(page, "Bestätigen").click()
    expect(page).to_have_url(base_url + "/konto/2fa/totp/activate/")
    secret_field = page.locator("#authenticator_secret")
    secret = secret_field.input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    assert page.locator("main img").first.get_attribute("alt") == secret
    assert_accessible(page)
    activated_at = time.time()
    page.locator("main input[name=code]").fill(current_totp_code(secret))
    main_button(page, "Aktivieren").click()

    # allauth generates recovery codes together with the first authenticator and shows them once here.
    expect(page).to_have_url(base_url + "/konto/2fa/recovery-codes/")
    recovery_codes = page.locator("#recovery_codes").input_value().split()
    assert len(recovery_codes) >= 5, recovery_codes
    assert_accessible(page)
    assert User.objects.get(email=email).authenticator_set.filter(type="totp").exists()

    page.goto(base_url + "/konto/2fa/")
    assert_accessible(page)

    # Log out through the confirmation page.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Abmelden").click()
    expect(page).to_have_url(base_url + "/konto/logout/")
    assert_accessible(page)
    main_button(page, "Abmelden").click()
    expect(page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Anmelden")).to_be_visible()

    # Log in again: password, then a TOTP code from the authenticator (a later step than the one
    # used for activation, which the server refuses to accept twice).
    log_in_with_password(page, base_url, email, NEW_PASSWORD, check_accessibility=True)
    enter_second_factor(page, base_url, next_totp_code(secret, activated_at))
    expect(page).to_have_url(base_url + "/mein-konto/")
    expect(page.locator("main")).to_contain_text("Eingerichtet")
    assert_accessible(page)

    # Download my data as JSON.
    page.goto(base_url + "/mein-konto/daten-herunterladen/")
    assert_accessible(page)
    with page.expect_download() as download_info:
        main_button(page, "Datei herunterladen").click()
    download = download_info.value
    assert re.fullmatch(r"meine-daten-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["format"] == "rathaus-personal-data"
    assert document["data"]["account"]["email"] == email
    assert {factor["type"] for factor in document["data"]["account"]["login_factors"]} >= {"totp", "recovery_codes"}
    assert secret not in json.dumps(document), "the TOTP secret must never leave the server"

    # Delete the account.
    page.goto(base_url + "/mein-konto/loeschen/")
    assert_accessible(page)
    page.get_by_label("Ich möchte mein Konto endgültig löschen.").check()
    main_button(page, "Konto endgültig löschen").click()
    expect(page).to_have_url(base_url + "/mein-konto/geloescht/")
    expect(page).to_have_title(re.compile(r"^Konto gelöscht"))
    expect(page.locator("main h1")).to_have_text("Ihr Konto ist gelöscht")
    assert_accessible(page)
    assert not User.objects.filter(email=email).exists()


def test_registration_works_with_javascript_disabled(javascript_disabled_page: Page, base_url: str):
    """The same registration, verification and login without JavaScript. axe needs JavaScript, so
    these pages are checked for accessibility in the journey above."""
    page = javascript_disabled_page
    email = "ohne.javascript@example.org"
    mail.outbox.clear()

    register(page, base_url, email, check_accessibility=False)
    expect(page.locator("main")).to_contain_text(email)
    confirm_email(page, base_url, email, check_accessibility=False)
    log_in_with_password(page, base_url, email, NEW_PASSWORD, check_accessibility=False)

    expect(page).to_have_url(base_url + "/mein-konto/")
    expect(page.locator("main h1")).to_have_text("Mein Konto")
    expect(page.locator("main")).to_contain_text(email)


def test_public_pages_and_staff_refusal_have_no_accessibility_violations(
    page: Page, base_url: str, citizens_office_live, musterhausen_url: str
):
    citizen = _person("erika@example.org", given_name="Erika", family_name="Mustermann")

    for path, title in [
        ("/", "Startseite"),
        ("/aemter/", "Ämter und Öffnungszeiten"),
        ("/aemter/buergeramt/", "Bürgeramt Esslingen"),
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutz"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
        ("/suche/?q=amt", "Suche"),
    ]:
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200, path
        expect(page).to_have_title(re.compile(rf"^{re.escape(title)}.* – Esslingen am Neckar$"))
        assert html_lang(page) == "de", path
        assert_accessible(page)
        if path.startswith("/suche/"):
            expect(page.locator("main")).to_contain_text("Bürgeramt Esslingen")

    # The feedback form, sent empty: error summary, title prefixed with "Fehler:".
    page.goto(base_url + "/barrierefreiheit/")
    main_button(page, "Rückmeldung senden").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    summary = page.locator(".rathaus-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Bitte beschreiben Sie die Barriere.")
    assert_accessible(page)

    # English, via the header button.
    page.goto(base_url + "/")
    page.locator("header").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header").get_by_role("link", name="Deutsch")).to_be_visible()
    assert_accessible(page)

    # A page that does not exist.
    response = page.goto(base_url + "/gibt-es-nicht/")
    assert response is not None and response.status == 404
    assert_accessible(page)

    # Back to German.
    page.goto(base_url + "/")
    page.locator("header").get_by_role("link", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")

    # The other municipality, on the same server, shows its own name and nothing of Esslingen.
    page.goto(musterhausen_url + "/")
    expect(page).to_have_title(re.compile(r"– Musterhausen$"))
    expect(page.locator("body")).not_to_contain_text("Esslingen")
    assert_accessible(page)

    # A citizen who opens the staff area gets a refusal page, not the staff area.
    log_in_with_password(page, base_url, citizen.email, PASSWORD, check_accessibility=True)
    response = page.goto(base_url + "/verwaltung/")
    assert response is not None and response.status == 403
    expect(page.locator("main h1")).to_have_text("Kein Zugriff")
    assert_accessible(page)


def test_administrator_logs_in_with_totp_and_every_staff_page_is_accessible(
    page: Page, base_url: str, esslingen_live, citizens_office_live
):
    admin = _staff(
        "admin@esslingen.example.org", esslingen_live, StaffMembership.Role.MUNICIPALITY_ADMIN, [citizens_office_live]
    )
    feedback = portal_services.accessibility_feedback_submit(
        municipality=esslingen_live,
        message="Das Formular lässt sich nicht mit der Tastatur absenden.",
        page_url="/barrierefreiheit/",
    )

    log_in_with_password(page, base_url, admin.email, PASSWORD, check_accessibility=True)
    enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))
    expect(page).to_have_url(base_url + "/mein-konto/")
    expect(page.locator("main")).to_contain_text("Zum Verwaltungsbereich")
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/")
    expect(page.locator("main h1")).to_have_text("Verwaltungsbereich")
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/barrierefreiheit/")
    expect(page.locator("main table")).to_contain_text("Das Formular lässt sich nicht")
    assert_accessible(page)

    page.goto(base_url + f"/verwaltung/barrierefreiheit/{feedback.pk}/")
    main_button(page, "Als beantwortet vermerken").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/aemter/")
    expect(page.locator("main")).to_contain_text("Bürgeramt Esslingen")
    assert_accessible(page)

    page.goto(base_url + f"/verwaltung/aemter/{citizens_office_live.slug}/")
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/einstellungen/")
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/mitarbeitende/")
    expect(page.locator("main table")).to_contain_text(admin.email)
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/mitarbeitende/neu/")
    page.locator("#id_email").fill("neue.kollegin@esslingen.example.org")
    page.get_by_label("Bürgeramt Esslingen").check()
    main_button(page, "Zugang einrichten").click()
    expect(page).to_have_url(base_url + "/verwaltung/mitarbeitende/")
    expect(page.locator("main table")).to_contain_text("neue.kollegin@esslingen.example.org")
    assert_accessible(page)


def test_the_accessibility_check_reports_violations(page: Page, base_url: str):
    """Guard for the guard: a page with known barriers must fail ``assert_accessible``."""
    page.goto(base_url + "/impressum/")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="/static/img/favicon.svg"><input type="text" name="unlabelled">');
    }""")
    rule_ids = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= rule_ids, rule_ids
    with pytest.raises(pytest.fail.Exception, match=r"image-alt"):
        assert_accessible(page)


def test_pages_keep_to_the_content_security_policy(page: Page, base_url: str, citizens_office_live):
    """No page may need what our CSP forbids (inline scripts or styles): the browser blocks it and
    the feature silently breaks. Checked on the pages with the most moving parts."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    for path in ["/", "/aemter/buergeramt/", "/barrierefreiheit/", "/konto/signup/"]:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
    # Account pages that load allauth's own scripts (e-mail management, two-factor overview).
    _person("csp@example.org")
    log_in_with_password(page, base_url, "csp@example.org", PASSWORD, check_accessibility=False)
    for path in ["/konto/email/", "/konto/2fa/", "/mein-konto/"]:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert_accessible(page)
    # htmx would inject its indicator <style> here unless base.html switches that off (htmx-config).
    assert not violations, "\n".join(violations)
