"""Fixtures shared by the cases tests."""

from datetime import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from conftest import PASSWORD, TOTP_SECRET
from rathaus.accounts.models import StaffMembership
from rathaus.accounts.services import staff_membership_grant, user_create
from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory


@pytest.fixture
def freezer_at(monkeypatch):
    """Call with an aware datetime to make ``timezone.now()`` (and so every date the code takes) return it."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def second_clerk(esslingen, citizens_office):
    """Another clerk of the Bürgeramt: the second pair of eyes for decisions."""
    user = user_create(email="kollegin@esslingen.example.org", password=PASSWORD)
    staff_membership_grant(user=user, municipality=esslingen, role=StaffMembership.Role.CLERK, units=[citizens_office])
    TOTP.activate(user, TOTP_SECRET)
    return user


def _decision_case(esslingen, office, *, four_eyes: bool) -> Case:
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=office, four_eyes=four_eyes)
    return CaseFactory(case_type=case_type, reference="ES-2026-000042", applicant_name="Erika Mustermann")


@pytest.fixture
def case(esslingen, citizens_office):
    """A Bewohnerparkausweis case of the Bürgeramt whose decision needs no approval."""
    return _decision_case(esslingen, citizens_office, four_eyes=False)


@pytest.fixture
def four_eyes_case(esslingen, citizens_office):
    """The same, with the four-eyes principle."""
    return _decision_case(esslingen, citizens_office, four_eyes=True)
