"""Cases and submissions appear in the citizen's data export and stay with the office when the account goes."""

import pytest

from rathaus.accounts.services import account_delete, account_export_data, account_retention_notices
from rathaus.applications.models import Submission
from rathaus.applications.tests.factories import DraftFactory, SubmissionFactory
from rathaus.cases.models import Case
from rathaus.cases.services import case_create_from_submission
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.postbox.services import message_send


@pytest.fixture
def filed_case(esslingen, citizens_office, citizen):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    submission = SubmissionFactory(version__form__municipality=esslingen, version__form__service=service, user=citizen)
    case = case_create_from_submission(submission=submission)
    message_send(case=case, sender=None, subject="Rückfrage", body="Bitte senden Sie die Zulassung.")
    return case


def test_the_export_holds_the_submission_the_case_its_history_and_the_postbox(filed_case, citizen):
    DraftFactory(user=citizen, municipality=filed_case.municipality)

    data = account_export_data(user=citizen)["data"]

    assert data["applications"]["submissions"][0]["reference"] == filed_case.reference
    assert data["applications"]["submissions"][0]["answers"]["nachricht"] == "Bitte bearbeiten."
    assert len(data["applications"]["drafts"]) == 1
    exported_case = data["cases"][0]
    assert exported_case["reference"] == filed_case.reference
    assert exported_case["history"][0]["state"] == "eingegangen"
    assert exported_case["postbox"][0]["body"] == "Bitte senden Sie die Zulassung."


def test_another_citizens_cases_are_not_in_the_export(filed_case, second_citizen):
    data = account_export_data(user=second_citizen)["data"]

    assert data["cases"] == []
    assert data["applications"]["submissions"] == []


def test_deleting_the_account_keeps_the_case_for_the_office_but_cuts_the_link(filed_case, citizen):
    assert any("Aufbewahrungsfrist" in notice for notice in account_retention_notices(user=citizen))

    outcomes = account_delete(user=citizen)

    case = Case.objects.get(pk=filed_case.pk)
    assert case.applicant is None
    assert case.applicant_email == "erika@example.org"
    assert Submission.objects.get(pk=case.submission_id).user is None
    assert "1 Vorgang vom Konto getrennt." in outcomes
