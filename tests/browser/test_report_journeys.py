"""The Mängelmelder in real browsers: a pothole reported with a photo by keyboard on the map, a broken lamp by
address with JavaScript switched off, a second citizen who finds the lamp already reported and follows it instead,
the Tiefbauamt's clerk who plans and closes the pothole, and the reporter who says "nicht behoben" and reopens it.

axe-core checks every page it can (it needs JavaScript, so the JavaScript-off pages are checked in the JavaScript
run of the same templates).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.cases.models import Case
from rathaus.municipalities.tests.factories import OrganisationalUnitFactory
from rathaus.reports.models import Report, ReportSubscription
from rathaus.reports.tests.conftest import jpeg_with_gps
from rathaus.reports.tests.factories import CategoryFactory

from .conftest import DEFAULT_TIMEOUT_MS, assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password, main_button

pytestmark = pytest.mark.browser

Status = Report.Status


@pytest.fixture
def report_world(esslingen_live, settings, tmp_path):
    # No tiles from the internet in tests: a local address that simply answers 404 (the map still works).
    settings.RATHAUS_MAP_TILE_URL = "/maengelmelder-test-kacheln/{z}/{x}/{y}.png"
    tiefbau = OrganisationalUnitFactory(municipality=esslingen_live, slug="tiefbauamt", name="Tiefbauamt")
    OrganisationalUnitFactory(municipality=esslingen_live, slug="ordnungsamt", name="Ordnungsamt")
    pothole = CategoryFactory(
        municipality=esslingen_live,
        service_code="strassenschaden",
        name="Straßenschaden",
        description="Schlaglöcher, Risse, lose Pflastersteine",
        office=tiefbau,
        questions=[
            {
                "code": "gefahr",
                "label": "Ist es gefährlich für Radfahrende?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [{"key": "ja", "name": "ja"}, {"key": "nein", "name": "nein"}],
            }
        ],
    )
    lamp = CategoryFactory(
        municipality=esslingen_live, service_code="strassenbeleuchtung", name="Straßenbeleuchtung", office=tiefbau
    )
    clerk = _staff("tiefbau@esslingen.example.org", esslingen_live, StaffMembership.Role.CLERK, [tiefbau])
    return {"pothole": pothole, "lamp": lamp, "clerk": clerk}


def _context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(locale="de-DE", java_script_enabled=javascript)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def _mail_link(to: str, path_part: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", message.body)
            if match:
                return match.group(0)
    raise AssertionError(f"no e-mail to {to} with {path_part}")


def _press(page: Page, name: str) -> None:
    """Operate a button by keyboard: focus it and press Enter."""
    button = main_button(page, name)
    button.focus()
    page.keyboard.press("Enter")


def test_report_follow_close_and_reopen(browser: Browser, base_url: str, report_world):
    # 1. A pothole, by keyboard on the map, with a photo (JavaScript on).
    citizen = _context(browser).new_page()
    citizen.goto(base_url + "/maengelmelder/")
    expect(citizen.locator("#karte")).to_be_visible()
    assert_accessible(citizen)
    citizen.get_by_role("link", name="Mangel melden").first.click()
    assert_accessible(citizen)
    citizen.get_by_label("Straßenschaden").focus()
    citizen.keyboard.press("Space")
    _press(citizen, "Weiter")
    expect(citizen.locator("h1")).to_contain_text("Angaben zu")
    assert_accessible(citizen)
    citizen.get_by_label("ja", exact=True).check()
    _press(citizen, "Weiter")

    expect(citizen.locator("h1")).to_have_text("Wo ist der Mangel?")
    expect(citizen.locator("#karte")).to_be_visible()
    assert_accessible(citizen)
    citizen.locator("#karte").focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "Equal"):
        citizen.keyboard.press(key)
    citizen.get_by_role("button", name="Markierung hier setzen").focus()
    citizen.keyboard.press("Enter")
    expect(citizen.locator("#markierung-stand")).to_contain_text("Markierung gesetzt bei")
    expect(citizen.locator("#id_lat")).not_to_have_value("")
    expect(citizen.locator("#id_lon")).not_to_have_value("")
    _press(citizen, "Weiter")

    expect(citizen.locator("h1")).to_have_text("Beschreibung und Fotos")
    assert_accessible(citizen)
    citizen.get_by_label("Beschreibung").fill("Tiefes Schlagloch mitten auf dem Radweg.")
    citizen.locator("#id_foto_1").set_input_files(
        files=[{"name": "schlagloch.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    _press(citizen, "Weiter")
    expect(citizen.locator("h1")).to_have_text("Wie erreichen wir Sie?")
    assert_accessible(citizen)
    # Without an account the e-mail address is the one thing asked for: it confirms the report.
    _press(citizen, "Weiter")
    expect(citizen.locator("main")).to_contain_text("Bitte geben Sie Ihre E-Mail-Adresse an.")
    assert_accessible(citizen)
    citizen.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    _press(citizen, "Weiter")
    expect(citizen.locator("h1")).to_have_text("Prüfen und senden")
    expect(citizen.locator("main")).to_contain_text("1 Foto")
    assert_accessible(citizen)
    _press(citizen, "Meldung senden")
    expect(citizen.locator("main")).to_contain_text("Fast geschafft")
    assert_accessible(citizen)

    pothole = Report.objects.get(category=report_world["pothole"])
    assert pothole.lat is not None and pothole.photos.count() == 1
    assert pothole.case_id is None
    citizen.goto(_mail_link("anna@example.org", "/maengelmelder/bestaetigen/"))
    assert_accessible(citizen)
    main_button(citizen, "Meldung bestätigen").click()
    expect(citizen.locator("h1")).to_contain_text("bestätigt")
    assert_accessible(citizen)
    pothole.refresh_from_db()
    assert Case.objects.get(pk=pothole.case_id).unit.name == "Tiefbauamt"

    # 2. A broken lamp by address, JavaScript off, confirmed through the e-mail link.
    no_js = _context(browser, javascript=False).new_page()
    no_js.goto(base_url + "/maengelmelder/melden/")
    expect(no_js.locator("#karte")).to_be_hidden()
    no_js.get_by_label("Straßenbeleuchtung").check()
    main_button(no_js, "Weiter").click()
    expect(no_js.locator("h1")).to_have_text("Wo ist der Mangel?")
    no_js.get_by_label("Straße und Hausnummer").fill("Ritterstraße 16")
    main_button(no_js, "Weiter").click()
    no_js.get_by_label("Beschreibung").fill("Die Laterne vor dem Haus ist seit Tagen dunkel.")
    main_button(no_js, "Weiter").click()
    expect(no_js.locator("h1")).to_have_text("Wie erreichen wir Sie?")
    expect(no_js.locator("main")).to_contain_text("Sie wird nicht veröffentlicht.")
    main_button(no_js, "Weiter").click()
    expect(no_js.locator("main")).to_contain_text("Bitte geben Sie Ihre E-Mail-Adresse an.")
    no_js.get_by_label("E-Mail-Adresse").fill("lena@example.org")
    main_button(no_js, "Weiter").click()
    main_button(no_js, "Meldung senden").click()
    expect(no_js.locator("main")).to_contain_text("Fast geschafft")
    lamp = Report.objects.get(category=report_world["lamp"])
    assert (lamp.address, lamp.lat) == ("Ritterstraße 16", None)
    assert lamp.case is None
    no_js.goto(_mail_link("lena@example.org", "/maengelmelder/bestaetigen/"))
    main_button(no_js, "Meldung bestätigen").click()
    expect(no_js.locator("h1")).to_contain_text("bestätigt")
    lamp.refresh_from_db()
    assert lamp.case is not None

    # 3. Someone else wants to report the same lamp, sees it and follows it instead.
    neighbour = _context(browser).new_page()
    neighbour.goto(base_url + "/maengelmelder/melden/")
    neighbour.get_by_label("Straßenbeleuchtung").check()
    main_button(neighbour, "Weiter").click()
    neighbour.get_by_label("Straße und Hausnummer").fill("Ritterstraße 16")
    main_button(neighbour, "Weiter").click()
    expect(neighbour.locator("h1")).to_have_text("Wurde das schon gemeldet?")
    assert_accessible(neighbour)
    neighbour.get_by_label("Ihre E-Mail-Adresse").fill("ben@example.org")
    neighbour.locator("main").get_by_role("button", name="Betrifft mich auch").first.click()
    expect(neighbour.locator("h1")).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    assert_accessible(neighbour)
    neighbour.goto(_mail_link("ben@example.org", "/maengelmelder/benachrichtigung/"))
    assert_accessible(neighbour)
    main_button(neighbour, "E-Mail-Adresse bestätigen").click()
    expect(neighbour.locator("main")).to_contain_text("Ihre E-Mail-Adresse ist bestätigt")
    assert_accessible(neighbour)
    assert ReportSubscription.objects.get(report=lamp, email="ben@example.org").confirmed_at is not None
    assert Report.objects.filter(category=report_world["lamp"]).count() == 1

    # 4. The Tiefbauamt finds the pothole, plans the repair and closes it.
    clerk = _context(browser).new_page()
    log_in_with_password(
        clerk, base_url, "tiefbau@esslingen.example.org", "ein-sicheres-Passwort-2026", check_accessibility=False
    )
    enter_second_factor(clerk, base_url, current_totp_code(TOTP_SECRET))
    clerk.goto(base_url + "/verwaltung/maengel/")
    assert_accessible(clerk)
    clerk.get_by_role("link", name="Straßenschaden").click()
    expect(clerk.locator("h1")).to_have_text("Straßenschaden")
    expect(clerk.locator("main")).to_contain_text("Tiefbauamt")
    expect(clerk.locator("#karte")).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_label("Neuer Stand").select_option("geplant")
    clerk.get_by_label("Geplant für").fill("2026-12-01")
    clerk.get_by_label("Öffentlicher Hinweis").fill("Die Reparatur ist beauftragt.")
    main_button(clerk, "Stand speichern").click()
    expect(clerk.locator("main")).to_contain_text("Der Stand ist geändert")
    assert_accessible(clerk)
    clerk.get_by_label("Öffentliche Beschreibung").fill("Schlagloch auf dem Radweg.")
    main_button(clerk, "Öffentliche Angaben speichern").click()
    clerk.get_by_label("Neuer Stand").select_option("erledigt")
    clerk.get_by_label("Öffentlicher Hinweis").fill("Das Schlagloch ist geflickt.")
    main_button(clerk, "Stand speichern").click()
    expect(clerk.locator("main")).to_contain_text("erledigt")
    pothole.refresh_from_db()
    assert pothole.status == Status.DONE
    assert Case.objects.get(pk=pothole.case_id).state == Status.DONE

    # The lamp stands on private ground of a school: the clerk routes it to the Ordnungsamt.
    clerk.goto(base_url + f"/verwaltung/maengel/{lamp.pk}/")
    assert_accessible(clerk)
    clerk.get_by_label("Zuständige Stelle").select_option(label="Ordnungsamt")
    main_button(clerk, "Weitergeben").click()
    expect(clerk.locator("main")).to_contain_text("liegen jetzt bei: Ordnungsamt")
    assert_accessible(clerk)
    assert Case.objects.get(report=lamp).unit.slug == "ordnungsamt"

    # 5. The reporter reads the news, sees the closure and says "nicht behoben".
    citizen.goto(base_url + f"/maengelmelder/meldungen/{pothole.pk}/")
    expect(citizen.locator("main")).to_contain_text("erledigt")
    expect(citizen.locator("main")).to_contain_text("Das Schlagloch ist geflickt.")
    expect(citizen.locator(".reports-photos img")).to_have_count(1)
    assert_accessible(citizen)
    citizen.goto(_mail_link("anna@example.org", "/nicht-behoben/"))
    expect(citizen.locator("h1")).to_have_text("Der Mangel ist nicht behoben?")
    assert_accessible(citizen)
    citizen.get_by_label("Was ist noch nicht in Ordnung?").fill("Das Loch ist nach dem Regen wieder aufgebrochen.")
    main_button(citizen, "Nicht behoben – Meldung wieder öffnen").click()
    expect(citizen.locator("main")).to_contain_text("wieder eröffnet")
    assert_accessible(citizen)
    pothole.refresh_from_db()
    assert pothole.status == Status.REOPENED
    assert Case.objects.get(pk=pothole.case_id).needs_attention

    # The clerk sees it back in the list.
    clerk.goto(base_url + "/verwaltung/maengel/")
    expect(clerk.locator("main")).to_contain_text("Nicht behoben gemeldet")

    # The public list and map of the town.
    citizen.goto(base_url + "/maengelmelder/meldungen/")
    expect(citizen.locator("main")).to_contain_text("Straßenbeleuchtung")
    expect(citizen.locator(".reports-marker").first).to_be_attached()
    assert_accessible(citizen)
