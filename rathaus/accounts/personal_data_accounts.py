"""What the accounts domain stores about a person: the profile, e-mail addresses, login factors."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext as _

from .models import User
from .personal_data import PersonalDataProvider


def _export(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
        "street": user.street,
        "postal_code": user.postal_code,
        "city": user.city,
        "phone": user.phone,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # Only the kind and date of each login factor: secrets never leave the server.
        "login_factors": [
            {"type": authenticator.type, "created_at": authenticator.created_at.isoformat()}
            for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "staff_memberships": [
            {
                "municipality": membership.municipality.name,
                "role": membership.role,
                "units": sorted(unit.name for unit in membership.units.all()),
            }
            for membership in user.staff_memberships.select_related("municipality").prefetch_related("units")
        ],
    }


def _erase(user: User) -> str:
    # The account row itself is deleted by account_delete; e-mail addresses and login
    # factors go with it through their foreign keys.
    return _("Profil, E-Mail-Adressen und Anmeldeverfahren gelöscht.")


def _retention_notice(user: User) -> str:
    return ""


provider = PersonalDataProvider(key="account", export=_export, erase=_erase, retention_notice=_retention_notice)
