"""Opening cases, moving them through the workflow, deadlines with pauses, assigning, notes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rathaus.applications.models import Submission
from rathaus.applications.tests.factories import SubmissionFactory
from rathaus.audit.models import AuditEntry
from rathaus.cases import services
from rathaus.cases.models import Case, CaseEvent
from rathaus.catalogue.tests.factories import ServiceFactory

BERLIN = ZoneInfo("Europe/Berlin")


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


@pytest.fixture
def parking_service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    return service


@pytest.fixture
def submission(parking_service, citizen):
    return SubmissionFactory(
        version__form__municipality=parking_service.municipality,
        version__form__service=parking_service,
        user=citizen,
        submitted_at=_at(2026, 11, 19),
    )


def _open(service, clerk, **overrides) -> Case:
    values = {
        "municipality": service.municipality,
        "service": service,
        "channel": Case.Channel.PHONE,
        "actor": clerk,
        "applicant_name": "Paula Schäfer",
        "applicant_email": "Paula@Example.org",
        "received_at": _at(2026, 11, 19),
    }
    values.update(overrides)
    return services.case_open(**values)


def test_a_submission_becomes_one_case_in_the_responsible_office_however_often_it_is_handed_off(
    submission, citizens_office, citizen
):
    first = services.case_create_from_submission(submission=submission)
    again = services.case_create_from_submission(submission=submission)

    assert first.pk == again.pk
    assert Case.objects.count() == 1
    assert first.unit == citizens_office
    assert first.reference == submission.reference
    assert first.channel == Case.Channel.ONLINE
    assert first.applicant == citizen
    assert first.state == "eingegangen"
    # The new case type takes the form's processing period: 5 working days after Thursday 19 November.
    assert first.case_type.processing_days == 5
    assert first.due_date == date(2026, 11, 26)
    assert list(first.events.values_list("kind", "public")) == [(CaseEvent.Kind.CREATED, True)]


def test_an_assisted_submission_is_recorded_as_such_and_not_linked_to_the_clerks_account(submission, clerk):
    Submission.objects.filter(pk=submission.pk).update(channel=Submission.Channel.ASSISTED, user=clerk)
    submission.refresh_from_db()

    case = services.case_create_from_submission(submission=submission)

    assert case.channel == Case.Channel.ASSISTED
    assert case.applicant is None
    assert case.applicant_email == submission.email


def test_a_service_without_a_responsible_office_cannot_take_cases(esslingen, clerk):
    service = ServiceFactory(municipality=esslingen)

    with pytest.raises(services.CaseRefused, match="keine bearbeitende Stelle"):
        _open(service, clerk)


def test_a_case_opened_by_hand_gets_a_reference_of_its_own_and_records_who_opened_it(parking_service, clerk):
    case = _open(parking_service, clerk)

    assert case.reference == "ES-2026-000001"
    assert case.created_by == clerk
    assert case.applicant_email == "paula@example.org"
    assert AuditEntry.objects.filter(action="case.created", object_id=str(case.pk), actor_id=clerk.pk).exists()


def test_a_case_cannot_be_opened_with_a_future_receipt_date_or_as_an_online_application(parking_service, clerk):
    with pytest.raises(services.CaseRefused, match="Zukunft"):
        _open(parking_service, clerk, received_at=timezone.now() + timezone.timedelta(days=1))
    with pytest.raises(services.CaseRefused, match="Antragsformular"):
        _open(parking_service, clerk, channel=Case.Channel.ONLINE)


def test_a_clerk_moves_the_case_into_processing_and_the_citizen_sees_it(parking_service, clerk):
    case = _open(parking_service, clerk)

    services.case_transition(case=case, transition_key="bearbeitung_beginnen", actor=clerk, role="clerk")

    case.refresh_from_db()
    assert case.state == "in_bearbeitung"
    event = case.events.get(kind=CaseEvent.Kind.TRANSITION)
    assert (event.state_from, event.state_to, event.public) == ("eingegangen", "in_bearbeitung", True)


def test_a_transition_from_the_wrong_state_or_by_the_wrong_role_is_refused(parking_service, clerk, citizen):
    case = _open(parking_service, clerk)

    with pytest.raises(services.CaseRefused, match="jetzigen Stand"):
        services.case_transition(case=case, transition_key="abschliessen", actor=clerk, role="clerk")
    with pytest.raises(services.CaseRefused, match="dürfen Sie nicht"):
        services.case_transition(case=case, transition_key="bearbeitung_beginnen", actor=citizen, role="citizen")
    with pytest.raises(services.CaseRefused, match="gibt es"):
        # A request for information is a step of its own, not a plain button.
        services.case_transition(case=case, transition_key="rueckfrage", actor=clerk, role="clerk")


def test_a_pause_for_a_request_moves_the_deadline_by_the_working_days_waited(parking_service, clerk, freezer_at):
    freezer_at(_at(2026, 11, 19))
    case = _open(parking_service, clerk)
    assert case.due_date == date(2026, 12, 17)

    # Asked on Monday 21 December, answered on Thursday 7 January: 22, 23, 24, 28, 29, 30, 31 December
    # and 4, 5, 7 January are working days (25/26 December, 1 and 6 January are holidays): 10.
    freezer_at(_at(2026, 12, 21))
    services.case_transition_via(case=case, via="request", role="clerk", actor=clerk)
    case.refresh_from_db()
    assert case.state == "rueckfrage"
    assert case.paused_at is not None

    freezer_at(_at(2027, 1, 7))
    services.case_transition_via(case=case, via="reply", role="citizen", actor=None)
    case.refresh_from_db()
    assert case.state == "in_bearbeitung"
    assert case.paused_at is None
    assert case.paused_working_days == 10
    # 17 December + 10 working days: 18, 21, 22, 23, 24, 28, 29, 30, 31 December, 4 January.
    assert case.due_date == date(2027, 1, 4)


def test_the_citizen_may_withdraw_until_the_decision_but_not_after(parking_service, clerk, citizen):
    case = _open(parking_service, clerk)
    withdrawn = services.case_withdraw(case=case, user=citizen)
    assert withdrawn.state == "zurueckgezogen"
    assert withdrawn.closed_at is not None

    decided = _open(parking_service, clerk)
    services.case_transition_via(case=decided, via="decision", role="clerk", actor=clerk)
    with pytest.raises(services.CaseRefused):
        services.case_withdraw(case=decided, user=citizen)


def test_a_case_is_only_given_to_staff_of_its_office(parking_service, clerk, office_lead, other_office_clerk):
    case = _open(parking_service, clerk)

    services.case_assign(case=case, assignee=office_lead, actor=clerk)
    case.refresh_from_db()
    assert case.assignee == office_lead

    with pytest.raises(services.CaseRefused, match="arbeitet nicht"):
        services.case_assign(case=case, assignee=other_office_clerk, actor=clerk)


def test_bulk_assignment_is_all_or_nothing(parking_service, clerk, civil_works_office, other_office_clerk):
    first = _open(parking_service, clerk)
    roads = ServiceFactory(municipality=parking_service.municipality)
    roads.responsible_units.add(civil_works_office)
    second = _open(roads, other_office_clerk)

    with pytest.raises(services.CaseRefused):
        services.cases_assign(cases=Case.objects.filter(pk__in=[first.pk, second.pk]), assignee=clerk, actor=clerk)

    assert not Case.objects.filter(assignee=clerk).exists()


def test_an_internal_note_is_never_public_and_an_empty_one_is_refused(parking_service, clerk):
    case = _open(parking_service, clerk)

    note = services.case_note_add(case=case, actor=clerk, text="  Rückruf am Montag vereinbart. ")

    assert note.text == "Rückruf am Montag vereinbart."
    assert note.public is False
    with pytest.raises(services.CaseRefused):
        services.case_note_add(case=case, actor=clerk, text="   ")


def test_a_staff_view_is_written_to_the_audit_trail_with_the_reason(parking_service, clerk):
    case = _open(parking_service, clerk)

    services.case_view_record(case=case, actor=clerk, what="file", reason="Prüfung der Unterlagen")

    entry = AuditEntry.objects.get(action="file.viewed")
    assert (entry.actor_label, entry.object_id, entry.reason) == (clerk.email, str(case.pk), "Prüfung der Unterlagen")
