"""Browser journeys through the service catalogue: find a service in one's own words, read it,
browse by life situation, and see the office, with and without JavaScript, in German and English.
Every page reached is checked with axe-core (WCAG 2.1 A and AA)."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.catalogue import services as catalogue_services
from rathaus.catalogue.models import Service, Topic
from rathaus.catalogue.search import service_index
from rathaus.catalogue.tests import messages

from .conftest import assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password, main_button

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue_live(esslingen_live):
    catalogue_services.catalogue_import(municipality=esslingen_live, source="test.xml", data=messages.full_message())
    moving = Topic.objects.create(
        municipality=esslingen_live, kind=Topic.Kind.LIFE_SITUATION, slug="umzug", name="Umzug", name_en="Moving house"
    )
    registration = Service.objects.get(source_id="L100001")
    registration.topics.add(moving)
    registration.appointment_available = True
    registration.save()
    service_index(service=registration)
    return esslingen_live


def test_a_citizen_finds_a_service_by_a_colloquial_word_and_reads_it(page: Page, base_url: str, catalogue_live):
    page.goto(base_url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Leistungen").click()
    expect(page).to_have_title(re.compile(r"^Leistungen von A bis Z"))
    assert_accessible(page)

    search = page.locator("main").get_by_label("Was möchten Sie erledigen?")
    search.focus()
    page.keyboard.type("Ummelden")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Leistungen zu „Ummelden“"))
    results = page.locator(".rathaus-service-list")
    expect(results).to_contain_text("Wohnsitz anmelden")
    expect(results).to_contain_text("online möglich")
    assert_accessible(page)

    results.get_by_role("link", name="Wohnsitz anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wohnsitz anmelden")
    main = page.locator("main")
    for heading in [
        "Erforderliche Unterlagen",
        "Kosten",
        "Voraussetzungen",
        "So läuft es ab",
        "Fristen",
        "Rechtsgrundlagen",
        "Rechtsbehelf",
        "Zuständige Stelle",
    ]:
        expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(main).to_contain_text("gebührenfrei")
    expect(main.get_by_role("link", name=re.compile("^Online beantragen"))).to_have_attribute(
        "href", re.compile("^https://www.service-bw.de/")
    )
    checklist_item = main.get_by_label("Wohnungsgeberbestätigung")
    checklist_item.check()
    expect(checklist_item).to_be_checked()
    assert_accessible(page)

    main.get_by_role("link", name="Bürgeramt Esslingen-Mitte").click()
    expect(page.locator("main")).to_contain_text("Leistungen dieser Stelle")
    expect(page.locator("main")).to_contain_text("Personalausweis beantragen")
    assert_accessible(page)


def test_a_typo_still_finds_the_service(page: Page, base_url: str, catalogue_live):
    page.goto(base_url + "/leistungen/suche/?q=Personalauswies")
    expect(page.locator(".rathaus-service-list")).to_contain_text("Personalausweis beantragen")
    assert_accessible(page)


def test_an_empty_search_explains_the_problem(page: Page, base_url: str, catalogue_live):
    page.goto(base_url + "/leistungen/")
    page.locator("main").get_by_role("button", name="Leistung suchen").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    expect(page.locator(".rathaus-error-summary")).to_contain_text("Bitte geben Sie einen Suchbegriff ein.")
    assert_accessible(page)


def test_life_situations_lead_to_their_services_without_javascript(
    javascript_disabled_page: Page, base_url: str, catalogue_live
):
    page = javascript_disabled_page
    page.goto(base_url + "/lebenslagen/")
    page.locator("main").get_by_role("link", name="Umzug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Umzug")
    page.locator("main").get_by_role("link", name="Wohnsitz anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wohnsitz anmelden")

    page.goto(base_url + "/leistungen/")
    page.locator("main").get_by_label("Was möchten Sie erledigen?").fill("Perso")
    page.locator("main").get_by_role("button", name="Leistung suchen").click()
    expect(page.locator(".rathaus-service-list")).to_contain_text("Personalausweis beantragen")


def test_english_pages_show_english_names_and_mark_german_texts(page: Page, base_url: str, catalogue_live):
    page.goto(base_url + "/sprache/en/?weiter=/leistungen/wohnsitz-anmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your residence")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("[lang=de]").first).to_be_attached()
    assert_accessible(page)
    page.goto(base_url + "/lebenslagen/")
    expect(page.locator("main")).to_contain_text("Moving house")
    assert_accessible(page)
    page.goto(base_url + "/lebenslagen/umzug/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moving house")
    assert_accessible(page)
    page.goto(base_url + "/sprache/de/?weiter=/lebenslagen/umzug/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Umzug")
    assert_accessible(page)


def test_an_administrator_edits_an_imported_service_and_imports_a_file(
    page: Page, base_url: str, catalogue_live, tmp_path
):
    admin = _staff("admin@esslingen.example.org", catalogue_live, StaffMembership.Role.MUNICIPALITY_ADMIN, [])
    log_in_with_password(page, base_url, admin.email, PASSWORD, check_accessibility=False)
    enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))

    page.goto(base_url + "/verwaltung/leistungen/")
    expect(page.locator("main table")).to_contain_text("Wohnsitz anmelden")
    assert_accessible(page)

    page.locator("main table").get_by_role("link", name="Wohnsitz anmelden").click()
    teaser = page.locator("#id_teaser")
    teaser.fill("<p>Bitte innerhalb von zwei Wochen anmelden.</p>")
    main_button(page, "Vorschau anzeigen").click()
    expect(page.locator("main")).to_contain_text("Bitte innerhalb von zwei Wochen anmelden.")
    assert_accessible(page)
    main_button(page, "Speichern").click()
    expect(page).to_have_url(base_url + "/verwaltung/leistungen/")
    expect(page.locator("main table")).to_contain_text("lokal geändert")
    assert_accessible(page)

    page.goto(base_url + "/leistungen/wohnsitz-anmelden/")
    expect(page.locator(".rathaus-lead")).to_have_text("Bitte innerhalb von zwei Wochen anmelden.")

    page.goto(base_url + "/verwaltung/leistungen/online-dienste/")
    assert_accessible(page)
    page.locator("main").get_by_role("button", name=re.compile("^Ausschalten")).first.click()
    expect(page.locator("main").get_by_role("button", name=re.compile("^Einschalten")).first).to_be_visible()

    page.goto(base_url + "/verwaltung/leistungen/importe/")
    assert_accessible(page)
    upload = tmp_path / "katalog.xml"
    upload.write_bytes(messages.full_message())
    page.get_by_label("XZuFi-Datei").set_input_files(str(upload))
    main_button(page, "Jetzt importieren").click()
    expect(page.locator("main")).to_contain_text("L100003")
    assert_accessible(page)
    # The clerk's teaser survived the import.
    page.goto(base_url + "/leistungen/wohnsitz-anmelden/")
    expect(page.locator(".rathaus-lead")).to_have_text("Bitte innerhalb von zwei Wochen anmelden.")
