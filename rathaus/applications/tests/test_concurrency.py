"""Submitting under load: the same draft twice at once, and many citizens at once, on a real database."""

import threading

import pytest
from django.db import connection

from rathaus.applications.models import Draft, Submission
from rathaus.applications.services import application_submit, draft_save_page
from rathaus.applications.tests.factories import DraftFactory, FormVersionFactory
from rathaus.applications.uploads import CheckedUpload

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(functions):
    barrier = threading.Barrier(len(functions))
    errors = []
    results = []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _save_with_upload(draft):
    scan = CheckedUpload(
        content=b"%PDF-1.4 Beispiel",
        kind="pdf",
        content_type="application/pdf",
        file_name="scan.pdf",
        size=17,
        sha256="0" * 64,
    )
    return lambda: draft_save_page(
        draft=draft, page_key="person", answers={"name": "Max"}, new_uploads={"nachweis": [scan]}
    )


def _submit(draft):
    return lambda: application_submit(draft=draft, language="de", portal_url="http://esslingen.localhost/")


def test_the_same_draft_submitted_at_once_from_two_requests_becomes_one_submission(esslingen):
    draft = DraftFactory(
        version=FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen),
        visited_pages=["person", "anliegen"],
    )

    results, errors = _in_threads([_submit(draft), _submit(draft)])

    assert errors == []
    assert Submission.objects.count() == 1
    assert {submission.pk for submission in results} == {Submission.objects.get().pk}


def test_citizens_saving_and_submitting_the_same_form_at_once_neither_deadlock_nor_share_a_reference(esslingen):
    version = FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen)
    drafts = [DraftFactory(version=version, visited_pages=["person", "anliegen"]) for _citizen in range(8)]
    saving = [DraftFactory(version=version) for _citizen in range(8)]
    work = [_submit(draft) for draft in drafts] + [
        (lambda draft=draft: draft_save_page(draft=draft, page_key="person", answers={"name": "Max"}))
        for draft in saving
    ]

    _results, errors = _in_threads(work)

    assert errors == []
    references = list(Submission.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 8


def test_a_page_saved_from_a_stale_read_keeps_what_another_tab_saved_meanwhile(esslingen):
    draft = DraftFactory(
        version=FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen),
        answers={"name": "Erika Mustermann"},
    )
    first_tab = Draft.objects.get(pk=draft.pk)
    second_tab = Draft.objects.get(pk=draft.pk)

    draft_save_page(draft=first_tab, page_key="person", answers={"name": "Erika Musterfrau"})
    saved = draft_save_page(draft=second_tab, page_key="anliegen", answers={"anliegen": "Umzug"})

    stored = Draft.objects.get(pk=draft.pk)
    assert stored.answers == {"name": "Erika Musterfrau", "anliegen": "Umzug"}
    assert stored.visited_pages == ["person", "anliegen"]
    assert saved.answers == stored.answers


def test_a_page_saved_from_a_read_before_the_submit_does_not_bring_the_answers_back(esslingen):
    draft = DraftFactory(
        version=FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen),
        visited_pages=["person", "anliegen"],
    )
    read_before_submit = Draft.objects.get(pk=draft.pk)

    _submit(draft)()
    draft_save_page(draft=read_before_submit, page_key="person", answers={"name": "Spät geändert"})

    stored = Draft.objects.get(pk=draft.pk)
    assert stored.answers == {} and stored.visited_pages == []
    assert Submission.objects.get().answers["name"] == "Erika Mustermann"


def test_a_page_saved_without_files_is_one_statement_when_nobody_wrote_the_draft_since(esslingen):
    from django.test.utils import CaptureQueriesContext

    draft = DraftFactory(
        version=FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen)
    )
    read = Draft.objects.select_related("version__form").get(pk=draft.pk)

    with CaptureQueriesContext(connection) as queries:
        draft_save_page(draft=read, page_key="person", answers={"name": "Max"})

    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["UPDATE"]
    assert Draft.objects.get(pk=draft.pk).answers["name"] == "Max"


def test_a_page_with_a_file_saved_while_another_tab_submits_stores_nothing_on_the_submitted_draft(esslingen):
    from django.db import transaction

    from rathaus.applications.models import Upload

    draft = DraftFactory(
        version=FormVersionFactory(form__municipality=esslingen, form__service__municipality=esslingen),
        visited_pages=["person", "anliegen"],
    )
    read_before_submit = Draft.objects.select_related("version__form").get(pk=draft.pk)
    submitted = threading.Event()
    saving = threading.Event()

    def submit_and_hold_the_lock():
        with transaction.atomic():
            _submit(draft)()
            submitted.set()
            # The save below now waits for this transaction's row lock; keep it a moment.
            saving.wait(timeout=5)
            threading.Event().wait(0.5)

    def save_after_the_submit_locked():
        submitted.wait(timeout=30)
        saving.set()
        return _save_with_upload(read_before_submit)()

    results, errors = _in_threads([submit_and_hold_the_lock, save_after_the_submit_locked])

    assert errors == []
    saved = next(result for result in results if result is not None)
    assert saved.submission_pk == Submission.objects.get().pk
    stored = Draft.objects.get(pk=draft.pk)
    assert stored.answers == {} and stored.visited_pages == []
    assert not Upload.objects.filter(draft=draft, submission__isnull=True).exists()
