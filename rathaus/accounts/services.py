"""Writes on accounts: profile changes, data export, deletion, staff memberships."""

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import personal_data
from .models import StaffMembership, User
from .selectors import account_may_delete_itself

logger = logging.getLogger(__name__)


class AccountDeletionRefused(Exception):
    """Raised when an account may not delete itself (for example a staff account)."""


def profile_update(
    *,
    user: User,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    street: str,
    postal_code: str,
    city: str,
    phone: str,
) -> User:
    """Store the profile data that later prefills applications."""
    user.given_name = given_name.strip()
    user.family_name = family_name.strip()
    user.date_of_birth = date_of_birth
    user.street = street.strip()
    user.postal_code = postal_code.strip()
    user.city = city.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["given_name", "family_name", "date_of_birth", "street", "postal_code", "city", "phone"])
    return user


def account_export_data(*, user: User) -> dict[str, Any]:
    """Everything stored about ``user``, as a machine-readable document (GDPR Art. 15 and 20)."""
    return {
        "format": "rathaus-personal-data",
        "format_version": 1,
        "exported_at": timezone.now().isoformat(),
        "data": {provider.key: provider.export(user) for provider in personal_data.providers()},
    }


def account_retention_notices(*, user: User) -> list[str]:
    """Plain-German sentences about what must be kept by law when ``user`` deletes the account."""
    return [notice for provider in personal_data.providers() if (notice := provider.retention_notice(user))]


def account_delete(*, user: User) -> list[str]:
    """Erase or anonymise everything about ``user`` and delete the account, all or nothing."""
    if not account_may_delete_itself(user=user):
        raise AccountDeletionRefused
    with transaction.atomic():
        outcomes = [provider.erase(user) for provider in personal_data.providers()]
        user_id = user.pk
        user.delete()
    logger.info("account deleted", extra={"user_id": user_id})
    return outcomes


def staff_membership_grant(
    *,
    user: User,
    municipality: Municipality,
    role: str,
    units: Iterable[OrganisationalUnit] = (),
) -> StaffMembership:
    """Make ``user`` staff of ``municipality`` in ``role``, working in ``units`` of that municipality only."""
    unit_list = list(units)
    foreign = [unit for unit in unit_list if unit.municipality_id != municipality.pk]
    if foreign:
        raise ValueError("Offices must belong to the membership's municipality.")
    with transaction.atomic():
        membership, _created = StaffMembership.objects.update_or_create(
            user=user, municipality=municipality, defaults={"role": role, "is_active": True}
        )
        membership.units.set(unit_list)
    return membership


def user_create(*, email: str, password: str | None, verified: bool = True, **profile: Any) -> User:
    """Create an account with its allauth e-mail record (used by demo data and tests)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, **profile)
        EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


class LastAdministratorError(Exception):
    """Raised when a change would leave a municipality without an active administrator."""


def _would_remove_last_admin(*, membership: StaffMembership, role: str, is_active: bool) -> bool:
    if membership.role != StaffMembership.Role.MUNICIPALITY_ADMIN or not membership.is_active:
        return False
    if role == StaffMembership.Role.MUNICIPALITY_ADMIN and is_active:
        return False
    other_admins = StaffMembership.objects.filter(
        municipality=membership.municipality, role=StaffMembership.Role.MUNICIPALITY_ADMIN, is_active=True
    ).exclude(pk=membership.pk)
    return not other_admins.exists()


def staff_invite(
    *,
    municipality: Municipality,
    email: str,
    role: str,
    units: Iterable[OrganisationalUnit],
    portal_url: str,
) -> StaffMembership:
    """Make the owner of ``email`` staff of ``municipality``; a new person gets an account and an invitation."""
    from .tasks import staff_invitation_send

    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        is_new = user is None
        if user is None:
            # The invitation link proves the address; the person chooses the password.
            user = user_create(email=email, password=None, verified=True)
        membership = staff_membership_grant(user=user, municipality=municipality, role=role, units=units)
        membership_id = membership.pk
        transaction.on_commit(
            lambda: staff_invitation_send.enqueue(
                membership_id=membership_id, portal_url=portal_url, new_account=is_new
            )
        )
    return membership


def staff_membership_update(
    *, membership: StaffMembership, role: str, units: Iterable[OrganisationalUnit], is_active: bool
) -> StaffMembership:
    """Change role, offices or activity of a staff member; refuses to remove the last administrator."""
    unit_list = list(units)
    if any(unit.municipality_id != membership.municipality_id for unit in unit_list):
        raise ValueError("Offices must belong to the membership's municipality.")
    with transaction.atomic():
        locked = StaffMembership.objects.select_for_update().get(pk=membership.pk)
        if _would_remove_last_admin(membership=locked, role=role, is_active=is_active):
            raise LastAdministratorError
        locked.role = role
        locked.is_active = is_active
        locked.save(update_fields=["role", "is_active"])
        locked.units.set(unit_list)
    return locked
