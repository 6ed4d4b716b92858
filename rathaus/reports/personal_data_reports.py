"""What the Mängelmelder stores about a person: reports made from the account and subscriptions."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import PersonalDataProvider

from .models import Report, ReportSubscription


def _export(user: User) -> dict[str, Any]:
    reports = Report.objects.filter(reporter=user).select_related("municipality", "category").order_by("created_at")
    subscriptions = ReportSubscription.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related(
        "report__category"
    )
    return {
        "reports": [
            {
                "municipality": report.municipality.name,
                "category": report.category.name,
                "status": report.status,
                "created_at": report.created_at.isoformat(),
                "description": report.description,
                "address": report.address,
                "location_description": report.location_description,
                "lat": report.lat,
                "lon": report.lon,
                "answers": report.answers,
                "name": report.reporter_name,
                "email": report.reporter_email,
                "phone": report.reporter_phone,
            }
            for report in reports
        ],
        "subscriptions": [
            {
                "report": str(subscription.report_id),
                "category": subscription.report.category.name,
                "email": subscription.email,
            }
            for subscription in subscriptions
        ],
    }


def _erase(user: User) -> str:
    # The defect stays reported (it is a matter of the street, not of the person); who reported it goes.
    count = Report.objects.filter(reporter=user).update(
        reporter=None, reporter_name="", reporter_email="", reporter_phone=""
    )
    ReportSubscription.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    return ngettext(
        "%(count)d Mängelmeldung anonymisiert.",
        "%(count)d Mängelmeldungen anonymisiert.",
        count,
    ) % {"count": count}


def _retention_notice(user: User) -> str:
    if not Report.objects.filter(reporter=user).exists():
        return ""
    return _(
        "Ihre Mängelmeldungen bleiben ohne Ihren Namen und Ihre Kontaktdaten bestehen, damit die Stadt die Mängel "
        "weiter beheben kann."
    )


provider = PersonalDataProvider(key="reports", export=_export, erase=_erase, retention_notice=_retention_notice)
