"""Fixtures of the postbox tests: a case of the citizen in the Bürgeramt, and a clock to set."""

from datetime import datetime

import pytest
from django.utils import timezone

from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.models import HostName

APPLICANT_NAME = "Erika Mustermann"
REFERENCE = "ES-2026-000042"
SERVICE_NAME = "Bewohnerparkausweis"


@pytest.fixture
def case_type(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name=SERVICE_NAME, slug="bewohnerparkausweis")
    return CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)


@pytest.fixture
def citizen_case(case_type, citizen):
    """Erika's online application for a residents' parking permit, just received by the Bürgeramt."""
    return CaseFactory(
        case_type=case_type,
        channel=Case.Channel.ONLINE,
        applicant=citizen,
        applicant_name=APPLICANT_NAME,
        applicant_email=citizen.email,
        reference=REFERENCE,
    )


@pytest.fixture
def clerk_membership(clerk):
    return clerk.staff_memberships.get()


@pytest.fixture
def clock(monkeypatch):
    """Call with an aware datetime to make ``timezone.now()`` return it from then on."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def portal_host(esslingen):
    return HostName.objects.get(municipality=esslingen).name
