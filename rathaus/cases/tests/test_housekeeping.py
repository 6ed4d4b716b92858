"""Housekeeping: deadline reminders and escalations once per deadline, and anonymisation after retention."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.applications.models import Draft, Upload
from rathaus.applications.tests.factories import DraftFactory, SubmissionFactory, submission_upload_add
from rathaus.audit.models import AuditEntry
from rathaus.cases import housekeeping
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent, Decision
from rathaus.cases.services import case_note_add
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.postbox.models import Attachment, Message
from rathaus.postbox.services import message_send

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# Easter 2026: Good Friday 3 April and Easter Monday 6 April are public holidays in Baden-Württemberg.
DUE = date(2026, 4, 8)


@pytest.fixture
def case_type(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    return CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office, reminder_days=3)


def _open_case(case_type, **fields) -> Case:
    fields.setdefault("due_date", DUE)
    fields.setdefault("received_at", datetime(2026, 3, 9, 10, 0, tzinfo=BERLIN))
    return CaseFactory(
        case_type=case_type, applicant_name="Erika Mustermann", applicant_email="erika@example.org", **fields
    )


@dataclass
class SentMail:
    to: list[str]
    subject: str
    body: str


_received: list = []


@pytest.fixture(autouse=True)
def _real_smtp(smtp_server):
    """Staff e-mails go through Django's SMTP backend to a real local server."""
    _received.clear()
    _received.append(smtp_server)
    yield
    _received.clear()


def sent_mail() -> list[SentMail]:
    """What the local SMTP server received so far: envelope recipients, subject and plain-text body."""
    server = _received[0]
    return [
        SentMail(list(recipients), str(message["Subject"]), message.get_body(("plain",)).get_content())
        for message, recipients in zip(server.messages, server.recipients, strict=True)
    ]


def _remind_on(*days: date) -> list[int]:
    return [housekeeping.reminders_send(today=day) for day in days]


def _escalate_on(*days: date) -> list[int]:
    return [housekeeping.escalations_send(today=day) for day in days]


# Reminders ---------------------------------------------------------------------------------------


def test_the_reminder_counts_working_days_across_easter_and_fires_once(case_type):
    case = _open_case(case_type)

    # Three working days before Wednesday 8 April: 1 April (2, 7 and 8 April follow; Easter is skipped).
    sent = _remind_on(
        date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 7)
    )

    assert sent == [0, 1, 0, 0, 0, 0]
    case.refresh_from_db()
    assert case.reminded_for == DUE
    assert case.events.filter(kind=CaseEvent.Kind.REMINDER).count() == 1
    assert len(sent_mail()) == 1


def test_the_reminder_goes_to_the_office_without_the_applicants_data(case_type):
    case = _open_case(case_type)

    housekeeping.reminders_send(today=date(2026, 4, 1))

    (message,) = sent_mail()
    assert message.to == ["amt@beispiel.example.org"]
    assert case.reference in message.subject
    assert "Frist läuft bald ab" in message.subject
    assert f"/verwaltung/vorgaenge/{case.pk}/" in message.body
    assert "08.04.2026" in message.body
    for personal in ("Erika", "Mustermann", "erika@example.org"):
        assert personal not in message.body
        assert personal not in message.subject


def test_the_reminder_goes_to_the_assigned_clerk(case_type, clerk):
    _open_case(case_type, assignee=clerk)

    housekeeping.reminders_send(today=date(2026, 4, 1))

    assert sent_mail()[0].to == [clerk.email]


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_reminder_that_could_not_be_sent_is_tried_again(case_type, settings):
    case = _open_case(case_type)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"

    assert housekeeping.reminders_send(today=date(2026, 4, 1)) == 0

    case.refresh_from_db()
    assert case.reminded_for is None
    assert not case.events.filter(kind=CaseEvent.Kind.REMINDER).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert housekeeping.reminders_send(today=date(2026, 4, 2)) == 1
    assert len(sent_mail()) == 1


def test_a_new_deadline_gets_a_new_reminder(case_type):
    case = _open_case(case_type)
    housekeeping.reminders_send(today=date(2026, 4, 1))
    # An answer to a request for information moved the deadline.
    Case.objects.filter(pk=case.pk).update(due_date=date(2026, 4, 15))

    sent = _remind_on(date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 13))

    assert sent == [0, 1, 0]
    case.refresh_from_db()
    assert case.reminded_for == date(2026, 4, 15)


def test_no_reminder_when_switched_off_paused_or_decided(case_type, esslingen, citizens_office):
    silent_type = CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office, reminder_days=0)
    _open_case(silent_type)
    _open_case(case_type, state=flow.WAITING, paused_at=timezone.now())
    _open_case(case_type, state=flow.DECIDED_STATE, decided_at=timezone.now())

    assert housekeeping.reminders_send(today=date(2026, 4, 7)) == 0
    assert sent_mail() == []


# Escalation --------------------------------------------------------------------------------------


def test_an_overdue_case_is_escalated_to_the_office_lead_once(case_type, clerk, office_lead):
    case = _open_case(case_type, assignee=clerk)

    sent = _escalate_on(date(2026, 4, 8), date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 11), date(2026, 4, 13))

    assert sent == [0, 1, 0, 0, 0]
    (message,) = sent_mail()
    assert message.to == [office_lead.email]
    assert "Frist überschritten" in message.subject
    assert "Erika" not in message.body
    case.refresh_from_db()
    assert case.escalated_for == DUE
    assert case.events.filter(kind=CaseEvent.Kind.ESCALATION).count() == 1
    assert AuditEntry.objects.filter(action="case.escalated", object_id=str(case.pk)).count() == 1


def test_office_leads_of_other_offices_are_not_told(case_type, esslingen, civil_works_office, office_lead):
    from rathaus.accounts.services import staff_membership_grant, user_create

    other_lead = user_create(email="leitung-tiefbau@esslingen.example.org", password="ein-sicheres-Passwort-2026")
    staff_membership_grant(
        user=other_lead, municipality=esslingen, role=StaffMembership.Role.OFFICE_LEAD, units=[civil_works_office]
    )
    _open_case(case_type)

    housekeeping.escalations_send(today=date(2026, 4, 9))

    assert sent_mail()[0].to == [office_lead.email]


def test_a_paused_case_is_not_escalated(case_type, office_lead):
    _open_case(case_type, state=flow.WAITING, paused_at=timezone.now())

    assert housekeeping.escalations_send(today=date(2026, 4, 20)) == 0


# Retention ---------------------------------------------------------------------------------------


def _full_case(case_type, citizen, clerk, *, closed_days_ago: int | None, state: str = flow.CLOSED_STATE) -> Case:
    draft = DraftFactory(
        version__form__municipality=case_type.municipality, user=citizen, resume_email="erika@example.org"
    )
    submission = SubmissionFactory(
        version=draft.version,
        draft=draft,
        user=citizen,
        email="erika@example.org",
        answers={"name": "Erika Mustermann", "email": "erika@example.org"},
    )
    submission_upload_add(submission, "meldebescheinigung.pdf", b"%PDF-test")
    submission.receipt.save("ES-receipt.pdf", ContentFile(b"%PDF-receipt"), save=True)
    now = timezone.now()
    closed_at = now - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    case = CaseFactory(
        case_type=case_type,
        submission=submission,
        applicant=citizen,
        applicant_name="Erika Mustermann",
        applicant_email="erika@example.org",
        applicant_phone="0711 123456",
        applicant_address="Marktplatz 1, 73728 Esslingen",
        description="Parkausweis für Erika Mustermann",
        state=state,
        received_at=now - timedelta(days=(closed_days_ago or 0) + 30),
        decided_at=closed_at,
        closed_at=closed_at,
        paused_at=now if state == flow.WAITING else None,
    )
    message_send(
        case=case,
        sender=clerk,
        subject="Rückfrage an Erika Mustermann",
        body="Liebe Frau Mustermann, bitte senden Sie uns Ihren Ausweis.",
        kind=Message.Kind.REQUEST,
        attachments=[("hinweis.pdf", "application/pdf", b"%PDF-hinweis")],
    )
    decision = Decision(case=case, outcome=Case.Outcome.APPROVED, letter_text="Sehr geehrte Frau Mustermann")
    decision.document.save("bescheid.pdf", ContentFile(b"%PDF-bescheid"), save=False)
    decision.save()
    case_note_add(case=case, actor=clerk, text="Frau Mustermann hat angerufen.")
    return case


def _stored_files(case: Case) -> list:
    files = [upload.file for upload in Upload.objects.filter(submission_id=case.submission_id)]
    files += [attachment.file for attachment in Attachment.objects.filter(message__case=case)]
    files.append(case.submission.receipt)
    files.append(case.decision.document)
    return files


def test_a_closed_case_past_its_retention_period_loses_its_personal_data(
    case_type, citizen, clerk, django_capture_on_commit_callbacks
):
    case = _full_case(case_type, citizen, clerk, closed_days_ago=case_type.retention_days + 1)
    files = _stored_files(case)
    assert all(file.storage.exists(file.name) for file in files)

    with django_capture_on_commit_callbacks(execute=True):
        assert housekeeping.retention_run() == 1

    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert case.applicant is None
    assert (case.applicant_name, case.applicant_email, case.applicant_phone, case.applicant_address) == ("", "", "", "")
    assert case.description == ""
    submission = case.submission
    assert submission.answers == {}
    assert submission.email == ""
    assert submission.user is None
    assert not submission.receipt
    assert not Upload.objects.filter(submission=submission).exists()
    draft = Draft.objects.get(pk=submission.draft_id)
    assert (draft.answers, draft.resume_email, draft.user_id) == ({}, "", None)
    message = Message.objects.get(case=case)
    assert message.body == housekeeping.ANONYMISED_MESSAGE_BODY
    assert "Mustermann" not in message.subject
    assert not Attachment.objects.filter(message__case=case).exists()
    decision = Decision.objects.get(case=case)
    assert decision.letter_text == ""
    assert not decision.document
    assert not case.events.exclude(text="").exists()
    assert not any(file.storage.exists(file.name) for file in files)
    assert case.events.filter(kind=CaseEvent.Kind.ANONYMISED).count() == 1
    entry = AuditEntry.objects.get(action="case.anonymised", object_id=str(case.pk))
    assert entry.details["removed"] == {
        "uploads": 1,
        "receipts": 1,
        "messages": 1,
        "attachments": 1,
        "notes": 1,
        "letters": 1,
    }
    details = json.dumps(entry.details)
    assert "Mustermann" not in details
    assert "erika@example.org" not in details


def test_retention_runs_twice_without_doing_anything_twice(case_type, citizen, clerk):
    _full_case(case_type, citizen, clerk, closed_days_ago=case_type.retention_days + 1)

    assert housekeeping.retention_run() == 1
    assert housekeeping.retention_run() == 0
    assert AuditEntry.objects.filter(action="case.anonymised").count() == 1


def test_a_case_still_open_or_on_hold_is_never_anonymised(case_type, citizen, clerk):
    received = _full_case(case_type, citizen, clerk, closed_days_ago=None, state=flow.RECEIVED)
    on_hold = _full_case(case_type, citizen, clerk, closed_days_ago=None, state=flow.WAITING)
    decided = _full_case(case_type, citizen, clerk, closed_days_ago=None, state=flow.DECIDED_STATE)
    # A case that was closed long ago but is back in work (closed_at stays set) is open again.
    reopened = _full_case(
        case_type, citizen, clerk, closed_days_ago=case_type.retention_days + 5, state=flow.IN_PROGRESS
    )

    assert housekeeping.retention_run(now=timezone.now() + timedelta(days=10 * case_type.retention_days)) == 0

    for case in (received, on_hold, decided, reopened):
        case.refresh_from_db()
        assert case.anonymised_at is None
        assert case.applicant_name == "Erika Mustermann"
        assert case.submission.answers["name"] == "Erika Mustermann"
        assert Message.objects.get(case=case).body.startswith("Liebe Frau Mustermann")


def test_a_closed_case_within_its_retention_period_keeps_its_data(case_type, citizen, clerk):
    case = _full_case(case_type, citizen, clerk, closed_days_ago=case_type.retention_days - 1)

    assert housekeeping.retention_run() == 0

    case.refresh_from_db()
    assert case.anonymised_at is None
    assert case.applicant_email == "erika@example.org"


def test_the_retention_period_is_the_case_types(esslingen, citizens_office, citizen, clerk):
    short = CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office, retention_days=30)
    case = _full_case(short, citizen, clerk, closed_days_ago=31)

    assert housekeeping.retention_run() == 1
    case.refresh_from_db()
    assert case.anonymised_at is not None


def test_the_housekeeping_command_runs_one_pass(case_type, citizen, clerk, capsys):
    _full_case(case_type, citizen, clerk, closed_days_ago=case_type.retention_days + 1)

    call_command("run_housekeeping")

    assert "anonymisierte Vorgänge: 1" in capsys.readouterr().out


# The recurring pass ------------------------------------------------------------------------------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_there_is_one_chain_of_housekeeping_passes_next_to_the_recovery_chain(settings):
    from django_tasks_db.models import DBTaskResult

    from rathaus.applications.processing import recovery_ensure_scheduled
    from rathaus.cases import tasks

    settings.TASKS = DATABASE_TASKS

    assert tasks.housekeeping_ensure_scheduled() is True
    assert tasks.housekeeping_ensure_scheduled() is False
    # The recovery chain of online applications is a chain of its own.
    assert recovery_ensure_scheduled() is True

    assert DBTaskResult.objects.filter(task_path=tasks.cases_housekeeping.module_path).count() == 1


def test_a_housekeeping_pass_queues_the_next_one_after_the_interval(settings):
    from django_tasks_db.models import DBTaskResult

    from rathaus.cases import tasks

    settings.TASKS = DATABASE_TASKS
    settings.RATHAUS_CASES_HOUSEKEEPING_INTERVAL_SECONDS = 900

    assert tasks.cases_housekeeping.call() == {"reminders": 0, "escalations": 0, "anonymised": 0}

    (next_pass,) = DBTaskResult.objects.filter(task_path=tasks.cases_housekeeping.module_path)
    assert next_pass.run_after > timezone.now() + timedelta(seconds=850)


def test_without_a_queue_that_can_wait_no_housekeeping_chain_starts():
    from rathaus.cases import tasks

    assert tasks.housekeeping_ensure_scheduled() is False
