"""Recurring work on cases, run by the worker: deadline reminders, escalation, and retention.

Every step handles a limited batch and records on the case what it did (``reminded_for``,
``escalated_for``, ``anonymised_at``), so a pass that runs twice, or two passes at once, repeat
nothing. Staff e-mails name the reference and the service, never the applicant's data.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.storage import Storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.accounts.models import StaffMembership, User
from rathaus.applications.models import Draft, Submission, Upload
from rathaus.municipalities.selectors import municipality_sender
from rathaus.municipalities.working_days import working_days_after
from rathaus.postbox.models import Attachment, Message
from rathaus.postbox.notifications import portal_url

from . import workflow as flow
from .models import Case, CaseEvent, CaseType, Decision
from .selectors import colleagues_of_unit
from .services import _audit, _event

logger = logging.getLogger(__name__)

REMINDER_BATCH = 200
ESCALATION_BATCH = 200
RETENTION_BATCH = 50
# What a message reads like once its case's personal data is gone.
ANONYMISED_MESSAGE_BODY = "Der Inhalt dieser Nachricht wurde nach Ablauf der Aufbewahrungsfrist gelöscht."


def _running(cases: Any) -> Any:
    """Cases whose deadline runs: not paused, not decided, not closed, not anonymised."""
    return cases.filter(
        due_date__isnull=False,
        paused_at__isnull=True,
        decided_at__isnull=True,
        closed_at__isnull=True,
        anonymised_at__isnull=True,
    )


def _is_open(case: Case) -> bool:
    return flow.workflow_for(case.case_type).kind(case.state) == flow.OPEN


def _case_link(case: Case) -> str:
    return portal_url(case) + reverse("cases:case", args=[case.pk])


def _send_staff_mail(case: Case, template: str, subject: str, recipients: list[str]) -> None:
    with translation.override("de"):
        body = render_to_string(
            template,
            {
                "case": case,
                "service_name": case.service.name,
                "unit_name": case.unit.name,
                "due_date": case.due_date.strftime("%d.%m.%Y") if case.due_date else "",
                "case_url": _case_link(case),
                "municipality": case.municipality,
            },
        )
        EmailMessage(
            subject=subject,
            body=body,
            from_email=municipality_sender(municipality=case.municipality),
            to=recipients,
        ).send()


def _addresses(users: Iterable[User]) -> list[str]:
    return sorted({user.email for user in users if user.email})


# Reminders ---------------------------------------------------------------------------------------


def reminder_recipients(case: Case) -> list[str]:
    """The assigned clerk; without one, the office's address; without that, the office's staff."""
    if case.assignee is not None and case.assignee.is_active and case.assignee.email:
        return [case.assignee.email]
    if case.unit.email:
        return [case.unit.email]
    return _addresses(colleagues_of_unit(case=case))


def _due_for_reminder(today: date) -> list[Case]:
    """Open cases whose deadline ends within their case type's reminder period and that were not reminded of it."""
    found: list[Case] = []
    periods = CaseType.objects.filter(reminder_days__gt=0).values_list("reminder_days", flat=True).distinct()
    for days in sorted(set(periods)):
        horizon = working_days_after(today, days)
        cases = (
            _running(Case.objects.filter(case_type__reminder_days=days))
            .filter(due_date__gte=today, due_date__lte=horizon)
            .select_related("case_type", "service", "unit", "municipality", "assignee", "submission")
            .order_by("due_date", "pk")
        )
        for case in cases.iterator():
            if case.reminded_for != case.due_date and _is_open(case):
                found.append(case)
                if len(found) >= REMINDER_BATCH:
                    return found
    return found


def reminders_send(*, today: date | None = None) -> int:
    """E-mail "Frist läuft bald ab" once per deadline; returns how many cases were reminded."""
    today = today or timezone.localdate()
    sent = 0
    for case in _due_for_reminder(today):
        due_date = case.due_date
        if due_date is None:
            continue
        previous = case.reminded_for
        claimed = (
            Case.objects.filter(pk=case.pk, due_date=due_date)
            .exclude(reminded_for=due_date)
            .update(reminded_for=due_date)
        )
        if not claimed:
            continue
        recipients = reminder_recipients(case)
        try:
            if recipients:
                _send_staff_mail(
                    case,
                    "cases/email/deadline_reminder.txt",
                    _("Frist läuft bald ab: %(reference)s") % {"reference": case.reference},
                    recipients,
                )
        except Exception:
            # Give the claim back, so the next pass tries again.
            Case.objects.filter(pk=case.pk, reminded_for=due_date).update(reminded_for=previous)
            logger.exception("Deadline reminder for case %s could not be sent", case.pk)
            continue
        with transaction.atomic():
            _event(
                case, CaseEvent.Kind.REMINDER, data={"due_date": due_date.isoformat(), "recipients": len(recipients)}
            )
            _audit(case, "case.reminder_sent", None, due_date=due_date.isoformat(), recipients=len(recipients))
        sent += 1
    return sent


# Escalation --------------------------------------------------------------------------------------


def escalation_recipients(case: Case) -> list[str]:
    """The office leads of the case's office; without any, the office's address."""
    leads = User.objects.filter(
        is_active=True,
        staff_memberships__municipality_id=case.municipality_id,
        staff_memberships__is_active=True,
        staff_memberships__role=StaffMembership.Role.OFFICE_LEAD,
        staff_memberships__units=case.unit_id,
    ).distinct()
    addresses = _addresses(leads)
    if not addresses and case.unit.email:
        addresses = [case.unit.email]
    return addresses


def escalations_send(*, today: date | None = None) -> int:
    """Tell the office leads once per deadline that an open case is past it; returns how many."""
    today = today or timezone.localdate()
    candidates = (
        _running(Case.objects.filter(due_date__lt=today))
        .select_related("case_type", "service", "unit", "municipality", "submission")
        .order_by("due_date", "pk")
    )
    sent = 0
    seen = 0
    for case in candidates.iterator():
        if case.escalated_for == case.due_date or not _is_open(case):
            continue
        seen += 1
        if seen > ESCALATION_BATCH:
            break
        due_date = case.due_date
        if due_date is None:
            continue
        previous = case.escalated_for
        claimed = (
            Case.objects.filter(pk=case.pk, due_date=due_date)
            .exclude(escalated_for=due_date)
            .update(escalated_for=due_date)
        )
        if not claimed:
            continue
        recipients = escalation_recipients(case)
        try:
            if recipients:
                _send_staff_mail(
                    case,
                    "cases/email/deadline_escalation.txt",
                    _("Frist überschritten: %(reference)s") % {"reference": case.reference},
                    recipients,
                )
        except Exception:
            Case.objects.filter(pk=case.pk, escalated_for=due_date).update(escalated_for=previous)
            logger.exception("Escalation of case %s could not be sent", case.pk)
            continue
        with transaction.atomic():
            _event(
                case, CaseEvent.Kind.ESCALATION, data={"due_date": due_date.isoformat(), "recipients": len(recipients)}
            )
            _audit(case, "case.escalated", None, due_date=due_date.isoformat(), recipients=len(recipients))
        sent += 1
    return sent


# Retention ---------------------------------------------------------------------------------------


def _due_for_retention(now: datetime) -> list[Case]:
    found: list[Case] = []
    periods = CaseType.objects.values_list("retention_days", flat=True).distinct()
    for days in sorted(set(periods)):
        cases = (
            Case.objects.filter(
                case_type__retention_days=days,
                closed_at__lt=now - timedelta(days=days),
                anonymised_at__isnull=True,
            )
            .select_related("case_type")
            .order_by("closed_at", "pk")
        )
        for case in cases.iterator():
            # closed_at stays set if a custom workflow leads a closed case back into work: such a case is open.
            if flow.workflow_for(case.case_type).kind(case.state) == flow.CLOSED:
                found.append(case)
                if len(found) >= RETENTION_BATCH:
                    return found
    return found


def _delete_files_after_commit(files: list[tuple[Storage, str]]) -> None:
    def delete() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete %s after anonymising", name)

    if files:
        transaction.on_commit(delete)


def case_anonymise(*, case: Case, now: datetime | None = None) -> dict[str, int] | None:
    """Remove the personal data of a closed case past its retention period; None if there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",), no_key=True)
            .select_related("case_type")
            .filter(pk=case.pk, anonymised_at__isnull=True, closed_at__isnull=False)
            .first()
        )
        if locked is None or flow.workflow_for(locked.case_type).kind(locked.state) != flow.CLOSED:
            return None
        files: list[tuple[Storage, str]] = []
        counts = {"uploads": 0, "receipts": 0, "messages": 0, "attachments": 0, "notes": 0, "letters": 0}

        locked.applicant = None
        locked.applicant_name = ""
        locked.applicant_email = ""
        locked.applicant_phone = ""
        locked.applicant_address = ""
        locked.description = ""
        locked.anonymised_at = now
        locked.save(
            update_fields=[
                "applicant",
                "applicant_name",
                "applicant_email",
                "applicant_phone",
                "applicant_address",
                "description",
                "anonymised_at",
                "updated_at",
            ]
        )

        if locked.submission_id is not None:
            submission = Submission.objects.select_for_update(of=("self",), no_key=True).get(pk=locked.submission_id)
            for upload in Upload.objects.filter(submission=submission):
                if upload.file:
                    files.append((upload.file.storage, upload.file.name))
                upload.delete()
                counts["uploads"] += 1
            if submission.receipt:
                files.append((submission.receipt.storage, submission.receipt.name))
                counts["receipts"] = 1
            submission.answers = {}
            submission.email = ""
            submission.user = None
            submission.receipt = ""
            submission.save(update_fields=["answers", "email", "user", "receipt"])
            if submission.draft_id is not None:
                # The draft stays as the marker that it was submitted; its resume address is personal data.
                Draft.objects.filter(pk=submission.draft_id).update(
                    answers={},
                    visited_pages=[],
                    resume_email="",
                    resume_token_hash="",
                    user=None,
                    updated_at=timezone.now(),
                )

        for attachment in Attachment.objects.filter(message__case=locked):
            if attachment.file:
                files.append((attachment.file.storage, attachment.file.name))
            attachment.delete()
            counts["attachments"] += 1
        messages = Message.objects.filter(case=locked)
        counts["messages"] = messages.count()
        for kind, label in Message.Kind.choices:
            with translation.override("de"):
                messages.filter(kind=kind).update(subject=str(label), body=ANONYMISED_MESSAGE_BODY)

        decision = Decision.objects.filter(case=locked).first()
        if decision is not None:
            if decision.document:
                files.append((decision.document.storage, decision.document.name))
            decision.letter_text = ""
            decision.return_note = ""
            decision.document = ""  # type: ignore[assignment]
            decision.save(update_fields=["letter_text", "return_note", "document"])
            counts["letters"] = 1

        # Notes, and any text a clerk wrote into a step of the history, may name the applicant.
        counts["notes"] = locked.events.filter(kind=CaseEvent.Kind.NOTE).exclude(text="").count()
        locked.events.exclude(text="").update(text="")

        _event(locked, CaseEvent.Kind.ANONYMISED, data=counts)
        _audit(locked, "case.anonymised", None, removed=counts)
        _delete_files_after_commit(files)
        return counts


def retention_run(*, now: datetime | None = None) -> int:
    """Anonymise one batch of cases past their retention period; returns how many."""
    now = now or timezone.now()
    done = 0
    for case in _due_for_retention(now):
        if case_anonymise(case=case, now=now) is not None:
            done += 1
    return done


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """One pass: reminders, escalations, retention."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = {
        "reminders": reminders_send(today=today),
        "escalations": escalations_send(today=today),
        "anonymised": retention_run(now=now),
    }
    if any(result.values()):
        logger.info("Case housekeeping: %s", result)
    return result
