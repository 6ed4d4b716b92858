"""Writes of the portal frame."""

from django.db import transaction
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality

from .models import AccessibilityFeedback
from .tasks import accessibility_feedback_notify


def accessibility_feedback_submit(
    *,
    municipality: Municipality,
    message: str,
    page_url: str = "",
    name: str = "",
    email: str = "",
    user: User | None = None,
) -> AccessibilityFeedback:
    """Store a reported barrier and tell the municipality's contact address about it."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            municipality=municipality,
            message=message.strip(),
            page_url=page_url.strip(),
            name=name.strip(),
            email=email.strip(),
            submitted_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: accessibility_feedback_notify.enqueue(feedback_id=feedback.pk))
    return feedback


def accessibility_feedback_mark_answered(
    *, feedback: AccessibilityFeedback, staff_user: User, staff_note: str
) -> AccessibilityFeedback:
    """Record that staff answered or resolved a reported barrier."""
    feedback.status = AccessibilityFeedback.Status.ANSWERED
    feedback.staff_note = staff_note.strip()
    feedback.handled_by = staff_user
    feedback.handled_at = timezone.now()
    feedback.save(update_fields=["status", "staff_note", "handled_by", "handled_at"])
    return feedback
