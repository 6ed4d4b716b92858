"""Reads about accounts and staff rights."""

from django.db.models import QuerySet

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


def account_may_delete_itself(*, user: User) -> bool:
    """Citizens may; staff and platform operators are removed by an administrator instead."""
    return not (user.is_platform_operator or user.staff_memberships.filter(is_active=True).exists())


def user_has_mfa(*, user: User) -> bool:
    """Whether ``user`` has a second factor that allauth asks for at login (app code or security key)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def staff_membership_list(*, municipality: Municipality) -> QuerySet[StaffMembership]:
    return (
        StaffMembership.objects.filter(municipality=municipality)
        .select_related("user")
        .prefetch_related("units")
        .order_by("-is_active", "user__family_name", "user__email")
    )


def staff_membership_get(*, municipality: Municipality, membership_id: int) -> StaffMembership:
    """Raises DoesNotExist for memberships of any other municipality."""
    return staff_membership_list(municipality=municipality).get(pk=membership_id)
