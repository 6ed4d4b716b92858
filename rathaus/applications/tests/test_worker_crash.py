"""A worker killed in the middle of a webhook delivery: after a restart the receiver acknowledges exactly once.

Runs the real `manage.py worker` (django-tasks' database worker) in a subprocess against the test
database, with a local webhook receiver whose first request hangs until the worker is killed.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.applications.models import Handoff, Submission

from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 2
WAIT_SECONDS = 15


class HangingReceiver:
    """Takes webhook deliveries; the first one hangs (as if the receiver were slow) and is never answered."""

    def __init__(self) -> None:
        self.delivery_ids: list[str] = []
        self.acknowledged = 0
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.delivery_ids.append(self.headers["X-Rathaus-Delivery"])
                if len(receiver.delivery_ids) == 1:
                    receiver.first_arrived.set()
                    receiver.release.wait(timeout=60)
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")
                self.wfile.flush()
                receiver.acknowledged += 1

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/antraege"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _worker_settings(folder: Path) -> Path:
    """A settings module for the worker: the test database, the database task queue, a short lease."""
    database = {
        key: connection.settings_dict[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    }
    database["NAME"] = str(database["NAME"])
    (folder / "crash_worker_settings.py").write_text(
        "from config.settings.test import *  # noqa: F403\n"
        f"DATABASES = {{'default': {database!r}}}\n"
        "TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}}\n"
        f"RATHAUS_HANDOFF_LEASE_SECONDS = {LEASE_SECONDS}\n"
        "RATHAUS_RECOVERY_INTERVAL_SECONDS = 1\n"
        f"MEDIA_ROOT = {str(folder / 'media')!r}\n"
        f"PRIVATE_MEDIA_ROOT = {str(folder / 'media')!r}\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.filebased.EmailBackend'\n"
        f"EMAIL_FILE_PATH = {str(folder / 'mail')!r}\n"
    )
    return folder


def _start_worker(folder: Path, log_name: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crash_worker_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
    }
    log = (folder / log_name).open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group, so the kill reaches the worker and anything it started.
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen, sig: int) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _logs(folder: Path) -> str:
    return "\n".join(f"--- {path.name}\n{path.read_text()}" for path in sorted(folder.glob("worker-*.log")))


def _wait_for(condition, folder: Path, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s\n{_logs(folder)}")
        time.sleep(0.1)


def test_a_delivery_interrupted_by_a_killed_worker_is_acknowledged_exactly_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    folder = _worker_settings(tmp_path)
    receiver = HangingReceiver()
    # Submitted a while ago and never processed: as if the web process died before queuing the chain.
    # The worker's first recovery pass picks it up, so no task is queued from this test process.
    submission = SubmissionFactory(submitted_at=timezone.now() - timedelta(minutes=10))
    form = submission.version.form
    form.handoff_backends = ["webhook"]
    form.webhook_url = receiver.url
    form.webhook_secret = "geheimer-schluessel-2026"
    form.save()
    workers = []
    try:
        workers.append(_start_worker(folder, "worker-1.log"))
        _wait_for(receiver.first_arrived.is_set, folder, "the first delivery")

        _stop(workers[0], signal.SIGKILL)

        handoff = Handoff.objects.get(submission=submission)
        assert handoff.state == Handoff.State.PENDING
        assert handoff.attempts == 1
        assert handoff.lease_until is not None

        workers.append(_start_worker(folder, "worker-2.log"))
        _wait_for(
            lambda: Handoff.objects.filter(pk=handoff.pk, state=Handoff.State.DELIVERED).exists(),
            folder,
            "the delivery after the restart",
        )
    finally:
        for worker in workers:
            _stop(worker, signal.SIGTERM)
        receiver.stop()

    handoff.refresh_from_db()
    submission.refresh_from_db()
    assert receiver.acknowledged == 1
    assert receiver.delivery_ids == [str(handoff.pk), str(handoff.pk)]
    assert handoff.state == Handoff.State.DELIVERED
    assert handoff.attempts == 2
    assert handoff.lease_until is None
    assert submission.processed_at is not None
    assert submission.receipt.name == f"applications/receipts/{submission.reference}.pdf"
    assert [path.name for path in (tmp_path / "media" / "applications" / "receipts").iterdir()] == [
        f"{submission.reference}.pdf"
    ]
    assert submission.confirmation_sent_at is not None
    sent_mail = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert sent_mail.count(f"Subject: Ihr Antrag {submission.reference} ist eingegangen") == 1
    assert Submission.objects.count() == 1
