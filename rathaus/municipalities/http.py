"""Request types as the middleware and the staff guard leave them, for type-checked views."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

from .models import Municipality

if TYPE_CHECKING:
    from rathaus.accounts.models import StaffMembership, User


class MunicipalityRequest(HttpRequest):
    """A request after MunicipalityMiddleware: ``municipality`` is set for every portal page."""

    municipality: Municipality


class AuthenticatedRequest(MunicipalityRequest):
    """A request that passed ``login_required``."""

    user: "User"  # type: ignore[assignment]


class StaffRequest(AuthenticatedRequest):
    """A request that passed ``staff_required``: the person works for ``municipality``."""

    staff_membership: "StaffMembership"
