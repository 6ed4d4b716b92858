"""The receipt (Empfangsbestätigung) of a submission: a PDF/A-3 document for the applicant.

The same PDF carries the machine-readable submission data as an embedded file, so one archived
document holds both what the person saw and what the administration's systems read.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

from .engine import AnswerRow, fee_lines, fields_by_key, localise, localised_html, pages_by_key
from .models import Submission
from .selectors import submission_answer_rows, submission_data

RECEIPT_ATTACHMENT_NAME = "antragsdaten.json"
# PDF/A-3 allows embedded files of any type (A-1 and A-2 do not); level "a" adds the tagged
# structure that screen readers need. WeasyPrint 70 produces it without further options.
RECEIPT_PDF_VARIANT = "pdf/a-3a"
# A receipt of a German authority states German local time, whatever the server runs in.
RECEIPT_TIME_ZONE = ZoneInfo("Europe/Berlin")
DEFAULT_ACCENT_COLOUR = "#004B87"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class RefusingURLFetcher(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: a receipt is built from the submission alone, never from outside.

    Form texts are escaped, so no markup in them should lead here; this is the second line of
    defence against a receipt that leaks requests or depends on a server being reachable.
    """

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"A receipt fetches nothing; refused {url!r}.")


@dataclass(frozen=True)
class ReceiptAnswer:
    """One answer as printed; a repeatable group lists its items, each a list of answers."""

    label: SafeString | str
    value: str
    item_label: SafeString | str = ""
    items: list[list["ReceiptAnswer"]] = field(default_factory=list)


@dataclass(frozen=True)
class ReceiptAnswerSection:
    """The answers given on one page of the form, under that page's title."""

    page_key: str
    title: SafeString | str
    answers: list[ReceiptAnswer]


@dataclass(frozen=True)
class ReceiptFee:
    label: SafeString | str
    quantity: int
    amount: str
    total: str


@dataclass(frozen=True)
class ReceiptAttachment:
    file_name: str
    size_kilobytes: str
    checksum: str


def _money(amount: Decimal) -> str:
    """An amount with two decimal places in the active language's number format (12,50)."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def _kilobytes(size: int) -> str:
    return formats.number_format(Decimal(size) / 1000, 1, use_l10n=True, force_grouping=True)


def _receipt_answer(row: AnswerRow, language: str, definition_fields: dict[str, dict[str, Any]]) -> ReceiptAnswer:
    item_label = definition_fields.get(row.field_key, {}).get("item_label") if row.items else None
    return ReceiptAnswer(
        label=localised_html(row.label, language),
        value=row.value,
        item_label=localised_html(item_label, language) if item_label else "",
        items=[
            [ReceiptAnswer(label=localised_html(member.label, language), value=member.value) for member in item]
            for item in row.items
        ],
    )


def _answer_sections(
    rows: Sequence[AnswerRow], definition: dict[str, Any], language: str
) -> list[ReceiptAnswerSection]:
    """Answers grouped by page, in the order the applicant went through the pages."""
    pages = pages_by_key(definition)
    definition_fields = fields_by_key(definition)
    sections: list[ReceiptAnswerSection] = []
    for row in rows:
        if not sections or sections[-1].page_key != row.page_key:
            title = localised_html(pages.get(row.page_key, {}).get("title"), language)
            sections.append(ReceiptAnswerSection(page_key=row.page_key, title=title, answers=[]))
        sections[-1].answers.append(_receipt_answer(row, language, definition_fields))
    return sections


def _accent_colour(colour: str) -> str:
    # The colour is written into the stylesheet, so only a plain #RRGGBB value may pass.
    return colour if _HEX_COLOUR.match(colour) else DEFAULT_ACCENT_COLOUR


def _receipt_context(*, submission: Submission, created: datetime) -> dict[str, Any]:
    language = submission.language
    version = submission.version
    definition = version.definition
    service = version.form.service
    municipality = submission.municipality
    submitted_at = timezone.localtime(submission.submitted_at, RECEIPT_TIME_ZONE)
    lines = fee_lines(definition, submission.answers)
    fee_total = Decimal(submission.fee_total)
    return {
        "language": language,
        "submission": submission,
        "municipality": municipality,
        "version": version,
        "unit": version.form.responsible_unit,
        "service_name": service.name,
        "form_title": localise(definition.get("title"), language)[0],
        "keywords": [
            keyword.replace(",", " ")
            for keyword in (_("Empfangsbestätigung"), submission.reference, service.name, municipality.name)
        ],
        "created": created.isoformat(timespec="seconds"),
        "accent_colour": _accent_colour(municipality.accent_colour),
        "submitted_date": formats.date_format(submitted_at, "SHORT_DATE_FORMAT"),
        "submitted_time": formats.time_format(submitted_at, "TIME_FORMAT"),
        "due_date": formats.date_format(submission.due_date, "SHORT_DATE_FORMAT") if submission.due_date else "",
        "answer_sections": _answer_sections(submission_answer_rows(submission=submission), definition, language),
        "declaration": localised_html(definition.get("declaration"), language),
        "fees": [
            ReceiptFee(
                label=localised_html(line.label, language),
                quantity=line.quantity,
                amount=_money(line.amount),
                total=_money(line.total),
            )
            for line in lines
        ],
        "fee_total": _money(fee_total),
        "attachments": [
            ReceiptAttachment(
                file_name=upload.file_name, size_kilobytes=_kilobytes(upload.size), checksum=upload.sha256[:16]
            )
            for upload in submission.uploads.all()
        ],
        "attachment_name": RECEIPT_ATTACHMENT_NAME,
    }


def receipt_data_json(*, submission: Submission) -> str:
    """The embedded file: the submission data exactly as the hand-off sends it, readable by people too."""
    return json.dumps(submission_data(submission=submission), ensure_ascii=False, indent=2, sort_keys=True)


def receipt_render(*, submission: Submission) -> bytes:
    """The receipt as PDF/A-3 bytes, with the submission data embedded as RECEIPT_ATTACHMENT_NAME."""
    created = timezone.now().astimezone(UTC).replace(microsecond=0)
    fetcher = RefusingURLFetcher()
    with translation.override(submission.language):
        html = render_to_string("applications/receipt.html", _receipt_context(submission=submission, created=created))
        data = Attachment(
            string=receipt_data_json(submission=submission).encode(),
            name=RECEIPT_ATTACHMENT_NAME,
            description=_("Antragsdaten in maschinenlesbarer Form (JSON)"),
            # WeasyPrint writes these as PDF dates in UTC, so they must be UTC already.
            created=created,
            modified=created,
            # PDF/A-3 associated file: the data the visible document is a rendering of.
            relationship="Data",
            url_fetcher=fetcher,
        )
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        pdf_variant=RECEIPT_PDF_VARIANT, attachments=[data], finisher=_list_associated_files_once
    )
    return pdf


def _list_associated_files_once(document: Any, pdf: Any) -> None:
    """Drop repeated entries from the catalogue's associated files (/AF).

    WeasyPrint 70 adds each embedded file to /AF twice (once from the name tree, once from the
    file specification); the array is meant to name each associated file once.
    """
    associated_files = pdf.catalog.get("AF")
    if associated_files:
        unique = list(dict.fromkeys(associated_files))
        associated_files.clear()
        associated_files.extend(unique)
