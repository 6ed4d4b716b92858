"""Background steps of a submission, run by the worker. Tasks take ids and may run twice without harm."""

from django_tasks import task

from . import processing


@task()
def submission_process(*, submission_id: str, attempt: int = 1) -> None:
    """Complete a submission: receipt, confirmation e-mail and hand-offs, each done once; retried with backoff."""
    try:
        processing.submission_process_steps(submission_id=submission_id)
    except Exception:
        processing.submission_retry_schedule(submission_id=submission_id, attempt=attempt)
        raise


@task()
def handoff_deliver(*, handoff_id: str) -> str | None:
    """Try one delivery of a hand-off; a failure queues the next try itself."""
    return processing.handoff_attempt(handoff_id=handoff_id)


@task()
def applications_recover() -> dict[str, int]:
    """Queue again what crashed processes left behind, then queue the next pass."""
    try:
        return processing.applications_recover_run()
    finally:
        processing.recovery_schedule_next()
