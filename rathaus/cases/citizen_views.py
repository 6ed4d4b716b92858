"""The citizen's side of a case: where it stands, its timeline, its messages, and withdrawing it."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.municipalities.http import AuthenticatedRequest
from rathaus.postbox.selectors import case_messages, open_request

from . import selectors, timeline
from . import workflow as flow
from .models import Case
from .services import CaseRefused, case_withdraw


def _case_or_404(request: AuthenticatedRequest, case_id: UUID) -> Case:
    case = selectors.case_for_citizen(municipality=request.municipality, user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _may_withdraw(case: Case, workflow: flow.Workflow) -> bool:
    return workflow.transition_for(case.state, "citizen", "withdrawal") is not None


@require_GET
@login_required
def citizen_case(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    workflow = flow.workflow_for(case.case_type)
    events = selectors.case_events(case=case, public_only=True)
    return render(
        request,
        "cases/citizen/case_detail.html",
        {
            "case": case,
            "state_text": timeline.state_text(case, workflow),
            "timeline": timeline.timeline(case, events),
            "next_step": timeline.next_step(case, workflow),
            "case_messages": case_messages(case=case),
            "open_request": open_request(case=case),
            "may_withdraw": _may_withdraw(case, workflow),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def citizen_withdraw(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = _case_or_404(request, case_id)
    workflow = flow.workflow_for(case.case_type)
    if request.method == "POST":
        try:
            case_withdraw(case=case, user=request.user)
        except CaseRefused:
            messages.error(
                request,
                _(
                    "Ihr Antrag kann nicht mehr zurückgezogen werden, weil schon darüber entschieden ist "
                    "oder der Vorgang abgeschlossen ist."
                ),
            )
        else:
            messages.success(request, _("Sie haben Ihren Antrag zurückgezogen."))
        return redirect("cases:citizen_case", case.pk)
    if not _may_withdraw(case, workflow):
        messages.info(request, _("Dieser Antrag kann nicht mehr zurückgezogen werden."))
        return redirect("cases:citizen_case", case.pk)
    return render(
        request, "cases/citizen/withdraw.html", {"case": case, "state_text": timeline.state_text(case, workflow)}
    )
