"""E-mails about appointments, sent by the worker in the language the person booked in.

An e-mail carries only what its recipient gave us and needs: the time, the place, what to bring and
the links that let them confirm, cancel or move without an account. Links are signed tokens, rebuilt
here from the appointment, so no secret is stored.
"""

import logging
from datetime import datetime
from urllib.parse import urlencode

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.municipalities.selectors import municipality_sender

from .ics import appointment_ics, location_line, what_to_bring
from .models import Appointment, LotteryEntry
from .selectors import in_language, municipality_portal_url
from .tokens import Purpose, appointment_token

logger = logging.getLogger(__name__)

# The citizen pages that take a token (rathaus/appointments/citizen_urls.py).
TOKEN_URL_NAMES: dict[Purpose, str] = {"confirm": "appointments:confirm", "manage": "appointments:manage"}
WAITLIST_URL_NAME = "appointments:waitlist"
BOOKING_URL_NAME = "appointments:start"
# Query parameters the citizen waitlist page reads to open with the service (and location) chosen.
ITEMS_PARAM = "anliegen"
LOCATION_PARAM = "standort"

KINDS = ("confirm_link", "confirmed", "moved", "cancelled", "waitlist_offer", "reminder")


def appointment_link(appointment: Appointment, purpose: Purpose) -> str:
    """The absolute address on the municipality's host that confirms or manages ``appointment``."""
    path = reverse(TOKEN_URL_NAMES[purpose], args=[appointment_token(appointment, purpose)])
    return municipality_portal_url(municipality=appointment.municipality) + path


def _waitlist_link(portal_url: str, *, service_id: int, quantity: int, location_slug: str) -> str:
    """The waitlist page with the service, quantity and location already chosen."""
    query = urlencode({ITEMS_PARAM: f"{service_id}:{quantity}", LOCATION_PARAM: location_slug})
    return f"{portal_url}{reverse(WAITLIST_URL_NAME)}?{query}"


def _due(appointment: Appointment, kind: str, now: datetime) -> bool:
    """Whether ``kind`` still fits the appointment's state, so a late or repeated run sends nothing wrong."""
    held = appointment.state == Appointment.State.HELD and (
        appointment.hold_expires_at is None or appointment.hold_expires_at > now
    )
    if kind in ("confirm_link", "waitlist_offer"):
        return held
    if kind in ("confirmed", "moved"):
        return appointment.state == Appointment.State.CONFIRMED
    if kind == "reminder":
        return appointment.state == Appointment.State.CONFIRMED and appointment.starts_at > now
    return kind == "cancelled" and appointment.state == Appointment.State.CANCELLED


def _context(appointment: Appointment) -> dict[str, object]:
    location = appointment.location
    return {
        "municipality": appointment.municipality,
        "appointment": appointment,
        "location_name": in_language(location.name, location.name_en),
        "location_line": location_line(appointment),
        "accessibility": in_language(location.accessibility, location.accessibility_en),
        "directions": in_language(location.directions, location.directions_en),
        "services": what_to_bring(appointment),
    }


def _subject(kind: str, appointment: Appointment) -> str:
    when = timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y %H:%M")
    subjects = {
        "confirm_link": _("Bitte bestätigen Sie Ihren Termin am %(when)s"),
        "confirmed": _("Ihr Termin am %(when)s ist gebucht"),
        "moved": _("Ihr Termin ist verschoben auf den %(when)s"),
        "cancelled": _("Ihr Termin am %(when)s ist abgesagt"),
        "waitlist_offer": _("Ein Termin ist frei geworden: %(when)s"),
        "reminder": _("Erinnerung an Ihren Termin am %(when)s"),
    }
    return subjects[kind] % {"when": when}


def appointment_email_message(appointment: Appointment, kind: str) -> EmailMessage:
    """The e-mail of ``kind`` for ``appointment``, in its language, with the calendar file where it helps."""
    with translation.override(appointment.language or "de"):
        context = _context(appointment)
        if kind in ("confirm_link", "waitlist_offer"):
            context["confirm_url"] = appointment_link(appointment, "confirm")
        if kind in ("confirm_link", "confirmed", "moved", "waitlist_offer", "reminder"):
            context["manage_url"] = appointment_link(appointment, "manage")
        if kind == "cancelled":
            portal = municipality_portal_url(municipality=appointment.municipality)
            context["booking_url"] = portal + reverse(BOOKING_URL_NAME)
        message = EmailMessage(
            subject=_subject(kind, appointment),
            body=render_to_string(f"appointments/email/{kind}.txt", context),
            from_email=municipality_sender(municipality=appointment.municipality),
            to=[appointment.email],
        )
        if kind in ("confirmed", "moved", "reminder", "cancelled"):
            # The cancellation carries the same UID with METHOD:CANCEL, so calendars drop the entry.
            message.attach("termin.ics", appointment_ics(appointment).decode(), "text/calendar")
        return message


def appointment_email_send(*, appointment_id: int, kind: str) -> bool:
    """Send the e-mail of ``kind`` if it still fits the appointment; returns whether it sent."""
    if kind not in KINDS:
        raise ValueError(f"Unknown appointment e-mail {kind!r}")
    appointment = (
        Appointment.objects.select_related("location", "municipality")
        .prefetch_related("items__service__service")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not appointment.email or not _due(appointment, kind, timezone.now()):
        return False
    key = f"{kind}:{appointment.starts_at.isoformat()}"
    if not _claim_email(appointment.pk, key):
        return False
    try:
        appointment_email_message(appointment, kind).send()
    except Exception:
        _release_email(appointment.pk, key)
        raise
    return True


def _claim_email(appointment_id: int, key: str) -> bool:
    # Claimed before sending, so two runs at once cannot both send; a failed send gives it back.
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().only("pk", "emails_sent").get(pk=appointment_id)
        if key in locked.emails_sent:
            return False
        locked.emails_sent = [*locked.emails_sent, key]
        locked.save(update_fields=["emails_sent"])
    return True


def _release_email(appointment_id: int, key: str) -> None:
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().only("pk", "emails_sent").get(pk=appointment_id)
        locked.emails_sent = [sent for sent in locked.emails_sent if sent != key]
        locked.save(update_fields=["emails_sent"])


def lottery_result_send(*, entry_id: int) -> bool:
    """Tell a participant of a fair release whether they got a time; winners get a link to confirm it."""
    entry = (
        LotteryEntry.objects.select_related("window__municipality", "window__location", "window__service__service")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.state == LotteryEntry.State.PENDING or entry.result_sent_at is not None:
        return False
    now = timezone.now()
    if not LotteryEntry.objects.filter(pk=entry.pk, result_sent_at__isnull=True).update(result_sent_at=now):
        return False
    try:
        _lottery_message(entry).send()
    except Exception:
        LotteryEntry.objects.filter(pk=entry.pk, result_sent_at=now).update(result_sent_at=None)
        raise
    return True


def _lottery_message(entry: LotteryEntry) -> EmailMessage:
    window = entry.window
    with translation.override(entry.language or "de"):
        portal = municipality_portal_url(municipality=window.municipality)
        context: dict[str, object] = {
            "municipality": window.municipality,
            "entry": entry,
            "service_name": in_language(window.service.service.name, window.service.service.name_en),
            "waitlist_url": _waitlist_link(
                portal, service_id=window.service_id, quantity=entry.quantity, location_slug=window.location.slug
            ),
        }
        appointment = None
        if entry.state == LotteryEntry.State.WON and entry.appointment_id is not None:
            appointment = (
                Appointment.objects.select_related("location", "municipality")
                .prefetch_related("items__service__service")
                .get(pk=entry.appointment_id)
            )
            context.update(_context(appointment))
            context["confirm_url"] = appointment_link(appointment, "confirm")
            context["manage_url"] = appointment_link(appointment, "manage")
        subject = (
            _("Sie haben einen Termin erhalten: Bitte bestätigen Sie ihn")
            if appointment is not None
            else _("Leider kein Termin frei")
        )
        message = EmailMessage(
            subject=subject,
            body=render_to_string(
                "appointments/email/lottery_won.txt" if appointment else "appointments/email/lottery_lost.txt",
                context,
            ),
            from_email=municipality_sender(municipality=window.municipality),
            to=[entry.email],
        )
    return message
