"""Decisions (Bescheide): drafting from the case type's template, optional four-eyes approval, sending.

With ``four_eyes`` on the case type, the drafter submits the letter for approval and the approval of
a second person (a colleague of the office or the office lead) sends it; without, the drafter sends
it. Sending renders the PDF/A letter, puts it in the citizen's postbox, records the outcome and takes
the workflow's ``decision`` transition, all in one transaction; sending twice sends once.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import StaffMembership, User
from rathaus.postbox.models import Message
from rathaus.postbox.services import message_send

from . import workflow as flow
from .letters import LETTER_CONTENT_TYPE, letter_file_name, letter_pdf_render, letter_text_render
from .models import Case, CaseEvent, Decision
from .services import CaseRefused, _audit, _event, _lock, case_transition_via, staff_role

# Checks ------------------------------------------------------------------------------------------


def _membership_in_office(user: User, case: Case) -> StaffMembership | None:
    """The person's membership if they work in the case's office; None otherwise."""
    return (
        StaffMembership.objects.filter(
            user=user, municipality_id=case.municipality_id, is_active=True, units=case.unit_id
        )
        .order_by("pk")
        .first()
    )


def _role_in_office(user: User, case: Case) -> str:
    membership = _membership_in_office(user, case)
    if membership is None:
        raise CaseRefused(_("Sie arbeiten nicht in der Stelle, die diesen Vorgang bearbeitet."))
    return staff_role(membership)


def _check_decision_possible(case: Case, role: str) -> None:
    workflow = flow.workflow_for(case.case_type)
    if workflow.transition_for(case.state, role, "decision") is None:
        raise CaseRefused(_("Im jetzigen Stand des Vorgangs kann kein Bescheid erstellt werden."))


def _clean_outcome(outcome: str) -> str:
    if outcome not in Case.Outcome.values:
        raise CaseRefused(_("Bitte wählen Sie eine Entscheidung."))
    return outcome


def _clean_fee(fee: Any) -> Decimal:
    try:
        amount = Decimal(str(fee if fee not in (None, "") else 0))
    except InvalidOperation:
        raise CaseRefused(_("Bitte geben Sie die Gebühr als Betrag an, zum Beispiel 25,00.")) from None
    if amount < 0 or amount >= Decimal("100000000"):
        raise CaseRefused(_("Die Gebühr muss zwischen 0 und 99.999.999,99 Euro liegen."))
    return amount.quantize(Decimal("0.01"))


def _lock_decision(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    # The case is read (not locked) with what the letter needs; _send locks it when it moves it on.
    locked.case = Case.objects.select_related("case_type", "service", "unit", "municipality").get(pk=locked.case_id)
    return locked


def _check_editable(decision: Decision) -> None:
    if decision.state == Decision.State.SENT:
        raise CaseRefused(_("Der Bescheid ist bereits versandt und kann nicht mehr geändert werden."))
    if decision.state == Decision.State.AWAITING_APPROVAL:
        raise CaseRefused(
            _("Der Bescheid wartet auf Freigabe. Ändern lässt er sich erst, wenn er zurückgegeben wurde.")
        )


def decision_authors(*, decision: Decision) -> set[int]:
    """Everyone who wrote or changed the letter: none of them may approve it."""
    authors = set(
        CaseEvent.objects.filter(case_id=decision.case_id, kind=CaseEvent.Kind.DECISION_DRAFTED)
        .exclude(actor__isnull=True)
        .values_list("actor_id", flat=True)
    )
    if decision.drafted_by_id is not None:
        authors.add(decision.drafted_by_id)
    return authors


def _check_approver(decision: Decision, approver: User) -> str:
    if approver.pk in decision_authors(decision=decision):
        raise CaseRefused(
            _(
                "Sie haben diesen Bescheid selbst verfasst. Freigeben muss ihn eine zweite Person: "
                "eine Kollegin oder ein Kollege der Stelle oder die Amtsleitung."
            )
        )
    return _role_in_office(approver, decision.case)


def decision_may_approve(*, decision: Decision, user: User) -> bool:
    """Whether ``user`` may approve or return ``decision`` now (for showing the buttons)."""
    if decision.state != Decision.State.AWAITING_APPROVAL:
        return False
    try:
        _check_approver(decision, user)
    except CaseRefused:
        return False
    return True


# Drafting ----------------------------------------------------------------------------------------


def decision_draft(*, case: Case, actor: User, outcome: str, fee: Any) -> Decision:
    """Write (or write again) the draft letter from the case type's template."""
    outcome = _clean_outcome(outcome)
    amount = _clean_fee(fee)
    with transaction.atomic():
        locked_case = _lock(case)
        role = _role_in_office(actor, locked_case)
        _check_decision_possible(locked_case, role)
        locked_case = Case.objects.select_related("case_type", "service", "unit").get(pk=locked_case.pk)
        letter_text = letter_text_render(case=locked_case, outcome=outcome, fee=amount)
        decision = Decision.objects.select_for_update().filter(case=locked_case).first()
        if decision is None:
            decision = Decision.objects.create(
                case=locked_case, outcome=outcome, fee=amount, letter_text=letter_text, drafted_by=actor
            )
        else:
            _check_editable(decision)
            decision.outcome, decision.fee, decision.letter_text, decision.drafted_by = (
                outcome,
                amount,
                letter_text,
                actor,
            )
            decision.save(update_fields=["outcome", "fee", "letter_text", "drafted_by"])
        _event(
            locked_case, CaseEvent.Kind.DECISION_DRAFTED, actor=actor, data={"outcome": outcome, "from_template": True}
        )
        _audit(locked_case, "decision.drafted", actor, outcome=outcome, fee=str(amount))
        return decision


def decision_update_text(*, decision: Decision, actor: User, letter_text: str, outcome: str, fee: Any) -> Decision:
    """Change the draft's text, outcome or fee; possible until it is submitted or sent."""
    outcome = _clean_outcome(outcome)
    amount = _clean_fee(fee)
    letter_text = letter_text.strip()
    if not letter_text:
        raise CaseRefused(_("Bitte schreiben Sie den Text des Bescheids."))
    with transaction.atomic():
        locked = _lock_decision(decision)
        _check_editable(locked)
        role = _role_in_office(actor, locked.case)
        _check_decision_possible(locked.case, role)
        locked.outcome, locked.fee, locked.letter_text, locked.drafted_by = outcome, amount, letter_text, actor
        locked.save(update_fields=["outcome", "fee", "letter_text", "drafted_by"])
        _event(locked.case, CaseEvent.Kind.DECISION_DRAFTED, actor=actor, data={"outcome": outcome, "edited": True})
        _audit(locked.case, "decision.edited", actor, outcome=outcome, fee=str(amount))
        return locked


# Four eyes ---------------------------------------------------------------------------------------


def decision_submit_for_approval(*, decision: Decision, actor: User) -> Decision:
    """Hand the draft to a second person for approval (case types with four eyes)."""
    with transaction.atomic():
        locked = _lock_decision(decision)
        if not locked.case.case_type.four_eyes:
            raise CaseRefused(_("Für diese Leistung ist keine Freigabe vorgesehen. Sie können den Bescheid versenden."))
        _check_editable(locked)
        role = _role_in_office(actor, locked.case)
        _check_decision_possible(locked.case, role)
        locked.state = Decision.State.AWAITING_APPROVAL
        locked.approval_requested_at = timezone.now()
        locked.return_note = ""
        locked.save(update_fields=["state", "approval_requested_at", "return_note"])
        _event(locked.case, CaseEvent.Kind.DECISION_SUBMITTED, actor=actor)
        _audit(locked.case, "decision.submitted", actor)
        return locked


def decision_approve(*, decision: Decision, approver: User) -> Decision:
    """Approve a submitted decision, which sends it; refused to anyone who wrote it."""
    with transaction.atomic():
        locked = _lock_decision(decision)
        if locked.state == Decision.State.SENT:
            return locked
        if locked.state != Decision.State.AWAITING_APPROVAL:
            raise CaseRefused(_("Der Bescheid wurde nicht zur Freigabe vorgelegt."))
        role = _check_approver(locked, approver)
        locked.approved_by = approver
        locked.approved_at = timezone.now()
        _audit(locked.case, "decision.approved", approver)
        return _send(locked, approver, role)


def decision_return(*, decision: Decision, approver: User, note: str) -> Decision:
    """Give a submitted decision back to its author as a draft, with a note on what to change."""
    note = note.strip()
    if not note:
        raise CaseRefused(_("Bitte schreiben Sie, was am Bescheid geändert werden soll."))
    with transaction.atomic():
        locked = _lock_decision(decision)
        if locked.state != Decision.State.AWAITING_APPROVAL:
            raise CaseRefused(_("Der Bescheid wartet nicht auf Freigabe."))
        _check_approver(locked, approver)
        locked.state = Decision.State.DRAFT
        locked.return_note = note
        locked.approval_requested_at = None
        locked.save(update_fields=["state", "return_note", "approval_requested_at"])
        _event(locked.case, CaseEvent.Kind.DECISION_RETURNED, actor=approver, text=note)
        _audit(locked.case, "decision.returned", approver)
        return locked


# Sending -----------------------------------------------------------------------------------------


def decision_send(*, decision: Decision, actor: User) -> Decision:
    """Send the decision (case types without four eyes); sending twice sends once."""
    with transaction.atomic():
        locked = _lock_decision(decision)
        if locked.state == Decision.State.SENT:
            return locked
        if locked.case.case_type.four_eyes:
            raise CaseRefused(
                _("Dieser Bescheid muss von einer zweiten Person freigegeben werden; die Freigabe versendet ihn.")
            )
        role = _role_in_office(actor, locked.case)
        return _send(locked, actor, role)


def _message_body(case: Case) -> str:
    return _(
        "Guten Tag,\n\n"
        "über Ihren Antrag „%(service)s“ (Aktenzeichen %(reference)s) haben wir entschieden. "
        "Den Bescheid finden Sie als PDF-Datei im Anhang dieser Nachricht.\n\n"
        "Mit freundlichen Grüßen\n%(unit)s"
    ) % {"service": case.service.name, "reference": case.reference, "unit": case.unit.name}


def _send(decision: Decision, actor: User, role: str) -> Decision:
    """Inside the caller's transaction, with ``decision`` locked: move the case on, write and deliver the letter."""
    case = decision.case
    moved = case_transition_via(case=case, via="decision", role=role, actor=actor)
    moved.outcome = decision.outcome
    moved.save(update_fields=["outcome", "updated_at"])
    decision.state = Decision.State.SENT
    decision.sent_at = timezone.now()
    pdf = letter_pdf_render(decision=decision)
    file_name = letter_file_name(case)
    decision.document.save(file_name, ContentFile(pdf), save=False)
    stored = decision.document.name
    try:
        message = message_send(
            case=moved,
            sender=actor,
            subject=_("Bescheid zu Ihrem Antrag %(reference)s") % {"reference": case.reference},
            body=_message_body(case),
            kind=Message.Kind.DECISION,
            attachments=[(file_name, LETTER_CONTENT_TYPE, pdf)],
        )
        decision.save(update_fields=["state", "sent_at", "document", "approved_by", "approved_at"])
        _event(
            moved,
            CaseEvent.Kind.DECISION_SENT,
            actor=actor,
            public=True,
            data={"outcome": decision.outcome, "message": str(message.pk)},
        )
        _audit(
            moved,
            "decision.sent",
            actor,
            outcome=decision.outcome,
            fee=str(decision.fee),
            approved_by=decision.approved_by_id,
        )
    except Exception:
        # The transaction rolls back; the letter written to storage would be left without a row.
        decision.document.storage.delete(stored)
        raise
    return decision
