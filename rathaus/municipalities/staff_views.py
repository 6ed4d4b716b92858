"""Staff area: offices and the municipality's own settings."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import refuse, staff_required
from rathaus.municipalities.http import StaffRequest

from . import selectors, services
from .forms import MunicipalitySettingsForm, UnitContactForm
from .models import OrganisationalUnit


@require_GET
@staff_required()
def unit_list(request: StaffRequest) -> HttpResponse:
    units = selectors.unit_list(municipality=request.municipality)
    return render(request, "municipalities/staff/unit_list.html", {"units": units})


@require_http_methods(["GET", "POST"])
@staff_required(StaffMembership.Role.OFFICE_LEAD)
def unit_edit(request: StaffRequest, slug: str) -> HttpResponse:
    try:
        unit = selectors.unit_get(municipality=request.municipality, slug=slug)
    except OrganisationalUnit.DoesNotExist as error:
        raise Http404 from error
    membership: StaffMembership = request.staff_membership
    if not membership.is_municipality_admin and unit not in membership.units.all():
        return refuse(request, _("Sie können nur die Angaben Ihrer eigenen Organisationseinheit ändern."))
    form = UnitContactForm(request.POST if request.method == "POST" else None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.unit_update_contact(unit=unit, **{field: form.cleaned_data[field] for field in form.fields})
        messages.success(request, _("Die Angaben wurden gespeichert."))
        return redirect("municipalities:staff_unit_list")
    return render(
        request, "municipalities/staff/unit_edit.html", {"unit": unit, "form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required(StaffMembership.Role.MUNICIPALITY_ADMIN)
def municipality_settings(request: StaffRequest) -> HttpResponse:
    municipality = request.municipality
    form = MunicipalitySettingsForm(request.POST if request.method == "POST" else None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        services.municipality_update_settings(
            municipality=municipality, **{field: form.cleaned_data[field] for field in form.fields}
        )
        messages.success(request, _("Die Einstellungen wurden gespeichert."))
        return redirect("portal:staff_dashboard")
    return render(request, "municipalities/staff/settings.html", {"form": form}, status=400 if form.errors else 200)
