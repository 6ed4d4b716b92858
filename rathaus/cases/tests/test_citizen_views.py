"""The citizen's pages of a case: "Meine Anträge", the case page with its timeline, and withdrawing."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.services import case_transition_via
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.postbox.services import case_request_information

from .factories import CaseEventFactory, CaseFactory, CaseTypeFactory


@pytest.fixture
def case(esslingen, citizens_office, citizen):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)
    case = CaseFactory(
        case_type=case_type,
        channel=Case.Channel.ONLINE,
        applicant=citizen,
        reference="ES-2026-000042",
        due_date=date(2026, 12, 15),
    )
    CaseEventFactory(
        case=case, kind=CaseEvent.Kind.CREATED, public=True, state_to=case.state, data={"channel": "online"}
    )
    return case


def _decide(case: Case, clerk) -> None:
    with transaction.atomic():
        decided = case_transition_via(case=case, via="decision", role="clerk", actor=clerk)
        decided.outcome = Case.Outcome.APPROVED
        decided.save(update_fields=["outcome"])


def test_my_applications_lists_the_case_with_its_state_and_a_link(case, citizen):
    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("applications:my_applications")).content.decode()

    assert "ES-2026-000042" in page
    assert "Bewohnerparkausweis" in page
    assert "Eingegangen" in page
    assert reverse("cases:citizen_case", args=[case.pk]) in page


def test_my_applications_lists_a_case_opened_by_phone_for_the_citizens_verified_address(
    esslingen, citizens_office, citizen
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=citizen, email=citizen.email, defaults={"verified": True, "primary": True}
    )
    phone_case = CaseFactory(
        case_type=CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office),
        applicant=None,
        applicant_email=citizen.email,
        reference="ES-2026-000777",
    )

    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("applications:my_applications")).content.decode()

    assert phone_case.reference in page


def test_the_case_page_shows_state_timeline_next_step_and_messages(case, citizen, clerk):
    request = case_request_information(
        case=case, membership=clerk.staff_memberships.get(), actor=clerk, subject="Rückfrage zum Parkausweis", body="?"
    )

    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:citizen_case", args=[case.pk])).content.decode()

    assert "Wartet auf Ihre Antwort" in page
    assert "Ihr Antrag ist eingegangen." in page
    assert "Wir haben Ihnen eine Rückfrage gestellt. Die Bearbeitungsfrist ruht, bis Sie antworten." in page
    assert "sobald Sie geantwortet haben" in page
    assert "Rückfrage zum Parkausweis" in page
    assert reverse("postbox:message", args=[request.pk]) in page
    assert reverse("postbox:inbox") in page


def test_the_case_page_gives_the_expected_date_while_the_case_is_open(case, citizen):
    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:citizen_case", args=[case.pk])).content.decode()

    assert "Voraussichtlich bis zum 15.12.2026." in page
    assert reverse("cases:citizen_withdraw", args=[case.pk]) in page


def test_the_decided_case_shows_the_outcome_and_no_withdrawal(case, citizen, clerk):
    _decide(case, clerk)

    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:citizen_case", args=[case.pk])).content.decode()

    assert "Entscheidung: bewilligt" in page
    assert reverse("cases:citizen_withdraw", args=[case.pk]) not in page


def test_the_withdrawal_asks_for_confirmation_first(case, citizen):
    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:citizen_withdraw", args=[case.pk]))

    assert response.status_code == 200
    assert "Möchten Sie Ihren Antrag wirklich zurückziehen?" in response.content.decode()
    case.refresh_from_db()
    assert case.state == flow.RECEIVED


def test_the_citizen_withdraws_before_the_decision(case, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    response = client.post(reverse("cases:citizen_withdraw", args=[case.pk]))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == flow.WITHDRAWN
    assert case.closed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Sie haben Ihren Antrag zurückgezogen." in page
    assert "Zurückgezogen" in page


def test_a_decided_case_cannot_be_withdrawn(case, citizen, clerk):
    _decide(case, clerk)
    client = client_for(ESSLINGEN_HOST, citizen)

    response = client.post(reverse("cases:citizen_withdraw", args=[case.pk]), follow=True)
    confirmation = client.get(reverse("cases:citizen_withdraw", args=[case.pk]))

    case.refresh_from_db()
    assert case.state == flow.DECIDED_STATE
    assert "kann nicht mehr zurückgezogen werden" in response.content.decode()
    assert confirmation.status_code == 302


def test_another_citizen_gets_404_for_the_case_and_its_withdrawal(case, second_citizen):
    client = client_for(ESSLINGEN_HOST, second_citizen)

    assert client.get(reverse("cases:citizen_case", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:citizen_withdraw", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:citizen_withdraw", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.state == flow.RECEIVED


def test_a_clerk_of_the_office_gets_404_on_the_citizens_pages(case, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)

    assert client.get(reverse("cases:citizen_case", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:citizen_withdraw", args=[case.pk])).status_code == 404


def test_the_case_is_not_found_under_another_municipalitys_host(case, citizen, musterhausen):
    client = client_for(MUSTERHAUSEN_HOST, citizen)

    assert client.get(reverse("cases:citizen_case", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:citizen_withdraw", args=[case.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(case):
    client = client_for(ESSLINGEN_HOST)

    for url in (reverse("cases:citizen_case", args=[case.pk]), reverse("cases:citizen_withdraw", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert client.post(reverse("cases:citizen_withdraw", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.state == flow.RECEIVED
