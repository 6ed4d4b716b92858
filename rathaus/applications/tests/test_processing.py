"""The chain after submitting: each step once, however often it runs, and recovery of lost work."""

import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from rathaus.applications import processing, tasks
from rathaus.applications.models import Handoff, Submission
from rathaus.municipalities.tests.factories import OrganisationalUnitFactory

from .factories import SMALL_DEFINITION, DraftFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Mailserver nicht erreichbar")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submission(**form_settings) -> Submission:
    submission = SubmissionFactory(
        due_date=date(2026, 3, 12),
        portal_url="https://esslingen.example.org/",
        version__definition={
            **SMALL_DEFINITION,
            "next_steps": {"de": "Wir prüfen Ihre Angaben.", "en": "We check your details."},
        },
    )
    form = submission.version.form
    for name, value in {
        "handoff_email": "buergeramt@esslingen.example.org",
        "handoff_backends": ["email"],
        **form_settings,
    }.items():
        setattr(form, name, value)
    form.save()
    return submission


def _receipts(tmp_path) -> list:
    folder = tmp_path / "applications" / "receipts"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_running_the_chain_twice_makes_one_receipt_one_email_and_one_handoff_per_backend(tmp_path):
    submission = _submission(handoff_backends=["email", "webhook"], webhook_url="https://fachverfahren.example.org/")

    tasks.submission_process.enqueue(submission_id=str(submission.pk))
    tasks.submission_process.enqueue(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert submission.processed_at is not None
    assert submission.receipt.name == f"applications/receipts/{submission.reference}.pdf"
    assert submission.receipt_created_at is not None
    assert [path.name for path in _receipts(tmp_path)] == [f"{submission.reference}.pdf"]
    assert len(mail.outbox) == 1
    assert sorted(submission.handoffs.values_list("backend", flat=True)) == ["email", "webhook"]
    assert set(submission.handoffs.values_list("state", flat=True)) == {Handoff.State.PENDING}


def test_a_rerun_after_processing_changes_nothing(tmp_path):
    submission = _submission()
    processing.submission_process_steps(submission_id=str(submission.pk))
    submission.refresh_from_db()
    before = (submission.receipt.name, submission.receipt_created_at, submission.confirmation_sent_at)

    # A late duplicate task (a retry, the recovery pass) finds the work done.
    processing.submission_process_steps(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert (submission.receipt.name, submission.receipt_created_at, submission.confirmation_sent_at) == before
    assert len(mail.outbox) == 1
    assert submission.handoffs.count() == 1


def test_the_confirmation_tells_the_applicant_what_they_need(tmp_path):
    submission = _submission()

    processing.submission_process_steps(submission_id=str(submission.pk))

    (message,) = mail.outbox
    service = submission.version.form.service
    assert message.subject == f"Ihr Antrag {submission.reference} ist eingegangen"
    assert message.to == ["erika@example.org"]
    assert submission.municipality.name in message.from_email
    assert submission.reference in message.body
    assert service.name in message.body
    assert "Wir prüfen Ihre Angaben." in message.body
    assert "12.03.2026" in message.body
    assert "12,50 €" in message.body
    assert "/antraege/eingereicht/" not in message.body, "an anonymous applicant could not open the link"
    ((file_name, content, content_type),) = message.attachments
    assert file_name == f"{submission.reference}.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF")


def test_the_confirmation_links_a_logged_in_applicant_to_the_submission(tmp_path, citizen):
    submission = _submission()
    Submission.objects.filter(pk=submission.pk).update(user=citizen)

    processing.submission_process_steps(submission_id=str(submission.pk))

    assert f"https://esslingen.example.org/antraege/eingereicht/{submission.pk}/" in mail.outbox[0].body


def test_the_confirmation_speaks_the_applicants_language_where_the_form_does(tmp_path):
    submission = _submission()
    Submission.objects.filter(pk=submission.pk).update(language="en")

    processing.submission_process_steps(submission_id=str(submission.pk))

    (message,) = mail.outbox
    assert "We check your details." in message.body


def test_without_an_email_address_no_confirmation_is_sent_and_processing_goes_on(tmp_path):
    submission = _submission()
    Submission.objects.filter(pk=submission.pk).update(email="")

    processing.submission_process_steps(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert mail.outbox == []
    assert submission.confirmation_sent_at is None
    assert submission.processed_at is not None


def test_a_failed_confirmation_is_given_back_and_sent_on_the_next_run(settings, tmp_path):
    submission = _submission()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"

    with pytest.raises(ConnectionRefusedError):
        processing.submission_process_steps(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert submission.receipt
    assert submission.confirmation_sent_at is None
    assert submission.processed_at is None
    assert submission.handoffs.count() == 1, "the office's hand-off does not wait for the applicant's e-mail"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    processing.submission_process_steps(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert submission.handoffs.count() == 1
    assert [message.to for message in mail.outbox] == [["erika@example.org"]]
    assert submission.confirmation_sent_at is not None
    assert submission.processed_at is not None
    assert len(_receipts(tmp_path)) == 1


class RecipientRefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"erika@example.org": (550, b"No such user")})


def test_an_applicant_address_the_mail_server_refuses_does_not_hold_up_the_office(settings, tmp_path):
    submission = _submission()
    settings.EMAIL_BACKEND = f"{__name__}.RecipientRefusingEmailBackend"

    processing.submission_process_steps(submission_id=str(submission.pk))

    submission.refresh_from_db()
    assert submission.processed_at is not None
    assert submission.confirmation_sent_at is None
    assert submission.handoffs.count() == 1


def test_a_failed_run_queues_itself_again_with_a_pause(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    submission = _submission()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    settings.TASKS = DATABASE_TASKS

    with pytest.raises(ConnectionRefusedError):
        tasks.submission_process.call(submission_id=str(submission.pk), attempt=2)

    (retry,) = DBTaskResult.objects.filter(task_path=tasks.submission_process.module_path)
    assert retry.args_kwargs["kwargs"] == {"submission_id": str(submission.pk), "attempt": 3}
    assert retry.run_after > timezone.now() + timedelta(seconds=20)


def test_the_last_attempt_leaves_the_retry_to_the_recovery_pass(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    submission = _submission()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    settings.TASKS = DATABASE_TASKS

    with pytest.raises(ConnectionRefusedError):
        tasks.submission_process.call(submission_id=str(submission.pk), attempt=processing.SUBMISSION_MAX_ATTEMPTS)

    assert not DBTaskResult.objects.exists()


def test_a_form_without_chosen_backends_hands_off_as_a_case_in_the_back_office(tmp_path):
    submission = _submission(handoff_backends=[])

    processing.submission_process_steps(submission_id=str(submission.pk))

    assert list(submission.handoffs.values_list("backend", flat=True)) == ["case"]


def test_the_deliveries_are_queued_once_the_handoffs_are_stored(django_capture_on_commit_callbacks, tmp_path):
    submission = _submission()

    with django_capture_on_commit_callbacks(execute=True):
        processing.submission_process_steps(submission_id=str(submission.pk))

    handoff = submission.handoffs.get()
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.attempts == 1
    assert [message.to for message in mail.outbox] == [["erika@example.org"], ["buergeramt@esslingen.example.org"]]


# Recovery -----------------------------------------------------------------------------------------


def test_recovery_processes_a_submission_left_unprocessed(django_capture_on_commit_callbacks, tmp_path):
    lost = _submission()
    Submission.objects.filter(pk=lost.pk).update(submitted_at=timezone.now() - timedelta(minutes=5))
    just_submitted = _submission()

    with django_capture_on_commit_callbacks(execute=True):
        result = processing.applications_recover_run()

    lost.refresh_from_db()
    just_submitted.refresh_from_db()
    assert result["submissions"] == 1
    assert lost.processed_at is not None
    assert lost.handoffs.get().state == Handoff.State.DELIVERED
    # The worker may still be on it; recovery waits before taking over.
    assert just_submitted.processed_at is None


def test_recovery_delivers_a_handoff_whose_worker_died_while_delivering(tmp_path):
    submission = _submission()
    processing.submission_process_steps(submission_id=str(submission.pk))
    handoff = submission.handoffs.get()
    # What a worker killed in the middle of a delivery leaves behind.
    Handoff.objects.filter(pk=handoff.pk).update(attempts=1, lease_until=timezone.now() - timedelta(seconds=1))

    result = processing.applications_recover_run()

    handoff.refresh_from_db()
    assert result["handoffs"] == 1
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.attempts == 2


def test_recovery_leaves_a_delivery_in_progress_alone(tmp_path):
    submission = _submission()
    processing.submission_process_steps(submission_id=str(submission.pk))
    handoff = submission.handoffs.get()
    Handoff.objects.filter(pk=handoff.pk).update(attempts=1, lease_until=timezone.now() + timedelta(minutes=4))

    result = processing.applications_recover_run()

    handoff.refresh_from_db()
    assert result["handoffs"] == 0
    assert handoff.state == Handoff.State.PENDING
    assert handoff.attempts == 1


def test_recovery_delivers_a_due_handoff_whose_task_was_lost(tmp_path):
    submission = _submission()
    processing.submission_process_steps(submission_id=str(submission.pk))
    handoff = submission.handoffs.get()
    Handoff.objects.filter(pk=handoff.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=10))

    processing.applications_recover_run()

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.DELIVERED


def test_recovery_deletes_expired_drafts(tmp_path):
    expired = DraftFactory(expires_at=timezone.now() - timedelta(days=1))
    kept = DraftFactory()

    result = processing.applications_recover_run()

    assert result["drafts"] == 1
    assert not type(expired).objects.filter(pk=expired.pk).exists()
    assert type(kept).objects.filter(pk=kept.pk).exists()


def test_there_is_one_chain_of_recovery_passes(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS

    assert processing.recovery_ensure_scheduled() is True
    assert processing.recovery_ensure_scheduled() is False
    assert processing.recovery_schedule_next() is False

    assert DBTaskResult.objects.filter(task_path=tasks.applications_recover.module_path).count() == 1


def test_a_recovery_pass_queues_the_next_one(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS

    tasks.applications_recover.call()

    (next_pass,) = DBTaskResult.objects.filter(task_path=tasks.applications_recover.module_path)
    assert next_pass.run_after > timezone.now() + timedelta(seconds=50)


def test_without_a_queue_that_can_wait_no_recovery_chain_starts():
    # The test settings run tasks at once; a chain would call itself forever.
    assert processing.recovery_ensure_scheduled() is False


def test_the_email_handoff_goes_to_the_responsible_office_without_an_own_address(
    django_capture_on_commit_callbacks, tmp_path
):
    submission = _submission(handoff_email="")
    form = submission.version.form
    form.responsible_unit = OrganisationalUnitFactory(
        municipality=submission.municipality, email="amt@beispiel.example.org"
    )
    form.save()

    with django_capture_on_commit_callbacks(execute=True):
        processing.submission_process_steps(submission_id=str(submission.pk))

    assert mail.outbox[-1].to == ["amt@beispiel.example.org"]
