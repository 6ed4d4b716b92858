"""The whole loop of a request, in real browsers: a citizen applies online, a clerk of the responsible
office finds the case in the inbox and asks for a document, the citizen uploads it from the postbox,
the clerk decides with a generated letter, a second clerk approves it, and the citizen sees
"bewilligt" in the timeline and opens the PDF/A letter from the postbox.

Three people, three browser contexts. axe-core checks every page of citizen and staff; the
citizen's part runs once more with JavaScript switched off.
"""

import copy
import io
import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from conftest import PASSWORD, TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.accounts.services import user_create
from rathaus.applications.services import form_create, form_publish, form_settings_update
from rathaus.applications.tests.factories import SMALL_DEFINITION
from rathaus.cases.models import Case
from rathaus.cases.services import case_type_for_service, case_type_update
from rathaus.catalogue.tests.factories import ServiceFactory

from .conftest import DEFAULT_TIMEOUT_MS, assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password, main_button

pytestmark = pytest.mark.browser

CITIZEN_EMAIL = "hannah.roth@example.org"


@pytest.fixture
def loop_world(esslingen_live, citizens_office_live):
    service = ServiceFactory(municipality=esslingen_live, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office_live)
    definition = copy.deepcopy(SMALL_DEFINITION)
    definition["title"] = "Bewohnerparkausweis beantragen"
    definition["declaration"] = "Ich versichere, dass meine Angaben richtig sind."
    form = form_create(municipality=esslingen_live, service=service, definition=definition)
    form_settings_update(form=form, values={"access": "konto"})
    form_publish(form=form)
    clerk = _staff(
        "sachbearbeitung@esslingen.example.org", esslingen_live, StaffMembership.Role.CLERK, [citizens_office_live]
    )
    approver = _staff(
        "zweite.pruefung@esslingen.example.org", esslingen_live, StaffMembership.Role.CLERK, [citizens_office_live]
    )
    case_type = case_type_for_service(service=service)
    case_type_update(case_type=case_type, values={"four_eyes": True}, actor=clerk)
    citizen = user_create(email=CITIZEN_EMAIL, password=PASSWORD, given_name="Hannah", family_name="Roth")
    return {"service": service, "clerk": clerk, "approver": approver, "citizen": citizen}


def _context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(locale="de-DE", accept_downloads=True, java_script_enabled=javascript)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def _staff_login(page: Page, base_url: str, email: str) -> None:
    log_in_with_password(page, base_url, email, PASSWORD, check_accessibility=False)
    enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))


def _loop(browser: Browser, base_url: str, world: dict, *, citizen_javascript: bool) -> None:
    def citizen_check(page: Page) -> None:
        # axe-core needs JavaScript; the pages without it are the same HTML, checked in the other run.
        if citizen_javascript:
            assert_accessible(page)

    citizen = _context(browser, javascript=citizen_javascript).new_page()
    clerk = _context(browser).new_page()
    approver = _context(browser).new_page()

    # The citizen applies online.
    log_in_with_password(citizen, base_url, CITIZEN_EMAIL, PASSWORD, check_accessibility=citizen_javascript)
    citizen.goto(base_url + "/leistungen/bewohnerparkausweis/antrag/")
    citizen_check(citizen)
    main_button(citizen, "Antrag starten").click()
    citizen_check(citizen)
    citizen.get_by_label("Name", exact=True).fill("Hannah Roth")
    main_button(citizen, "Weiter").click()
    citizen_check(citizen)
    citizen.get_by_label("Nachricht").fill("Ich wohne seit Oktober in der Ritterstraße.")
    main_button(citizen, "Weiter").click()
    citizen_check(citizen)
    citizen.get_by_label("Ich bestätige die Erklärung.").check()
    main_button(citizen, "Antrag verbindlich absenden").click()
    expect(citizen.locator("main h1")).to_contain_text("Ihr Antrag ist eingegangen")
    citizen_check(citizen)
    case = Case.objects.get()
    expect(citizen.locator("#aktenzeichen")).to_have_text(case.reference)

    # The clerk of the Bürgeramt finds it in the inbox and asks for a document.
    _staff_login(clerk, base_url, world["clerk"].email)
    clerk.goto(base_url + "/verwaltung/vorgaenge/")
    assert_accessible(clerk)
    clerk.locator("main").get_by_role("link", name=case.reference, exact=True).click()
    expect(clerk.locator("main")).to_contain_text("Ich wohne seit Oktober in der Ritterstraße.")
    assert_accessible(clerk)
    clerk.locator("main").get_by_role("link", name="Rückfrage stellen").click()
    assert_accessible(clerk)
    clerk.get_by_label("Was brauchen Sie von der antragstellenden Person?").fill(
        "Bitte laden Sie Ihre Zulassungsbescheinigung Teil I hoch."
    )
    main_button(clerk, "Rückfrage senden").click()
    expect(clerk.locator("main")).to_contain_text("Rückfrage beim Antragsteller")
    assert_accessible(clerk)

    # The citizen answers from the postbox with the document.
    citizen.goto(base_url + "/mein-konto/postfach/")
    citizen_check(citizen)
    citizen.locator("main").get_by_role("link", name=re.compile("Rückfrage zu Ihrem Antrag")).click()
    expect(citizen.locator("main")).to_contain_text("Zulassungsbescheinigung Teil I")
    citizen_check(citizen)
    citizen.get_by_label("Ihre Antwort").fill("Anbei die Zulassungsbescheinigung.")
    citizen.locator("main input[type=file]").set_input_files(
        files=[{"name": "zulassung.pdf", "mimeType": "application/pdf", "buffer": _small_pdf()}]
    )
    main_button(citizen, "Antwort senden").click()
    expect(citizen.locator("main")).to_contain_text("Ihre Antwort ist bei uns eingegangen")
    citizen_check(citizen)

    # Back in the inbox with a marker; the clerk decides with the generated letter.
    clerk.goto(base_url + "/verwaltung/vorgaenge/")
    expect(clerk.locator("main table")).to_contain_text("Neue Antwort")
    assert_accessible(clerk)
    clerk.locator("main").get_by_role("link", name=case.reference, exact=True).click()
    expect(clerk.locator("main")).to_contain_text("zulassung.pdf")
    expect(clerk.locator("main")).to_contain_text("In Bearbeitung")
    clerk.locator("main").get_by_role("link", name="Bescheid erstellen").click()
    assert_accessible(clerk)
    clerk.get_by_label("bewilligt", exact=True).check()
    clerk.get_by_label("Gebühr (Euro)").fill("30,00")
    main_button(clerk, "Entwurf speichern").click()
    expect(clerk.get_by_label("Text des Bescheids")).to_have_value(re.compile("Bewohnerparkausweis"))
    assert_accessible(clerk)
    main_button(clerk, "Zur Freigabe vorlegen").click()
    expect(clerk.locator("main")).to_contain_text("Wartet auf Freigabe")
    assert_accessible(clerk)

    # A second clerk approves; approving sends the letter.
    _staff_login(approver, base_url, world["approver"].email)
    approver.goto(base_url + "/verwaltung/vorgaenge/freigaben/")
    assert_accessible(approver)
    approver.locator("main").get_by_role("link", name=f"Bescheid {case.reference} prüfen").click()
    expect(approver.locator("main")).to_contain_text("30,00")
    assert_accessible(approver)
    main_button(approver, "Freigeben und versenden").click()
    assert_accessible(approver)
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("entschieden", "bewilligt")

    # The citizen sees the decision in the timeline and opens the letter from the postbox.
    citizen.goto(base_url + f"/mein-konto/antraege/{case.pk}/")
    expect(citizen.locator("main")).to_contain_text("bewilligt")
    citizen_check(citizen)
    citizen.goto(base_url + "/mein-konto/postfach/")
    citizen.locator("main").get_by_role("link", name=f"Bescheid zu Ihrem Antrag {case.reference}").click()
    citizen_check(citizen)
    letter_link = citizen.locator("main").get_by_role("link", name=re.compile(r"\.pdf"))
    response = citizen.request.get(base_url + letter_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    metadata = reader.xmp_metadata.stream.get_data().decode()  # type: ignore[union-attr]
    assert 'pdfaid:part="3"' in metadata
    letter_text = "".join(page.extract_text() for page in reader.pages)
    assert case.reference in letter_text
    assert "Ihrem Antrag wird stattgegeben." in letter_text

    for page in (citizen, clerk, approver):
        page.context.close()


def _small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_request_goes_round_the_whole_loop_from_application_to_approved_letter(
    browser: Browser, base_url: str, loop_world
):
    _loop(browser, base_url, loop_world, citizen_javascript=True)


def test_the_citizens_side_of_the_loop_works_without_javascript(browser: Browser, base_url: str, loop_world):
    _loop(browser, base_url, loop_world, citizen_javascript=False)


def test_every_staff_page_of_case_management_is_accessible(page: Page, base_url: str, loop_world, esslingen_live):
    from rathaus.cases.models import Case as CaseModel
    from rathaus.cases.services import case_open

    lead = _staff(
        "amtsleitung@esslingen.example.org",
        esslingen_live,
        StaffMembership.Role.MUNICIPALITY_ADMIN,
        list(loop_world["service"].responsible_units.all()),
    )
    case = case_open(
        municipality=esslingen_live,
        service=loop_world["service"],
        channel=CaseModel.Channel.PHONE,
        actor=lead,
        applicant_name="Jonas Keller",
        applicant_email="jonas.keller@example.org",
        description="Anruf: Bewohnerparkausweis für die Mülberger Straße.",
    )
    _staff_login(page, base_url, lead.email)

    for path in [
        "/verwaltung/vorgaenge/",
        "/verwaltung/vorgaenge/?status=in_bearbeitung&sortierung=frist",
        f"/verwaltung/vorgaenge/{case.pk}/",
        f"/verwaltung/vorgaenge/{case.pk}/nachricht/",
        "/verwaltung/vorgaenge/schalter/",
        "/verwaltung/vorgaenge/freigaben/",
        "/verwaltung/auswertung/",
        "/verwaltung/vorgangsarten/",
    ]:
        page.goto(base_url + path)
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)

    # Forms with errors: the error summary must be accessible too.
    page.goto(base_url + "/verwaltung/vorgaenge/neu/")
    assert_accessible(page)
    main_button(page, "Vorgang anlegen").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    assert_accessible(page)

    page.goto(base_url + f"/verwaltung/vorgangsarten/{loop_world['service'].pk}/")
    assert_accessible(page)
    page.get_by_label("Ablauf", exact=False).first.fill("{kein json")
    main_button(page, "Speichern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    assert_accessible(page)
