"""The office inbox: only the clerk's offices, every filter, search, sorting, pages and (bulk) assigning."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, PASSWORD, TOTP_SECRET, client_for
from rathaus.accounts.models import StaffMembership, User
from rathaus.accounts.services import staff_membership_grant, user_create
from rathaus.audit.models import AuditEntry
from rathaus.cases import inbox
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory

INBOX = reverse("cases:inbox")
BULK = reverse("cases:bulk_assign")


def make_colleague(municipality, units, email="kollegin@esslingen.example.org", **profile) -> User:
    user = user_create(email=email, password=PASSWORD, **profile)
    staff_membership_grant(user=user, municipality=municipality, role=StaffMembership.Role.CLERK, units=units)
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def parking(esslingen, citizens_office):
    return CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office, service__name="Bewohnerparken")


@pytest.fixture
def registration(esslingen, citizens_office):
    return CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office, service__name="Anmeldung")


@pytest.fixture
def roadworks(esslingen, civil_works_office):
    return CaseTypeFactory(municipality=esslingen, responsible_unit=civil_works_office, service__name="Aufgrabung")


@pytest.fixture
def colleague(esslingen, citizens_office):
    return make_colleague(esslingen, [citizens_office], given_name="Klara", family_name="Kollegin")


def _references(clerk, municipality, **filters) -> list[str]:
    membership = StaffMembership.objects.get(user=clerk, municipality=municipality)
    scope = inbox.inbox_scope(municipality=municipality, membership=membership)
    cases = inbox.inbox_cases(scope=scope, filters=inbox.InboxFilters(**filters), user=clerk)
    return [case.reference for case in cases]


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


# The query ------------------------------------------------------------------------------------


def test_clerk_sees_only_the_cases_of_their_own_offices(esslingen, clerk, parking, roadworks):
    CaseFactory(case_type=parking, reference="ES-2026-000001")
    CaseFactory(case_type=roadworks, reference="ES-2026-000002")

    assert _references(clerk, esslingen) == ["ES-2026-000001"]


def test_filter_by_state_keeps_only_cases_in_that_state(esslingen, clerk, parking):
    CaseFactory(case_type=parking, reference="NEU", state=flow.RECEIVED)
    CaseFactory(case_type=parking, reference="IN-ARBEIT", state=flow.IN_PROGRESS)

    assert _references(clerk, esslingen, state=flow.IN_PROGRESS) == ["IN-ARBEIT"]


def test_filter_by_service_keeps_only_that_services_cases(esslingen, clerk, parking, registration):
    CaseFactory(case_type=parking, reference="PARKEN")
    CaseFactory(case_type=registration, reference="ANMELDUNG")

    assert _references(clerk, esslingen, service_id=registration.service_id) == ["ANMELDUNG"]


def test_filter_by_assignee_me_nobody_and_a_colleague(esslingen, clerk, colleague, parking):
    CaseFactory(case_type=parking, reference="MEINER", assignee=clerk)
    CaseFactory(case_type=parking, reference="IHRER", assignee=colleague)
    CaseFactory(case_type=parking, reference="OFFEN")

    assert _references(clerk, esslingen, assignee=inbox.ASSIGNEE_ME) == ["MEINER"]
    assert _references(clerk, esslingen, assignee=inbox.ASSIGNEE_NOBODY) == ["OFFEN"]
    assert _references(clerk, esslingen, assignee=str(colleague.pk)) == ["IHRER"]


def test_overdue_only_shows_open_cases_whose_deadline_has_passed(esslingen, clerk, parking):
    yesterday = timezone.localdate() - timedelta(days=1)
    CaseFactory(case_type=parking, reference="UEBERFAELLIG", state=flow.IN_PROGRESS, due_date=yesterday)
    CaseFactory(case_type=parking, reference="RECHTZEITIG", due_date=timezone.localdate())
    CaseFactory(case_type=parking, reference="PAUSIERT", state=flow.WAITING, due_date=yesterday)
    CaseFactory(case_type=parking, reference="ENTSCHIEDEN", state=flow.DECIDED_STATE, due_date=yesterday)

    assert _references(clerk, esslingen, overdue=True) == ["UEBERFAELLIG"]


def test_received_date_range_includes_both_end_days(esslingen, clerk, parking):
    CaseFactory(case_type=parking, reference="VOR-10-TAGEN", received_at=_days_ago(10))
    CaseFactory(case_type=parking, reference="VOR-5-TAGEN", received_at=_days_ago(5))
    CaseFactory(case_type=parking, reference="HEUTE", received_at=timezone.now())
    five_days_ago = timezone.localdate(_days_ago(5))

    assert _references(clerk, esslingen, received_from=five_days_ago) == ["HEUTE", "VOR-5-TAGEN"]
    assert _references(clerk, esslingen, received_to=five_days_ago) == ["VOR-5-TAGEN", "VOR-10-TAGEN"]
    assert _references(clerk, esslingen, received_from=five_days_ago, received_to=five_days_ago) == ["VOR-5-TAGEN"]


def test_search_finds_by_reference_applicant_name_and_email_ignoring_case(esslingen, clerk, parking):
    CaseFactory(case_type=parking, reference="ES-2026-000777", applicant_name="Anna Beispiel", applicant_email="a@x.de")
    CaseFactory(case_type=parking, reference="ES-2026-000888", applicant_name="Bernd Muster", applicant_email="b@y.de")

    assert _references(clerk, esslingen, search="000777") == ["ES-2026-000777"]
    assert _references(clerk, esslingen, search="bernd muster") == ["ES-2026-000888"]
    assert _references(clerk, esslingen, search="@Y.DE") == ["ES-2026-000888"]
    assert _references(clerk, esslingen, search="niemand") == []


def test_sorting_by_received_due_date_and_reference(esslingen, clerk, parking):
    today = timezone.localdate()
    CaseFactory(case_type=parking, reference="B", received_at=_days_ago(3), due_date=today + timedelta(days=1))
    CaseFactory(case_type=parking, reference="C", received_at=_days_ago(1), due_date=today + timedelta(days=9))
    CaseFactory(case_type=parking, reference="A", received_at=_days_ago(2), due_date=None)

    assert _references(clerk, esslingen, sort=inbox.SORT_NEWEST) == ["C", "A", "B"]
    assert _references(clerk, esslingen, sort=inbox.SORT_OLDEST) == ["B", "A", "C"]
    assert _references(clerk, esslingen, sort=inbox.SORT_DUE) == ["B", "C", "A"]
    assert _references(clerk, esslingen, sort=inbox.SORT_REFERENCE) == ["A", "B", "C"]


def test_a_municipality_administrator_without_offices_has_an_empty_inbox(esslingen, municipality_admin, parking):
    CaseFactory(case_type=parking)

    assert _references(municipality_admin, esslingen) == []


# The page -------------------------------------------------------------------------------------


def test_inbox_page_shows_markers_assignee_and_due_date(esslingen, clerk, colleague, parking):
    CaseFactory(
        case_type=parking,
        reference="ES-2026-000100",
        needs_attention=True,
        state=flow.IN_PROGRESS,
        due_date=timezone.localdate() - timedelta(days=2),
        assignee=colleague,
    )

    response = client_for(ESSLINGEN_HOST, clerk).get(INBOX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "ES-2026-000100" in page
    assert "Neue Antwort" in page
    assert "Frist überschritten" in page
    assert "Klara Kollegin" in page
    assert (timezone.localdate() - timedelta(days=2)).strftime("%d.%m.%Y") in page
    assert "1 Vorgang" in page


def test_inbox_page_applies_the_filters_from_the_query_string(esslingen, clerk, parking, registration):
    CaseFactory(case_type=parking, reference="PARKEN-1", applicant_name="Anna Beispiel")
    CaseFactory(case_type=registration, reference="ANMELDUNG-1", applicant_name="Anna Beispiel")
    CaseFactory(case_type=registration, reference="ANMELDUNG-2", applicant_name="Bernd Muster")

    response = client_for(ESSLINGEN_HOST, clerk).get(
        INBOX, {"q": "anna", "leistung": registration.service_id, "sortierung": inbox.SORT_REFERENCE}
    )

    page = response.content.decode()
    assert "ANMELDUNG-1" in page
    assert "PARKEN-1" not in page
    assert "ANMELDUNG-2" not in page


def test_an_invalid_filter_value_is_reported_and_ignored(esslingen, clerk, parking):
    CaseFactory(case_type=parking, reference="ES-2026-000001")

    response = client_for(ESSLINGEN_HOST, clerk).get(INBOX, {"status": "gibt-es-nicht", "von": "gestern"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in page
    assert "ES-2026-000001" in page


def test_inbox_shows_fifty_cases_a_page_and_keeps_the_filters_in_the_page_links(esslingen, clerk, parking):
    for number in range(51):
        CaseFactory(case_type=parking, reference=f"ES-2026-{number:06d}", received_at=_days_ago(number))

    client = client_for(ESSLINGEN_HOST, clerk)
    first = client.get(INBOX, {"status": flow.RECEIVED}).content.decode()
    second = client.get(INBOX, {"status": flow.RECEIVED, "seite": 2}).content.decode()

    assert "51 Vorgänge" in first
    assert first.count('name="vorgang"') == 50
    assert "seite=2" in first
    assert "status=eingegangen" in first
    assert second.count('name="vorgang"') == 1
    assert "ES-2026-000050" in second


# Assigning from the inbox ---------------------------------------------------------------------


def test_clerk_assigns_selected_cases_to_a_colleague(esslingen, clerk, colleague, parking):
    first, second, untouched = CaseFactory.create_batch(3, case_type=parking)

    response = client_for(ESSLINGEN_HOST, clerk).post(
        BULK,
        {"vorgang": [first.pk, second.pk], "zustaendig_neu": colleague.pk, "filter": "status=eingegangen&seite=1"},
    )

    assert response.status_code == 302
    assert response["Location"] == INBOX + "?status=eingegangen&seite=1"
    assert set(Case.objects.filter(assignee=colleague).values_list("pk", flat=True)) == {first.pk, second.pk}
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 2
    assert AuditEntry.objects.filter(action="case.assigned").count() == 2


def test_clerk_takes_one_case_with_mir_zuweisen(esslingen, clerk, colleague, parking):
    case = CaseFactory(case_type=parking, assignee=colleague)

    client_for(ESSLINGEN_HOST, clerk).post(BULK, {"mir_zuweisen": case.pk})

    case.refresh_from_db()
    assert case.assignee == clerk


def test_bulk_assign_can_leave_cases_to_nobody(esslingen, clerk, parking):
    case = CaseFactory(case_type=parking, assignee=clerk)

    client_for(ESSLINGEN_HOST, clerk).post(BULK, {"vorgang": [case.pk], "zustaendig_neu": inbox.ASSIGNEE_NOBODY})

    case.refresh_from_db()
    assert case.assignee is None


def test_bulk_assign_refuses_a_case_of_another_office_and_changes_nothing(esslingen, clerk, parking, roadworks):
    own = CaseFactory(case_type=parking)
    foreign = CaseFactory(case_type=roadworks)

    client = client_for(ESSLINGEN_HOST, clerk)
    response = client.post(BULK, {"vorgang": [own.pk, foreign.pk], "zustaendig_neu": clerk.pk}, follow=True)

    assert "gehört nicht zu Ihren Organisationseinheiten" in response.content.decode()
    assert not Case.objects.filter(assignee__isnull=False).exists()


def test_bulk_assign_refuses_an_assignee_from_another_office(esslingen, clerk, other_office_clerk, parking):
    case = CaseFactory(case_type=parking)

    response = client_for(ESSLINGEN_HOST, clerk).post(
        BULK, {"vorgang": [case.pk], "zustaendig_neu": other_office_clerk.pk}, follow=True
    )

    assert "Bitte wählen Sie eine Person aus Ihren Organisationseinheiten" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


def test_bulk_assign_refuses_a_colleague_who_does_not_work_in_the_cases_office(
    esslingen, citizens_office, civil_works_office, clerk, parking
):
    # Works with the clerk in one office, but not in the office of the case.
    make_colleague(esslingen, [citizens_office], email="zwei@esslingen.example.org")
    clerk_of_two_offices = make_colleague(esslingen, [citizens_office, civil_works_office], email="b@e.example.org")
    only_civil_works = make_colleague(esslingen, [civil_works_office], email="tief@esslingen.example.org")
    roadworks = CaseTypeFactory(municipality=esslingen, responsible_unit=civil_works_office)
    own, other = CaseFactory(case_type=parking), CaseFactory(case_type=roadworks)

    response = client_for(ESSLINGEN_HOST, clerk_of_two_offices).post(
        BULK, {"vorgang": [own.pk, other.pk], "zustaendig_neu": only_civil_works.pk}, follow=True
    )

    assert "Es wurde nichts geändert" in response.content.decode()
    assert not Case.objects.filter(assignee__isnull=False).exists()


def test_bulk_assign_without_a_selection_says_so(esslingen, clerk, parking):
    response = client_for(ESSLINGEN_HOST, clerk).post(BULK, {"zustaendig_neu": clerk.pk}, follow=True)

    assert "mindestens einen Vorgang" in response.content.decode()


# Who may not ----------------------------------------------------------------------------------


def test_citizen_is_refused_the_inbox_and_bulk_assign(esslingen, citizen, parking):
    case = CaseFactory(case_type=parking)
    client = client_for(ESSLINGEN_HOST, citizen)

    assert client.get(INBOX).status_code == 403
    assert client.post(BULK, {"mir_zuweisen": case.pk}).status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_visitor_is_sent_to_the_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get(INBOX)

    assert response.status_code == 302
    assert "login" in response["Location"] or "anmelden" in response["Location"]


def test_staff_of_musterhausen_is_refused_the_esslingen_inbox(esslingen, musterhausen_admin, parking):
    CaseFactory(case_type=parking, reference="ES-2026-000001")

    response = client_for(ESSLINGEN_HOST, musterhausen_admin).get(INBOX)

    assert response.status_code == 403
    assert "ES-2026-000001" not in response.content.decode()


def test_musterhausen_inbox_does_not_show_esslingen_cases(esslingen, musterhausen_admin, parking):
    CaseFactory(case_type=parking, reference="ES-2026-000001")

    response = client_for(MUSTERHAUSEN_HOST, musterhausen_admin).get(INBOX)

    assert response.status_code == 200
    assert "ES-2026-000001" not in response.content.decode()


def test_clerk_of_another_office_does_not_see_the_case_in_the_inbox(esslingen, other_office_clerk, parking):
    case = CaseFactory(case_type=parking, reference="ES-2026-000001")

    response = client_for(ESSLINGEN_HOST, other_office_clerk).get(INBOX, {"q": "ES-2026-000001"})

    page = response.content.decode()
    assert "0 Vorgänge" in page
    assert reverse("cases:case", args=[case.pk]) not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bis": "9999-12-31"}, "Bitte geben Sie ein Datum vor dem Jahr 3000 an."),
        ({"von": "0001-01-01"}, "Bitte geben Sie ein Datum ab dem Jahr 1900 an."),
    ],
)
def test_a_day_at_the_ends_of_the_calendar_is_reported_at_its_field_and_ignored(
    esslingen, clerk, parking, params, message
):
    CaseFactory(case_type=parking, reference="ES-2026-000001")

    response = client_for(ESSLINGEN_HOST, clerk).get(INBOX, params)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "ES-2026-000001" in page
