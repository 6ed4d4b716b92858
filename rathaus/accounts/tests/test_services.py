from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from rathaus.accounts.models import User
from rathaus.accounts.services import (
    AccountDeletionRefused,
    account_delete,
    account_export_data,
    account_retention_notices,
    profile_update,
)
from rathaus.portal.models import AccessibilityFeedback


def _profile(**overrides):
    values = {
        "given_name": "Erika",
        "family_name": "Mustermann",
        "date_of_birth": date(1984, 8, 12),
        "street": "Pliensaustraße 12",
        "postal_code": "73728",
        "city": "Esslingen am Neckar",
        "phone": "",
    }
    values.update(overrides)
    return values


def test_profile_update_stores_the_prefill_data(citizen):
    profile_update(user=citizen, **_profile())

    citizen.refresh_from_db()
    assert citizen.street == "Pliensaustraße 12"
    assert citizen.date_of_birth == date(1984, 8, 12)


def test_profile_update_refuses_a_malformed_postal_code_and_keeps_the_old_data(citizen):
    with pytest.raises(ValidationError):
        profile_update(user=citizen, **_profile(postal_code="ABCDE"))

    citizen.refresh_from_db()
    assert citizen.postal_code == ""


def test_export_holds_profile_addresses_login_factors_and_feedback(citizen, clerk, esslingen):
    profile_update(user=citizen, **_profile())
    AccessibilityFeedback.objects.create(municipality=esslingen, message="Zu kleine Schrift", submitted_by=citizen)

    document = account_export_data(user=citizen)

    data = document["data"]
    assert document["format"] == "rathaus-personal-data"
    assert data["account"]["email"] == citizen.email
    assert data["account"]["street"] == "Pliensaustraße 12"
    assert data["account"]["email_addresses"] == [{"email": citizen.email, "verified": True, "primary": True}]
    assert data["accessibility_feedback"][0]["message"] == "Zu kleine Schrift"


def test_export_of_staff_lists_memberships_but_never_secrets(clerk):
    document = account_export_data(user=clerk)

    factors = document["data"]["account"]["login_factors"]
    assert [factor["type"] for factor in factors] == ["totp"]
    assert "secret" not in str(document)
    assert document["data"]["account"]["staff_memberships"][0]["role"] == "clerk"


def test_deleting_an_account_removes_the_person_and_anonymises_their_feedback(citizen, esslingen):
    feedback = AccessibilityFeedback.objects.create(
        municipality=esslingen, message="Zu kleine Schrift", submitted_by=citizen, name="Erika", email=citizen.email
    )
    assert account_retention_notices(user=citizen)

    account_delete(user=citizen)

    feedback.refresh_from_db()
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert not EmailAddress.objects.filter(email=citizen.email).exists()
    assert (feedback.submitted_by, feedback.name, feedback.email) == (None, "", "")
    assert feedback.message == "Zu kleine Schrift"


def test_staff_accounts_cannot_delete_themselves(clerk):
    with pytest.raises(AccountDeletionRefused):
        account_delete(user=clerk)

    assert User.objects.filter(pk=clerk.pk).exists()
