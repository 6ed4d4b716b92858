"""What booking stores about a person with an account: the appointments booked while logged in."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import PersonalDataProvider

from .models import Appointment


def _export(user: User) -> list[dict[str, Any]]:
    appointments = (
        Appointment.objects.filter(user=user)
        .select_related("municipality", "location")
        .prefetch_related("items__service__service")
        .order_by("starts_at")
    )
    return [
        {
            "municipality": appointment.municipality.name,
            "code": appointment.code,
            "location": appointment.location.name,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
            "state": appointment.state,
            "channel": appointment.channel,
            "services": [
                {"service": item.service.service.name, "quantity": item.quantity} for item in appointment.items.all()
            ],
            "contact": {"name": appointment.name, "email": appointment.email, "phone": appointment.phone},
            "booked_at": appointment.created_at.isoformat(),
        }
        for appointment in appointments
    ]


def _erase(user: User) -> str:
    # Past appointments lose the person's details; upcoming ones keep them, so the office can still
    # serve them, and only lose the link to the account.
    now = timezone.now()
    past = Appointment.objects.filter(user=user, ends_at__lte=now).update(user=None, name="", email="", phone="")
    upcoming = Appointment.objects.filter(user=user).update(user=None)
    return ngettext(
        "%(count)d Termin vom Konto getrennt.",
        "%(count)d Termine vom Konto getrennt.",
        past + upcoming,
    ) % {"count": past + upcoming}


def _retention_notice(user: User) -> str:
    if not Appointment.objects.filter(user=user, ends_at__gt=timezone.now()).exists():
        return ""
    return _(
        "Ihre kommenden Termine bleiben gebucht. Name und Kontaktdaten dazu bewahrt die Verwaltung auf, bis der "
        "Termin vorbei ist. Wenn Sie einen Termin nicht mehr brauchen, sagen Sie ihn bitte über den Link in der "
        "Bestätigung ab."
    )


provider = PersonalDataProvider(key="appointments", export=_export, erase=_erase, retention_notice=_retention_notice)
