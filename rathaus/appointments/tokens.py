"""Signed links for confirming, cancelling and moving an appointment without an account.

A token names the appointment (by its uuid) and what it may be used for; it is signed with the
project's secret key, so nothing secret is stored and the worker can rebuild a link for an e-mail.
A confirm link lives as long as the longest possible offer; a manage link as long as the
appointment can still be changed, which the services check themselves.
"""

from datetime import timedelta
from typing import Literal

from django.core import signing
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Municipality

from .models import Appointment
from .services import BookingRefused

Purpose = Literal["confirm", "manage"]

_SALT = "rathaus.appointments.token."
# The longest an offer can wait for confirmation (waitlist offers, up to 72 hours), with a margin.
CONFIRM_MAX_AGE = timedelta(days=4)
MANAGE_MAX_AGE = timedelta(days=400)


def appointment_token(appointment: Appointment, purpose: Purpose) -> str:
    """A URL-safe signed token for ``purpose`` on ``appointment``."""
    return signing.dumps(str(appointment.uuid), salt=_SALT + purpose)


def appointment_from_token(*, municipality: Municipality, token: str, purpose: Purpose) -> Appointment:
    """The appointment a token of ``municipality`` names; refuses forged, expired or foreign tokens."""
    max_age = CONFIRM_MAX_AGE if purpose == "confirm" else MANAGE_MAX_AGE
    try:
        appointment_uuid = signing.loads(token, salt=_SALT + purpose, max_age=max_age)
    except signing.SignatureExpired as error:
        raise BookingRefused(_("Dieser Link ist abgelaufen. Bitte buchen Sie einen neuen Termin.")) from error
    except signing.BadSignature as error:
        raise BookingRefused(_("Dieser Link ist ungültig. Bitte prüfen Sie, ob er vollständig ist.")) from error
    appointment = (
        Appointment.objects.select_related("location", "counter", "municipality")
        .filter(municipality=municipality, uuid=appointment_uuid)
        .first()
    )
    if appointment is None:
        raise BookingRefused(_("Dieser Link ist ungültig. Bitte prüfen Sie, ob er vollständig ist."))
    return appointment
