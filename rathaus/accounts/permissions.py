"""Access to the staff area (/verwaltung/): staff of the request's municipality, with MFA."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .models import StaffMembership
from .selectors import staff_membership_for, user_has_mfa

View = Callable[..., HttpResponseBase]

_ROLE_RANK = {
    StaffMembership.Role.CLERK: 1,
    StaffMembership.Role.OFFICE_LEAD: 2,
    StaffMembership.Role.MUNICIPALITY_ADMIN: 3,
}


def refuse(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/refused.html", {"reason": reason}, status=403)


def staff_required(minimum_role: str = StaffMembership.Role.CLERK) -> Callable[[View], View]:
    """Let through only active staff of ``request.municipality`` holding at least ``minimum_role``.

    Sets ``request.staff_membership`` for the view.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = staff_membership_for(user=request.user, municipality=request.municipality)  # type: ignore[arg-type,attr-defined]
            if membership is None:
                return refuse(
                    request,
                    _("Dieser Bereich ist den Mitarbeiterinnen und Mitarbeitern der Verwaltung vorbehalten."),
                )
            if settings.RATHAUS_STAFF_REQUIRE_MFA and not user_has_mfa(user=request.user):  # type: ignore[arg-type]
                messages.warning(
                    request,
                    _(
                        "Für den Verwaltungsbereich ist eine Zwei-Faktor-Anmeldung Pflicht. "
                        "Bitte richten Sie jetzt eine Authentifizierungs-App ein."
                    ),
                )
                return redirect("mfa_activate_totp")
            if _ROLE_RANK[StaffMembership.Role(membership.role)] < _ROLE_RANK[StaffMembership.Role(minimum_role)]:
                return refuse(request, _("Für diese Aufgabe fehlt Ihnen die nötige Rolle."))
            request.staff_membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
