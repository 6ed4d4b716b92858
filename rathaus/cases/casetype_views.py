"""Staff area for administrators: how the cases of each service are processed (case types)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.catalogue.models import Service
from rathaus.catalogue.selectors import staff_service_list
from rathaus.municipalities.http import StaffRequest

from .casetype_forms import CaseTypeForm, default_workflow_json
from .models import CaseType
from .services import CaseRefused, _default_processing_days, _default_unit, case_type_for_service, case_type_update

PAGE_SIZE = 50


@staff_required(StaffMembership.Role.MUNICIPALITY_ADMIN)
@require_GET
def case_type_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    services = staff_service_list(municipality=request.municipality, query=query).select_related(
        "case_type__responsible_unit"
    )
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("seite"))
    rows = [(service, getattr(service, "case_type", None)) for service in page.object_list]
    return render(request, "cases/casetypes/list.html", {"page": page, "rows": rows, "query": query})


def _unsaved_case_type(service: Service) -> CaseType:
    """What the case type will be when the first case arrives, for a service that has none yet."""
    return CaseType(
        municipality_id=service.municipality_id,
        service=service,
        responsible_unit=_default_unit(service),
        processing_days=_default_processing_days(service),
    )


@staff_required(StaffMembership.Role.MUNICIPALITY_ADMIN)
@require_http_methods(["GET", "POST"])
def case_type_edit(request: StaffRequest, service_id: int) -> HttpResponse:
    service = Service.objects.filter(municipality=request.municipality, pk=service_id).first()
    if service is None:
        raise Http404
    existing = CaseType.objects.filter(service=service).select_related("responsible_unit").first()
    case_type = existing or _unsaved_case_type(service)
    if request.method == "POST":
        form = CaseTypeForm(request.POST, municipality=request.municipality, case_type=case_type)
        if form.is_valid():
            try:
                saved = case_type_for_service(
                    service=service, responsible_unit=form.cleaned_data.get("responsible_unit")
                )
                case_type_update(case_type=saved, values=dict(form.cleaned_data), actor=request.user)
            except CaseRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("Die Einstellungen für „%(service)s“ sind gespeichert.") % {"service": service.name},
                )
                return redirect("cases:case_type_list")
    else:
        form = CaseTypeForm(
            initial=CaseTypeForm.initial_for(case_type), municipality=request.municipality, case_type=case_type
        )
    return render(
        request,
        "cases/casetypes/edit.html",
        {
            "service": service,
            "case_type": case_type,
            "is_new": existing is None,
            "form": form,
            "default_workflow": default_workflow_json(),
        },
        status=400 if form.errors else 200,
    )
