"""Background work of the portal frame. Tasks take ids and may run twice without harm."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from rathaus.portal.scheduling import recurring_task

from . import housekeeping
from .models import AccessibilityFeedback


@task()
def accessibility_feedback_notify(*, feedback_id: int) -> bool:
    """E-mail the municipality's accessibility contact that new feedback is waiting (no content, only a link)."""
    feedback = AccessibilityFeedback.objects.select_related("municipality").filter(pk=feedback_id).first()
    if feedback is None:
        return False
    municipality = feedback.municipality
    host = municipality.host_names.order_by("pk").values_list("name", flat=True).first() or ""
    with translation.override("de"):
        body = render_to_string(
            "portal/email/feedback_notification.txt",
            {
                "municipality": municipality,
                "feedback": feedback,
                "link": f"https://{host}{reverse('portal:staff_feedback_detail', args=[feedback.pk])}",
            },
        )
        send_mail(
            subject=f"Neue Rückmeldung zur Barrierefreiheit ({municipality.short_name})",
            message=body,
            from_email=None,
            recipient_list=[municipality.accessibility_contact_email],
        )
    return True


@recurring_task(lambda: timedelta(seconds=settings.RATHAUS_CACHE_HOUSEKEEPING_INTERVAL_SECONDS))
def portal_housekeeping() -> dict[str, int]:
    """Delete expired entries of the database cache; then queue the next pass (the worker queues the first)."""
    return housekeeping.housekeeping_run()
