"""Decision letters (Bescheide): the text from the case type's template, and the PDF/A document.

The letter template is written by administrators in Django template syntax. It is rendered by an
engine of its own, without autoescaping (the result is plain text) and with a context of plain
strings only, so a template can show case data but reach nothing else.
"""

import logging
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from weasyprint import HTML

from rathaus.applications.receipt import (
    RECEIPT_PDF_VARIANT,
    RECEIPT_TIME_ZONE,
    RefusingURLFetcher,
    _accent_colour,
    _money,
)

from .models import DEFAULT_LETTER_TEMPLATE, Case, Decision

logger = logging.getLogger(__name__)

# A Bescheid is a German administrative act: it is written and printed in German.
LETTER_LANGUAGE = "de"
LETTER_CONTENT_TYPE = "application/pdf"
# No loaders and no libraries: {% include %}, {% extends %} and {% load %} find nothing.
LETTER_ENGINE = Engine(autoescape=False, loaders=[], libraries={})

LETTER_VARIABLES = (
    "antragsteller",
    "leistung",
    "aktenzeichen",
    "eingegangen_am",
    "entscheidung",
    "gebuehr",
    "stelle",
    "datum",
)
# What an administrator's template can raise while it is compiled or filled in ({% include %} of a
# template that is not there, a filter given a value it cannot take...).
TEMPLATE_FAILURES = (
    TemplateSyntaxError,
    TemplateDoesNotExist,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)


def outcome_sentence(outcome: str) -> str:
    """The decision in one German sentence, for the ``entscheidung`` variable of the template."""
    with translation.override(LETTER_LANGUAGE):
        sentences: dict[str, str] = {
            Case.Outcome.APPROVED: _("Ihrem Antrag wird stattgegeben."),
            Case.Outcome.PARTLY_APPROVED: _("Ihrem Antrag wird teilweise stattgegeben."),
            Case.Outcome.REJECTED: _("Ihr Antrag wird abgelehnt."),
        }
        return str(sentences.get(outcome, ""))


def fee_text(fee: Decimal | int | str | None) -> str:
    """The fee as printed (12,50), or empty when there is none."""
    amount = Decimal(fee or 0)
    if amount <= 0:
        return ""
    with translation.override(LETTER_LANGUAGE):
        return _money(amount)


def _date_text(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def letter_context(
    *, case: Case, outcome: str, fee: Decimal | int | str | None, today: date | None = None
) -> dict[str, str]:
    """The template's variables, all plain strings."""
    today = today or timezone.localdate()
    with translation.override(LETTER_LANGUAGE):
        applicant = case.applicant_name or _("Antragstellerin, Antragsteller")
    return {
        "antragsteller": applicant,
        "leistung": case.service.name,
        "aktenzeichen": case.reference,
        "eingegangen_am": _date_text(timezone.localtime(case.received_at, RECEIPT_TIME_ZONE).date()),
        "entscheidung": outcome_sentence(outcome),
        "gebuehr": fee_text(fee),
        "stelle": case.unit.name,
        "datum": _date_text(today),
    }


def _sample_context() -> dict[str, str]:
    return {
        "antragsteller": "Erika Mustermann",
        "leistung": "Bewohnerparkausweis",
        "aktenzeichen": "ES-2026-000123",
        "eingegangen_am": "02.03.2026",
        "entscheidung": outcome_sentence(Case.Outcome.APPROVED),
        "gebuehr": "30,70",
        "stelle": "Bürgeramt",
        "datum": "16.03.2026",
    }


def letter_template_errors(source: str) -> list[str]:
    """Why ``source`` cannot serve as a letter template, in German for administrators; empty if it can."""
    if not source.strip():
        return [_("Die Vorlage darf nicht leer sein.")]
    try:
        LETTER_ENGINE.from_string(source).render(Context(_sample_context(), autoescape=False))
    except TemplateSyntaxError as error:
        return [_("Die Vorlage enthält einen Fehler: %(error)s") % {"error": error}]
    except TEMPLATE_FAILURES as error:
        return [_("Die Vorlage lässt sich nicht ausfüllen: %(error)s") % {"error": error}]
    return []


def letter_text_render(*, case: Case, outcome: str, fee: Decimal | int | str | None) -> str:
    """The letter text from the case type's template; the standard template if that one fails."""
    context = Context(letter_context(case=case, outcome=outcome, fee=fee), autoescape=False)
    try:
        return LETTER_ENGINE.from_string(case.case_type.letter_template).render(context).strip()
    except TEMPLATE_FAILURES:
        # Saving the case type validates the template, so this is a template changed behind the form's back.
        logger.warning("Letter template of case type %s failed; using the standard template", case.case_type_id)
        return LETTER_ENGINE.from_string(DEFAULT_LETTER_TEMPLATE).render(context).strip()


def _letter_context(decision: Decision, created: Any) -> dict[str, Any]:
    case = decision.case
    municipality = case.municipality
    legal_remedy = strip_tags(case.service.legal_remedy).strip()
    letter_date = timezone.localdate(decision.sent_at) if decision.sent_at else timezone.localdate()
    return {
        "language": LETTER_LANGUAGE,
        "case": case,
        "decision": decision,
        "municipality": municipality,
        "unit": case.unit,
        "service_name": case.service.name,
        "letter_date": _date_text(letter_date),
        "received_date": _date_text(timezone.localtime(case.received_at, RECEIPT_TIME_ZONE).date()),
        "fee": fee_text(decision.fee),
        "legal_remedy": legal_remedy,
        "keywords": [
            keyword.replace(",", " ")
            for keyword in (_("Bescheid"), case.reference, case.service.name, municipality.name)
        ],
        "created": created.isoformat(timespec="seconds"),
        "accent_colour": _accent_colour(municipality.accent_colour),
    }


def letter_pdf_render(*, decision: Decision) -> bytes:
    """The decision letter as PDF/A-3a bytes: letterhead, date, reference, text, fee and legal remedy."""
    created = timezone.now().astimezone(UTC).replace(microsecond=0)
    fetcher = RefusingURLFetcher()
    with translation.override(LETTER_LANGUAGE):
        html = render_to_string("cases/letter.html", _letter_context(decision, created))
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(pdf_variant=RECEIPT_PDF_VARIANT)
    return pdf


def letter_file_name(case: Case) -> str:
    return f"bescheid-{case.reference}.pdf"
