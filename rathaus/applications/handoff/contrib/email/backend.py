"""Send a submission to the office's mailbox: a readable summary plus every file a clerk needs."""

import json
import smtplib
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.applications.engine import AnswerRow, localise
from rathaus.applications.selectors import submission_answer_rows, submission_data
from rathaus.municipalities.selectors import municipality_sender

from ...base import HandoffBackend, HandoffError
from ...registry import register

if TYPE_CHECKING:
    from rathaus.applications.models import ApplicationForm, Handoff, Submission

DATA_ATTACHMENT_NAME = "antragsdaten.json"


def office_address(form: "ApplicationForm") -> str:
    """Where hand-off e-mails of ``form`` go: its own address, else the responsible office's."""
    if form.handoff_email:
        return form.handoff_email
    if form.responsible_unit is not None:
        return form.responsible_unit.email
    return ""


def _plain_rows(rows: list[AnswerRow]) -> list[dict[str, Any]]:
    # Labels may carry several languages; the office reads German.
    return [
        {
            "label": localise(row.label, "de")[0],
            "value": row.value,
            "items": [_plain_rows(item) for item in row.items],
        }
        for row in rows
    ]


@register
class EmailHandoffBackend(HandoffBackend):
    key = "email"
    verbose_name = gettext_lazy("E-Mail an die bearbeitende Stelle")

    def check_configuration(self, form: "ApplicationForm") -> list[str]:
        if office_address(form):
            return []
        return [
            _(
                "Es ist keine E-Mail-Adresse für die Übergabe hinterlegt und die bearbeitende Stelle "
                "hat keine E-Mail-Adresse."
            )
        ]

    def deliver(self, submission: "Submission", handoff: "Handoff") -> None:
        form = submission.version.form
        service = form.service
        if not submission.receipt:
            raise HandoffError(_("Die Empfangsbestätigung ist noch nicht erstellt."))
        # The office works in German, whatever language the applicant used.
        with translation.override("de"):
            body = render_to_string(
                "applications/email/handoff_office.txt",
                {
                    "submission": submission,
                    "service": service,
                    "rows": _plain_rows(submission_answer_rows(submission=submission)),
                    "handoff": handoff,
                },
            )
            message = EmailMessage(
                subject=_("Neuer Online-Antrag %(reference)s: %(service)s")
                % {"reference": submission.reference, "service": service.name},
                body=body,
                from_email=municipality_sender(municipality=submission.municipality),
                to=[office_address(form)],
                reply_to=[submission.email] if submission.email else None,
                headers={"X-Rathaus-Delivery": str(handoff.id)},
            )
        with submission.receipt.open("rb") as receipt:
            message.attach(f"{submission.reference}.pdf", receipt.read(), "application/pdf")
        for upload in submission.uploads.all():
            with upload.file.open("rb") as uploaded:
                message.attach(upload.file_name, uploaded.read(), upload.content_type)
        data = json.dumps(submission_data(submission=submission), ensure_ascii=False, indent=2)
        message.attach(DATA_ATTACHMENT_NAME, data, "application/json")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            raise HandoffError(_("E-Mail nicht versandt: %(error)s") % {"error": error}) from error
