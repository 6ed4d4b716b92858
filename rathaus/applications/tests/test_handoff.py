"""Hand-off backends and delivery with retries: signed webhooks, e-mail to the office, backoff, giving up."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from rathaus.applications import processing, tasks
from rathaus.applications.handoff import registry
from rathaus.applications.handoff.base import HandoffBackend
from rathaus.applications.handoff.contrib.webhook.backend import webhook_signature
from rathaus.applications.models import Handoff, Upload
from rathaus.applications.selectors import submission_data

from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db

SECRET = "geheimer-schluessel-2026"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Receiver:
    """A local stand-in for the administration's system: answers with the statuses it is given, in order."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/antraege"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _handoff(backend: str = "webhook", **form_settings) -> Handoff:
    """A processed submission with its receipt, and its hand-off through ``backend`` not tried yet."""
    submission = SubmissionFactory()
    form = submission.version.form
    form.handoff_backends = [backend]
    form.webhook_secret = SECRET
    for name, value in form_settings.items():
        setattr(form, name, value)
    form.save()
    processing.submission_process_steps(submission_id=str(submission.pk))
    mail.outbox.clear()
    return submission.handoffs.get()


def _make_due(handoff: Handoff) -> None:
    Handoff.objects.filter(pk=handoff.pk).update(next_attempt_at=timezone.now())


# Registry ----------------------------------------------------------------------------------------


def test_the_registry_knows_the_built_in_backends():
    assert [key for key, _name in registry.choices()] == ["case", "email", "webhook"]
    assert registry.get("webhook").key == "webhook"
    with pytest.raises(KeyError):
        registry.get("fax")


def test_a_key_cannot_be_registered_twice_by_another_backend():
    class OtherEmail(HandoffBackend):
        key = "email"
        verbose_name = "Andere E-Mail"

    with pytest.raises(ValueError):
        registry.register(OtherEmail)


# Webhook ------------------------------------------------------------------------------------------


def test_the_webhook_posts_the_submission_data_signed_with_the_forms_secret(receiver):
    handoff = _handoff(webhook_url=receiver.url)

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.DELIVERED

    ((headers, body),) = receiver.requests
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Rathaus-Delivery"] == str(handoff.pk)
    timestamp = headers["X-Rathaus-Timestamp"]
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Rathaus-Signature"], f"sha256={expected}")
    assert json.loads(body) == json.loads(json.dumps(submission_data(submission=handoff.submission)))
    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.delivered_at is not None
    assert handoff.lease_until is None
    assert handoff.attempts == 1


def test_a_signature_made_with_another_secret_does_not_verify():
    body = b'{"reference": "ES-2026-000001"}'

    assert webhook_signature(secret=SECRET, timestamp="1767225600", body=body) != webhook_signature(
        secret="ein-anderer-schluessel", timestamp="1767225600", body=body
    )
    assert webhook_signature(secret=SECRET, timestamp="1767225600", body=body) != webhook_signature(
        secret=SECRET, timestamp="1767225601", body=body
    )


def test_a_server_error_leaves_the_handoff_pending_with_a_pause_and_the_reason(receiver):
    receiver.statuses = [500]
    handoff = _handoff(webhook_url=receiver.url)

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.PENDING

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.PENDING
    assert handoff.attempts == 1
    assert handoff.last_error == "Antwort HTTP 500"
    assert handoff.lease_until is None
    assert timedelta(seconds=50) < handoff.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    # Before the pause is over, a duplicate task does nothing.
    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) is None

    _make_due(handoff)
    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.DELIVERED

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.attempts == 2
    assert handoff.last_error == ""
    assert len(receiver.requests) == 2
    assert {headers["X-Rathaus-Delivery"] for headers, _body in receiver.requests} == {str(handoff.pk)}


def test_the_pause_doubles_with_every_failure_up_to_six_hours():
    assert [processing.handoff_retry_delay(attempts) for attempts in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert processing.handoff_retry_delay(20) == timedelta(hours=6)


def test_a_failed_delivery_queues_its_next_try_for_when_the_pause_is_over(settings, receiver):
    from django_tasks_db.models import DBTaskResult

    receiver.statuses = [503]
    handoff = _handoff(webhook_url=receiver.url)
    settings.TASKS = DATABASE_TASKS

    tasks.handoff_deliver.call(handoff_id=str(handoff.pk))

    handoff.refresh_from_db()
    (retry,) = DBTaskResult.objects.filter(task_path=tasks.handoff_deliver.module_path)
    assert retry.args_kwargs["kwargs"] == {"handoff_id": str(handoff.pk)}
    assert retry.run_after == handoff.next_attempt_at


def test_after_the_last_attempt_the_handoff_has_failed(receiver):
    receiver.statuses = [500]
    handoff = _handoff(webhook_url=receiver.url)
    Handoff.objects.filter(pk=handoff.pk).update(attempts=processing.HANDOFF_MAX_ATTEMPTS - 1)

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.FAILED

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.FAILED
    assert handoff.attempts == processing.HANDOFF_MAX_ATTEMPTS
    assert handoff.next_attempt_at is None
    assert handoff.last_error == "Antwort HTTP 500"
    # A failed hand-off is not tried again by itself.
    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) is None


def test_an_unreachable_receiver_is_a_failed_attempt_with_a_short_reason():
    handoff = _handoff(webhook_url="http://127.0.0.1:9/antraege")

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.PENDING

    handoff.refresh_from_db()
    assert handoff.last_error.startswith("Keine Verbindung")


def test_a_webhook_without_address_reports_what_is_missing():
    handoff = _handoff(webhook_url="")

    processing.handoff_attempt(handoff_id=str(handoff.pk))

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.PENDING
    assert handoff.last_error == "Es ist keine Webhook-Adresse hinterlegt."


def test_a_webhook_may_not_read_local_files():
    handoff = _handoff(webhook_url="file:///etc/passwd")

    processing.handoff_attempt(handoff_id=str(handoff.pk))

    handoff.refresh_from_db()
    assert "https://" in handoff.last_error


def test_a_handoff_held_by_another_worker_is_left_alone(receiver):
    handoff = _handoff(webhook_url=receiver.url)
    Handoff.objects.filter(pk=handoff.pk).update(attempts=1, lease_until=timezone.now() + timedelta(minutes=5))

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) is None

    handoff.refresh_from_db()
    assert handoff.attempts == 1
    assert receiver.requests == []


def test_an_unknown_backend_fails_at_once():
    handoff = _handoff()
    Handoff.objects.filter(pk=handoff.pk).update(backend="fax")

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.FAILED

    handoff.refresh_from_db()
    assert "fax" in handoff.last_error


# Sending again -----------------------------------------------------------------------------------


def test_sending_again_starts_a_failed_handoff_afresh(receiver, django_capture_on_commit_callbacks):
    handoff = _handoff(webhook_url=receiver.url)
    Handoff.objects.filter(pk=handoff.pk).update(
        state=Handoff.State.FAILED, attempts=processing.HANDOFF_MAX_ATTEMPTS, last_error="Antwort HTTP 500"
    )
    handoff.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert processing.handoff_resend(handoff=handoff) is True

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.PENDING
    assert handoff.attempts == 0
    assert handoff.next_attempt_at <= timezone.now()

    for callback in callbacks:
        callback()
    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.attempts == 1


def test_a_delivered_handoff_is_not_sent_again(receiver):
    handoff = _handoff(webhook_url=receiver.url)
    processing.handoff_attempt(handoff_id=str(handoff.pk))
    handoff.refresh_from_db()

    assert processing.handoff_resend(handoff=handoff) is False

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.DELIVERED
    assert len(receiver.requests) == 1


# E-mail -----------------------------------------------------------------------------------------


def test_the_email_goes_to_the_office_with_receipt_uploads_and_data():
    handoff = _handoff("email", handoff_email="buergeramt@esslingen.example.org")
    submission = handoff.submission
    upload = Upload(
        municipality=submission.municipality,
        submission=submission,
        field_key="nachweis",
        file_name="meldebescheinigung.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    upload.file.save("meldebescheinigung.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    upload.save()

    assert processing.handoff_attempt(handoff_id=str(handoff.pk)) == Handoff.State.DELIVERED

    (message,) = mail.outbox
    service = submission.version.form.service
    assert message.to == ["buergeramt@esslingen.example.org"]
    assert message.subject == f"Neuer Online-Antrag {submission.reference}: {service.name}"
    assert message.reply_to == ["erika@example.org"]
    assert "Name: Erika Mustermann" in message.body
    assert "Nachricht: Bitte bearbeiten." in message.body
    assert str(handoff.pk) in message.body
    attachments = {name: (content, content_type) for name, content, content_type in message.attachments}
    assert set(attachments) == {f"{submission.reference}.pdf", "meldebescheinigung.pdf", "antragsdaten.json"}
    assert attachments[f"{submission.reference}.pdf"][0].startswith(b"%PDF")
    assert attachments["meldebescheinigung.pdf"] == (b"%PDF-1.7\n", "application/pdf")
    data = json.loads(attachments["antragsdaten.json"][0])
    assert data["reference"] == submission.reference
    assert data["attachments"][0]["file_name"] == "meldebescheinigung.pdf"


def test_the_email_handoff_without_any_address_waits_for_one():
    handoff = _handoff("email", handoff_email="")

    processing.handoff_attempt(handoff_id=str(handoff.pk))

    handoff.refresh_from_db()
    assert handoff.state == Handoff.State.PENDING
    assert "keine E-Mail-Adresse" in handoff.last_error
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.org/hook", "https://"),
        ("https://127.0.0.1/hook", "internes Netz"),
        ("https://169.254.169.254/latest/meta-data", "internes Netz"),
        ("https://10.0.0.5/hook", "internes Netz"),
        ("https://[::1]/hook", "internes Netz"),
        ("https:///hook", "keinen Servernamen"),
    ],
)
def test_a_webhook_may_not_point_into_the_hosting_network(url, problem, settings):
    from rathaus.applications.handoff.contrib.webhook.backend import webhook_address_problem

    settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    assert problem in webhook_address_problem(url)


def test_a_webhook_on_a_public_address_is_allowed(settings):
    from rathaus.applications.handoff.contrib.webhook.backend import webhook_address_problem

    settings.RATHAUS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    assert webhook_address_problem("https://93.184.215.14/hook") is None
