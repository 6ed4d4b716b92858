"""What case management stores about a person: cases filed from the account and the postbox."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import PersonalDataProvider

from .models import Case


def _export(user: User) -> list[dict[str, Any]]:
    cases = (
        Case.objects.filter(applicant=user)
        .select_related("municipality", "service")
        .prefetch_related("events", "messages__attachments")
        .order_by("received_at")
    )
    return [
        {
            "municipality": case.municipality.name,
            "reference": case.reference,
            "service": case.service.name,
            "channel": case.channel,
            "state": case.state,
            "outcome": case.outcome,
            "received_at": case.received_at.isoformat(),
            "applicant": {
                "name": case.applicant_name,
                "email": case.applicant_email,
                "phone": case.applicant_phone,
                "address": case.applicant_address,
            },
            "description": case.description,
            "history": [
                {"what": event.kind, "state": event.state_to, "when": event.created_at.isoformat()}
                for event in case.events.all()
                if event.public
            ],
            "postbox": [
                {
                    "direction": message.direction,
                    "kind": message.kind,
                    "subject": message.subject,
                    "body": message.body,
                    "sent_at": message.created_at.isoformat(),
                    "read_at": message.read_at.isoformat() if message.read_at else None,
                    "attachments": [attachment.name for attachment in message.attachments.all()],
                }
                for message in case.messages.all()
            ],
        }
        for case in cases
    ]


def _erase(user: User) -> str:
    # A case is a record of the administration and is kept until its retention period ends;
    # the account's link goes, name and address stay with the case for the office.
    count = Case.objects.filter(applicant=user).update(applicant=None)
    return ngettext(
        "%(count)d Vorgang vom Konto getrennt.",
        "%(count)d Vorgänge vom Konto getrennt.",
        count,
    ) % {"count": count}


def _retention_notice(user: User) -> str:
    if not Case.objects.filter(applicant=user).exists():
        return ""
    return _(
        "Ihre Vorgänge und die Nachrichten in Ihrem Postfach bewahrt die Verwaltung auf, bis die gesetzliche "
        "Aufbewahrungsfrist nach Abschluss abläuft; danach werden die personenbezogenen Daten gelöscht. "
        "Offene Vorgänge bearbeitet die zuständige Stelle weiter und meldet sich auf anderem Weg bei Ihnen."
    )


provider = PersonalDataProvider(key="cases", export=_export, erase=_erase, retention_notice=_retention_notice)
