"""Staff area: municipality administrators issue and revoke Open311 API keys for outside applications."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest
from rathaus.reports.models import Open311Client

from . import selectors, services
from .staff_forms import Open311ClientForm

ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN


@require_GET
@staff_required(ADMIN)
def client_list(request: StaffRequest) -> HttpResponse:
    clients = selectors.open311_client_list(municipality=request.municipality)
    return render(
        request,
        "reports/open311/client_list.html",
        {"clients": clients, "endpoint": request.build_absolute_uri("/open311/v2/")},
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def client_create(request: StaffRequest) -> HttpResponse:
    form = Open311ClientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        client, api_key = services.open311_client_create(
            municipality=request.municipality,
            name=form.cleaned_data["name"],
            contact_email=form.cleaned_data["contact_email"],
            actor=request.user,
        )
        # Only the hash is stored: this answer is the one moment the key exists in readable form.
        response = render(
            request,
            "reports/open311/client_created.html",
            {"client": client, "api_key": api_key, "endpoint": request.build_absolute_uri("/open311/v2/")},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "reports/open311/client_form.html", {"form": form}, status=400 if form.errors else 200)


@staff_required(ADMIN)
@require_POST
def client_revoke(request: StaffRequest, client_id: int) -> HttpResponse:
    try:
        client = selectors.open311_client_get(municipality=request.municipality, client_id=client_id)
    except Open311Client.DoesNotExist as error:
        raise Http404 from error
    services.open311_client_revoke(client=client, actor=request.user)
    messages.success(
        request,
        _("Der Schlüssel von „%(name)s“ ist gesperrt. Die Anwendung kann nichts mehr melden.") % {"name": client.name},
    )
    return redirect("open311:staff_client_list")
