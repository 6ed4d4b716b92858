"""Appointments shown on pages of other apps (a case's page), without those apps' views knowing about them."""

from typing import Any

from django import template
from django.utils import timezone

from ..models import Appointment
from ..selectors import appointments_of_case
from ..tokens import appointment_token

register = template.Library()


@register.simple_tag
def case_appointments(case: Any) -> list[Appointment]:
    """The appointments of ``case``, read within the case's own municipality."""
    return list(appointments_of_case(municipality=case.municipality, case=case))


@register.simple_tag
def appointment_manage_token(appointment: Appointment) -> str:
    """The signed link token for managing an appointment, for its own citizen; empty once it cannot change."""
    changeable = appointment.state in (Appointment.State.HELD, Appointment.State.CONFIRMED)
    return appointment_token(appointment, "manage") if changeable and appointment.starts_at > timezone.now() else ""
