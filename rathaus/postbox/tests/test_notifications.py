"""Notification e-mails over a real local SMTP server: something is new, and nothing personal."""

from rathaus.applications.tests.factories import SubmissionFactory
from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory
from rathaus.postbox.notifications import message_notify
from rathaus.postbox.services import case_message_send, case_request_information, message_reply, message_send

from .conftest import APPLICANT_NAME, REFERENCE, SERVICE_NAME
from .factories import MessageFactory

MESSAGE_TEXT = "Bitte reichen Sie die Zulassungsbescheinigung Teil I nach."
ANSWER_TEXT = "Die Zulassungsbescheinigung hängt an."


def _text(received) -> str:
    """Everything a reader of the e-mail could see: headers and body."""
    headers = "\n".join(f"{name}: {value}" for name, value in received.items())
    return headers + "\n" + received.get_body(preferencelist=("plain",)).get_content()


def _assert_nothing_personal(text: str, *extra: str) -> None:
    for secret in (APPLICANT_NAME, "Mustermann", REFERENCE, SERVICE_NAME, MESSAGE_TEXT, ANSWER_TEXT, *extra):
        assert secret not in text


def test_a_new_message_is_announced_to_the_applicant_without_personal_data(
    citizen_case, clerk, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = case_message_send(
            case=citizen_case, actor=clerk, subject=f"Ihr Antrag {REFERENCE}", body=MESSAGE_TEXT
        )

    assert smtp_server.recipients == [["erika@example.org"]]
    received = smtp_server.messages[0]
    assert received["Subject"] == "Neue Nachricht in Ihrem Postfach"
    assert received["From"] == "Stadt Esslingen am Neckar <noreply@rathaus.localhost>"
    text = _text(received)
    assert "http://esslingen.localhost/mein-konto/postfach/" in text
    _assert_nothing_personal(text, "Erika", str(message.pk), str(citizen_case.pk))
    message.refresh_from_db()
    assert message.notified_at is not None


def test_running_the_notification_again_sends_nothing(
    citizen_case, clerk, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(case=citizen_case, sender=clerk, subject="Hinweis", body=MESSAGE_TEXT)

    assert message_notify(message_id=str(message.pk)) is False
    assert len(smtp_server.messages) == 1


def test_a_request_for_information_is_announced_the_same_way(
    citizen_case, clerk, smtp_server, django_capture_on_commit_callbacks
):
    membership = clerk.staff_memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        case_request_information(
            case=citizen_case, membership=membership, actor=clerk, subject="Rückfrage", body=MESSAGE_TEXT
        )

    assert [received["Subject"] for received in smtp_server.messages] == ["Neue Nachricht in Ihrem Postfach"]
    _assert_nothing_personal(_text(smtp_server.messages[0]))


def test_the_account_address_is_preferred_to_the_address_typed_into_the_form(
    case_type, citizen, clerk, smtp_server, django_capture_on_commit_callbacks
):
    case = CaseFactory(
        case_type=case_type, channel=Case.Channel.ONLINE, applicant=citizen, applicant_email="alt@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        message_send(case=case, sender=clerk, subject="Hinweis", body=MESSAGE_TEXT)

    assert smtp_server.recipients == [["erika@example.org"]]


def test_without_any_address_nothing_is_sent_and_nothing_fails(
    case_type, clerk, smtp_server, django_capture_on_commit_callbacks
):
    case = CaseFactory(case_type=case_type, channel=Case.Channel.PHONE, applicant=None, applicant_email="")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(case=case, sender=clerk, subject="Hinweis", body=MESSAGE_TEXT)

    message.refresh_from_db()
    assert smtp_server.messages == []
    assert message.notified_at is None


def test_the_citizens_answer_is_announced_to_the_assigned_clerk_with_a_link_to_the_case(
    citizen_case, clerk, citizen, smtp_server, django_capture_on_commit_callbacks
):
    citizen_case.assignee = clerk
    citizen_case.save(update_fields=["assignee"])
    membership = clerk.staff_memberships.get()
    request = case_request_information(
        case=citizen_case, membership=membership, actor=clerk, subject="Rückfrage", body=MESSAGE_TEXT
    )

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(message=request, user=citizen, body=ANSWER_TEXT)

    assert smtp_server.recipients == [["clerk@esslingen.example.org"]]
    received = smtp_server.messages[0]
    assert received["Subject"] == "Neue Antwort zu einem Vorgang"
    text = _text(received)
    assert f"http://esslingen.localhost/verwaltung/vorgaenge/{citizen_case.pk}/" in text
    _assert_nothing_personal(text, "Erika", "erika@example.org")
    reply.refresh_from_db()
    assert reply.notified_at is not None


def test_an_answer_on_an_unassigned_case_goes_to_the_office_address(
    citizen_case, citizens_office, citizen, smtp_server, django_capture_on_commit_callbacks
):
    message = MessageFactory(case=citizen_case)

    with django_capture_on_commit_callbacks(execute=True):
        message_reply(message=message, user=citizen, body=ANSWER_TEXT)

    assert smtp_server.recipients == [[citizens_office.email]]


def test_the_link_points_to_the_portal_the_application_was_made_on(
    citizen_case, clerk, smtp_server, django_capture_on_commit_callbacks
):
    citizen_case.submission = SubmissionFactory(
        version__form__municipality=citizen_case.municipality, portal_url="https://rathaus.esslingen.de/"
    )
    citizen_case.save(update_fields=["submission"])

    with django_capture_on_commit_callbacks(execute=True):
        message_send(case=citizen_case, sender=clerk, subject="Hinweis", body=MESSAGE_TEXT)

    assert "https://rathaus.esslingen.de/mein-konto/postfach/" in _text(smtp_server.messages[0])
