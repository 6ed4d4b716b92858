"""Decision services: drafting from the template, four-eyes approval, sending to the postbox once."""

import pytest
from django.db import transaction

from rathaus.accounts.models import StaffMembership
from rathaus.audit.models import AuditEntry
from rathaus.cases import decisions, selectors
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent, Decision
from rathaus.cases.services import CaseRefused, case_transition_via
from rathaus.postbox.models import Message

pytestmark = pytest.mark.django_db


def _submitted(case, clerk) -> Decision:
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee="30.70")
    return decisions.decision_submit_for_approval(decision=decision, actor=clerk)


def _kinds(case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def test_drafting_writes_the_letter_from_the_template_as_an_internal_step(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee="30.70")

    assert decision.state == Decision.State.DRAFT
    assert decision.drafted_by == clerk
    assert "Sehr geehrte(r) Erika Mustermann" in decision.letter_text
    assert "Ihrem Antrag wird stattgegeben." in decision.letter_text
    assert "30,70 Euro" in decision.letter_text
    event = case.events.get(kind=CaseEvent.Kind.DECISION_DRAFTED)
    assert event.public is False
    assert AuditEntry.objects.filter(action="decision.drafted", object_id=str(case.pk)).exists()


def test_the_drafter_can_change_text_outcome_and_fee_before_sending(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)

    changed = decisions.decision_update_text(
        decision=decision, actor=clerk, letter_text="Ein eigener Text.", outcome=Case.Outcome.REJECTED, fee="12.5"
    )

    changed.refresh_from_db()
    assert changed.letter_text == "Ein eigener Text."
    assert changed.outcome == Case.Outcome.REJECTED
    assert str(changed.fee) == "12.50"


def test_a_letter_cannot_be_saved_without_text(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)

    with pytest.raises(CaseRefused):
        decisions.decision_update_text(
            decision=decision, actor=clerk, letter_text="  ", outcome=Case.Outcome.APPROVED, fee=0
        )


def test_a_clerk_of_another_office_cannot_draft_a_decision(case, other_office_clerk):
    with pytest.raises(CaseRefused):
        decisions.decision_draft(case=case, actor=other_office_clerk, outcome=Case.Outcome.APPROVED, fee=0)

    assert not Decision.objects.filter(case=case).exists()


def test_no_decision_is_drafted_while_waiting_for_the_applicant(case, clerk):
    with transaction.atomic():
        case_transition_via(case=case, via="request", role="clerk", actor=clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)


def test_without_four_eyes_the_drafter_sends_the_decision_to_the_postbox(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee="30.70")

    sent = decisions.decision_send(decision=decision, actor=clerk)

    case.refresh_from_db()
    assert sent.state == Decision.State.SENT
    assert sent.sent_at is not None
    assert case.state == flow.DECIDED_STATE
    assert case.outcome == Case.Outcome.APPROVED
    assert case.decided_at is not None
    message = Message.objects.get(case=case)
    assert message.kind == Message.Kind.DECISION
    assert message.direction == Message.Direction.TO_CITIZEN
    attachment = message.attachments.get()
    assert attachment.name == "bescheid-ES-2026-000042.pdf"
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    stored_decision = Decision.objects.get(pk=decision.pk)
    assert stored_decision.document.name.endswith(".pdf")
    with stored_decision.document.open("rb") as document:
        assert document.read().startswith(b"%PDF-")
    sent_event = case.events.get(kind=CaseEvent.Kind.DECISION_SENT)
    assert sent_event.public is True
    assert AuditEntry.objects.filter(action="decision.sent", object_id=str(case.pk)).exists()


def test_sending_twice_sends_once(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.REJECTED, fee=0)

    decisions.decision_send(decision=decision, actor=clerk)
    decisions.decision_send(decision=decision, actor=clerk)

    assert Message.objects.filter(case=case, kind=Message.Kind.DECISION).count() == 1
    assert _kinds(case).count(CaseEvent.Kind.DECISION_SENT) == 1
    assert case.events.filter(kind=CaseEvent.Kind.TRANSITION, state_to=flow.DECIDED_STATE).count() == 1


def test_a_sent_decision_cannot_be_changed(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.REJECTED, fee=0)
    decisions.decision_send(decision=decision, actor=clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_update_text(
            decision=decision, actor=clerk, letter_text="Neu", outcome=Case.Outcome.APPROVED, fee=0
        )


def test_with_four_eyes_the_drafter_cannot_send_without_approval(four_eyes_case, clerk):
    decision = decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)

    with pytest.raises(CaseRefused):
        decisions.decision_send(decision=decision, actor=clerk)

    assert not Message.objects.filter(case=four_eyes_case).exists()


def test_submitting_for_approval_needs_a_case_type_with_four_eyes(case, clerk):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)

    with pytest.raises(CaseRefused):
        decisions.decision_submit_for_approval(decision=decision, actor=clerk)


def test_the_drafter_cannot_approve_their_own_decision(four_eyes_case, clerk):
    decision = _submitted(four_eyes_case, clerk)

    with pytest.raises(CaseRefused, match="selbst verfasst"):
        decisions.decision_approve(decision=decision, approver=clerk)

    decision.refresh_from_db()
    assert decision.state == Decision.State.AWAITING_APPROVAL
    assert not Message.objects.filter(case=four_eyes_case).exists()


def test_a_second_clerk_approves_and_the_decision_is_sent(four_eyes_case, clerk, second_clerk):
    decision = _submitted(four_eyes_case, clerk)

    approved = decisions.decision_approve(decision=decision, approver=second_clerk)

    four_eyes_case.refresh_from_db()
    assert approved.state == Decision.State.SENT
    assert approved.approved_by == second_clerk
    assert four_eyes_case.state == flow.DECIDED_STATE
    assert four_eyes_case.outcome == Case.Outcome.APPROVED
    message = Message.objects.get(case=four_eyes_case, kind=Message.Kind.DECISION)
    assert message.attachments.get().name == "bescheid-ES-2026-000042.pdf"
    assert _kinds(four_eyes_case) == [
        CaseEvent.Kind.DECISION_DRAFTED,
        CaseEvent.Kind.DECISION_SUBMITTED,
        CaseEvent.Kind.TRANSITION,
        CaseEvent.Kind.DECISION_SENT,
    ]
    public = list(four_eyes_case.events.filter(public=True).values_list("kind", flat=True))
    assert public == [CaseEvent.Kind.TRANSITION, CaseEvent.Kind.DECISION_SENT]
    assert AuditEntry.objects.filter(action="decision.approved", actor_id=second_clerk.pk).exists()


def test_approving_twice_sends_once(four_eyes_case, clerk, second_clerk):
    decision = _submitted(four_eyes_case, clerk)

    decisions.decision_approve(decision=decision, approver=second_clerk)
    decisions.decision_approve(decision=decision, approver=second_clerk)

    assert Message.objects.filter(case=four_eyes_case).count() == 1


def test_the_office_lead_may_approve(four_eyes_case, clerk, office_lead):
    decision = _submitted(four_eyes_case, clerk)

    assert decisions.decision_approve(decision=decision, approver=office_lead).state == Decision.State.SENT


def test_a_colleague_who_changed_the_letter_cannot_approve_it(four_eyes_case, clerk, second_clerk, office_lead):
    decision = decisions.decision_draft(case=four_eyes_case, actor=second_clerk, outcome=Case.Outcome.APPROVED, fee=0)
    decision = decisions.decision_update_text(
        decision=decision, actor=clerk, letter_text="Überarbeitet.", outcome=Case.Outcome.APPROVED, fee=0
    )
    decision = decisions.decision_submit_for_approval(decision=decision, actor=clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_approve(decision=decision, approver=second_clerk)
    assert decisions.decision_approve(decision=decision, approver=office_lead).state == Decision.State.SENT


def test_a_clerk_of_another_office_cannot_approve(four_eyes_case, clerk, other_office_clerk):
    decision = _submitted(four_eyes_case, clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_approve(decision=decision, approver=other_office_clerk)


def test_returning_gives_the_draft_back_with_a_note(four_eyes_case, clerk, second_clerk):
    decision = _submitted(four_eyes_case, clerk)

    returned = decisions.decision_return(decision=decision, approver=second_clerk, note="Bitte Gebühr prüfen.")

    assert returned.state == Decision.State.DRAFT
    assert returned.return_note == "Bitte Gebühr prüfen."
    event = four_eyes_case.events.get(kind=CaseEvent.Kind.DECISION_RETURNED)
    assert event.public is False
    # Back in draft, the drafter may change the letter again and submit it anew.
    decisions.decision_update_text(
        decision=returned, actor=clerk, letter_text="Korrigiert.", outcome=Case.Outcome.APPROVED, fee=0
    )
    assert decisions.decision_submit_for_approval(decision=returned, actor=clerk).return_note == ""


def test_returning_needs_a_note_and_a_second_person(four_eyes_case, clerk, second_clerk):
    decision = _submitted(four_eyes_case, clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_return(decision=decision, approver=second_clerk, note=" ")
    with pytest.raises(CaseRefused):
        decisions.decision_return(decision=decision, approver=clerk, note="Selbst zurück.")


def test_a_submitted_decision_cannot_be_edited(four_eyes_case, clerk):
    decision = _submitted(four_eyes_case, clerk)

    with pytest.raises(CaseRefused):
        decisions.decision_update_text(
            decision=decision, actor=clerk, letter_text="Neu", outcome=Case.Outcome.APPROVED, fee=0
        )
    with pytest.raises(CaseRefused):
        decisions.decision_draft(case=four_eyes_case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)


def test_the_approval_queue_shows_colleagues_decisions_but_not_ones_own(
    esslingen, four_eyes_case, clerk, second_clerk, other_office_clerk
):
    _submitted(four_eyes_case, clerk)

    def queue(user):
        membership = StaffMembership.objects.get(user=user, municipality=esslingen)
        return list(selectors.decisions_awaiting_approval(municipality=esslingen, membership=membership))

    assert [decision.case for decision in queue(second_clerk)] == [four_eyes_case]
    assert queue(clerk) == []
    assert queue(other_office_clerk) == []


def test_a_decision_is_not_sent_once_the_application_was_withdrawn(case, clerk, tmp_path):
    decision = decisions.decision_draft(case=case, actor=clerk, outcome=Case.Outcome.APPROVED, fee=0)
    # Withdrawn meanwhile: the decision transition is no longer possible.
    with transaction.atomic():
        case_transition_via(case=case, via="withdrawal", role="citizen", actor=None)

    with pytest.raises(CaseRefused):
        decisions.decision_send(decision=decision, actor=clerk)

    assert Decision.objects.get(pk=decision.pk).state == Decision.State.DRAFT
    assert not Message.objects.filter(case=case).exists()
    assert not list(tmp_path.rglob("bescheid-*.pdf"))
