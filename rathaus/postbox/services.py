"""Writes on the postbox: messages between the administration and the applicant."""

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction

from rathaus.accounts.models import User
from rathaus.cases.models import Case

from .models import Attachment, Message


def _attach(message: Message, attachments: Iterable[tuple[str, str, bytes]]) -> list[Attachment]:
    stored: list[Attachment] = []
    try:
        for name, content_type, content in attachments:
            attachment = Attachment(message=message, name=name, content_type=content_type, size=len(content))
            attachment.file.save(name, ContentFile(content), save=False)
            stored.append(attachment)
            attachment.save()
    except Exception:
        # The transaction rolls back; files already written would be left without a row.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def message_send(
    *,
    case: Case,
    sender: User | None,
    subject: str,
    body: str,
    kind: str = Message.Kind.MESSAGE,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> Message:
    """A message from the administration to the applicant's postbox; ``attachments``: (name, type, bytes)."""
    with transaction.atomic():
        message = Message.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            direction=Message.Direction.TO_CITIZEN,
            kind=kind,
            sender=sender,
            subject=subject,
            body=body,
        )
        _attach(message, attachments)
        return message
