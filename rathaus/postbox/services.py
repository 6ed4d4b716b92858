"""Writes on the postbox: messages between the administration and the applicant."""

from django.db import transaction

from rathaus.accounts.models import User
from rathaus.cases.models import Case

from .models import Message


def message_send(
    *, case: Case, sender: User | None, subject: str, body: str, kind: str = Message.Kind.MESSAGE
) -> Message:
    """A message from the administration to the applicant's postbox."""
    with transaction.atomic():
        return Message.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            direction=Message.Direction.TO_CITIZEN,
            kind=kind,
            sender=sender,
            subject=subject,
            body=body,
        )
