"""What happens after a submission, in the background: a chain of idempotent steps, then delivery with retries.

Every step records on the database that it is done, so a task that runs twice (a retry, a crashed
worker, the recovery pass) repeats nothing that already happened. Hand-off deliveries are claimed
with a lease: only the holder delivers, and a lease left behind by a dead worker runs out.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.municipalities.selectors import municipality_sender

from . import services
from .engine import localise
from .handoff import registry
from .handoff.base import HandoffError
from .models import Handoff, Submission

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

SUBMISSION_MAX_ATTEMPTS = 5
SUBMISSION_FIRST_RETRY = timedelta(seconds=15)
HANDOFF_MAX_ATTEMPTS = 8
HANDOFF_FIRST_RETRY = timedelta(minutes=1)
HANDOFF_LONGEST_WAIT = timedelta(hours=6)
# Work the worker should long have picked up; older than this, it was lost (a process died).
STALE_AFTER = timedelta(minutes=2)
RECOVERY_BATCH = 200


def handoff_lease() -> timedelta:
    """How long a worker may take over one delivery before another may try again."""
    return timedelta(seconds=settings.RATHAUS_HANDOFF_LEASE_SECONDS)


def recovery_interval() -> timedelta:
    return timedelta(seconds=settings.RATHAUS_RECOVERY_INTERVAL_SECONDS)


def _enqueue_later(task: "Task[Any, Any]", run_after: datetime, **kwargs: Any) -> bool:
    # Backends that run tasks at once (tests) cannot wait; there the recovery pass or a person retries.
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=run_after).enqueue(**kwargs)
    return True


# The chain after submitting ----------------------------------------------------------------------


def _submission_for_processing(submission_id: str) -> Submission | None:
    return (
        Submission.objects.select_related("municipality", "version__form__service", "version__form__responsible_unit")
        .filter(pk=submission_id)
        .first()
    )


def submission_process_steps(*, submission_id: str) -> None:
    """Run whatever is still open after submitting: receipt, confirmation e-mail, hand-offs."""
    submission = _submission_for_processing(submission_id)
    if submission is None or submission.processed_at is not None:
        return
    submission_receipt_create(submission=submission)
    # The office gets the application even if the applicant's address turns out to be wrong.
    submission_handoffs_create(submission=submission)
    submission_confirmation_send(submission=submission)
    submission_mark_processed(submission=submission)


def submission_receipt_create(*, submission: Submission) -> bool:
    """Render the PDF receipt and keep it as ``<reference>.pdf``, unless the submission has one."""
    if submission.receipt:
        return False
    from .receipt import receipt_render

    pdf = receipt_render(submission=submission)
    field_file = submission.receipt
    name = field_file.field.generate_filename(submission, f"{submission.reference}.pdf")
    stored_name = field_file.storage.save(name, ContentFile(pdf))
    now = timezone.now()
    # Two runs at once may both render; the first to record its file wins, the other removes its copy.
    recorded = Submission.objects.filter(pk=submission.pk, receipt="").update(
        receipt=stored_name, receipt_created_at=now
    )
    if not recorded:
        field_file.storage.delete(stored_name)
        submission.refresh_from_db(fields=["receipt", "receipt_created_at"])
        return False
    submission.receipt.name = stored_name
    submission.receipt_created_at = now
    return True


def confirmation_url(submission: Submission) -> str:
    """The link in the confirmation e-mail: the submission's page on the portal."""
    return submission.portal_url.rstrip("/") + reverse("applications:confirmation", args=[submission.pk])


def _confirmation_message(submission: Submission) -> EmailMessage:
    definition = submission.version.definition
    with translation.override(submission.language):
        next_steps = localise(definition.get("next_steps"), submission.language)[0]
        body = render_to_string(
            "applications/email/submission_confirmation.txt",
            {
                "submission": submission,
                "service": submission.version.form.service,
                "next_steps": next_steps,
                "confirmation_url": confirmation_url(submission),
            },
        )
        message = EmailMessage(
            subject=_("Ihr Antrag %(reference)s ist eingegangen") % {"reference": submission.reference},
            body=body,
            from_email=municipality_sender(municipality=submission.municipality),
            to=[submission.email],
        )
    if submission.receipt:
        with submission.receipt.open("rb") as receipt:
            message.attach(f"{submission.reference}.pdf", receipt.read(), "application/pdf")
    return message


def submission_confirmation_send(*, submission: Submission) -> bool:
    """E-mail the applicant the confirmation with the receipt; never twice once a send succeeded."""
    if not submission.email:
        return False
    now = timezone.now()
    # Claim first, so two runs at once cannot both send; a failed send gives the claim back.
    claimed = Submission.objects.filter(pk=submission.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=now
    )
    if not claimed:
        return False
    try:
        _confirmation_message(submission).send()
    except smtplib.SMTPRecipientsRefused:
        # The address itself is refused: trying again cannot help, and the office already has the application.
        logger.warning("Confirmation of %s refused by the mail server for its recipient", submission.reference)
        Submission.objects.filter(pk=submission.pk, confirmation_sent_at=now).update(confirmation_sent_at=None)
        return False
    except Exception:
        Submission.objects.filter(pk=submission.pk, confirmation_sent_at=now).update(confirmation_sent_at=None)
        raise
    submission.confirmation_sent_at = now
    return True


def _enqueue_deliveries(handoff_ids: list[str]) -> None:
    from .tasks import handoff_deliver

    for handoff_id in handoff_ids:
        handoff_deliver.enqueue(handoff_id=handoff_id)


def submission_handoffs_create(*, submission: Submission) -> list[str]:
    """Open one hand-off per backend of the form and queue the deliveries of those opened now."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",), no_key=True)
            .select_related("version__form")
            .get(pk=submission.pk)
        )
        if locked.processed_at is not None:
            return []
        now = timezone.now()
        opened = []
        for backend_key in registry.keys_for(locked.version.form.handoff_backends):
            handoff, created = Handoff.objects.get_or_create(
                submission=locked, backend=backend_key, defaults={"next_attempt_at": now}
            )
            if created:
                opened.append(str(handoff.pk))
        # Hand-offs opened by an earlier, interrupted run are queued again by the recovery pass.
        transaction.on_commit(lambda: _enqueue_deliveries(opened))
    return opened


def submission_mark_processed(*, submission: Submission) -> None:
    now = timezone.now()
    Submission.objects.filter(pk=submission.pk, processed_at__isnull=True).update(processed_at=now)
    submission.processed_at = now


def submission_retry_schedule(*, submission_id: str, attempt: int) -> bool:
    """Queue the next run of a failed processing chain with a growing pause; after the last, recovery takes over."""
    from .tasks import submission_process

    if attempt >= SUBMISSION_MAX_ATTEMPTS:
        return False
    run_after = timezone.now() + SUBMISSION_FIRST_RETRY * 2 ** (attempt - 1)
    return _enqueue_later(submission_process, run_after, submission_id=submission_id, attempt=attempt + 1)


# Delivery of hand-offs ---------------------------------------------------------------------------


def handoff_retry_delay(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed try: 1, 2, 4, … minutes, at most six hours."""
    return min(HANDOFF_FIRST_RETRY * 2 ** max(attempts - 1, 0), HANDOFF_LONGEST_WAIT)


def _handoff_claim(handoff_id: str, now: datetime) -> datetime | None:
    """Take the hand-off for one attempt; the lease's end doubles as the token of this claim."""
    claimable = (
        Handoff.objects.filter(pk=handoff_id, state=Handoff.State.PENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )
    lease_until = now + handoff_lease()
    return lease_until if claimable.update(lease_until=lease_until, attempts=F("attempts") + 1) else None


def _handoff_record_failure(handoff: Handoff, reason: str, lease_until: datetime) -> str:
    from .tasks import handoff_deliver

    now = timezone.now()
    if handoff.attempts >= HANDOFF_MAX_ATTEMPTS:
        state, next_attempt_at = Handoff.State.FAILED, None
    else:
        state, next_attempt_at = Handoff.State.PENDING, now + handoff_retry_delay(handoff.attempts)
    recorded = Handoff.objects.filter(pk=handoff.pk, state=Handoff.State.PENDING, lease_until=lease_until).update(
        state=state, next_attempt_at=next_attempt_at, lease_until=None, last_error=reason[:2000]
    )
    if not recorded:
        # The lease ran out during this attempt and another worker holds the hand-off now.
        return str(Handoff.State.PENDING)
    if next_attempt_at is not None:
        _enqueue_later(handoff_deliver, next_attempt_at, handoff_id=str(handoff.pk))
    return str(state)


def handoff_attempt(*, handoff_id: str) -> str | None:
    """Try one delivery of a due hand-off nobody else holds; returns its new state, or None if not ours."""
    lease_until = _handoff_claim(handoff_id, timezone.now())
    if lease_until is None:
        return None
    handoff = Handoff.objects.select_related(
        "submission__municipality",
        "submission__version__form__service",
        "submission__version__form__responsible_unit",
    ).get(pk=handoff_id)
    submission = handoff.submission
    try:
        backend = registry.get(handoff.backend)
    except KeyError:
        Handoff.objects.filter(pk=handoff.pk).update(
            state=Handoff.State.FAILED,
            lease_until=None,
            next_attempt_at=None,
            last_error=_("Unbekannter Übergabeweg „%(key)s“.") % {"key": handoff.backend},
        )
        return str(Handoff.State.FAILED)
    try:
        problems = backend.check_configuration(submission.version.form)
        if problems:
            raise HandoffError(" ".join(problems))
        backend.deliver(submission, handoff)
    except HandoffError as error:
        return _handoff_record_failure(handoff, str(error), lease_until)
    except Exception as error:
        # A fault in a backend must not keep the lease until it runs out; count it as a failed try.
        logger.exception("Hand-off %s through %s failed unexpectedly", handoff.pk, handoff.backend)
        return _handoff_record_failure(handoff, f"{type(error).__name__}: {error}", lease_until)
    # Delivered even if the lease ran out meanwhile: a second attempt then finds nothing to do.
    Handoff.objects.filter(pk=handoff.pk, state=Handoff.State.PENDING).update(
        state=Handoff.State.DELIVERED,
        delivered_at=timezone.now(),
        lease_until=None,
        next_attempt_at=None,
        last_error="",
    )
    return str(Handoff.State.DELIVERED)


def handoff_resend(*, handoff: Handoff) -> bool:
    """Send a failed or waiting hand-off again now, with a fresh count of attempts."""
    from .tasks import handoff_deliver

    with transaction.atomic():
        # The lease stays: if a delivery is running right now, it finishes and the new task finds nothing to do.
        reset = Handoff.objects.filter(pk=handoff.pk, state__in=[Handoff.State.PENDING, Handoff.State.FAILED]).update(
            state=Handoff.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if reset:
            handoff_id = str(handoff.pk)
            transaction.on_commit(lambda: handoff_deliver.enqueue(handoff_id=handoff_id))
    return bool(reset)


# Recovery ----------------------------------------------------------------------------------------


def applications_recover_run(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again what a crashed process left behind, and delete expired drafts."""
    from .tasks import handoff_deliver, submission_process

    now = now or timezone.now()
    stale = now - STALE_AFTER
    submission_ids = list(
        Submission.objects.filter(processed_at__isnull=True, submitted_at__lt=stale)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:RECOVERY_BATCH]
    )
    for submission_id in submission_ids:
        # One run without retries of its own: the next recovery pass is the retry.
        submission_process.enqueue(submission_id=str(submission_id), attempt=SUBMISSION_MAX_ATTEMPTS)
    lost_handoffs = Handoff.objects.filter(state=Handoff.State.PENDING).filter(
        # A lease that ran out: the worker died while delivering.
        Q(lease_until__lt=now)
        # Due for a while and nobody took it: the queued task was lost.
        | Q(lease_until__isnull=True, next_attempt_at__lt=stale)
        | Q(lease_until__isnull=True, next_attempt_at__isnull=True, created_at__lt=stale)
    )
    handoff_ids = list(lost_handoffs.order_by("created_at").values_list("pk", flat=True)[:RECOVERY_BATCH])
    for handoff_id in handoff_ids:
        handoff_deliver.enqueue(handoff_id=str(handoff_id))
    drafts = services.draft_delete_expired(now=now)
    if submission_ids or handoff_ids:
        logger.warning("Recovery queued %d submissions and %d hand-offs again", len(submission_ids), len(handoff_ids))
    return {"submissions": len(submission_ids), "handoffs": len(handoff_ids), "drafts": drafts}


def _recovery_enqueue(run_after: datetime | None) -> bool:
    from rathaus.portal.scheduling import recurring_enqueue

    from .tasks import applications_recover

    return recurring_enqueue(applications_recover, run_after)


def recovery_ensure_scheduled() -> bool:
    """Queue a recovery pass now unless one is already waiting; called when a worker starts."""
    return _recovery_enqueue(run_after=None)


def recovery_schedule_next() -> bool:
    """Queue the next recovery pass after the interval, unless one is already waiting."""
    return _recovery_enqueue(run_after=timezone.now() + recovery_interval())
