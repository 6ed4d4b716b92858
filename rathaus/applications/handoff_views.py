"""Staff area: hand-offs of submissions to the administration, their state, and sending one again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from . import processing, selectors
from .handoff import registry
from .models import Handoff

PAGE_SIZE = 50
ALL_STATES = ""


def _status_filter(value: str | None) -> str:
    return value if value in Handoff.State.values else ALL_STATES


def _list_url(status: str) -> str:
    url = reverse("applications:staff_handoff_list")
    return f"{url}?{urlencode({'status': status})}" if status else url


@require_GET
@staff_required()
def handoff_list(request: StaffRequest) -> HttpResponse:
    status = _status_filter(request.GET.get("status"))
    handoffs = selectors.handoffs_of_municipality(municipality=request.municipality)
    if status:
        handoffs = handoffs.filter(state=status)
    page = Paginator(handoffs, PAGE_SIZE).get_page(request.GET.get("seite"))
    backend_names = dict(registry.choices())
    rows = [(handoff, backend_names.get(handoff.backend, handoff.backend)) for handoff in page.object_list]
    return render(
        request,
        "applications/staff/handoff_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "states": Handoff.State.choices,
            "may_resend": request.staff_membership.is_office_lead,
            "resendable_states": [Handoff.State.PENDING, Handoff.State.FAILED],
        },
    )


# Refusal by role comes before the method check, so every wrong person meets the same refusal.
@staff_required(StaffMembership.Role.OFFICE_LEAD)
@require_POST
def handoff_resend(request: StaffRequest, pk: str) -> HttpResponse:
    handoff = (
        selectors.handoffs_of_municipality(municipality=request.municipality)
        .filter(pk=pk)
        .select_related("submission")
        .first()
    )
    if handoff is None:
        raise Http404
    if processing.handoff_resend(handoff=handoff):
        messages.success(
            request,
            _("Die Übergabe des Antrags %(reference)s wird erneut gesendet.")
            % {"reference": handoff.submission.reference},
        )
    else:
        messages.info(
            request,
            _("Die Übergabe des Antrags %(reference)s ist bereits zugestellt.")
            % {"reference": handoff.submission.reference},
        )
    return redirect(_list_url(_status_filter(request.POST.get("status"))))
