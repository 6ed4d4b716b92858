"""Personal data in accessibility feedback: exported, and anonymised when the account goes."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import PersonalDataProvider

from .models import AccessibilityFeedback


def _export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "municipality": feedback.municipality.name,
            "page_url": feedback.page_url,
            "message": feedback.message,
            "name": feedback.name,
            "email": feedback.email,
            "status": feedback.status,
            "created_at": feedback.created_at.isoformat(),
        }
        for feedback in AccessibilityFeedback.objects.filter(submitted_by=user).select_related("municipality")
    ]


def _erase(user: User) -> str:
    # The barrier itself stays reported (the municipality must fix it); who reported it does not.
    count = AccessibilityFeedback.objects.filter(submitted_by=user).update(submitted_by=None, name="", email="")
    return ngettext(
        "%(count)d Rückmeldung zur Barrierefreiheit anonymisiert.",
        "%(count)d Rückmeldungen zur Barrierefreiheit anonymisiert.",
        count,
    ) % {"count": count}


def _retention_notice(user: User) -> str:
    if not AccessibilityFeedback.objects.filter(submitted_by=user).exists():
        return ""
    return _(
        "Ihre Rückmeldungen zur Barrierefreiheit bleiben ohne Ihren Namen und Ihre E-Mail-Adresse erhalten, "
        "damit die gemeldeten Barrieren behoben werden können."
    )


provider = PersonalDataProvider(
    key="accessibility_feedback", export=_export, erase=_erase, retention_notice=_retention_notice
)
