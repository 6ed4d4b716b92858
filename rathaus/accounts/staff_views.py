"""Staff area: municipality administrators manage who works in the staff area."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.municipalities.http import StaffRequest

from . import selectors, services
from .forms import StaffInviteForm, StaffMembershipForm
from .models import StaffMembership
from .permissions import staff_required

ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN


@require_GET
@staff_required(ADMIN)
def staff_list(request: StaffRequest) -> HttpResponse:
    memberships = selectors.staff_membership_list(municipality=request.municipality)
    return render(request, "accounts/staff/staff_list.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def staff_invite(request: StaffRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST if request.method == "POST" else None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        services.staff_invite(
            municipality=request.municipality,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            units=form.cleaned_data["units"],
            portal_url=request.build_absolute_uri("/"),
        )
        messages.success(request, _("Der Zugang ist eingerichtet. Die Person bekommt eine E-Mail."))
        return redirect("staff_members:list")
    return render(
        request, "accounts/staff/staff_form.html", {"form": form, "invite": True}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def staff_edit(request: StaffRequest, membership_id: int) -> HttpResponse:
    try:
        membership = selectors.staff_membership_get(municipality=request.municipality, membership_id=membership_id)
    except StaffMembership.DoesNotExist as error:
        raise Http404 from error
    initial = {"role": membership.role, "units": list(membership.units.all()), "is_active": membership.is_active}
    form = StaffMembershipForm(
        request.POST if request.method == "POST" else None, initial=initial, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                units=form.cleaned_data["units"],
                is_active=form.cleaned_data["is_active"],
            )
        except services.LastAdministratorError:
            form.add_error(
                None, _("Die Kommune braucht mindestens eine aktive Administratorin oder einen aktiven Administrator.")
            )
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("staff_members:list")
    return render(
        request,
        "accounts/staff/staff_form.html",
        {"form": form, "membership": membership, "invite": False},
        status=400 if form.errors else 200,
    )
