"""Reads of the portal frame; each takes the municipality explicitly."""

from django.db.models import QuerySet

from rathaus.municipalities.models import Municipality

from .models import AccessibilityFeedback


def feedback_list(*, municipality: Municipality, status: str | None = None) -> QuerySet[AccessibilityFeedback]:
    feedback = AccessibilityFeedback.objects.filter(municipality=municipality).select_related("handled_by")
    if status:
        feedback = feedback.filter(status=status)
    return feedback.order_by("-created_at")


def feedback_get(*, municipality: Municipality, feedback_id: int) -> AccessibilityFeedback:
    """Raises DoesNotExist for feedback of any other municipality."""
    return feedback_list(municipality=municipality).get(pk=feedback_id)


def feedback_open_count(*, municipality: Municipality) -> int:
    return feedback_list(municipality=municipality, status=AccessibilityFeedback.Status.OPEN).count()
