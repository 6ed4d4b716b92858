"""Scheduled imports from a configured XZuFi address, as the worker runs them."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rathaus.catalogue import services
from rathaus.catalogue.models import CatalogueFeed, ImportRun, Service

from . import messages


@pytest.fixture
def xzufi_url():
    """A small HTTP server in a thread that answers every GET with the test message."""
    body = messages.full_message()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/katalog.xml"
    server.shutdown()


def test_configuring_a_feed_imports_it_at_once(esslingen, xzufi_url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.feed_configure(municipality=esslingen, url=xzufi_url, interval_hours=24, is_enabled=True)

    run = ImportRun.objects.get(municipality=esslingen)
    assert (run.trigger, run.status, run.created) == (ImportRun.Trigger.SCHEDULE, ImportRun.Status.SUCCEEDED, 4)
    assert Service.objects.filter(municipality=esslingen, source_id="L100001").exists()


def test_a_run_with_a_stale_token_does_nothing(esslingen, xzufi_url):
    feed = CatalogueFeed.objects.create(municipality=esslingen, url=xzufi_url, scheduled_task_id="aktuell")
    assert services.feed_run(feed_id=feed.pk, token="veraltet") is None
    assert not ImportRun.objects.exists()


def test_a_switched_off_feed_does_not_import(esslingen, xzufi_url):
    feed = CatalogueFeed.objects.create(municipality=esslingen, url=xzufi_url, is_enabled=False, scheduled_task_id="t")
    assert services.feed_run(feed_id=feed.pk, token="t") is None


def test_an_unreachable_feed_is_recorded_as_failed_and_scheduled_again(esslingen):
    feed = CatalogueFeed.objects.create(
        municipality=esslingen, url="http://127.0.0.1:9/nichts.xml", scheduled_task_id="t"
    )
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        run = services.feed_run(feed_id=feed.pk, token="t")

    assert run is not None and run.status == ImportRun.Status.FAILED
    assert "konnte nicht gelesen werden" in run.error
    feed.refresh_from_db()
    assert feed.scheduled_task_id != "t"
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [feed.pk, feed.scheduled_task_id]
    assert queued.run_after - timezone.now() > timedelta(hours=23)
