"""A citizen applies for a Bewohnerparkausweis online: a branch with an upload, leaving and coming back
through the e-mailed link, fixing an error through the error summary, submitting, and receiving the
reference, the confirmation e-mail and the PDF/A receipt that carries the answers. Once with JavaScript
and once without; axe-core checks every page on the way."""

import io
import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, Route, expect
from pypdf import PdfReader

from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.models import Draft, Submission, Upload
from rathaus.applications.receipt import RECEIPT_ATTACHMENT_NAME
from rathaus.applications.services import form_create, form_publish
from rathaus.applications.tests.test_views import BULKY_WASTE
from rathaus.catalogue.tests.factories import ServiceFactory

from .conftest import assert_accessible
from .test_account_journeys import main_button

pytestmark = pytest.mark.browser


@pytest.fixture
def parking_live(esslingen_live, citizens_office_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service = ServiceFactory(municipality=esslingen_live, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office_live)
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form = form_create(municipality=esslingen_live, service=service, definition=definition)
    form.handoff_backends = ["email"]
    form.save()
    form_publish(form=form)
    return service


@pytest.fixture
def declaration_scan(tmp_path):
    """A photographed declaration with GPS coordinates in its metadata."""
    image = Image.new("RGB", (60, 40), "white")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 44.0, 30.0), 3: "E", 4: (9.0, 18.0, 20.0)}
    path = tmp_path / "ueberlassungserklaerung.jpg"
    image.save(path, format="JPEG", exif=exif.tobytes())
    return path


def _settled(page: Page, action: Callable[[], None]) -> None:
    """Run ``action`` (a click that htmx turns into a post) and wait until htmx has swapped in the answer."""
    page.evaluate(
        "() => { window.rathausSettled = false;"
        " document.addEventListener('htmx:afterSettle', () => { window.rathausSettled = true }, {once: true}) }"
    )
    action()
    page.wait_for_function("() => window.rathausSettled === true", timeout=15_000)


def _continue(page: Page, *, javascript: bool = True) -> None:
    """ "Weiter": with JavaScript htmx posts it and the answer (the next page) replaces the page; without, the
    browser posts the form and follows the redirect."""
    if javascript:
        _settled(page, main_button(page, "Weiter").click)
    else:
        main_button(page, "Weiter").click()


def _applicant_page(page: Page, *, postal_code: str) -> None:
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Straße", exact=True).fill("Marktplatz")
    page.get_by_label("Hausnummer").fill("1")
    page.get_by_label("Postleitzahl").fill(postal_code)
    page.get_by_label("Ort", exact=True).fill("Esslingen am Neckar")


def _journey(page: Page, base_url: str, scan_path, *, javascript: bool = True) -> None:
    def _check_page(page: Page) -> None:
        # axe-core is JavaScript and cannot run with scripting off; the server sends both journeys
        # the same pages, so the journey with JavaScript checks them.
        if javascript:
            assert_accessible(page)

    def _weiter(page: Page) -> None:
        _continue(page, javascript=javascript)

    page.goto(base_url + "/leistungen/bewohnerparkausweis/")
    page.locator("main").get_by_role("link", name="Online beantragen").click()
    _check_page(page)
    if javascript:
        _settled(page, main_button(page, "Antrag starten").click)
    else:
        main_button(page, "Antrag starten").click()

    expect(page.locator("#fortschritt")).to_contain_text("Schritt 1 von")
    _check_page(page)
    page.get_by_label("Ja").check()
    _weiter(page)

    # A wrong postcode: the error summary names it, links to the field, the title says "Fehler:".
    _applicant_page(page, postal_code="7372")
    _weiter(page)
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    _check_page(page)
    summary_link = page.locator(".rathaus-error-summary a", has_text="Postleitzahl")
    expect(summary_link).to_be_visible()
    summary_link.click()
    expect(page).to_have_url(re.compile(r"#id_anschrift__postal_code$"))
    expect(page.get_by_label("Nachname")).to_have_value("Mustermann")
    page.get_by_label("Postleitzahl").fill("73728")
    _weiter(page)

    # The branch: the car belongs to the employer, so the declaration must be uploaded.
    _check_page(page)
    page.get_by_label("Kennzeichen").fill("ES-AB 123")
    page.get_by_label("Pkw", exact=False).first.check()
    page.locator("fieldset", has_text="auf Sie zugelassen").get_by_label("Nein").check()
    _weiter(page)
    _check_page(page)
    page.get_by_label("Firmenwagen", exact=False).check()
    page.locator("input[type=file]").set_input_files(str(scan_path))

    # Leave midway and come back through the link in the e-mail.
    main_button(page, "Speichern und später weitermachen").click()
    _check_page(page)
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    main_button(page, "Link senden").click()
    expect(page.locator("main")).to_contain_text("Ihr Antrag ist gespeichert")
    _check_page(page)
    link = re.search(r"https?://\S+/antraege/fortsetzen/\S+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("main")).to_contain_text("ueberlassungserklaerung.jpg")
    _weiter(page)

    _check_page(page)
    page.get_by_label(re.compile("Zone A")).check()
    page.get_by_label("Ab wann soll der Ausweis gelten?").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_label(re.compile("^2 Jahre")).check()
    _weiter(page)

    expect(page.locator("h1")).to_have_text("Prüfen Sie Ihre Angaben")
    _check_page(page)
    expect(page.locator("main")).to_contain_text("ES-AB 123")
    expect(page.locator("main")).to_contain_text("300,00")
    page.get_by_label("Ich bestätige die Erklärung.").check()
    if javascript:
        _settled(page, main_button(page, "Antrag verbindlich absenden").click)
    else:
        main_button(page, "Antrag verbindlich absenden").click()

    expect(page.locator("main h1")).to_contain_text("Ihr Antrag ist eingegangen")
    _check_page(page)


def _assert_receipt(page: Page, base_url: str, submission: Submission) -> None:
    response = page.request.get(base_url + f"/antraege/eingereicht/{submission.pk}/empfangsbestaetigung.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    metadata = reader.xmp_metadata.stream.get_data().decode()  # type: ignore[union-attr]
    assert 'pdfaid:part="3"' in metadata
    embedded = json.loads(reader.attachments[RECEIPT_ATTACHMENT_NAME][0])
    assert embedded["answers"] == submission.answers
    assert embedded["reference"] == submission.reference
    stored = submission.uploads.get()
    assert b"Exif" not in stored.file.read()


def test_a_citizen_applies_for_a_parking_permit_with_an_upload_and_a_break(
    page: Page, base_url: str, parking_live, declaration_scan
):
    _journey(page, base_url, declaration_scan)

    submission = Submission.objects.get()
    expect(page.locator("#aktenzeichen")).to_have_text(submission.reference)
    _assert_confirmation_mail(submission)
    _assert_receipt(page, base_url, submission)


def test_the_same_application_works_without_javascript(
    javascript_disabled_page: Page, base_url: str, parking_live, declaration_scan
):
    _journey(javascript_disabled_page, base_url, declaration_scan, javascript=False)

    submission = Submission.objects.get()
    expect(javascript_disabled_page.locator("#aktenzeichen")).to_have_text(submission.reference)
    _assert_confirmation_mail(submission)
    _assert_receipt(javascript_disabled_page, base_url, submission)


def _assert_confirmation_mail(submission: Submission) -> None:
    assert re.fullmatch(r"ES-\d{4}-\d{6}", submission.reference)
    assert submission.answers["ueberlassung_grund"] == "firmenwagen"
    confirmation = [
        message
        for message in mail.outbox
        if submission.reference in message.subject and message.to == ["erika@example.org"]
    ]
    assert len(confirmation) == 1
    assert any(name.endswith(".pdf") for name, _content, _type in confirmation[0].attachments)


def _focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(selector) => document.activeElement.matches(selector)", selector))


def test_with_javascript_each_step_brings_the_next_page_moves_the_focus_and_keeps_no_copy(
    page: Page, base_url: str, parking_live
):
    page.goto(base_url + "/leistungen/bewohnerparkausweis/antrag/")
    page.evaluate("() => { window.rathausSamePage = true }")

    _settled(page, main_button(page, "Antrag starten").click)
    expect(page).to_have_url(re.compile(r"/antraege/[0-9a-f-]{36}/wohnsitz/$"))
    assert _focused(page, "main h1")
    page.get_by_label("Ja").check()
    _continue(page)

    # The next page came as the answer to the post: its address, title and heading, and the focus on it.
    expect(page).to_have_url(re.compile(r"/antraege/[0-9a-f-]{36}/antragsteller/$"))
    expect(page).to_have_title(re.compile(r"^Angaben zu"))
    assert _focused(page, "main h1")
    assert page.evaluate("() => window.rathausSamePage") is True
    assert_accessible(page)

    # An error: the same address, "Fehler:" in the title, the focus on the error summary.
    _applicant_page(page, postal_code="7372")
    _continue(page)
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    expect(page).to_have_url(re.compile(r"/antragsteller/$"))
    assert _focused(page, "#fehler")
    expect(page.get_by_label("Nachname")).to_have_value("Mustermann")

    # "Back" loads the previous page whole, with the answer stored.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/wohnsitz/$"))
    page.wait_for_function("() => window.rathausSamePage === undefined")
    expect(page.get_by_label("Ja")).to_be_checked()

    # No copy of a page with answers in the browser's storage.
    stored = page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "Mustermann" not in stored and "Erika" not in stored


def test_with_javascript_a_file_goes_with_weiter(page: Page, base_url: str, parking_live, declaration_scan):
    page.goto(base_url + "/leistungen/bewohnerparkausweis/antrag/")
    _settled(page, main_button(page, "Antrag starten").click)
    page.get_by_label("Ja").check()
    _continue(page)
    _applicant_page(page, postal_code="73728")
    _continue(page)
    page.get_by_label("Kennzeichen").fill("ES-AB 123")
    page.get_by_label("Pkw", exact=False).first.check()
    page.locator("fieldset", has_text="auf Sie zugelassen").get_by_label("Nein").check()
    _continue(page)

    page.get_by_label("Firmenwagen", exact=False).check()
    page.locator("input[type=file]").set_input_files(str(declaration_scan))
    held: list[Route] = []
    page.route(re.compile(r"/ueberlassung/$"), lambda route: held.append(route))

    def send_and_look_while_on_the_way() -> None:
        main_button(page, "Weiter").click()
        # While the upload is on its way, the form's status line says so (screen readers announce it).
        expect(page.get_by_role("status")).to_have_text("Wird gesendet. Bitte warten Sie einen Moment.")
        held[0].continue_()

    _settled(page, send_and_look_while_on_the_way)

    expect(page.get_by_label("Ab wann soll der Ausweis gelten?")).to_be_visible()
    upload = Upload.objects.get()
    assert upload.file_name == "ueberlassungserklaerung.jpg"
    assert Draft.objects.get().answers["ueberlassungserklaerung"] == [str(upload.pk)]


@pytest.fixture
def bulky_waste_live(esslingen_live):
    service = ServiceFactory(municipality=esslingen_live, slug="sperrmuell-anmelden", name="Sperrmüll anmelden")
    form_publish(form=form_create(municipality=esslingen_live, service=service, definition=BULKY_WASTE))
    return service


def test_enter_in_a_field_goes_on_instead_of_removing_the_first_entry(page: Page, base_url: str, bulky_waste_live):
    page.goto(base_url + "/leistungen/sperrmuell-anmelden/antrag/")
    _settled(page, main_button(page, "Antrag starten").click)
    page.locator("input[name=teile__0__art]").fill("Sofa")
    main_button(page, "Weiteren Eintrag hinzufügen: Gegenstand").click()
    expect(main_button(page, "Gegenstand 1 entfernen")).to_be_visible()
    page.locator("input[name=teile__1__art]").fill("Schrank")
    page.locator("fieldset", has_text="Elektrogeräte").get_by_label("Nein").check()

    _settled(page, lambda: page.locator("input[name=teile__1__art]").press("Enter"))

    expect(page.locator("h1")).to_have_text("Prüfen Sie Ihre Angaben")
    assert [item["art"] for item in Draft.objects.get().answers["teile"]] == ["Sofa", "Schrank"]


def test_with_javascript_an_error_answer_is_shown_instead_of_being_dropped(page: Page, base_url: str, parking_live):
    page.goto(base_url + "/leistungen/bewohnerparkausweis/antrag/")
    _settled(page, main_button(page, "Antrag starten").click)
    page.get_by_label("Ja").check()
    Draft.objects.all().delete()  # deleted meanwhile (expired and cleaned up)

    _continue(page)

    expect(page.locator("main h1")).to_have_text("Seite nicht gefunden")
    assert _focused(page, "main h1")
