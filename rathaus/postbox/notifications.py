"""E-mails that say something new is waiting, run by the worker.

An e-mail travels unencrypted through servers nobody here controls, so it never carries personal
data: no name, no reference, no service, no message text. It only says that there is something
new and links to the page where the reader logs in to see it.
"""

import logging
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.municipalities.models import HostName
from rathaus.municipalities.selectors import municipality_sender

from .models import Message

logger = logging.getLogger(__name__)

STAFF_CASE_URL_NAME = "cases:case"


def applicant_address(case: Case) -> str:
    """Where the applicant is told about new messages: the account's address, else the one given."""
    if case.applicant_id is not None and case.applicant is not None and case.applicant.email:
        return case.applicant.email
    return case.applicant_email


def staff_address(case: Case) -> str:
    """Who hears of a citizen's answer: the assigned clerk, else the responsible office."""
    if case.assignee_id is not None and case.assignee is not None and case.assignee.email:
        return case.assignee.email
    return case.unit.email


def portal_url(case: Case) -> str:
    """The portal's address for links: the one the application was made on, else the municipality's first host."""
    if case.submission_id is not None and case.submission is not None and case.submission.portal_url:
        return case.submission.portal_url.rstrip("/")
    host = HostName.objects.filter(municipality_id=case.municipality_id).order_by("name").first()
    if host is None:
        return ""
    local = settings.DEBUG or host.name == "localhost" or host.name.endswith(".localhost")
    return f"{'http' if local else 'https'}://{host.name}"


def _language(case: Case) -> str:
    if case.submission_id is not None and case.submission is not None and case.submission.language:
        return case.submission.language
    return "de"


def _claim(message: Message, now: datetime) -> bool:
    # Claimed before sending, so two runs at once cannot both send; a failed send gives it back.
    return bool(Message.objects.filter(pk=message.pk, notified_at__isnull=True).update(notified_at=now))


def _release(message: Message, now: datetime) -> None:
    Message.objects.filter(pk=message.pk, notified_at=now).update(notified_at=None)


def _citizen_email(message: Message, address: str) -> EmailMessage:
    case = message.case
    with translation.override(_language(case)):
        body = render_to_string(
            "postbox/email/new_message.txt",
            {"municipality": message.municipality, "postbox_url": portal_url(case) + reverse("postbox:inbox")},
        )
        return EmailMessage(
            subject=_("Neue Nachricht in Ihrem Postfach"),
            body=body,
            from_email=municipality_sender(municipality=message.municipality),
            to=[address],
        )


def _staff_email(message: Message, address: str) -> EmailMessage:
    case = message.case
    with translation.override("de"):
        body = render_to_string(
            "postbox/email/new_answer.txt",
            {
                "municipality": message.municipality,
                "case_url": portal_url(case) + reverse(STAFF_CASE_URL_NAME, args=[case.pk]),
            },
        )
        return EmailMessage(
            subject=_("Neue Antwort zu einem Vorgang"),
            body=body,
            from_email=municipality_sender(municipality=message.municipality),
            to=[address],
        )


def message_notify(*, message_id: str) -> bool:
    """Tell the other side that ``message`` is waiting; sends at most once, returns whether it sent."""
    message = (
        Message.objects.select_related(
            "municipality", "case__applicant", "case__assignee", "case__unit", "case__submission"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.notified_at is not None:
        return False
    to_citizen = message.direction == Message.Direction.TO_CITIZEN
    address = applicant_address(message.case) if to_citizen else staff_address(message.case)
    if not address:
        # Nobody to tell by e-mail (a case opened by phone without an address); the message is still there.
        return False
    now = timezone.now()
    if not _claim(message, now):
        return False
    try:
        email = _citizen_email(message, address) if to_citizen else _staff_email(message, address)
        email.send()
    except smtplib.SMTPRecipientsRefused:
        # The address itself is refused: trying again cannot help; the message waits in the postbox.
        logger.warning("Notification of message %s refused by the mail server for its recipient", message.pk)
        _release(message, now)
        return False
    except Exception:
        _release(message, now)
        raise
    return True
