"""Postbox services: requests for information, the citizen's answer, read receipts, double submits."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.cases import workflow as flow
from rathaus.cases.models import CaseEvent
from rathaus.cases.services import CaseRefused, case_withdraw
from rathaus.postbox.models import Message
from rathaus.postbox.services import (
    MessageRefused,
    case_message_send,
    case_request_information,
    message_mark_read,
    message_reply,
    message_send,
)

from .factories import MessageFactory

BERLIN = ZoneInfo("Europe/Berlin")


def _ask(case, clerk, membership, **extra):
    return case_request_information(
        case=case,
        membership=membership,
        actor=clerk,
        subject="Rückfrage zu Ihrem Antrag",
        body="Bitte schicken Sie uns die Zulassungsbescheinigung.",
        **extra,
    )


def test_a_request_for_information_pauses_the_case_and_lands_in_the_postbox(citizen_case, clerk, clerk_membership):
    request = _ask(citizen_case, clerk, clerk_membership)

    citizen_case.refresh_from_db()
    assert citizen_case.state == flow.WAITING
    assert citizen_case.paused_at is not None
    assert request.kind == Message.Kind.REQUEST
    assert request.direction == Message.Direction.TO_CITIZEN
    assert request.sender == clerk
    event = CaseEvent.objects.get(case=citizen_case, kind=CaseEvent.Kind.REQUEST)
    assert event.public and event.data["message"] == str(request.pk)
    assert AuditEntry.objects.filter(action="case.information_requested", object_id=str(citizen_case.pk)).exists()


def test_no_request_for_information_once_the_case_is_decided(citizen_case, clerk, clerk_membership):
    citizen_case.state = flow.DECIDED_STATE
    citizen_case.save(update_fields=["state"])

    with pytest.raises(CaseRefused):
        _ask(citizen_case, clerk, clerk_membership)

    assert not Message.objects.filter(case=citizen_case).exists()


def test_the_answer_resumes_the_case_marks_it_and_extends_the_deadline_by_the_paused_working_days(
    citizen_case, clerk, clerk_membership, citizen, clock
):
    citizen_case.due_date = date(2026, 3, 20)
    citizen_case.save(update_fields=["due_date"])
    clock(datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN))  # Monday
    request = _ask(citizen_case, clerk, clerk_membership)

    clock(datetime(2026, 3, 5, 16, 0, tzinfo=BERLIN))  # Thursday: three working days later
    reply = message_reply(
        message=request,
        user=citizen,
        body="Anbei die Zulassungsbescheinigung.",
        attachments=[("zulassung.pdf", "application/pdf", b"%PDF-1.7 ...")],
    )

    citizen_case.refresh_from_db()
    request.refresh_from_db()
    assert citizen_case.state == flow.IN_PROGRESS
    assert citizen_case.paused_at is None
    assert citizen_case.paused_working_days == 3
    assert citizen_case.due_date == date(2026, 3, 25)
    assert citizen_case.needs_attention is True
    assert request.answered_at == reply.created_at
    assert reply.direction == Message.Direction.FROM_CITIZEN
    assert reply.kind == Message.Kind.REPLY
    assert reply.in_reply_to == request
    assert reply.attachments.get().name == "zulassung.pdf"
    answer = CaseEvent.objects.get(case=citizen_case, kind=CaseEvent.Kind.ANSWER)
    assert answer.public and answer.actor == citizen


def test_sending_the_same_answer_twice_gives_one_reply_and_one_transition(
    citizen_case, clerk, clerk_membership, citizen
):
    request = _ask(citizen_case, clerk, clerk_membership)

    first = message_reply(message=request, user=citizen, body="Hier ist die Unterlage.")
    second = message_reply(message=request, user=citizen, body="Hier ist die Unterlage.")

    assert first == second
    assert Message.objects.filter(in_reply_to=request).count() == 1
    assert (
        CaseEvent.objects.filter(case=citizen_case, kind=CaseEvent.Kind.TRANSITION, state_to=flow.IN_PROGRESS).count()
        == 1
    )


def test_a_second_different_answer_is_kept_as_a_plain_reply(citizen_case, clerk, clerk_membership, citizen):
    request = _ask(citizen_case, clerk, clerk_membership)
    message_reply(message=request, user=citizen, body="Hier ist die Unterlage.")

    later = message_reply(message=request, user=citizen, body="Und noch ein zweites Blatt.")

    assert Message.objects.filter(in_reply_to=request).count() == 2
    assert CaseEvent.objects.filter(case=citizen_case, kind=CaseEvent.Kind.MESSAGE_RECEIVED).get().data[
        "message"
    ] == str(later.pk)


def test_a_reply_to_a_plain_message_marks_the_case_without_moving_it(citizen_case, clerk, citizen):
    message = case_message_send(case=citizen_case, actor=clerk, subject="Hinweis", body="Wir sind dran.")

    message_reply(message=message, user=citizen, body="Danke!")

    citizen_case.refresh_from_db()
    assert citizen_case.state == flow.RECEIVED
    assert citizen_case.needs_attention is True
    assert CaseEvent.objects.filter(case=citizen_case, kind=CaseEvent.Kind.MESSAGE_SENT, public=True).exists()
    assert CaseEvent.objects.filter(case=citizen_case, kind=CaseEvent.Kind.MESSAGE_RECEIVED, public=True).exists()


def test_no_reply_to_a_withdrawn_case(citizen_case, citizen, clerk):
    message = message_send(case=citizen_case, sender=clerk, subject="Hinweis", body="Wir sind dran.")
    case_withdraw(case=citizen_case, user=citizen)

    with pytest.raises(MessageRefused):
        message_reply(message=message, user=citizen, body="Doch noch etwas.")


def test_no_reply_to_the_citizens_own_message(citizen_case, citizen):
    own = MessageFactory(case=citizen_case, direction=Message.Direction.FROM_CITIZEN, sender=citizen)

    with pytest.raises(MessageRefused):
        message_reply(message=own, user=citizen, body="Noch einmal.")


def test_an_empty_reply_is_refused(citizen_case, citizen):
    message = MessageFactory(case=citizen_case)

    with pytest.raises(MessageRefused):
        message_reply(message=message, user=citizen, body="   ")


def test_opening_a_message_records_the_read_receipt_once(citizen_case, clock):
    message = MessageFactory(case=citizen_case)
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN))
    assert message_mark_read(message=message) is True

    clock(datetime(2026, 3, 9, 9, 0, tzinfo=BERLIN))
    message.refresh_from_db()
    assert message_mark_read(message=message) is False

    message.refresh_from_db()
    assert message.read_at == datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
