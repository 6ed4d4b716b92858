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
