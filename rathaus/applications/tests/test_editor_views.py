"""The form editor in the staff area: building, previewing, publishing, JSON round trips and refusals."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.applications import editor, services
from rathaus.applications.models import ApplicationForm, FormVersion
from rathaus.catalogue.tests.factories import ServiceFactory

from .factories import SMALL_DEFINITION


@pytest.fixture
def service(esslingen):
    return ServiceFactory(municipality=esslingen, name="Hundesteuer anmelden", slug="hundesteuer")


@pytest.fixture
def admin_client(municipality_admin):
    return client_for(ESSLINGEN_HOST, municipality_admin)


@pytest.fixture
def application_form(esslingen, service, municipality_admin):
    return services.form_create(
        municipality=esslingen, service=service, definition=dict(SMALL_DEFINITION), created_by=municipality_admin
    )


def _draft(form):
    return form.versions.get(status=FormVersion.Status.DRAFT)


def _url(name, *args):
    return reverse(f"applications:{name}", args=args)


def _field_data(form_id, page_key, field_key, client, **changes):
    """What the field edit page posts back unchanged, with ``changes`` applied (False unticks a box)."""
    response = client.get(_url("staff_field_edit", form_id, page_key, field_key))
    form = response.context["form"]
    data = {"aktion": "speichern"}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list):
            data[bound.html_name] = value
        else:
            data[bound.html_name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


# Creating and building a form --------------------------------------------------------------------


def test_the_administrator_creates_a_form_for_a_service_without_one(admin_client, esslingen, service):
    ServiceFactory(municipality=esslingen, name="Schon online")
    other = ServiceFactory(municipality=esslingen, name="Schon online 2")
    services.form_create(municipality=esslingen, service=other, definition=editor.minimal_definition("X"))

    page = admin_client.get(_url("staff_form_list")).content.decode()
    assert f'<option value="{service.pk}">Hundesteuer anmelden</option>' in page
    assert f'value="{other.pk}"' not in page

    response = admin_client.post(_url("staff_form_list"), {"service": service.pk, "title": ""})
    form = ApplicationForm.objects.get(service=service)
    assert response.status_code == 302
    assert response["Location"] == _url("staff_form_edit", form.pk)
    draft = _draft(form)
    assert draft.definition["title"] == "Hundesteuer anmelden"
    assert [field["key"] for field in draft.definition["pages"][0]["fields"]] == ["name", "email"]
    assert draft.created_by.email == "admin@esslingen.example.org"
    listing = admin_client.get(_url("staff_form_list")).content.decode()
    assert "Version 1: Entwurf" in listing


def test_a_service_of_another_municipality_cannot_be_chosen(admin_client, musterhausen):
    foreign = ServiceFactory(municipality=musterhausen)
    response = admin_client.post(_url("staff_form_list"), {"service": foreign.pk, "title": "Fremd"})
    assert response.status_code == 400
    assert not ApplicationForm.objects.filter(service=foreign).exists()


def test_the_administrator_adds_a_page_and_a_field_and_sets_conditions(admin_client, application_form):
    form_id = application_form.pk
    response = admin_client.post(_url("staff_page_add", form_id), {"title": "Ihr Hund"})
    assert response["Location"] == _url("staff_page_edit", form_id, "ihr_hund")

    response = admin_client.post(
        _url("staff_field_add", form_id, "person"), {"type": "yesno", "label": "Haben Sie einen Hund?"}
    )
    assert response["Location"] == _url("staff_field_edit", form_id, "person", "haben_sie_einen_hund")
    data = _field_data(form_id, "person", "haben_sie_einen_hund", admin_client, key="hund", required="on")
    response = admin_client.post(_url("staff_field_edit", form_id, "person", "haben_sie_einen_hund"), data)
    assert response.status_code == 302, response.context["form"].errors

    page_data = {
        "aktion": "speichern",
        "title": "Ihr Hund",
        "title_en": "Your dog",
        "intro": "",
        "intro_en": "",
        "kind": "questions",
        "condition_field": "hund",
        "condition_operator": "eq",
        "condition_value": "Ja",
    }
    response = admin_client.post(_url("staff_page_edit", form_id, "ihr_hund"), page_data)
    assert response.status_code == 302

    definition = _draft(application_form).definition
    dog_page = definition["pages"][-1]
    assert dog_page["title"] == {"de": "Ihr Hund", "en": "Your dog"}
    assert dog_page["condition"] == {"field": "hund", "op": "eq", "value": True}
    assert {"key": "hund", "type": "yesno", "label": "Haben Sie einen Hund?", "required": True} in definition["pages"][
        0
    ]["fields"]

    data = _field_data(
        form_id, "anliegen", "nachricht", admin_client, condition_field="hund", condition_operator="answered"
    )
    assert admin_client.post(_url("staff_field_edit", form_id, "anliegen", "nachricht"), data).status_code == 302
    assert _draft(application_form).definition["pages"][1]["fields"][0]["condition"] == {
        "field": "hund",
        "op": "answered",
    }
    overview = admin_client.get(_url("staff_form_edit", form_id)).content.decode()
    assert "Nur anzeigen, wenn „Haben Sie einen Hund?“ ist gleich „ja“" in overview


def test_a_change_of_type_shows_the_new_settings_before_saving(admin_client, application_form):
    url = _url("staff_field_edit", application_form.pk, "anliegen", "nachricht")
    data = _field_data(application_form.pk, "anliegen", "nachricht", admin_client, type="choice", aktion="typ")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Noch nicht gespeichert" in response.content.decode()
    assert "options" in response.context["form"].fields
    assert _draft(application_form).definition["pages"][1]["fields"][0]["type"] == "textarea"

    # Saving from the page shown for the new type, now with its settings.
    data = {
        **data,
        "aktion": "speichern",
        "angezeigte_art": "choice",
        "options": "a|Erste\nb|Zweite",
        "widget": "radio",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    field = _draft(application_form).definition["pages"][1]["fields"][0]
    assert field["type"] == "choice"
    assert field["options"] == [{"value": "a", "label": "Erste"}, {"value": "b", "label": "Zweite"}]
    assert "max_length" not in field


def test_a_refused_definition_is_shown_in_the_error_summary_and_not_stored(admin_client, application_form):
    draft = _draft(application_form)
    definition = editor.page_add(draft.definition, title="Ende")
    definition = editor.branch_add(definition, "anliegen", when={"field": "nachricht", "op": "answered"}, goto="ende")
    services.form_draft_save(form=application_form, definition=definition)

    # Moving the target above its branch would make the branch jump backwards.
    response = admin_client.post(_url("staff_page_move", application_form.pk, "ende"), {"richtung": "hoch"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Es gibt ein Problem" in page
    assert "darf nur zu einer späteren Seite verzweigen" in page
    assert "<title>Fehler:" in page
    assert _draft(application_form).definition == definition


def test_removing_a_field_that_a_condition_reads_is_explained_not_done(admin_client, application_form):
    definition = editor.field_set_condition(
        _draft(application_form).definition, "anliegen", "nachricht", {"field": "name", "op": "answered"}
    )
    services.form_draft_save(form=application_form, definition=definition)
    url = _url("staff_field_remove", application_form.pk, "person", "name")
    page = admin_client.get(url).content.decode()
    assert "kann nicht entfernt werden" in page
    assert "Ja, entfernen" not in page
    assert admin_client.post(url).status_code == 400
    assert _draft(application_form).definition == definition

    removable = _url("staff_field_remove", application_form.pk, "anliegen", "nachricht")
    assert "Ja, entfernen" in admin_client.get(removable).content.decode()
    assert admin_client.post(removable).status_code == 302
    assert _draft(application_form).definition["pages"][1]["fields"] == []


def test_fields_and_pages_move(admin_client, application_form):
    admin_client.post(_url("staff_field_move", application_form.pk, "person", "email"), {"richtung": "hoch"})
    admin_client.post(_url("staff_page_move", application_form.pk, "person"), {"richtung": "runter"})
    definition = _draft(application_form).definition
    assert [page["key"] for page in definition["pages"]] == ["anliegen", "person"]
    assert [field["key"] for field in definition["pages"][1]["fields"]] == ["email", "name"]


def test_branches_are_added_and_removed_on_the_page(admin_client, application_form):
    admin_client.post(_url("staff_page_add", application_form.pk), {"title": "Ende"})
    url = _url("staff_page_edit", application_form.pk, "person")
    response = admin_client.post(
        url,
        {
            "aktion": "verzweigung",
            "verzweigung-condition_field": "name",
            "verzweigung-condition_operator": "eq",
            "verzweigung-condition_value": "Test",
            "verzweigung-goto": "ende",
        },
    )
    assert response.status_code == 302
    assert _draft(application_form).definition["pages"][0]["next"] == [
        {"when": {"field": "name", "op": "eq", "value": "Test"}, "goto": "ende"}
    ]
    assert admin_client.post(url, {"aktion": "verzweigung-entfernen:0"}).status_code == 302
    assert "next" not in _draft(application_form).definition["pages"][0]


def test_a_condition_the_builder_cannot_show_is_shown_as_json_and_kept(admin_client, application_form):
    condition = {"all": [{"field": "name", "op": "answered"}, {"field": "email", "op": "answered"}]}
    definition = editor.field_set_condition(_draft(application_form).definition, "anliegen", "nachricht", condition)
    services.form_draft_save(form=application_form, definition=definition)
    url = _url("staff_field_edit", application_form.pk, "anliegen", "nachricht")
    page = admin_client.get(url).content.decode()
    assert "JSON-Export und -Import" in page
    assert "&quot;all&quot;" in page
    data = _field_data(application_form.pk, "anliegen", "nachricht", admin_client, label="Ihre Nachricht")
    assert admin_client.post(url, data).status_code == 302
    field = _draft(application_form).definition["pages"][1]["fields"][0]
    assert field["label"] == "Ihre Nachricht"
    assert field["condition"] == condition


def test_settings_change_texts_and_access(admin_client, application_form, citizens_office):
    url = _url("staff_form_settings", application_form.pk)
    assert admin_client.get(url).status_code == 200
    data = {
        "title": "Hund anmelden",
        "title_en": "Register a dog",
        "intro": "Für Hunde ab drei Monaten.",
        "processing_days": "10",
        "access": "konto",
        "minimum_trust_level": "niedrig",
        "resume_days": "14",
        "responsible_unit": citizens_office.pk,
        "handoff_backends": ["webhook"],
        "webhook_url": "https://fachverfahren.example.org/eingang",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "kein Webhook-Schlüssel" in response.content.decode()

    response = admin_client.post(url, {**data, "webhook_secret": "geheim-und-lang"})
    assert response.status_code == 302
    application_form.refresh_from_db()
    assert application_form.access == "konto"
    assert application_form.resume_days == 14
    assert application_form.webhook_secret == "geheim-und-lang"
    assert application_form.handoff_backends == ["webhook"]
    definition = _draft(application_form).definition
    assert definition["title"] == {"de": "Hund anmelden", "en": "Register a dog"}
    assert definition["processing_days"] == 10
    # An empty secret keeps the stored one.
    admin_client.post(url, {**data, "resume_days": "20"})
    application_form.refresh_from_db()
    assert application_form.webhook_secret == "geheim-und-lang"


# Preview and publishing ---------------------------------------------------------------------------


def test_the_preview_renders_each_page_as_citizens_see_it_with_the_import_notes(admin_client, application_form):
    draft = _draft(application_form)
    draft.notes = ["Regel R123 „Alter prüfen“ wurde nicht übernommen."]
    draft.save(update_fields=["notes"])
    response = admin_client.get(_url("staff_form_preview", application_form.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="name"' in page
    assert "E-Mail" in page
    assert "Regel R123" in page
    assert 'type="submit" disabled' in page
    # The preview form has nowhere to go: no action, no method, no CSRF token.
    assert '<form novalidate aria-labelledby="vorschau-titel">' in page
    second = admin_client.get(_url("staff_form_preview", application_form.pk, "anliegen")).content.decode()
    assert 'name="nachricht"' in second
    assert admin_client.get(_url("staff_form_preview", application_form.pk, "gibt_es_nicht")).status_code == 404


def test_publishing_asks_first_then_makes_the_version_read_only(admin_client, application_form):
    url = _url("staff_form_publish", application_form.pk)
    assert "Jetzt veröffentlichen" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    version = application_form.versions.get()
    assert version.status == FormVersion.Status.PUBLISHED

    # Without a draft, edits are turned away and the overview offers a new draft.
    edit = admin_client.get(_url("staff_field_edit", application_form.pk, "person", "name"))
    assert edit["Location"] == _url("staff_form_edit", application_form.pk)
    assert "Neuen Entwurf anlegen" in admin_client.get(edit["Location"]).content.decode()
    admin_client.post(_url("staff_form_draft_create", application_form.pk))
    draft = _draft(application_form)
    assert draft.number == 2
    assert draft.definition == version.definition

    # The published key cannot be changed in the new draft.
    url = _url("staff_field_edit", application_form.pk, "person", "name")
    assert admin_client.get(url).context["form"].fields["key"].disabled
    data = _field_data(application_form.pk, "person", "name", admin_client, key="vollstaendiger_name")
    assert admin_client.post(url, data).status_code == 302
    assert _draft(application_form).definition["pages"][0]["fields"][0]["key"] == "name"


# JSON -----------------------------------------------------------------------------------------


def test_export_and_import_round_trip(admin_client, application_form):
    response = admin_client.get(_url("staff_form_export", application_form.pk))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith('{\n  "schema_version": 1,')
    assert '"label": "Gebühr"' in text
    exported = json.loads(text)
    assert exported == _draft(application_form).definition

    exported["title"] = "Geänderter Titel"
    upload = SimpleUploadedFile("antrag.json", json.dumps(exported, ensure_ascii=False).encode(), "application/json")
    response = admin_client.post(_url("staff_form_import", application_form.pk), {"file": upload})
    assert response.status_code == 302
    draft = _draft(application_form)
    assert draft.definition == exported
    assert draft.origin == FormVersion.Origin.JSON
    assert json.loads(admin_client.get(_url("staff_form_export", application_form.pk)).content) == exported


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"schema_version": 1, "title": ', "kein gültiges JSON (Zeile 1"),
        (json.dumps({"schema_version": 1, "title": "Ohne Seiten"}).encode(), "pages&#x27; is a required property"),
        (b"\xff\xfe", "nicht in UTF-8"),
    ],
)
def test_a_broken_import_is_explained_and_leaves_the_draft_alone(admin_client, application_form, content, message):
    before = _draft(application_form).definition
    upload = SimpleUploadedFile("antrag.json", content, "application/json")
    response = admin_client.post(_url("staff_form_import", application_form.pk), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _draft(application_form).definition == before


def test_an_import_larger_than_one_megabyte_is_refused(admin_client, application_form):
    upload = SimpleUploadedFile("gross.json", b" " * (1024 * 1024 + 1), "application/json")
    response = admin_client.post(_url("staff_form_import", application_form.pk), {"file": upload})
    assert response.status_code == 400
    assert "größer als 1 MB" in response.content.decode()


# Who may use the editor -------------------------------------------------------------------------


def _every_editor_url(form_id):
    return [
        _url("staff_form_list"),
        _url("staff_form_edit", form_id),
        _url("staff_form_settings", form_id),
        _url("staff_form_preview", form_id),
        _url("staff_form_preview", form_id, "person"),
        _url("staff_form_publish", form_id),
        _url("staff_form_export", form_id),
        _url("staff_form_import", form_id),
        _url("staff_page_add", form_id),
        _url("staff_page_edit", form_id, "person"),
        _url("staff_page_remove", form_id, "anliegen"),
        _url("staff_field_add", form_id, "person"),
        _url("staff_field_edit", form_id, "person", "name"),
        _url("staff_field_remove", form_id, "anliegen", "nachricht"),
    ]


def _post_only_urls(form_id):
    return [
        _url("staff_form_draft_create", form_id),
        _url("staff_page_move", form_id, "person"),
        _url("staff_field_move", form_id, "person", "name"),
    ]


@pytest.mark.parametrize("person", ["clerk", "citizen"])
def test_clerks_and_citizens_are_refused(request, application_form, person):
    client = client_for(ESSLINGEN_HOST, request.getfixturevalue(person))
    before = _draft(application_form).definition
    for url in _every_editor_url(application_form.pk):
        assert client.get(url).status_code == 403, url
    for url in [*_post_only_urls(application_form.pk), _url("staff_form_publish", application_form.pk)]:
        assert client.post(url, {"richtung": "runter"}).status_code == 403, url
    assert _draft(application_form).definition == before


def test_an_administrator_of_another_municipality_is_refused(application_form, musterhausen_admin):
    client = client_for(ESSLINGEN_HOST, musterhausen_admin)
    for url in _every_editor_url(application_form.pk) + _post_only_urls(application_form.pk):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login(application_form):
    response = client_for(ESSLINGEN_HOST).get(_url("staff_form_edit", application_form.pk))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_a_form_of_another_municipality_is_not_found(application_form, musterhausen_admin):
    client = client_for(MUSTERHAUSEN_HOST, musterhausen_admin)
    for url in _every_editor_url(application_form.pk)[1:]:
        assert client.get(url).status_code == 404, url
    for url in [*_post_only_urls(application_form.pk), _url("staff_form_publish", application_form.pk)]:
        assert client.post(url, {"richtung": "runter"}).status_code == 404, url
    assert application_form.versions.get().status == FormVersion.Status.DRAFT


def test_without_a_draft_the_settings_change_access_but_not_the_published_texts(admin_client, application_form):
    services.form_publish(form=application_form)
    url = _url("staff_form_settings", application_form.pk)
    form = admin_client.get(url).context["form"]
    assert form.fields["title"].disabled
    response = admin_client.post(
        url, {"title": "Anderer Titel", "access": "konto", "minimum_trust_level": "niedrig", "resume_days": "30"}
    )
    assert response.status_code == 302
    application_form.refresh_from_db()
    assert application_form.access == "konto"
    version = application_form.versions.get()
    assert version.status == FormVersion.Status.PUBLISHED
    assert version.definition["title"] == "Testantrag"
