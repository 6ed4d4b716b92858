"""The calendar file (iCalendar, RFC 5545) sent with a confirmed, moved or cancelled appointment."""

import html
import re

from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment
from .selectors import in_language, municipality_portal_url


def plain_text(markup: str) -> str:
    """Catalogue text (often HTML from XZuFi) as plain lines for e-mails and calendar entries."""
    with_breaks = re.sub(r"(?i)<br\s*/?>|</(p|li|div|h[1-6])>", "\n", markup)
    lines = (line.strip() for line in html.unescape(strip_tags(with_breaks)).splitlines())
    return "\n".join(line for line in lines if line)


def what_to_bring(appointment: Appointment) -> list[tuple[str, str]]:
    """Per service of the appointment: its name and the documents to bring, as plain text."""
    result = []
    for item in appointment.items.all():
        service = item.service.service
        name = in_language(service.name, service.name_en)
        documents = plain_text(in_language(service.required_documents, service.required_documents_en))
        result.append((f"{item.quantity} × {name}" if item.quantity > 1 else name, documents))
    return result


def location_line(appointment: Appointment) -> str:
    location = appointment.location
    return f"{in_language(location.name, location.name_en)}, {location.street}, {location.postal_code} {location.city}"


def appointment_ics(appointment: Appointment) -> bytes:
    """One VEVENT for ``appointment``, published by the municipality; its UID stays the same when it moves."""
    with translation.override(appointment.language or "de"):
        portal = municipality_portal_url(municipality=appointment.municipality)
        host = portal.split("://", 1)[-1] or "rathaus.invalid"
        calendar = Calendar()
        calendar.add("prodid", "-//Rathaus//Termine//DE")
        calendar.add("version", "2.0")
        cancelled = appointment.state in (Appointment.State.CANCELLED, Appointment.State.EXPIRED)
        # A cancellation tells calendars to drop the entry with this UID (RFC 5546).
        calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
        event = Event()
        event.add("uid", f"{appointment.uuid}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        event.add(
            "summary", _("Termin: %(services)s") % {"services": ", ".join(n for n, _d in what_to_bring(appointment))}
        )
        event.add("location", location_line(appointment))
        lines = [_("Buchungsnummer: %(code)s") % {"code": appointment.code}, ""]
        for name, documents in what_to_bring(appointment):
            if documents:
                lines += [_("Bitte mitbringen für %(service)s:") % {"service": name}, documents, ""]
        accessibility = in_language(appointment.location.accessibility, appointment.location.accessibility_en)
        if accessibility:
            lines += [_("Barrierefreiheit: %(note)s") % {"note": accessibility}]
        event.add("description", "\n".join(lines).strip())
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        # A moved appointment keeps its UID; a higher sequence tells calendars to replace the old entry.
        event.add("sequence", int(timezone.now().timestamp()) // 60 - int(appointment.created_at.timestamp()) // 60)
        if portal:
            event.add("url", portal)
        calendar.add_component(event)
        return calendar.to_ical()
