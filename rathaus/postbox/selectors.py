"""Reads on the postbox. The citizen sees the messages of their own cases, staff those of their offices."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.cases.selectors import cases_for_citizen
from rathaus.municipalities.models import Municipality

from .models import Attachment, Message


def messages_for_citizen(*, municipality: Municipality, user: User) -> QuerySet[Message]:
    """Every message of the citizen's cases, both directions, newest first."""
    return (
        Message.objects.filter(
            municipality=municipality, case__in=cases_for_citizen(municipality=municipality, user=user)
        )
        .select_related("case__service")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )


def message_for_citizen(*, municipality: Municipality, user: User, message_id: Any) -> Message | None:
    return (
        messages_for_citizen(municipality=municipality, user=user)
        .select_related("case__case_type", "in_reply_to")
        .filter(pk=message_id)
        .first()
    )


def unread_count_for_citizen(*, municipality: Municipality, user: User) -> int:
    return (
        Message.objects.filter(
            municipality=municipality,
            direction=Message.Direction.TO_CITIZEN,
            read_at__isnull=True,
            case__in=cases_for_citizen(municipality=municipality, user=user),
        )
        .order_by()
        .count()
    )


def attachment_for_citizen(*, municipality: Municipality, user: User, attachment_id: Any) -> Attachment | None:
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            message__municipality=municipality,
            message__case__in=cases_for_citizen(municipality=municipality, user=user),
        )
        .select_related("message")
        .first()
    )


def case_messages(*, case: Case) -> QuerySet[Message]:
    """The thread of ``case``, oldest first, with attachments; the caller has checked access to the case."""
    return (
        Message.objects.filter(case=case)
        .select_related("sender", "in_reply_to")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")))
        .order_by("created_at", "pk")
    )


def case_attachment(*, case: Case, attachment_id: Any) -> Attachment | None:
    """An attachment of a message of ``case``; the caller has checked access to the case."""
    return Attachment.objects.filter(pk=attachment_id, message__case=case).select_related("message").first()


def open_request(*, case: Case) -> Message | None:
    """The newest request for information of ``case`` not answered yet."""
    return (
        Message.objects.filter(case=case, kind=Message.Kind.REQUEST, answered_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
