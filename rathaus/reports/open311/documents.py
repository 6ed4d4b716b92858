"""Open311 documents built from our models, with the element names of GeoReport v2.

Nothing here reads the reporter's name, e-mail address or phone number, and only the moderated
public description of a report goes out: every GET answers anyone on the internet.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.municipalities.working_days import working_days_after
from rathaus.reports.models import Category, Report

from .forms import question_values

SPECIFICATION_URL = "http://wiki.open311.org/GeoReport_v2"
SERVICE_TYPE = "realtime"  # the id of a new service request is known at once


def service_notice(category: Category) -> str:
    return _("Wir kümmern uns in der Regel innerhalb von %(days)s Arbeitstagen um Meldungen dieser Art.") % {
        "days": category.response_days
    }


def service_document(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.questions),
        "type": SERVICE_TYPE,
        "keywords": category.keywords,
        "group": category.group,
    }


def _datatype_description(question: dict[str, Any]) -> str | None:
    hint = question.get("hint") or question.get("help_text")
    if hint:
        return str(hint)
    datatype = question.get("datatype")
    if datatype == Category.Datatype.NUMBER:
        return _("Eine Zahl, zum Beispiel 3 oder 2,5.")
    if datatype == Category.Datatype.MULTI:
        return _("Einer oder mehrere der genannten Werte.")
    if datatype == Category.Datatype.SINGLE:
        return _("Genau einer der genannten Werte.")
    return None


def attribute_document(question: dict[str, Any], order: int) -> dict[str, Any]:
    code = str(question.get("code", ""))
    return {
        "variable": True,
        "code": code,
        "datatype": question.get("datatype") or Category.Datatype.STRING,
        "required": bool(question.get("required")),
        "datatype_description": _datatype_description(question),
        "order": order,
        "description": question.get("label") or code,
        "values": [{"key": key, "name": name} for key, name in question_values(question)],
    }


def service_definition_document(category: Category) -> dict[str, Any]:
    questions = [question for question in category.questions or [] if question.get("code")]
    return {
        "service_code": category.service_code,
        "attributes": [attribute_document(question, order) for order, question in enumerate(questions, start=1)],
    }


def created_document(report: Report) -> list[dict[str, Any]]:
    """The answer to POST requests: the new id at once (type ``realtime``), never a token as well."""
    return [
        {
            "service_request_id": str(report.pk),
            "service_notice": service_notice(report.category),
            "account_id": None,
        }
    ]


def token_document(report: Report) -> list[dict[str, Any]]:
    return [{"service_request_id": str(report.pk), "token": report.token}]


def status(report: Report) -> str:
    return "closed" if report.status in Report.CLOSED_STATUSES else "open"


def _latest_public_note(report: Report) -> str:
    notes: Iterable[Any] = getattr(report, "public_notes", None) or []
    texts = [note.text for note in notes if note.text]
    return texts[-1] if texts else ""


def status_notes(report: Report) -> str:
    """Our finer status in words (Open311 knows only open and closed), with its public details."""
    parts = [str(report.get_status_display())]
    if report.status == Report.Status.DONE_WITHOUT_ACTION and report.closing_reason:
        parts.append(report.closing_reason)
    elif report.status == Report.Status.FORWARDED and report.forwarded_to:
        parts.append(_("zuständig ist jetzt: %(name)s") % {"name": report.forwarded_to})
    elif report.status == Report.Status.PLANNED and report.planned_for:
        parts.append(_("geplant für den %(date)s") % {"date": date_format(report.planned_for, "d.m.Y")})
    note = _latest_public_note(report)
    if note:
        parts.append(note)
    return " – ".join(parts)


def expected_datetime(report: Report) -> datetime | None:
    if report.status in Report.CLOSED_STATUSES:
        return None
    if report.status == Report.Status.PLANNED and report.planned_for:
        day = report.planned_for
    else:
        day = working_days_after(timezone.localdate(report.created_at), report.category.response_days)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _media_url(report: Report, build_absolute_uri: Callable[[str], str]) -> str | None:
    photos: Iterable[Any] = getattr(report, "public_photos", None) or []
    first = next(iter(photos), None)
    if first is None:
        return None
    return build_absolute_uri(reverse("reports:photo", args=[report.pk, first.pk]))


def request_document(report: Report, *, build_absolute_uri: Callable[[str], str]) -> dict[str, Any]:
    """One service request for GET requests; reporter data stays out by construction."""
    updated = report.closed_at if report.closed_at and status(report) == "closed" else report.updated_at
    return {
        "service_request_id": str(report.pk),
        "status": status(report),
        "status_notes": status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.service_code,
        "description": report.public_description or None,
        "agency_responsible": report.office.name,
        "service_notice": service_notice(report.category),
        "requested_datetime": report.created_at,
        "updated_datetime": updated,
        "expected_datetime": expected_datetime(report),
        # Only the location staff checked: typed addresses and descriptions may name people.
        "address": report.public_location or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": _media_url(report, build_absolute_uri),
    }


def discovery_document(*, contact: str, base_url: str, changeset: datetime) -> dict[str, Any]:
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": _("API-Schlüssel vergibt die Verwaltung der Kommune auf Anfrage."),
        "endpoints": [
            {
                "specification": SPECIFICATION_URL,
                "url": base_url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
