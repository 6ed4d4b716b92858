"""Staff side of the postbox: writing to the applicant, asking for information, opening their files."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.permissions import staff_required
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case
from rathaus.cases.selectors import case_for_staff
from rathaus.cases.services import CaseRefused, case_view_record, staff_role
from rathaus.municipalities.http import StaffRequest

from . import selectors, services
from .forms import StaffMessageForm, StaffRequestForm
from .notifications import STAFF_CASE_URL_NAME, applicant_address
from .views import attachment_response


def _case_or_404(request: StaffRequest, case_id: UUID) -> Case:
    case = case_for_staff(municipality=request.municipality, membership=request.staff_membership, case_id=case_id)
    if case is None:
        raise Http404
    return case


def case_url(case: Case) -> str:
    """The staff page of ``case``, where the thread is shown."""
    return reverse(STAFF_CASE_URL_NAME, args=[case.pk])


def _context(case: Case, form: StaffMessageForm, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "form": form,
        "case_url": case_url(case),
        "thread": selectors.case_messages(case=case),
        "has_address": bool(applicant_address(case)),
        **extra,
    }


@staff_required()
@require_http_methods(["GET", "POST"])
def staff_message(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    form = StaffMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.case_message_send(
            case=case,
            actor=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            attachments=form.attachment_tuples(),
        )
        messages.success(request, _("Die Nachricht liegt jetzt im Postfach der antragstellenden Person."))
        return redirect(case_url(case))
    case_view_record(case=case, actor=request.user, what="messages")
    return render(request, "postbox/staff/message_form.html", _context(case, form))


@staff_required()
@require_http_methods(["GET", "POST"])
def staff_request(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    workflow = flow.workflow_for(case.case_type)
    possible = workflow.transition_for(case.state, staff_role(request.staff_membership), "request") is not None
    initial = {"subject": _("Rückfrage zu Ihrem Antrag %(reference)s") % {"reference": case.reference}}
    form = StaffRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and possible and form.is_valid():
        try:
            services.case_request_information(
                case=case,
                membership=request.staff_membership,
                actor=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                attachments=form.attachment_tuples(),
            )
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Die Rückfrage ist gesendet. Die Bearbeitungsfrist ruht, bis die antragstellende Person antwortet."),
            )
            return redirect(case_url(case))
    case_view_record(case=case, actor=request.user, what="messages")
    return render(request, "postbox/staff/request_form.html", _context(case, form, possible=possible))


@staff_required()
@require_GET
def staff_attachment(request: StaffRequest, case_id: UUID, attachment_id: UUID) -> FileResponse:
    case = _case_or_404(request, case_id)
    attachment = selectors.case_attachment(case=case, attachment_id=attachment_id)
    if attachment is None or not attachment.file:
        raise Http404
    case_view_record(case=case, actor=request.user, what="attachment")
    return attachment_response(attachment)
