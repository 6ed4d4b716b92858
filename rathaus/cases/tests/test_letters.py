"""Decision letters: the text from the case type's template, and the PDF/A document."""

import io
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from rathaus.cases.letters import letter_pdf_render, letter_template_errors, letter_text_render
from rathaus.cases.models import DEFAULT_LETTER_TEMPLATE, Case, Decision
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def case(esslingen, citizens_office):
    service = ServiceFactory(
        municipality=esslingen,
        name="Bewohnerparkausweis",
        legal_remedy="<p>Gegen diesen Bescheid kann innerhalb eines Monats Widerspruch erhoben werden.</p>",
    )
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)
    return CaseFactory(
        case_type=case_type,
        reference="ES-2026-000123",
        applicant_name="Erika Mustermann",
        received_at=datetime(2026, 3, 2, 9, 30, tzinfo=BERLIN),
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_text_is_rendered_from_the_case_types_template(case):
    case.case_type.letter_template = (
        "Hallo {{ antragsteller }}: {{ leistung }}, {{ aktenzeichen }}, {{ eingegangen_am }}. "
        "{{ entscheidung }} {% if gebuehr %}Gebühr {{ gebuehr }} Euro.{% endif %} {{ stelle }}"
    )

    text = letter_text_render(case=case, outcome=Case.Outcome.PARTLY_APPROVED, fee=Decimal("30.7"))

    assert text == (
        "Hallo Erika Mustermann: Bewohnerparkausweis, ES-2026-000123, 02.03.2026. "
        "Ihrem Antrag wird teilweise stattgegeben. Gebühr 30,70 Euro. Bürgeramt Esslingen"
    )


def test_the_standard_template_leaves_out_the_fee_line_without_a_fee(case):
    text = letter_text_render(case=case, outcome=Case.Outcome.REJECTED, fee=0)

    assert "Ihr Antrag wird abgelehnt." in text
    assert "Gebühr" not in text
    assert text.startswith("Sehr geehrte(r) Erika Mustermann,")


def test_the_letter_text_is_plain_text_without_html_escaping(case):
    case.applicant_name = "Müller & Söhne <GmbH>"

    text = letter_text_render(case=case, outcome=Case.Outcome.APPROVED, fee=0)

    assert "Müller & Söhne <GmbH>" in text


@pytest.mark.parametrize(
    "source",
    [
        "{% if antragsteller %}kein Ende",
        "{{ antragsteller|unbekannter_filter }}",
        "{% load static %}{% static 'x.css' %}",
        "{% include 'cases/letter.html' %}",
        "",
    ],
)
def test_an_unusable_template_is_reported_for_the_administrator(source):
    assert letter_template_errors(source)


def test_a_good_template_has_no_errors():
    assert letter_template_errors(DEFAULT_LETTER_TEMPLATE) == []


def test_a_template_broken_behind_the_forms_back_falls_back_to_the_standard_letter(case):
    case.case_type.letter_template = "{% if %}"

    text = letter_text_render(case=case, outcome=Case.Outcome.APPROVED, fee=0)

    assert text.startswith("Sehr geehrte(r) Erika Mustermann,")
    assert "Ihrem Antrag wird stattgegeben." in text


def test_the_letter_is_a_pdf_a_with_reference_fee_and_legal_remedy(case):
    decision = Decision(
        case=case, outcome=Case.Outcome.APPROVED, fee=Decimal("30.70"), letter_text="Ihrem Antrag wird stattgegeben."
    )

    pdf = letter_pdf_render(decision=decision)

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="A"', xmp)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == "Bescheid ES-2026-000123"
    assert reader.metadata.author == "Stadt Esslingen am Neckar"
    text = _text(pdf)
    assert "ES-2026-000123" in text
    assert "Bürgeramt Esslingen" in text
    assert "Ihrem Antrag wird stattgegeben." in text
    assert "30,70 Euro" in text
    assert "Rechtsbehelfsbelehrung" in text
    assert "Widerspruch" in text
    assert "<p>" not in text


def test_the_letter_escapes_markup_in_the_text(case):
    decision = Decision(
        case=case, outcome=Case.Outcome.APPROVED, letter_text='<img src="http://example.invalid/x.png">'
    )

    text = _text(letter_pdf_render(decision=decision))

    assert '<img src="http://example.invalid/x.png">' in text
