"""Citizens' pages read published form versions from a per-process cache that edits empty."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.applications import selectors
from rathaus.applications.demo import FORMS_FOLDER
from rathaus.applications.models import FormVersion
from rathaus.applications.services import form_create, form_publish
from rathaus.catalogue.tests.factories import ServiceFactory


@pytest.fixture
def published(esslingen):
    selectors.version_cache_clear()
    service = ServiceFactory(municipality=esslingen, slug="bewohnerparkausweis", name="Bewohnerparkausweis")
    definition = json.loads((FORMS_FOLDER / "bewohnerparkausweis.json").read_text(encoding="utf-8"))
    form = form_create(municipality=esslingen, service=service, definition=definition)
    return form_publish(form=form)


def test_a_published_version_is_read_from_the_database_once(published):
    selectors.form_version_for_pages(version_id=published.pk)
    with CaptureQueriesContext(connection) as queries:
        version = selectors.form_version_for_pages(version_id=published.pk)

    assert len(queries) == 0
    assert version.form.service.name == "Bewohnerparkausweis"


def test_saving_the_service_empties_the_cache(published):
    selectors.form_version_for_pages(version_id=published.pk)
    service = published.form.service
    service.name = "Parkausweis für Bewohner"
    service.save()

    assert selectors.form_version_for_pages(version_id=published.pk).form.service.name == "Parkausweis für Bewohner"


def test_an_unpublished_version_is_never_cached(published, esslingen):
    draft_version = FormVersion.objects.create(
        form=published.form, number=published.number + 1, definition=published.definition
    )
    selectors.form_version_for_pages(version_id=draft_version.pk)
    FormVersion.objects.filter(pk=draft_version.pk).update(definition={**published.definition, "title": "Neu"})

    assert selectors.form_version_for_pages(version_id=draft_version.pk).definition["title"] == "Neu"


def test_entries_expire(published, monkeypatch):
    selectors.form_version_for_pages(version_id=published.pk)
    monkeypatch.setattr(selectors, "VERSION_CACHE_SECONDS", 0.0)
    selectors.version_cache_clear()
    selectors.form_version_for_pages(version_id=published.pk)
    with CaptureQueriesContext(connection) as queries:
        selectors.form_version_for_pages(version_id=published.pk)

    assert len(queries) == 1


def test_renaming_the_responsible_office_empties_the_cache(published, citizens_office):
    form = published.form
    form.responsible_unit = citizens_office
    form.save()
    selectors.form_version_for_pages(version_id=published.pk)
    citizens_office.name = "Bürgerbüro am Marktplatz"
    citizens_office.save()

    version = selectors.form_version_for_pages(version_id=published.pk)

    assert version.form.responsible_unit.name == "Bürgerbüro am Marktplatz"
