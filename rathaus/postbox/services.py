"""Writes on the postbox: messages between the administration and the applicant."""

from collections.abc import Iterable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import StaffMembership, User
from rathaus.audit.services import audit_record
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.services import case_transition_via, staff_role

from .models import Attachment, Message

MAX_ATTACHMENTS = 5
# A second identical reply to the same message within this time is the same form sent twice
# (a double click, a reload after a slow answer), not a new message.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


class MessageRefused(Exception):
    """A message that cannot be sent as things stand; the message says why, for the person who tried."""


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


def _notify_on_commit(message: Message) -> None:
    from .tasks import message_notify

    message_id = str(message.pk)
    transaction.on_commit(lambda: message_notify.enqueue(message_id=message_id))


def _audit(case: Case, action: str, actor: User | None, **details: object) -> None:
    audit_record(
        municipality_id=case.municipality_id,
        actor=actor,
        action=action,
        object_type="case",
        object_id=case.pk,
        details=details,
    )


def message_send(
    *,
    case: Case,
    sender: User | None,
    subject: str,
    body: str,
    kind: str = Message.Kind.MESSAGE,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> Message:
    """A message from the administration to the applicant's postbox; ``attachments``: (name, type, bytes).

    The applicant is told by e-mail, after the commit, that something new is in the postbox.
    """
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
        stored = _attach(message, attachments)
        _audit(case, "message.sent", sender, message=str(message.pk), kind=kind, attachments=len(stored))
        _notify_on_commit(message)
        return message


def case_message_send(
    *,
    case: Case,
    actor: User,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> Message:
    """A clerk writes to the applicant; the citizen's timeline says that a message came."""
    with transaction.atomic():
        message = message_send(case=case, sender=actor, subject=subject, body=body, attachments=attachments)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.MESSAGE_SENT, actor=actor, public=True, data={"message": str(message.pk)}
        )
        return message


def case_request_information(
    *,
    case: Case,
    membership: StaffMembership,
    actor: User,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> Message:
    """Ask the applicant for a missing document or answer; the deadline rests until the answer comes."""
    with transaction.atomic():
        # The transition comes first: a case that cannot wait for an answer gets no request either.
        waiting = case_transition_via(case=case, via="request", role=staff_role(membership), actor=actor)
        message = message_send(
            case=waiting,
            sender=actor,
            subject=subject,
            body=body,
            kind=Message.Kind.REQUEST,
            attachments=attachments,
        )
        CaseEvent.objects.create(
            case=waiting, kind=CaseEvent.Kind.REQUEST, actor=actor, public=True, data={"message": str(message.pk)}
        )
        _audit(waiting, "case.information_requested", actor, message=str(message.pk))
        return message


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",), no_key=True).select_related("case_type").get(pk=case.pk)


def message_reply(
    *,
    message: Message,
    user: User,
    body: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> Message:
    """The citizen answers a message; an open request for information is answered and the case moves on.

    Sending the same text again within a short time returns the first reply instead of a second one.
    """
    body = body.strip()
    if not body:
        raise MessageRefused(_("Bitte schreiben Sie eine Antwort."))
    if message.direction != Message.Direction.TO_CITIZEN:
        raise MessageRefused(_("Auf diese Nachricht können Sie nicht antworten."))
    attachments = list(attachments)
    if len(attachments) > MAX_ATTACHMENTS:
        raise MessageRefused(_("Sie können höchstens %(count)s Dateien anhängen.") % {"count": MAX_ATTACHMENTS})
    with transaction.atomic():
        # The case row serialises replies to it, so a double submit finds the first reply.
        case = _lock_case(message.case)
        workflow = flow.workflow_for(case.case_type)
        if workflow.kind(case.state) == flow.CLOSED:
            raise MessageRefused(
                _("Dieser Vorgang ist abgeschlossen. Bitte wenden Sie sich direkt an die zuständige Stelle.")
            )
        earlier = (
            Message.objects.filter(
                in_reply_to=message,
                sender=user,
                body=body,
                created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            return earlier
        original = Message.objects.select_for_update().get(pk=message.pk)
        reply = Message.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            direction=Message.Direction.FROM_CITIZEN,
            kind=Message.Kind.REPLY,
            sender=user,
            subject=_reply_subject(original.subject),
            body=body,
            in_reply_to=original,
        )
        stored = _attach(reply, attachments)
        answers_request = original.kind == Message.Kind.REQUEST and original.answered_at is None
        if answers_request:
            original.answered_at = reply.created_at
            original.save(update_fields=["answered_at"])
            if workflow.kind(case.state) == flow.PAUSED:
                case = case_transition_via(case=case, via="reply", role="citizen", actor=user)
        case.needs_attention = True
        case.save(update_fields=["needs_attention", "updated_at"])
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.ANSWER if answers_request else CaseEvent.Kind.MESSAGE_RECEIVED,
            actor=user,
            public=True,
            data={"message": str(reply.pk), "in_reply_to": str(original.pk), "attachments": len(stored)},
        )
        _audit(
            case,
            "message.received",
            user,
            message=str(reply.pk),
            in_reply_to=str(original.pk),
            answers_request=answers_request,
            attachments=len(stored),
        )
        _notify_on_commit(reply)
        return reply


def _reply_subject(subject: str) -> str:
    prefix = _("Antwort: ")
    subject = subject if subject.startswith(prefix) else prefix + subject
    return subject[: Message._meta.get_field("subject").max_length]


def message_mark_read(*, message: Message) -> bool:
    """The applicant opened a message: record the read receipt once; returns whether this was the first time."""
    if message.direction != Message.Direction.TO_CITIZEN or message.read_at is not None:
        return False
    now = timezone.now()
    marked = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
    if marked:
        message.read_at = now
    return bool(marked)
