"""The case page and its actions, opening a case by hand, and the assisted channel at the counter."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.models import Draft, Submission, Upload
from rathaus.applications.services import form_create, form_publish
from rathaus.applications.tests.factories import SubmissionFactory, submission_upload_add
from rathaus.audit.models import AuditEntry
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.services import case_create_from_submission
from rathaus.cases.tests.factories import CaseEventFactory, CaseFactory, CaseTypeFactory
from rathaus.cases.tests.test_inbox import make_colleague
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.postbox.models import Message


@pytest.fixture
def submitted_case(esslingen, citizens_office, citizen):
    """An online application of the citizen, with a file and a receipt, as a case in the Bürgeramt."""
    submission = SubmissionFactory(
        version__form__municipality=esslingen,
        version__form__responsible_unit=citizens_office,
        version__form__service__name="Bewohnerparkausweis",
        user=citizen,
        answers={"name": "Erika Mustermann", "email": "erika@example.org", "nachricht": "Bitte um einen Ausweis."},
    )
    submission_upload_add(submission, "meldebescheinigung.pdf", b"%PDF-1.7 abc")
    submission.receipt.save("quittung.pdf", ContentFile(b"%PDF-1.7 receipt"))
    return case_create_from_submission(submission=submission)


@pytest.fixture
def roadworks_case(esslingen, civil_works_office):
    case_type = CaseTypeFactory(municipality=esslingen, responsible_unit=civil_works_office)
    return CaseFactory(case_type=case_type)


def _case_url(case, name="cases:case", *extra):
    return reverse(name, args=[case.pk, *extra])


# The case page --------------------------------------------------------------------------------


def test_case_page_shows_answers_files_timeline_and_records_the_view(clerk, submitted_case):
    CaseEventFactory(case=submitted_case, text="Meldebescheinigung liegt bei.")

    response = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case))

    page = response.content.decode()
    assert response.status_code == 200
    assert submitted_case.reference in page
    assert "Bewohnerparkausweis" in page
    assert "Bitte um einen Ausweis." in page
    assert "Erika Mustermann" in page
    assert "meldebescheinigung.pdf" in page
    upload = Upload.objects.get()
    assert _case_url(submitted_case, "cases:case_file", upload.pk) in page
    assert _case_url(submitted_case, "cases:case_receipt") in page
    assert "Meldebescheinigung liegt bei." in page
    assert "Interne Notiz" in page
    assert "Bearbeitung beginnen" in page
    entry = AuditEntry.objects.get(action="case.viewed")
    assert entry.actor_id == clerk.pk
    assert entry.object_id == str(submitted_case.pk)


def test_case_page_offers_only_the_plain_workflow_buttons_and_links_the_other_steps(clerk, submitted_case):
    page = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case)).content.decode()

    assert 'value="bearbeitung_beginnen"' in page
    assert 'value="entscheiden"' not in page
    assert 'value="rueckfrage"' not in page
    assert f"/verwaltung/vorgaenge/{submitted_case.pk}/rueckfrage/" in page
    assert f"/verwaltung/vorgaenge/{submitted_case.pk}/bescheid/" in page


def test_case_page_shows_the_message_thread_with_read_receipts(clerk, submitted_case):
    read_at = timezone.now() - timedelta(hours=1)
    Message.objects.create(
        municipality=submitted_case.municipality,
        case=submitted_case,
        direction=Message.Direction.TO_CITIZEN,
        sender=clerk,
        subject="Bitte Nachweis nachreichen",
        body="Uns fehlt noch ein Nachweis.",
        read_at=read_at,
    )

    page = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case)).content.decode()

    assert "Bitte Nachweis nachreichen" in page
    assert f"gelesen am {timezone.localtime(read_at).strftime('%d.%m.%Y %H:%M')}" in page


def test_case_page_shows_overdue_and_paused_deadlines(clerk, esslingen, citizens_office):
    case_type = CaseTypeFactory(municipality=esslingen, responsible_unit=citizens_office)
    overdue = CaseFactory(case_type=case_type, due_date=timezone.localdate() - timedelta(days=1))
    paused = CaseFactory(case_type=case_type, state=flow.WAITING, paused_at=timezone.now())
    client = client_for(ESSLINGEN_HOST, clerk)

    assert "Frist überschritten" in client.get(_case_url(overdue)).content.decode()
    assert "Die Frist ruht seit" in client.get(_case_url(paused)).content.decode()


def test_the_assignee_opening_the_case_clears_the_new_answer_marker(clerk, submitted_case):
    Case.objects.filter(pk=submitted_case.pk).update(needs_attention=True, assignee=clerk)

    client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case))

    submitted_case.refresh_from_db()
    assert submitted_case.needs_attention is False


def test_a_colleague_looking_at_someone_elses_case_leaves_the_marker(esslingen, citizens_office, clerk, submitted_case):
    colleague = make_colleague(esslingen, [citizens_office])
    Case.objects.filter(pk=submitted_case.pk).update(needs_attention=True, assignee=clerk)

    client_for(ESSLINGEN_HOST, colleague).get(_case_url(submitted_case))

    submitted_case.refresh_from_db()
    assert submitted_case.needs_attention is True


def test_clerk_downloads_a_submitted_file_and_the_download_is_audited(clerk, submitted_case):
    upload = Upload.objects.get()

    response = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case, "cases:case_file", upload.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 abc"
    assert response["Content-Disposition"].startswith("attachment")
    assert "meldebescheinigung.pdf" in response["Content-Disposition"]
    assert (
        AuditEntry.objects.filter(action="file.viewed", object_id=str(submitted_case.pk), actor_id=clerk.pk).count()
        == 1
    )


def test_clerk_downloads_the_receipt_and_the_download_is_audited(clerk, submitted_case):
    response = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case, "cases:case_receipt"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 receipt"
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="file.viewed", actor_id=clerk.pk).count() == 1


def test_a_file_of_another_submission_is_not_found_through_this_case(esslingen, clerk, submitted_case):
    other = SubmissionFactory(version=submitted_case.submission.version)
    foreign = Upload.objects.create(
        municipality=esslingen,
        submission=other,
        field_key="x",
        file=ContentFile(b"secret", name="fremd.pdf"),
        file_name="fremd.pdf",
        content_type="application/pdf",
        size=6,
        sha256="0" * 64,
    )

    response = client_for(ESSLINGEN_HOST, clerk).get(_case_url(submitted_case, "cases:case_file", foreign.pk))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="file.viewed").exists()


def test_clerk_adds_an_internal_note(clerk, submitted_case):
    client = client_for(ESSLINGEN_HOST, clerk)

    response = client.post(_case_url(submitted_case, "cases:case_note"), {"text": "Rückruf vereinbart."})

    assert response.status_code == 302
    note = CaseEvent.objects.get(kind=CaseEvent.Kind.NOTE)
    assert (note.text, note.actor, note.public) == ("Rückruf vereinbart.", clerk, False)
    assert "Rückruf vereinbart." in client.get(_case_url(submitted_case)).content.decode()


def test_an_empty_note_is_refused(clerk, submitted_case):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        _case_url(submitted_case, "cases:case_note"), {"text": "  "}, follow=True
    )

    assert "Bitte schreiben Sie eine Notiz" in response.content.decode()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE).exists()


def test_clerk_starts_processing_with_a_workflow_button(clerk, submitted_case):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        _case_url(submitted_case, "cases:case_transition"),
        {"transition": "bearbeitung_beginnen", "reason": "Unterlagen vollständig"},
        follow=True,
    )

    submitted_case.refresh_from_db()
    assert submitted_case.state == flow.IN_PROGRESS
    assert "In Bearbeitung" in response.content.decode()
    entry = AuditEntry.objects.get(action="case.transition")
    assert entry.reason == "Unterlagen vollständig"


def test_a_step_taken_only_through_its_own_page_is_refused_as_a_button(clerk, submitted_case):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        _case_url(submitted_case, "cases:case_transition"), {"transition": "entscheiden"}, follow=True
    )

    submitted_case.refresh_from_db()
    assert submitted_case.state == flow.RECEIVED
    assert "Diesen Schritt gibt es im Ablauf dieses Vorgangs nicht." in response.content.decode()


def test_clerk_assigns_the_case_to_a_colleague_and_to_themselves(esslingen, citizens_office, clerk, submitted_case):
    colleague = make_colleague(esslingen, [citizens_office])
    client = client_for(ESSLINGEN_HOST, clerk)

    client.post(_case_url(submitted_case, "cases:case_assign"), {"zustaendig": colleague.pk})
    submitted_case.refresh_from_db()
    assert submitted_case.assignee == colleague

    client.post(_case_url(submitted_case, "cases:case_assign"), {"zustaendig": "ich"})
    submitted_case.refresh_from_db()
    assert submitted_case.assignee == clerk

    client.post(_case_url(submitted_case, "cases:case_assign"), {"zustaendig": "niemand"})
    submitted_case.refresh_from_db()
    assert submitted_case.assignee is None


def test_the_case_cannot_be_assigned_to_a_clerk_of_another_office(clerk, other_office_clerk, submitted_case):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        _case_url(submitted_case, "cases:case_assign"), {"zustaendig": other_office_clerk.pk}, follow=True
    )

    assert "Bitte wählen Sie eine Person aus der bearbeitenden Stelle" in response.content.decode()
    submitted_case.refresh_from_db()
    assert submitted_case.assignee is None


# Who may not ----------------------------------------------------------------------------------


def _requests(case):
    upload = Upload.objects.filter(submission=case.submission).first()
    return [
        ("get", _case_url(case), {}),
        ("get", _case_url(case, "cases:case_receipt"), {}),
        ("get", _case_url(case, "cases:case_file", upload.pk), {}),
        ("post", _case_url(case, "cases:case_note"), {"text": "Heimlich"}),
        ("post", _case_url(case, "cases:case_transition"), {"transition": "bearbeitung_beginnen"}),
        ("post", _case_url(case, "cases:case_assign"), {"zustaendig": "ich"}),
    ]


def _assert_untouched(case):
    case.refresh_from_db()
    assert case.state == flow.RECEIVED
    assert case.assignee is None
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE).exists()
    assert not AuditEntry.objects.filter(action__endswith=".viewed").exists()


def test_clerk_of_another_office_gets_not_found_on_every_case_address(other_office_clerk, submitted_case):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)

    for method, url, data in _requests(submitted_case):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert b"Erika" not in response.content
    _assert_untouched(submitted_case)


def test_staff_of_musterhausen_is_refused_every_case_address(musterhausen_admin, submitted_case):
    for host, expected in ((ESSLINGEN_HOST, 403), (MUSTERHAUSEN_HOST, 404)):
        client = client_for(host, musterhausen_admin)
        for method, url, data in _requests(submitted_case):
            response = getattr(client, method)(url, data)
            assert response.status_code == expected, (host, url)
            assert b"Erika" not in response.content
    _assert_untouched(submitted_case)


def test_citizen_is_refused_every_case_address_even_their_own(citizen, submitted_case):
    client = client_for(ESSLINGEN_HOST, citizen)

    for method, url, data in _requests(submitted_case):
        assert getattr(client, method)(url, data).status_code == 403, url
    _assert_untouched(submitted_case)


def test_an_unknown_case_is_not_found(clerk, submitted_case):
    url = reverse("cases:case", args=["00000000-0000-0000-0000-000000000000"])

    assert client_for(ESSLINGEN_HOST, clerk).get(url).status_code == 404


# Opening a case by hand -----------------------------------------------------------------------

CASE_OPEN = reverse("cases:case_open")


@pytest.fixture
def registration_service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name="Anmeldung einer Wohnung")
    service.responsible_units.add(citizens_office)
    return service


@pytest.fixture
def roadworks_service(esslingen, civil_works_office):
    service = ServiceFactory(municipality=esslingen, name="Aufgrabungserlaubnis")
    service.responsible_units.add(civil_works_office)
    return service


def _manual(service, **changes):
    return {
        "service": service.pk,
        "channel": Case.Channel.PHONE,
        "applicant_name": "Max Muster",
        "applicant_email": "Max@Example.org",
        "applicant_phone": "0711 1234",
        "applicant_address": "Marktplatz 1, 73728 Esslingen",
        "description": "Anruf: möchte seine Wohnung anmelden.",
        "received_on": timezone.localdate().isoformat(),
        **changes,
    }


def test_clerk_opens_a_case_for_a_phone_call(clerk, citizens_office, registration_service, roadworks_service):
    client = client_for(ESSLINGEN_HOST, clerk)
    form_page = client.get(CASE_OPEN).content.decode()
    assert "Anmeldung einer Wohnung" in form_page
    assert "Aufgrabungserlaubnis" not in form_page

    response = client.post(CASE_OPEN, _manual(registration_service))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    assert (case.channel, case.unit, case.created_by) == (Case.Channel.PHONE, citizens_office, clerk)
    assert (case.applicant_name, case.applicant_email) == ("Max Muster", "max@example.org")
    assert case.state == flow.RECEIVED
    assert case.due_date is not None


def test_a_case_received_earlier_keeps_its_day(clerk, registration_service):
    last_week = timezone.localdate() - timedelta(days=7)

    client_for(ESSLINGEN_HOST, clerk).post(
        CASE_OPEN, _manual(registration_service, received_on=last_week.isoformat(), channel=Case.Channel.LETTER)
    )

    case = Case.objects.get()
    assert timezone.localdate(case.received_at) == last_week
    assert case.channel == Case.Channel.LETTER


def test_opening_a_case_without_a_name_shows_the_error(clerk, registration_service):
    response = client_for(ESSLINGEN_HOST, clerk).post(CASE_OPEN, _manual(registration_service, applicant_name=""))

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fehler:" in page
    assert 'href="#id_applicant_name"' in page
    assert not Case.objects.exists()


def test_opening_a_case_received_in_the_future_is_refused(clerk, registration_service):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(ESSLINGEN_HOST, clerk).post(
        CASE_OPEN, _manual(registration_service, received_on=tomorrow.isoformat())
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fehler:" in page
    assert "Das Eingangsdatum darf nicht in der Zukunft liegen." in page
    assert not Case.objects.exists()


def test_a_case_for_another_office_cannot_be_opened(clerk, roadworks_service):
    response = client_for(ESSLINGEN_HOST, clerk).post(CASE_OPEN, _manual(roadworks_service))

    assert response.status_code == 400
    assert "<title>Fehler:" in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_whose_case_type_moved_to_another_office_is_refused(
    esslingen, civil_works_office, clerk, registration_service
):
    # Offered by the service's office, but its case type has since gone to the Tiefbauamt.
    CaseTypeFactory(municipality=esslingen, service=registration_service, responsible_unit=civil_works_office)

    response = client_for(ESSLINGEN_HOST, clerk).post(CASE_OPEN, _manual(registration_service))

    assert response.status_code == 400
    assert not Case.objects.exists()


def test_citizen_and_other_towns_staff_may_not_open_cases(citizen, musterhausen_admin, registration_service):
    assert client_for(ESSLINGEN_HOST, citizen).post(CASE_OPEN, _manual(registration_service)).status_code == 403
    assert (
        client_for(ESSLINGEN_HOST, musterhausen_admin).post(CASE_OPEN, _manual(registration_service)).status_code == 403
    )
    assert not Case.objects.exists()


# Assisted channel -----------------------------------------------------------------------------

ASSISTED = reverse("cases:assisted_start")


@pytest.fixture
def parking_service(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    service.responsible_units.add(citizens_office)
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form = form_create(municipality=esslingen, service=service, definition=definition)
    form_publish(form=form)
    return service


def _next(client, url, data):
    response = client.post(url, {"aktion": "weiter", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_clerk_fills_in_an_application_at_the_counter(clerk, citizens_office, parking_service):
    client = client_for(ESSLINGEN_HOST, clerk)
    assert "Bewohnerparkausweis" in client.get(ASSISTED).content.decode()

    url = client.post(ASSISTED, {"leistung": parking_service.pk})["Location"]
    draft = Draft.objects.get()
    assert (draft.channel, draft.assisted_by, draft.answers) == ("assistiert", clerk, {})
    url = _next(client, url, {"hauptwohnsitz_esslingen": "ja"})
    assert clerk.email not in client.get(url).content.decode()
    url = _next(
        client,
        url,
        {
            "vorname": "Erika",
            "nachname": "Mustermann",
            "email": "erika@example.org",
            "telefon": "0711 123456",
            "anschrift__street": "Marktplatz",
            "anschrift__house_number": "1",
            "anschrift__postal_code": "73728",
            "anschrift__city": "Esslingen am Neckar",
        },
    )
    url = _next(client, url, {"kennzeichen": "ES-AB 123", "fahrzeug_art": "pkw", "fahrzeug_auf_antragsteller": "ja"})
    start = (timezone.localdate() + timedelta(days=3)).isoformat()
    url = _next(client, url, {"zone": "a", "beginn": start, "laufzeit": "2"})
    confirmation = client.post(url, {"declaration": "on"})

    submission = Submission.objects.get()
    assert confirmation["Location"] == reverse("applications:confirmation", args=[submission.pk])
    assert client.get(confirmation["Location"]).status_code == 200
    assert submission.channel == Submission.Channel.ASSISTED
    assert submission.email == "erika@example.org"
    assert submission.user is None
    case = case_create_from_submission(submission=submission)
    assert (case.channel, case.created_by, case.applicant) == (Case.Channel.ASSISTED, clerk, None)
    assert (case.applicant_name, case.unit) == ("Erika Mustermann", citizens_office)
    case_page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert f"am Schalter erfasst von {clerk.email}" in case_page


def test_a_citizen_starting_online_still_gets_their_account_data(citizen, parking_service):
    client = client_for(ESSLINGEN_HOST, citizen)

    client.post(reverse("applications:start", args=[parking_service.slug]))

    draft = Draft.objects.get()
    assert draft.channel == "online"
    assert draft.assisted_by is None
    assert draft.answers["email"] == citizen.email


def test_an_unknown_service_cannot_be_started_at_the_counter(clerk, esslingen, parking_service):
    without_form = ServiceFactory(municipality=esslingen)
    client = client_for(ESSLINGEN_HOST, clerk)

    assert client.post(ASSISTED, {"leistung": without_form.pk}).status_code == 404
    assert client.post(ASSISTED, {"leistung": "x"}).status_code == 404
    assert not Draft.objects.exists()


def test_citizen_and_other_towns_staff_may_not_use_the_counter(citizen, musterhausen_admin, parking_service):
    for user in (citizen, musterhausen_admin):
        client = client_for(ESSLINGEN_HOST, user)
        assert client.get(ASSISTED).status_code == 403
        assert client.post(ASSISTED, {"leistung": parking_service.pk}).status_code == 403
    assert not Draft.objects.exists()
