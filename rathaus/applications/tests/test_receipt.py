import copy
import hashlib
import io
import json
import logging
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from rathaus.applications import receipt
from rathaus.applications.models import Upload
from rathaus.applications.receipt import RECEIPT_ATTACHMENT_NAME, RefusingURLFetcher, receipt_render
from rathaus.applications.selectors import submission_data
from rathaus.applications.tests.factories import SubmissionFactory

MARKUP = '<img src="http://example.invalid/x.png">'

FAMILY_DEFINITION = {
    "schema_version": 1,
    "title": {"de": "Kinderbetreuung anmelden", "en": "Register for childcare"},
    "pages": [
        {
            "key": "person",
            "title": {"de": "Ihre Angaben", "en": "About you"},
            "fields": [
                {"key": "name", "type": "text", "label": {"de": "Name", "en": "Full name"}, "required": True},
                {"key": "email", "type": "email", "label": "E-Mail"},
                {"key": "wohnsitz", "type": "yesno", "label": "Wohnsitz in Esslingen"},
            ],
        },
        {
            "key": "kinder",
            "title": "Ihre Kinder",
            "fields": [
                {
                    "key": "kinder",
                    "type": "group",
                    "label": "Kinder",
                    "item_label": "Kind",
                    "fields": [
                        {"key": "vorname", "type": "text", "label": "Vorname"},
                        {"key": "geburtsdatum", "type": "date", "label": "Geburtsdatum"},
                    ],
                },
                {"key": "nachweis", "type": "file", "label": "Nachweis", "accept": ["pdf"]},
            ],
        },
    ],
    "fees": [
        {"label": "Anmeldegebühr", "amount": "12.50"},
        {"label": "Betreuungspauschale je Kind", "amount": "611.00", "per": "kinder"},
    ],
    "declaration": "Ich versichere, dass meine Angaben richtig und vollständig sind.",
}

FAMILY_ANSWERS = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "wohnsitz": True,
    "kinder": [
        {"vorname": "Paula", "geburtsdatum": "2021-03-04"},
        {"vorname": "Jonas", "geburtsdatum": "2023-09-30"},
    ],
    "nachweis": [],
}


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submission(esslingen, definition=None, answers=None, **fields):
    version_fields = {"version__definition": definition} if definition is not None else {}
    if answers is not None:
        # Tests change answers in place; the shared constants must stay as they are.
        fields["answers"] = copy.deepcopy(answers)
    return SubmissionFactory(
        version__form__municipality=esslingen,
        version__form__service__municipality=esslingen,
        version__form__service__name="Betreuungsplatz",
        **version_fields,
        **fields,
    )


@pytest.fixture
def family_submission(esslingen, citizens_office):
    submission = _submission(
        esslingen,
        definition=FAMILY_DEFINITION,
        answers=FAMILY_ANSWERS,
        reference="ES-2026-000123",
        fee_total=Decimal("1234.50"),
        submitted_at=datetime(2026, 3, 2, 13, 5, tzinfo=ZoneInfo("UTC")),
        due_date=date(2026, 3, 16),
    )
    submission.version.form.responsible_unit = citizens_office
    submission.version.form.save()
    content = b"%PDF-1.7 Meldebescheinigung"
    upload = Upload(
        municipality=esslingen,
        submission=submission,
        field_key="nachweis",
        file_name="Meldebescheinigung.pdf",
        content_type="application/pdf",
        # The receipt reports the size recorded at upload; a larger one shows the kB formatting.
        size=48_300,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    upload.file.save("Meldebescheinigung.pdf", ContentFile(content), save=False)
    upload.save()
    submission.answers["nachweis"] = [str(upload.pk)]
    submission.save()
    return submission


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    # Collapse line breaks and runs of spaces so assertions do not depend on where lines wrap.
    text = "\n".join(page.extract_text() for page in _reader(pdf).pages)
    return re.sub(r"\s+", " ", text)


def _embedded_data(pdf: bytes) -> dict:
    files = _reader(pdf).attachments[RECEIPT_ATTACHMENT_NAME]
    assert len(files) == 1
    return json.loads(files[0].decode("utf-8"))


# The document format


def test_the_receipt_is_a_pdf_a_3_document_with_accessible_tagging(family_submission):
    pdf = receipt_render(submission=family_submission)

    assert pdf.startswith(b"%PDF-")
    xmp = _reader(pdf).xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="A"', xmp)
    catalog = _reader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])


def test_the_receipt_metadata_names_title_author_subject_keywords_and_language(family_submission):
    reader = _reader(receipt_render(submission=family_submission))

    assert reader.metadata.title == "Empfangsbestätigung ES-2026-000123"
    assert reader.metadata.author == "Stadt Esslingen am Neckar"
    assert "ES-2026-000123" in reader.metadata.subject
    assert "Betreuungsplatz" in reader.metadata["/Keywords"]
    assert reader.metadata.creation_date is not None
    assert reader.trailer["/Root"]["/Lang"] == "de"


# The embedded data


def test_the_embedded_data_file_is_the_submission_data_with_the_exact_answers(family_submission):
    pdf = receipt_render(submission=family_submission)

    data = _embedded_data(pdf)
    assert data == submission_data(submission=family_submission)
    assert data["answers"] == family_submission.answers


def test_the_embedded_data_file_is_an_associated_json_file_of_the_document(family_submission):
    pdf = receipt_render(submission=family_submission)

    catalog = _reader(pdf).trailer["/Root"]
    # Listed once, although WeasyPrint 70 would list it twice.
    (file_specification,) = [reference.get_object() for reference in catalog["/AF"]]
    assert file_specification["/UF"] == RECEIPT_ATTACHMENT_NAME
    assert file_specification["/AFRelationship"] == "/Data"
    assert file_specification["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_the_embedded_data_file_keeps_umlauts_readable(family_submission):
    family_submission.answers["name"] = "Jürgen Öztürk-Weiß"
    family_submission.save()

    files = _reader(receipt_render(submission=family_submission)).attachments[RECEIPT_ATTACHMENT_NAME]

    assert "Jürgen Öztürk-Weiß".encode() in files[0]


# What the applicant reads


def test_the_receipt_shows_the_letterhead_reference_service_and_submission_time(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Stadt Esslingen am Neckar" in text
    assert "Marktplatz 1" in text
    assert "Empfangsbestätigung" in text
    assert "ES-2026-000123" in text
    assert "Betreuungsplatz" in text
    assert f"Kinderbetreuung anmelden (Version {family_submission.version.number})" in text
    # 13:05 UTC in March is 14:05 in Esslingen.
    assert "02.03.2026, 14:05 Uhr" in text


def test_the_receipt_shows_the_expected_processing_date_and_the_responsible_office(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Voraussichtlich bearbeitet bis 16.03.2026" in text
    assert "Bürgeramt Esslingen" in text


def test_the_receipt_leaves_out_the_processing_date_and_office_when_unknown(esslingen):
    submission = _submission(esslingen)

    text = _text(receipt_render(submission=submission))

    assert "Voraussichtlich bearbeitet bis" not in text
    assert "Bearbeitende Stelle" not in text


def test_the_receipt_lists_the_answers_with_their_labels(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Name Erika Mustermann" in text
    assert "Wohnsitz in Esslingen Ja" in text
    assert "Ihre Kinder" in text


def test_the_receipt_lists_each_group_item_numbered_with_its_answers(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Kinder 2 Einträge" in text
    assert "Kind 1 Vorname Paula Geburtsdatum 04.03.2021" in text
    assert "Kind 2 Vorname Jonas Geburtsdatum 30.09.2023" in text


def test_the_receipt_lists_the_fees_and_the_total_in_german_number_format(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Anmeldegebühr 1 12,50 Euro 12,50 Euro" in text
    assert "Betreuungspauschale je Kind 2 611,00 Euro 1.222,00 Euro" in text
    assert "Summe 1.234,50 Euro" in text


def test_the_receipt_of_the_small_form_shows_its_fee_of_twelve_fifty(esslingen):
    text = _text(receipt_render(submission=_submission(esslingen)))

    assert "Summe 12,50 Euro" in text


def test_the_receipt_lists_each_attachment_with_size_and_shortened_checksum(family_submission):
    upload = family_submission.uploads.get()

    text = _text(receipt_render(submission=family_submission))

    assert "Meldebescheinigung.pdf" in text
    assert "48,3 kB" in text
    assert upload.sha256[:16] in text
    assert upload.sha256[:17] not in text


def test_the_receipt_says_where_the_machine_readable_data_is(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert f"als Datei „{RECEIPT_ATTACHMENT_NAME}“ in diese PDF-Datei eingebettet" in text


def test_the_receipt_repeats_the_declaration_the_applicant_made(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Ich versichere, dass meine Angaben richtig und vollständig sind." in text


# Languages


def test_an_english_form_text_is_used_when_the_submission_was_made_in_english(esslingen):
    submission = _submission(esslingen, definition=FAMILY_DEFINITION, answers=FAMILY_ANSWERS, language="en")

    pdf = receipt_render(submission=submission)

    text = _text(pdf)
    assert "Register for childcare" in text
    assert "Full name Erika Mustermann" in text
    assert "About you" in text
    assert _reader(pdf).trailer["/Root"]["/Lang"] == "en"


def test_the_german_form_text_is_used_where_no_english_text_exists(esslingen):
    submission = _submission(esslingen, definition=FAMILY_DEFINITION, answers=FAMILY_ANSWERS, language="en")

    text = _text(receipt_render(submission=submission))

    assert "Wohnsitz in Esslingen" in text
    assert "Ihre Kinder" in text


def test_a_german_submission_shows_the_german_form_texts(family_submission):
    text = _text(receipt_render(submission=family_submission))

    assert "Kinderbetreuung anmelden" in text
    assert "Register for childcare" not in text
    assert "Full name" not in text


# Nothing is fetched


def test_markup_in_form_texts_and_answers_is_printed_as_text_and_fetches_nothing(esslingen, monkeypatch, caplog):
    definition = {
        **FAMILY_DEFINITION,
        "title": f"Antrag {MARKUP}",
        "pages": [
            {
                "key": "person",
                "title": "Ihre Angaben",
                "fields": [{"key": "name", "type": "text", "label": f"Name {MARKUP}"}],
            }
        ],
        "fees": [],
    }
    submission = _submission(esslingen, definition=definition, answers={"name": MARKUP})
    fetched_urls = []

    def record_fetch(self, url, headers=None):
        fetched_urls.append(url)
        raise ValueError(url)

    monkeypatch.setattr(RefusingURLFetcher, "fetch", record_fetch)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = receipt_render(submission=submission)

    assert fetched_urls == []
    assert not [record for record in caplog.records if record.name == "weasyprint"]
    # Lines may wrap inside the long URL, so compare without any whitespace.
    compact_text = re.sub(r"\s", "", _text(pdf))
    compact_markup = re.sub(r"\s", "", MARKUP)
    assert f"Antrag{compact_markup}(Version" in compact_text
    assert f"Name{compact_markup}{compact_markup}" in compact_text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/x.png",
        "https://example.org/style.css",
        "file:///etc/passwd",
        "data:text/plain,hallo",
    ],
)
def test_the_receipt_url_fetcher_refuses_every_url(url):
    with pytest.raises(ValueError, match="refused"):
        RefusingURLFetcher()(url)


def test_rendering_passes_the_refusing_fetcher_and_no_base_url_to_weasyprint(family_submission, monkeypatch):
    seen = {}
    original = receipt.HTML

    def spying_html(*, string, base_url, url_fetcher):
        seen.update(base_url=base_url, url_fetcher=url_fetcher)
        return original(string=string, base_url=base_url, url_fetcher=url_fetcher)

    monkeypatch.setattr(receipt, "HTML", spying_html)

    receipt_render(submission=family_submission)

    assert seen["base_url"] is None
    assert isinstance(seen["url_fetcher"], RefusingURLFetcher)
