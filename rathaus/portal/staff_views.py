"""Staff area: overview and the accessibility feedback inbox."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.permissions import staff_required
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.http import StaffRequest

from . import selectors, services
from .forms import FeedbackAnswerForm
from .models import AccessibilityFeedback


@require_GET
@staff_required()
def dashboard(request: StaffRequest) -> HttpResponse:
    municipality = request.municipality
    return render(
        request,
        "portal/staff/dashboard.html",
        {
            "open_feedback_count": selectors.feedback_open_count(municipality=municipality),
            "unit_count": municipality_selectors.unit_list(municipality=municipality).count(),
        },
    )


@require_GET
@staff_required()
def feedback_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", AccessibilityFeedback.Status.OPEN)
    if status not in AccessibilityFeedback.Status.values and status != "alle":
        status = AccessibilityFeedback.Status.OPEN
    feedback = selectors.feedback_list(
        municipality=request.municipality,
        status=None if status == "alle" else status,
    )
    page = Paginator(feedback, 25).get_page(request.GET.get("seite"))
    return render(request, "portal/staff/feedback_list.html", {"page": page, "status": status})


@require_http_methods(["GET", "POST"])
@staff_required()
def feedback_detail(request: StaffRequest, feedback_id: int) -> HttpResponse:
    try:
        feedback = selectors.feedback_get(municipality=request.municipality, feedback_id=feedback_id)
    except AccessibilityFeedback.DoesNotExist as error:
        raise Http404 from error
    form = FeedbackAnswerForm(
        request.POST if request.method == "POST" else None, initial={"staff_note": feedback.staff_note}
    )
    if request.method == "POST" and form.is_valid():
        services.accessibility_feedback_mark_answered(
            feedback=feedback,
            staff_user=request.user,
            staff_note=form.cleaned_data["staff_note"],
        )
        messages.success(request, _("Die Rückmeldung ist als beantwortet vermerkt."))
        return redirect("portal:staff_feedback_list")
    return render(
        request,
        "portal/staff/feedback_detail.html",
        {"feedback": feedback, "form": form},
        status=400 if form.errors else 200,
    )
