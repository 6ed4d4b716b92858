"""Every page of a journey reads its draft in one statement, with its submission's id."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.applications import selectors
from rathaus.applications.services import application_submit
from rathaus.applications.tests.factories import DraftFactory, FormVersionFactory


def _draft(municipality, **fields):
    return DraftFactory(
        version=FormVersionFactory(form__municipality=municipality, form__service__municipality=municipality),
        **fields,
    )


def test_an_open_draft_is_read_in_one_statement_with_its_answers_and_no_submission(esslingen):
    draft = _draft(esslingen)
    selectors.form_version_for_pages(version_id=draft.version_id)

    with CaptureQueriesContext(connection) as queries:
        read = selectors.draft_get(municipality=esslingen, draft_id=draft.pk)

    assert len(queries) == 1
    assert read.pk == draft.pk
    assert read.answers == draft.answers
    assert read.submission_pk is None


def test_a_submitted_draft_carries_its_submissions_id(esslingen):
    draft = _draft(esslingen, visited_pages=["person", "anliegen"])
    submission = application_submit(draft=draft, language="de", portal_url="http://esslingen.localhost/")

    read = selectors.draft_get(municipality=esslingen, draft_id=draft.pk)

    assert isinstance(read.submission_pk, uuid.UUID)
    assert read.submission_pk == submission.pk


def test_a_draft_is_not_read_for_another_municipality_or_an_unknown_id(esslingen, musterhausen):
    draft = _draft(esslingen)

    assert selectors.draft_get(municipality=musterhausen, draft_id=draft.pk) is None
    assert selectors.draft_get(municipality=esslingen, draft_id=uuid.uuid4()) is None
