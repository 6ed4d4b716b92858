"""Browser journey through the form editor: an administrator builds a two-page form whose second
page depends on a yes/no answer, previews and publishes it; then a citizen, without an account,
applies with it and gets a reference number. Every page reached is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.applications import editor, services
from rathaus.applications.models import FormVersion, Submission
from rathaus.catalogue.tests.factories import ServiceFactory

from .conftest import DEFAULT_TIMEOUT_MS, assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password, main_button

pytestmark = pytest.mark.browser


def _log_in_as_administrator(page: Page, base_url: str, municipality, *, javascript: bool = True) -> None:
    admin = _staff("admin@esslingen.example.org", municipality, StaffMembership.Role.MUNICIPALITY_ADMIN, [])
    log_in_with_password(page, base_url, admin.email, PASSWORD, check_accessibility=False)
    if javascript:
        enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))
        return
    # enter_second_factor runs axe, which needs JavaScript in the page.
    page.locator("main input[name=code]").fill(current_totp_code(TOTP_SECRET))
    main_button(page, "Anmelden").click()
    expect(page).not_to_have_url(base_url + "/konto/2fa/authenticate/")


def _add_field(page: Page, page_title: str, kind: str, label: str, key: str) -> None:
    """From the overview: add a required field to a page and give it a readable key."""
    # The page title follows in text for screen readers only, so each link's name is unique.
    page.locator("main").get_by_role("link", name=re.compile(rf"^Feld hinzufügen\s*: {page_title}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feld hinzufügen")
    assert_accessible(page)
    page.get_by_label("Art des Feldes").select_option(kind)
    page.get_by_label("Frage oder Beschriftung").fill(label)
    main_button(page, "Feld anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feld bearbeiten: {label}")
    assert_accessible(page)
    page.get_by_label("Schlüssel", exact=True).fill(key)
    page.get_by_label("Pflichtfeld").check()
    main_button(page, "Feld speichern").click()
    expect(page.locator("main")).to_contain_text("Das Feld ist gespeichert.")
    expect(page.locator(f"#feld-{key}")).to_contain_text(label)


def test_an_administrator_builds_and_publishes_a_form_and_a_citizen_applies_with_it(
    page: Page, browser: Browser, base_url: str, esslingen_live, citizens_office_live
):
    ServiceFactory(municipality=esslingen_live, name="Hundesteuer anmelden", slug="hundesteuer")
    _log_in_as_administrator(page, base_url, esslingen_live)

    page.goto(base_url + "/verwaltung/formulare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Online-Anträge")
    assert_accessible(page)
    page.get_by_label("Leistung", exact=True).select_option(label="Hundesteuer anmelden")
    page.get_by_label("Titel des Antrags").fill("Hund anmelden")
    main_button(page, "Online-Antrag anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hundesteuer anmelden")
    expect(page.locator("#seite-ihre_angaben")).to_contain_text("Ihre E-Mail-Adresse")
    assert_accessible(page)

    _add_field(page, "Ihre Angaben", "yesno", "Haben Sie einen Hund?", "hund")
    assert_accessible(page)

    page.get_by_label("Überschrift der neuen Seite").fill("Ihr Hund")
    main_button(page, "Seite hinzufügen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite bearbeiten: Ihr Hund")
    assert_accessible(page)
    condition = page.get_by_role("group", name="Seite nur anzeigen, wenn")
    # "Feld" and "Wert" are marked optional: no condition at all is a valid choice.
    condition.get_by_label(re.compile(r"^Feld")).select_option("hund")
    condition.get_by_label("Bedingung", exact=True).select_option("eq")
    condition.get_by_label(re.compile(r"^Wert")).fill("ja")
    main_button(page, "Seite speichern").click()
    expect(page.locator("#seite-ihr_hund")).to_contain_text(
        "Nur anzeigen, wenn „Haben Sie einen Hund?“ ist gleich „ja“"
    )

    _add_field(page, "Ihr Hund", "text", "Name des Hundes", "hundename")

    page.locator("main").get_by_role("link", name="Vorschau ansehen").click()
    expect(page.locator("main")).to_contain_text("Vorschau von Version 1 (Entwurf)")
    expect(page.locator("main").get_by_role("group", name="Haben Sie einen Hund?")).to_be_visible()
    expect(main_button(page, "Weiter")).to_be_disabled()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Nächste Seite: Ihr Hund").click()
    expect(page.locator("main")).to_contain_text(
        "Diese Seite erscheint nur, wenn „Haben Sie einen Hund?“ ist gleich „ja“"
    )
    expect(page.locator("main").get_by_label("Name des Hundes")).to_be_visible()
    assert_accessible(page)

    page.locator("main").get_by_role("link", name="Zurück zur Übersicht des Antrags").click()
    page.locator("main").get_by_role("link", name="Version 1 veröffentlichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 veröffentlichen")
    assert_accessible(page)
    main_button(page, "Jetzt veröffentlichen").click()
    expect(page.locator("main")).to_contain_text("Version 1 ist veröffentlicht.")
    expect(page.locator("main")).to_contain_text("Neuen Entwurf anlegen")
    assert_accessible(page)
    assert FormVersion.objects.get(form__service__slug="hundesteuer").status == FormVersion.Status.PUBLISHED

    # A citizen without an account (the form is open to everyone) applies in a browser of her own.
    citizen_context = browser.new_context(locale="de-DE")
    citizen_context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    citizen = citizen_context.new_page()
    citizen.goto(base_url + "/leistungen/hundesteuer/antrag/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Hund anmelden")
    assert_accessible(citizen)
    main_button(citizen, "Antrag starten").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text("Ihre Angaben")
    assert_accessible(citizen)
    main = citizen.locator("main")
    main.get_by_label("Ihr Name").fill("Erika Mustermann")
    main.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    main.get_by_role("group", name="Haben Sie einen Hund?").get_by_label("Ja", exact=True).check()
    main_button(citizen, "Weiter").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text("Ihr Hund")
    assert_accessible(citizen)
    citizen.locator("main").get_by_label("Name des Hundes").fill("Bello")
    main_button(citizen, "Weiter").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text("Prüfen Sie Ihre Angaben")
    expect(citizen.locator("main")).to_contain_text("Bello")
    assert_accessible(citizen)
    citizen.locator("main").get_by_label("Ich bestätige die Erklärung.").check()
    main_button(citizen, "Antrag verbindlich absenden").click()

    expect(citizen.locator("main h1")).to_have_text("Ihr Antrag ist eingegangen")
    submission = Submission.objects.get()
    expect(citizen.locator("#aktenzeichen")).to_have_text(submission.reference)
    assert re.fullmatch(r"ES-\d{4}-000001", submission.reference)
    assert submission.answers == {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "hund": True,
        "hundename": "Bello",
    }
    assert_accessible(citizen)
    citizen_context.close()


@pytest.fixture
def built_form(esslingen_live):
    """A draft with a choice, a group, a branch, a referenced field and an import note."""
    service = ServiceFactory(municipality=esslingen_live, name="Bewohnerparken", slug="bewohnerparken")
    definition = editor.minimal_definition("Bewohnerparkausweis beantragen")
    definition = editor.field_add(
        definition, "ihre_angaben", field=editor.new_field("choice", "Art des Fahrzeugs", editor.used_keys(definition))
    )
    definition = editor.page_add(definition, title="Weitere Fahrzeuge")
    definition = editor.field_add(
        definition, "weitere_fahrzeuge", field=editor.new_field("group", "Fahrzeuge", editor.used_keys(definition))
    )
    definition = editor.page_add(definition, title="Nicht online")
    definition = editor.page_update(definition, "nicht_online", {"kind": "exit", "intro": "Bitte kommen Sie vorbei."})
    definition = editor.branch_add(
        definition,
        "ihre_angaben",
        when={"field": "art_des_fahrzeugs", "op": "eq", "value": "option_2"},
        goto="nicht_online",
    )
    form = services.form_create(
        municipality=esslingen_live,
        service=service,
        definition=definition,
        origin=FormVersion.Origin.FIM,
        notes=["Die Regel „Kennzeichen prüfen“ wurde nicht übernommen."],
    )
    return form


def test_every_editor_page_is_accessible_also_with_errors(page: Page, base_url: str, esslingen_live, built_form):
    _log_in_as_administrator(page, base_url, esslingen_live)
    form_url = f"{base_url}/verwaltung/formulare/{built_form.pk}/"

    page.goto(form_url)
    expect(page.locator("main")).to_contain_text("Die Regel „Kennzeichen prüfen“ wurde nicht übernommen.")
    assert_accessible(page)

    page.goto(form_url + "einstellungen/")
    assert_accessible(page)
    page.get_by_role("checkbox", name=re.compile(r"^Webhook")).check()
    main_button(page, "Einstellungen speichern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    expect(page.locator(".rathaus-error-summary")).to_contain_text("keine Webhook-Adresse")
    assert_accessible(page)

    page.goto(form_url + "seiten/ihre_angaben/")
    expect(page.locator("#verzweigungen table")).to_contain_text("Nicht online")
    assert_accessible(page)
    main_button(page, "Verzweigung hinzufügen").click()
    expect(page.locator(".rathaus-error-summary")).to_contain_text("Wählen Sie das Feld")
    assert_accessible(page)

    page.goto(form_url + "seiten/ihre_angaben/felder/art_des_fahrzeugs/")
    expect(page.get_by_label("Optionen", exact=True)).to_have_value("option_1|Option 1\noption_2|Option 2")
    assert_accessible(page)
    page.get_by_label("Optionen", exact=True).fill("pkw|Pkw\npkw|Motorrad")
    main_button(page, "Feld speichern").click()
    expect(page.locator(".rathaus-error-summary")).to_contain_text("mehrfach")
    assert_accessible(page)

    page.goto(form_url + "seiten/weitere_fahrzeuge/felder/fahrzeuge/")
    page.get_by_label("Art des Feldes").select_option("file")
    main_button(page, "Art übernehmen").click()
    expect(page.get_by_role("group", name="Erlaubte Dateiarten")).to_be_visible()
    assert_accessible(page)

    page.goto(form_url + "seiten/ihre_angaben/felder/art_des_fahrzeugs/entfernen/")
    expect(page.locator(".rathaus-error-summary")).to_contain_text("eine Verzweigung auf der Seite „Ihre Angaben“")
    assert_accessible(page)
    page.goto(form_url + "seiten/weitere_fahrzeuge/entfernen/")
    expect(main_button(page, "Ja, entfernen")).to_be_visible()
    assert_accessible(page)

    page.goto(form_url + "import/")
    page.get_by_label("JSON-Datei mit der Formulardefinition").set_input_files(
        files=[{"name": "kaputt.json", "mimeType": "application/json", "buffer": b'{"title": '}]
    )
    main_button(page, "Datei importieren").click()
    expect(page.locator(".rathaus-error-summary")).to_contain_text("kein gültiges JSON")
    assert_accessible(page)

    page.goto(form_url + "vorschau/nicht_online/")
    expect(page.locator("main")).to_contain_text("Bitte kommen Sie vorbei.")
    assert_accessible(page)
    page.goto(form_url + "vorschau/weitere_fahrzeuge/")
    assert_accessible(page)

    page.goto(form_url + "veroeffentlichen/")
    expect(page.locator("main")).to_contain_text("Kennzeichen prüfen")
    assert_accessible(page)


def test_the_editor_works_without_javascript(javascript_disabled_page: Page, base_url: str, esslingen_live, built_form):
    page = javascript_disabled_page
    _log_in_as_administrator(page, base_url, esslingen_live, javascript=False)
    page.goto(f"{base_url}/verwaltung/formulare/{built_form.pk}/")
    page.locator("main").get_by_role("button", name=re.compile(r"^Nach oben\s*: Ihre E-Mail-Adresse$")).click()
    expect(page.locator("#seite-ihre_angaben tbody tr").first).to_have_id("feld-email")
    page.locator("main").get_by_role("link", name=re.compile(r"^Seite entfernen\s*: Weitere Fahrzeuge$")).click()
    main_button(page, "Ja, entfernen").click()
    expect(page.locator("main")).to_contain_text("Die Seite ist entfernt.")
    expect(page.locator("#seite-weitere_fahrzeuge")).to_have_count(0)
    page.get_by_label("Überschrift der neuen Seite").fill("Anlagen")
    main_button(page, "Seite hinzufügen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite bearbeiten: Anlagen")
