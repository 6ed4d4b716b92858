"""Public pages about the municipality's offices."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rathaus.catalogue.selectors import services_for_unit
from rathaus.municipalities.http import MunicipalityRequest

from . import selectors
from .models import OrganisationalUnit
from .page_cache import anonymous_page_cache


@require_GET
@anonymous_page_cache
def unit_list(request: MunicipalityRequest) -> HttpResponse:
    units = selectors.unit_list(municipality=request.municipality)
    return render(request, "municipalities/unit_list.html", {"units": units})


@require_GET
@anonymous_page_cache
def unit_detail(request: MunicipalityRequest, slug: str) -> HttpResponse:
    try:
        unit = selectors.unit_get(municipality=request.municipality, slug=slug)
    except OrganisationalUnit.DoesNotExist as error:
        raise Http404 from error
    days = selectors.unit_opening_days(unit=unit, today=timezone.localtime())
    services = services_for_unit(municipality=request.municipality, unit=unit)
    return render(request, "municipalities/unit_detail.html", {"unit": unit, "days": days, "services": services})
