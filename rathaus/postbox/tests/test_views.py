"""The postbox pages of the citizen and the clerk's message and request pages, including who is refused."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from PIL import ExifTags, Image

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.applications.tests.upload_samples import html_page, jpeg_with_gps_exif, small_pdf
from rathaus.audit.models import AuditEntry
from rathaus.cases import workflow as flow
from rathaus.cases.models import CaseEvent
from rathaus.postbox.models import Message
from rathaus.postbox.services import case_request_information, message_send

from .conftest import REFERENCE
from .factories import MessageFactory


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def message(citizen_case, clerk):
    return message_send(
        case=citizen_case,
        sender=clerk,
        subject="Ihr Bewohnerparkausweis",
        body="Guten Tag, Ihr Ausweis ist in Arbeit.",
        attachments=[("merkblatt.pdf", "application/pdf", small_pdf())],
    )


@pytest.fixture
def request_message(citizen_case, clerk, clerk_membership):
    return case_request_information(
        case=citizen_case,
        membership=clerk_membership,
        actor=clerk,
        subject=f"Rückfrage zu Ihrem Antrag {REFERENCE}",
        body="Bitte schicken Sie uns die Zulassungsbescheinigung.",
    )


# The citizen's postbox -------------------------------------------------------------------------


def test_the_postbox_lists_the_citizens_messages_newest_first_with_unread_marked(citizen_case, citizen):
    older = MessageFactory(case=citizen_case, subject="Erste Nachricht", read_at=timezone.now())
    newer = MessageFactory(case=citizen_case, subject="Zweite Nachricht")
    Message.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))

    page = client_for(ESSLINGEN_HOST, citizen).get(reverse("postbox:inbox")).content.decode()

    assert page.index(newer.subject) < page.index(older.subject)
    assert page.count("ungelesen") >= 1
    assert "1 ungelesen" in page  # the account navigation


def test_the_postbox_is_paginated(citizen_case, citizen):
    for number in range(25):
        MessageFactory(case=citizen_case, subject=f"Nachricht Nummer {number:02d}")
    client = client_for(ESSLINGEN_HOST, citizen)

    first = client.get(reverse("postbox:inbox")).content.decode()
    second = client.get(reverse("postbox:inbox") + "?seite=2").content.decode()

    assert first.count("Nachricht Nummer") == 20
    assert second.count("Nachricht Nummer") == 5


def test_the_postbox_does_not_show_another_citizens_messages(citizen_case, second_citizen):
    MessageFactory(case=citizen_case, subject="Nur für Erika")

    page = client_for(ESSLINGEN_HOST, second_citizen).get(reverse("postbox:inbox")).content.decode()

    assert "Nur für Erika" not in page
    assert "Ihr Postfach ist leer." in page


def test_the_postbox_needs_a_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("postbox:inbox"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_opening_a_message_sets_the_read_receipt_once(message, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    response = client.get(reverse("postbox:message", args=[message.pk]))
    message.refresh_from_db()
    first_read = message.read_at
    client.get(reverse("postbox:message", args=[message.pk]))
    message.refresh_from_db()

    assert response.status_code == 200
    assert "Guten Tag, Ihr Ausweis ist in Arbeit." in response.content.decode()
    assert first_read is not None
    assert message.read_at == first_read


def test_the_citizen_downloads_an_attachment_of_their_message(message, citizen):
    attachment = message.attachments.get()

    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("postbox:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == small_pdf()
    assert "no-store" in response["Cache-Control"]


def test_a_reply_with_a_pdf_and_a_photo_stores_the_photo_without_its_exif_data(message, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)
    photo = jpeg_with_gps_exif()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = client.post(
        reverse("postbox:message", args=[message.pk]),
        {
            "body": "Anbei die Unterlagen.",
            "attachments": [
                _upload("zulassung.pdf", small_pdf(), "application/pdf"),
                _upload("foto.jpg", photo, "image/jpeg"),
            ],
        },
    )

    assert response.status_code == 302
    reply = Message.objects.get(in_reply_to=message)
    assert reply.direction == Message.Direction.FROM_CITIZEN
    assert reply.kind == Message.Kind.REPLY
    assert reply.sender == citizen
    stored = {attachment.name: attachment for attachment in reply.attachments.all()}
    assert set(stored) == {"zulassung.pdf", "foto.jpg"}
    with stored["foto.jpg"].file.open("rb") as handle:
        content = handle.read()
    assert not Image.open(io.BytesIO(content)).getexif()
    assert b"Exif" not in content
    assert stored["zulassung.pdf"].content_type == "application/pdf"


def test_a_disguised_file_is_refused_with_a_clear_error_and_nothing_is_stored(message, citizen):
    response = client_for(ESSLINGEN_HOST, citizen).post(
        reverse("postbox:message", args=[message.pk]),
        {"body": "Anbei die Rechnung.", "attachments": [_upload("rechnung.pdf", html_page(), "application/pdf")]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in page
    assert "keine echte PDF-Datei" in page
    assert not Message.objects.filter(in_reply_to=message).exists()


def test_more_than_five_files_are_refused(message, citizen):
    files = [_upload(f"blatt-{number}.pdf", small_pdf(), "application/pdf") for number in range(6)]

    response = client_for(ESSLINGEN_HOST, citizen).post(
        reverse("postbox:message", args=[message.pk]), {"body": "Viele Blätter.", "attachments": files}
    )

    assert response.status_code == 200
    assert "höchstens 5 Dateien" in response.content.decode()
    assert not Message.objects.filter(in_reply_to=message).exists()


def test_a_reply_needs_text(message, citizen):
    response = client_for(ESSLINGEN_HOST, citizen).post(reverse("postbox:message", args=[message.pk]), {"body": ""})

    assert response.status_code == 200
    assert "Bitte schreiben Sie eine Antwort." in response.content.decode()


def test_the_request_for_information_loop_through_the_pages(citizen_case, clerk, citizen):
    clerk_client = client_for(ESSLINGEN_HOST, clerk)
    form = clerk_client.get(reverse("postbox:staff_request", args=[citizen_case.pk])).content.decode()
    assert f"Rückfrage zu Ihrem Antrag {REFERENCE}" in form

    response = clerk_client.post(
        reverse("postbox:staff_request", args=[citizen_case.pk]),
        {"subject": f"Rückfrage zu Ihrem Antrag {REFERENCE}", "body": "Bitte schicken Sie die Zulassung."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[citizen_case.pk])
    citizen_case.refresh_from_db()
    assert citizen_case.state == flow.WAITING
    assert citizen_case.paused_at is not None
    request = Message.objects.get(case=citizen_case, kind=Message.Kind.REQUEST)

    citizen_client = client_for(ESSLINGEN_HOST, citizen)
    case_page = citizen_client.get(reverse("cases:citizen_case", args=[citizen_case.pk])).content.decode()
    assert "Wartet auf Ihre Antwort" in case_page
    response = citizen_client.post(
        reverse("postbox:message", args=[request.pk]),
        {"body": "Hier ist sie.", "attachments": [_upload("zulassung.pdf", small_pdf(), "application/pdf")]},
    )
    assert response.status_code == 302

    citizen_case.refresh_from_db()
    request.refresh_from_db()
    assert citizen_case.state == flow.IN_PROGRESS
    assert citizen_case.needs_attention is True
    assert citizen_case.paused_at is None
    assert request.answered_at is not None
    assert CaseEvent.objects.filter(case=citizen_case, kind=CaseEvent.Kind.ANSWER, public=True).exists()


def test_a_double_submitted_reply_is_stored_once(request_message, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)
    url = reverse("postbox:message", args=[request_message.pk])

    client.post(url, {"body": "Hier ist sie."})
    second = client.post(url, {"body": "Hier ist sie."})

    assert second.status_code == 302
    assert Message.objects.filter(in_reply_to=request_message).count() == 1


def test_a_withdrawn_case_takes_no_more_replies(message, citizen, citizen_case):
    from rathaus.cases.services import case_withdraw

    case_withdraw(case=citizen_case, user=citizen)
    client = client_for(ESSLINGEN_HOST, citizen)

    page = client.get(reverse("postbox:message", args=[message.pk])).content.decode()
    response = client.post(reverse("postbox:message", args=[message.pk]), {"body": "Doch noch etwas."})

    assert "Antwort senden" not in page
    assert response.status_code == 302
    assert not Message.objects.filter(in_reply_to=message).exists()


# The clerk's side ------------------------------------------------------------------------------


def test_the_clerk_writes_a_message_to_the_applicant(citizen_case, clerk):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        reverse("postbox:staff_message", args=[citizen_case.pk]),
        {
            "subject": "Ihr Ausweis",
            "body": "Ihr Ausweis liegt zur Abholung bereit.",
            "attachments": [_upload("hinweis.pdf", small_pdf(), "application/pdf")],
        },
    )

    assert response.status_code == 302
    message = Message.objects.get(case=citizen_case)
    assert message.direction == Message.Direction.TO_CITIZEN
    assert message.sender == clerk
    assert message.attachments.get().name == "hinweis.pdf"


def test_the_staff_message_page_shows_the_read_receipt(message, citizen, clerk):
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(days=2))
    client_for(ESSLINGEN_HOST, citizen).get(reverse("postbox:message", args=[message.pk]))

    message.refresh_from_db()

    page = client_for(ESSLINGEN_HOST, clerk).get(reverse("postbox:staff_message", args=[message.case.pk]))

    assert page.status_code == 200
    read_at = date_format(timezone.localtime(message.read_at), "SHORT_DATETIME_FORMAT")
    assert read_at in page.content.decode()


def test_the_request_page_says_when_no_request_is_possible(request_message, clerk):
    response = client_for(ESSLINGEN_HOST, clerk).post(
        reverse("postbox:staff_request", args=[request_message.case.pk]),
        {"subject": "Noch eine Rückfrage", "body": "Und noch etwas."},
    )

    assert response.status_code == 200
    assert "keine Rückfrage möglich" in response.content.decode()
    assert Message.objects.filter(kind=Message.Kind.REQUEST).count() == 1


def test_the_clerk_downloads_the_citizens_attachment_and_the_view_is_recorded(message, citizen, clerk):
    client_for(ESSLINGEN_HOST, citizen).post(
        reverse("postbox:message", args=[message.pk]),
        {"body": "Anbei.", "attachments": [_upload("zulassung.pdf", small_pdf(), "application/pdf")]},
    )
    attachment = Message.objects.get(in_reply_to=message).attachments.get()

    response = client_for(ESSLINGEN_HOST, clerk).get(
        reverse("postbox:staff_attachment", args=[message.case.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == small_pdf()
    assert AuditEntry.objects.filter(
        action="attachment.viewed", object_id=str(message.case.pk), actor_id=clerk.pk
    ).exists()


def test_a_staff_page_warns_when_the_applicant_has_no_address(case_type, clerk):
    from rathaus.cases.tests.factories import CaseFactory

    case = CaseFactory(case_type=case_type, applicant_email="")

    page = client_for(ESSLINGEN_HOST, clerk).get(reverse("postbox:staff_message", args=[case.pk])).content.decode()

    assert "keine E-Mail-Adresse hinterlegt" in page


# Who is refused --------------------------------------------------------------------------------


def _citizen_urls(message):
    attachment = message.attachments.get()
    return [
        reverse("postbox:message", args=[message.pk]),
        reverse("postbox:attachment", args=[attachment.pk]),
    ]


def test_another_citizen_gets_404_for_the_message_and_its_attachment(message, second_citizen):
    client = client_for(ESSLINGEN_HOST, second_citizen)

    for url in _citizen_urls(message):
        assert client.get(url).status_code == 404
    assert client.post(reverse("postbox:message", args=[message.pk]), {"body": "Fremd."}).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_anonymous_visitors_are_sent_to_the_login_for_every_postbox_page(message):
    client = client_for(ESSLINGEN_HOST)

    for url in [reverse("postbox:inbox"), *_citizen_urls(message)]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_the_citizen_sees_nothing_of_their_case_under_another_municipalitys_host(message, citizen, musterhausen):
    client = client_for(MUSTERHAUSEN_HOST, citizen)

    for url in _citizen_urls(message):
        assert client.get(url).status_code == 404
    assert "Ihr Bewohnerparkausweis" not in client.get(reverse("postbox:inbox")).content.decode()


def _staff_urls(message):
    case = message.case
    return [
        reverse("postbox:staff_message", args=[case.pk]),
        reverse("postbox:staff_request", args=[case.pk]),
        reverse("postbox:staff_attachment", args=[case.pk, message.attachments.get().pk]),
    ]


def test_a_clerk_of_another_office_gets_404_on_every_staff_postbox_page(message, other_office_clerk):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)

    for url in _staff_urls(message):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("postbox:staff_request", args=[message.case.pk]), {"subject": "Frage", "body": "Fremder Vorgang."}
    )
    assert response.status_code == 404
    assert not Message.objects.filter(kind=Message.Kind.REQUEST).exists()


def test_staff_of_another_municipality_never_reach_the_case(message, musterhausen_admin):
    for host in (ESSLINGEN_HOST, MUSTERHAUSEN_HOST):
        client = client_for(host, musterhausen_admin)
        for url in _staff_urls(message):
            response = client.get(url)
            assert response.status_code in (403, 404)
            assert b"Ihr Ausweis ist in Arbeit" not in response.content


def test_a_citizen_is_refused_on_the_staff_postbox_pages(message, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)

    for url in _staff_urls(message):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_for_the_staff_postbox_pages(message):
    client = client_for(ESSLINGEN_HOST)

    for url in _staff_urls(message):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
