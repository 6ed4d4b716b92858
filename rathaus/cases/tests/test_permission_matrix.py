"""Who gets into a case, its postbox messages and its documents.

For every address that shows a case, a message or a file: the applicant and the clerks of the
responsible office get in; another citizen, a clerk of another office and staff of another
municipality get 403 or 404 and never see the data.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.applications.tests.factories import SubmissionFactory, submission_upload_add
from rathaus.cases.decisions import decision_draft, decision_send
from rathaus.cases.services import case_create_from_submission
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.postbox.services import message_send

APPLICANT_NAME = "Hildegard Pfisterer"


@pytest.fixture
def world(esslingen, citizens_office, citizen, clerk):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    submission = SubmissionFactory(
        version__form__municipality=esslingen,
        version__form__service=service,
        user=citizen,
        answers={"name": APPLICANT_NAME, "email": "erika@example.org", "nachricht": "Bitte bearbeiten."},
    )
    upload = submission_upload_add(submission, "Fahrzeugschein.pdf", b"%PDF-1.7 Fahrzeugschein")
    submission.receipt.save("ES-2026-000001.pdf", ContentFile(b"%PDF-1.7 Empfang"), save=True)
    case = case_create_from_submission(submission=submission)
    case.applicant_name = APPLICANT_NAME
    case.save(update_fields=["applicant_name"])
    message = message_send(
        case=case,
        sender=clerk,
        subject="Hinweis zu Ihrem Antrag",
        body="Bitte beachten Sie die Anlage.",
        attachments=[("hinweis.pdf", "application/pdf", b"%PDF-1.7 Hinweis")],
    )
    decision = decision_draft(case=case, actor=clerk, outcome="bewilligt", fee="30.00")
    decision_send(decision=decision, actor=clerk)
    return {
        "case": case,
        "upload": upload,
        "message": message,
        "attachment": message.attachments.get(),
    }


def _citizen_urls(world) -> list[str]:
    case, message, attachment = world["case"], world["message"], world["attachment"]
    return [
        reverse("cases:citizen_case", args=[case.pk]),
        reverse("cases:citizen_withdraw", args=[case.pk]),
        reverse("postbox:message", args=[message.pk]),
        reverse("postbox:attachment", args=[attachment.pk]),
    ]


def _staff_urls(world) -> list[str]:
    case, upload, attachment = world["case"], world["upload"], world["attachment"]
    return [
        reverse("cases:case", args=[case.pk]),
        reverse("cases:case_file", args=[case.pk, upload.pk]),
        reverse("cases:case_receipt", args=[case.pk]),
        reverse("postbox:staff_message", args=[case.pk]),
        reverse("postbox:staff_request", args=[case.pk]),
        reverse("postbox:staff_attachment", args=[case.pk, attachment.pk]),
        reverse("cases:decision_edit", args=[case.pk]),
        reverse("cases:decision_preview", args=[case.pk]),
    ]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _assert_refused_without_data(response, url: str) -> None:
    assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
    body = _body(response)
    assert APPLICANT_NAME.encode() not in body, url
    assert b"ES-2026-" not in body, url


def test_the_applicant_opens_every_own_case_message_and_document(world, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    case_page = reverse("cases:citizen_case", args=[world["case"].pk])
    for url in _citizen_urls(world):
        response = client.get(url)
        # The case is decided, so the withdrawal page sends the applicant back to the case with a note.
        assert response.status_code == 200 or (response.status_code == 302 and response["Location"] == case_page), url
    assert "Hinweis zu Ihrem Antrag" in client.get(reverse("postbox:inbox")).content.decode()


@pytest.mark.parametrize("persona", ["clerk", "office_lead"])
def test_the_responsible_office_opens_every_staff_address_of_the_case(world, persona, request):
    client = client_for(ESSLINGEN_HOST, request.getfixturevalue(persona))

    for url in _staff_urls(world):
        assert client.get(url).status_code == 200, url


def test_another_citizen_gets_nothing(world, second_citizen):
    client = client_for(ESSLINGEN_HOST, second_citizen)

    for url in _citizen_urls(world):
        _assert_refused_without_data(client.get(url), url)
    for url in _staff_urls(world):
        _assert_refused_without_data(client.get(url), url)
    assert "Hinweis zu Ihrem Antrag" not in client.get(reverse("postbox:inbox")).content.decode()


def test_a_clerk_of_another_office_gets_nothing(world, other_office_clerk):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)

    for url in [*_staff_urls(world), *_citizen_urls(world)]:
        _assert_refused_without_data(client.get(url), url)
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert world["case"].reference not in inbox


@pytest.mark.parametrize("host", [ESSLINGEN_HOST, MUSTERHAUSEN_HOST])
def test_staff_of_another_municipality_get_nothing_on_either_host(world, musterhausen_admin, host):
    client = client_for(host, musterhausen_admin)

    for url in [*_staff_urls(world), *_citizen_urls(world)]:
        _assert_refused_without_data(client.get(url), url)


def test_the_applicant_gets_nothing_on_another_municipalitys_host(world, citizen, musterhausen):
    client = client_for(MUSTERHAUSEN_HOST, citizen)

    for url in _citizen_urls(world):
        _assert_refused_without_data(client.get(url), url)


def test_the_applicant_is_refused_on_the_staff_addresses_of_the_own_case(world, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    for url in _staff_urls(world):
        _assert_refused_without_data(client.get(url), url)
