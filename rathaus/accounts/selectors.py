"""Reads about accounts and staff rights."""

from rathaus.municipalities.models import Municipality

from .models import StaffMembership, User


def staff_membership_for(*, user: User, municipality: Municipality) -> StaffMembership | None:
    """The active membership of ``user`` in ``municipality``, or None for citizens and other towns' staff."""
    if not user.is_authenticated:
        return None
    return (
        StaffMembership.objects.filter(user=user, municipality=municipality, is_active=True)
        .prefetch_related("units")
        .first()
    )


def user_has_mfa(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
