"""Hand a submission to the back office of this installation: it becomes a case in the office's inbox."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...base import HandoffBackend, HandoffError
from ...registry import register

if TYPE_CHECKING:
    from rathaus.applications.models import ApplicationForm, Handoff, Submission


@register
class CaseHandoffBackend(HandoffBackend):
    key = "case"
    verbose_name = gettext_lazy("Vorgang in der Fallbearbeitung des Rathauses")

    def check_configuration(self, form: "ApplicationForm") -> list[str]:
        if form.responsible_unit_id is not None or form.service.responsible_units.exists():
            return []
        return [_("Es ist keine bearbeitende Stelle hinterlegt, in deren Posteingang der Vorgang kommen kann.")]

    def deliver(self, submission: "Submission", handoff: "Handoff") -> None:
        # Imported here: the cases app builds on applications, not the other way round.
        from rathaus.cases.services import CaseRefused, case_create_from_submission

        try:
            case_create_from_submission(submission=submission)
        except CaseRefused as error:
            raise HandoffError(str(error)) from error
