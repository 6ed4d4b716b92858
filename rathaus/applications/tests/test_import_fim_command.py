"""`import_fim` turns every FIM sample into a draft form that renders; untranslated rules stay visible."""

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory

from rathaus.applications.forms import PageForm
from rathaus.applications.models import FormVersion
from rathaus.applications.tests.test_fim import FIM_DATA
from rathaus.catalogue.tests.factories import ServiceFactory

SAMPLES = sorted(FIM_DATA.rglob("*.xml"))


@pytest.fixture
def firearms_service(esslingen):
    return ServiceFactory(municipality=esslingen, slug="waffenbesitzkarte", leika_key="99089001012000")


def test_the_reference_folder_holds_all_three_generations():
    assert {path.parent.name for path in SAMPLES} == {"xdf1", "xdf2", "xdf3"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_fim_sample_becomes_a_draft_whose_pages_render(path, firearms_service, capsys):
    call_command("import_fim", str(path), service="99089001012000", municipality="esslingen")

    version = FormVersion.objects.get(form__service=firearms_service)
    assert version.status == FormVersion.Status.DRAFT
    assert version.origin == FormVersion.Origin.FIM
    request = RequestFactory().get("/")
    for page in version.definition["pages"]:
        form = PageForm(definition=version.definition, page=page, answers={}, language="de")
        html = render_to_string("applications/_page_fields.html", {"form": form, "preview": True}, request=request)
        assert html.strip() or not page.get("fields")
    assert "Entwurf Version 1" in capsys.readouterr().out


def test_rules_that_cannot_be_translated_are_listed_on_the_draft(firearms_service):
    path = next(path for path in SAMPLES if path.name == "rule.xml")

    call_command("import_fim", str(path), service="waffenbesitzkarte", municipality="esslingen")

    notes = FormVersion.objects.get().notes
    assert any("Regel" in note for note in notes)
    assert notes[0].startswith("Aus FIM ")


def test_a_second_import_replaces_the_draft_instead_of_adding_versions(firearms_service):
    for _repeat in range(2):
        call_command("import_fim", str(SAMPLES[0]), service="99089001012000", municipality="esslingen")

    assert FormVersion.objects.filter(form__service=firearms_service).count() == 1


def test_an_unknown_service_is_refused_in_german(esslingen):
    with pytest.raises(CommandError, match="keine Leistung"):
        call_command("import_fim", str(SAMPLES[0]), service="99999999999999", municipality="esslingen")


def test_a_file_that_is_not_xdatenfelder_is_refused_and_nothing_is_stored(firearms_service, tmp_path):
    bogus = tmp_path / "kein-fim.xml"
    bogus.write_text("<html><body>kein Formular</body></html>", encoding="utf-8")

    with pytest.raises(CommandError, match="nichts wurde gespeichert"):
        call_command("import_fim", str(bogus), service="99089001012000", municipality="esslingen")

    assert not FormVersion.objects.exists()
