"""The form editor's pure functions: each returns a new, valid definition and leaves its input alone."""

import copy

import pytest
from django.utils import translation

from rathaus.applications import editor, editor_conditions, editor_lines
from rathaus.applications.definition import definition_errors

from .factories import SMALL_DEFINITION


@pytest.fixture(autouse=True)
def _german():
    """The messages are checked in German, whatever language an earlier test left active."""
    with translation.override("de"):
        yield


def _definition():
    """Two pages; the second page is shown only for dog owners and its field has its own condition."""
    definition = copy.deepcopy(SMALL_DEFINITION)
    definition["pages"][0]["fields"].append({"key": "hund", "type": "yesno", "label": "Haben Sie einen Hund?"})
    definition["pages"][1]["condition"] = {"field": "hund", "op": "eq", "value": True}
    definition["pages"][1]["fields"].append(
        {
            "key": "rasse",
            "type": "choice",
            "label": "Rasse",
            "options": [{"value": "dackel", "label": "Dackel"}, {"value": "pudel", "label": "Pudel"}],
        }
    )
    definition["pages"][1]["fields"].append(
        {
            "key": "pudelname",
            "type": "text",
            "label": "Name des Pudels",
            "condition": {"field": "rasse", "op": "eq", "value": "pudel"},
        }
    )
    assert definition_errors(definition) == []
    return definition


def _unchanged_after(change, definition):
    before = copy.deepcopy(definition)
    changed = change(definition)
    assert definition == before, "the input definition was changed"
    return changed


# Keys -------------------------------------------------------------------------------------------


def test_keys_are_made_from_german_labels():
    assert editor.key_from_text("Größe der Wohnung (m²)") == "groesse_der_wohnung_m2"
    assert editor.key_from_text("2. Wohnsitz") == "feld_2_wohnsitz"
    assert editor.key_from_text("???", fallback="seite") == "seite"


def test_unique_key_counts_up_until_a_key_is_free():
    assert editor.unique_key("name", {"name", "name_2"}) == "name_3"
    assert editor.unique_key("ort", {"name"}) == "ort"


def test_the_minimal_definition_is_valid_and_asks_for_name_and_email():
    definition = editor.minimal_definition("Hund anmelden")
    assert definition_errors(definition) == []
    assert [field["key"] for field in definition["pages"][0]["fields"]] == ["name", "email"]
    assert definition["pages"][0]["title"] == "Ihre Angaben"


# Pages ------------------------------------------------------------------------------------------


def test_adding_pages_appends_them_with_unique_keys():
    definition = _definition()
    changed = _unchanged_after(lambda d: editor.page_add(d, title="Ihr Anliegen"), definition)
    changed = editor.page_add(changed, title="Ihr Anliegen")
    assert [page["key"] for page in changed["pages"]] == ["person", "anliegen", "ihr_anliegen", "ihr_anliegen_2"]
    assert definition_errors(changed) == []


def test_pages_move_up_and_down_and_stay_put_at_the_ends():
    definition = editor.page_add(_definition(), title="Dritte Seite")
    down = _unchanged_after(lambda d: editor.page_move(d, "anliegen", offset=1), definition)
    assert [page["key"] for page in down["pages"]] == ["person", "dritte_seite", "anliegen"]
    up = editor.page_move(down, "anliegen", offset=-1)
    assert [page["key"] for page in up["pages"]] == ["person", "anliegen", "dritte_seite"]
    assert editor.page_move(definition, "person", offset=-1)["pages"] == definition["pages"]


def test_a_page_nobody_refers_to_is_removed_with_its_fields():
    definition = editor.page_add(_definition(), title="Bemerkungen")
    changed = _unchanged_after(lambda d: editor.page_remove(d, "bemerkungen"), definition)
    assert [page["key"] for page in changed["pages"]] == ["person", "anliegen"]


def test_a_page_whose_answers_a_later_condition_reads_is_not_removed():
    with pytest.raises(
        editor.EditRefused, match=r"„Ihre Angaben“ kann nicht entfernt werden.*Bedingung der Seite „Ihr Anliegen“"
    ):
        editor.page_remove(_definition(), "person")


def test_the_only_page_is_not_removed():
    with pytest.raises(editor.EditRefused, match="mindestens eine Seite"):
        editor.page_remove(editor.minimal_definition("Antrag"), "ihre_angaben")


def test_a_page_that_a_branch_leads_to_is_not_removed():
    definition = editor.page_add(_definition(), title="Ende")
    definition = editor.branch_add(
        definition, "person", when={"field": "hund", "op": "eq", "value": False}, goto="ende"
    )
    with pytest.raises(editor.EditRefused, match="Verzweigungen führen zu ihr"):
        editor.page_remove(definition, "ende")


def test_page_settings_and_condition_change_and_questions_is_left_implicit():
    definition = _definition()
    changed = _unchanged_after(
        lambda d: editor.page_update(
            d, "anliegen", {"title": {"de": "Ihr Hund", "en": "Your dog"}, "kind": "questions"}
        ),
        definition,
    )
    page = changed["pages"][1]
    assert page["title"] == {"de": "Ihr Hund", "en": "Your dog"}
    assert "kind" not in page
    without_condition = editor.page_set_condition(changed, "anliegen", None)
    assert "condition" not in without_condition["pages"][1]
    assert definition_errors(without_condition) == []


def test_branches_only_lead_forwards_and_can_be_removed():
    definition = editor.page_add(_definition(), title="Ende")
    with pytest.raises(editor.EditRefused, match="späteren Seite"):
        editor.branch_add(definition, "anliegen", when={"field": "hund", "op": "answered"}, goto="person")
    changed = _unchanged_after(
        lambda d: editor.branch_add(d, "person", when={"field": "hund", "op": "eq", "value": False}, goto="ende"),
        definition,
    )
    assert changed["pages"][0]["next"] == [{"when": {"field": "hund", "op": "eq", "value": False}, "goto": "ende"}]
    assert definition_errors(changed) == []
    assert "next" not in editor.branch_remove(changed, "person", 0)["pages"][0]
    with pytest.raises(editor.EditRefused):
        editor.branch_remove(changed, "person", 3)


# Fields -----------------------------------------------------------------------------------------


def test_new_fields_are_valid_as_they_stand():
    definition = _definition()
    for kind in editor.FIELD_TYPES:
        field = editor.new_field(kind, "Neue Frage", editor.used_keys(definition))
        changed = editor.field_add(definition, "anliegen", field=field)
        assert definition_errors(changed) == [], kind


def test_a_field_key_already_in_use_is_refused():
    with pytest.raises(editor.EditRefused, match="„name“ ist schon vergeben"):
        editor.field_add(_definition(), "anliegen", field={"key": "name", "type": "text", "label": "Name"})
    with pytest.raises(editor.EditRefused, match="„person“ ist schon vergeben"):
        editor.field_add(_definition(), "anliegen", field={"key": "person", "type": "text", "label": "Seite"})


def test_fields_move_within_their_page():
    definition = _definition()
    changed = _unchanged_after(lambda d: editor.field_move(d, "person", "hund", offset=-1), definition)
    assert [field["key"] for field in changed["pages"][0]["fields"]] == ["name", "hund", "email"]
    assert editor.field_move(definition, "person", "name", offset=-1) == definition


def test_a_field_that_a_condition_reads_is_not_removed():
    with pytest.raises(editor.EditRefused) as refusal:
        editor.field_remove(_definition(), "person", "hund")
    assert "„Haben Sie einen Hund?“ kann nicht entfernt werden" in str(refusal.value)
    assert "die Bedingung der Seite „Ihr Anliegen“" in str(refusal.value)


def test_a_field_read_by_a_fee_or_rule_is_not_removed():
    definition = _definition()
    definition["fees"] = [{"label": "Hundesteuer", "amount": "5.00", "when": {"field": "rasse", "op": "answered"}}]
    with pytest.raises(editor.EditRefused, match="die Gebühr „Hundesteuer“"):
        editor.field_remove(definition, "anliegen", "rasse")


def test_a_field_nobody_reads_is_removed():
    changed = _unchanged_after(lambda d: editor.field_remove(d, "anliegen", "pudelname"), _definition())
    assert [field["key"] for field in changed["pages"][1]["fields"]] == ["nachricht", "rasse"]
    assert definition_errors(changed) == []


def test_updating_a_field_drops_settings_its_new_type_does_not_use():
    definition = _definition()
    changed = _unchanged_after(
        lambda d: editor.field_update(d, "person", "name", {"type": "textarea", "max_length": None, "required": False}),
        definition,
    )
    assert changed["pages"][0]["fields"][0] == {"key": "name", "type": "textarea", "label": "Name"}
    as_number = editor.field_update(definition, "anliegen", "rasse", {"type": "number", "min": 0})
    assert as_number["pages"][1]["fields"][1] == {"key": "rasse", "type": "number", "label": "Rasse", "min": 0}


def test_renaming_a_key_keeps_keys_unique_and_spares_keys_in_use():
    definition = _definition()
    renamed = editor.field_update(definition, "anliegen", "nachricht", {"key": "mitteilung"})
    assert renamed["pages"][1]["fields"][0]["key"] == "mitteilung"
    with pytest.raises(editor.EditRefused, match="schon vergeben"):
        editor.field_update(definition, "anliegen", "nachricht", {"key": "email"})
    with pytest.raises(editor.EditRefused, match="„hund“ kann nicht geändert werden"):
        editor.field_update(definition, "person", "hund", {"key": "haustier"})


def test_group_members_may_not_reuse_keys_of_other_fields():
    definition = editor.field_add(
        _definition(), "anliegen", field=editor.new_field("group", "Kinder", editor.used_keys(_definition()))
    )
    with pytest.raises(editor.EditRefused, match="„name“ ist schon an anderer Stelle"):
        editor.field_update(
            definition, "anliegen", "kinder", {"fields": [{"key": "name", "type": "text", "label": "Name"}]}
        )


def test_conditions_are_set_on_fields_and_removed_again():
    definition = _definition()
    condition = {"field": "hund", "op": "eq", "value": True}
    changed = _unchanged_after(lambda d: editor.field_set_condition(d, "anliegen", "nachricht", condition), definition)
    assert changed["pages"][1]["fields"][0]["condition"] == condition
    assert definition_errors(changed) == []
    cleared = editor.field_set_condition(changed, "anliegen", "nachricht", None)
    assert "condition" not in cleared["pages"][1]["fields"][0]


def test_settings_change_texts_and_refuse_an_empty_title():
    definition = _definition()
    changed = _unchanged_after(
        lambda d: editor.settings_update(d, {"intro": "Willkommen", "processing_days": None, "title": "Neu"}),
        definition,
    )
    assert changed["intro"] == "Willkommen"
    assert changed["title"] == "Neu"
    assert "processing_days" not in changed
    with pytest.raises(editor.EditRefused):
        editor.settings_update(definition, {"title": ""})


# Conditions -------------------------------------------------------------------------------------


def test_the_simple_builder_shows_single_comparisons_only():
    assert editor_conditions.simple_condition_parts({"field": "hund", "op": "eq", "value": True}) == (
        "hund",
        "eq",
        True,
    )
    assert editor_conditions.simple_condition_parts({"field": "hund", "op": "answered"}) == ("hund", "answered", None)
    assert editor_conditions.simple_condition_parts({"all": [{"field": "hund", "op": "answered"}]}) is None
    assert editor_conditions.simple_condition_parts({"field": "rasse", "op": "in", "value": ["a"]}) is None
    assert editor_conditions.simple_condition_parts({"field": "von", "op": "lt", "value": {"field": "bis"}}) is None


def test_condition_values_are_stored_as_the_answers_are():
    assert editor_conditions.condition_value({"type": "yesno"}, "Ja") is True
    assert editor_conditions.condition_value({"type": "yesno"}, "nein") is False
    assert editor_conditions.condition_value({"type": "number"}, "1.250,50") == 1250.5
    assert editor_conditions.condition_value({"type": "money"}, "12") == 12
    assert editor_conditions.condition_value({"type": "date"}, "01.12.2026") == "2026-12-01"
    choice = _definition()["pages"][1]["fields"][1]
    assert editor_conditions.condition_value(choice, "Pudel") == "pudel"
    assert editor_conditions.condition_value(choice, "dackel") == "dackel"
    with pytest.raises(editor.EditRefused, match="„ja“ oder „nein“"):
        editor_conditions.condition_value({"type": "yesno"}, "vielleicht")
    with pytest.raises(editor.EditRefused, match="dackel, pudel"):
        editor_conditions.condition_value(choice, "Schäferhund")


def test_condition_candidates_are_fields_asked_before_or_on_the_page():
    definition = _definition()
    before = editor_conditions.condition_candidates(definition, "anliegen", include_own_page=False)
    assert [field["key"] for field in before] == ["name", "email", "hund"]
    with_page = editor_conditions.condition_candidates(
        definition, "anliegen", include_own_page=True, exclude="pudelname"
    )
    assert [field["key"] for field in with_page] == ["name", "email", "hund", "nachricht", "rasse"]


def test_conditions_are_described_in_german():
    definition = _definition()
    assert editor_conditions.describe_condition(definition["pages"][1]["condition"], definition) == (
        "„Haben Sie einen Hund?“ ist gleich „ja“"
    )
    combined = {"any": [{"field": "rasse", "op": "answered"}, {"not": {"field": "hund", "op": "eq", "value": False}}]}
    assert editor_conditions.describe_condition(combined, definition) == (
        "(„Rasse“ ist beantwortet) oder (nicht („Haben Sie einen Hund?“ ist gleich „nein“))"
    )


# Options and group members ----------------------------------------------------------------------


def test_options_are_read_from_lines_and_written_back():
    options = editor_lines.options_from_text("pkw|Personenwagen|Car\nkrad|Motorrad\n\nAnhänger")
    assert options == [
        {"value": "pkw", "label": {"de": "Personenwagen", "en": "Car"}},
        {"value": "krad", "label": "Motorrad"},
        {"value": "Anhänger", "label": "Anhänger"},
    ]
    assert editor_lines.options_from_text(editor_lines.options_to_text(options)) == options
    with pytest.raises(editor.EditRefused, match="mehrfach"):
        editor_lines.options_from_text("a|A\na|B")


def test_group_members_keep_settings_a_line_cannot_express():
    existing = [{"key": "vorname", "type": "text", "label": {"de": "Vorname", "en": "First name"}, "max_length": 50}]
    members = editor_lines.group_members_from_text(
        "vorname|text|Vorname|pflicht\ngeburtsjahr|number|Geburtsjahr\nart|choice|Art||a=Erste; b=Zweite", existing
    )
    assert members == [
        {
            "key": "vorname",
            "type": "text",
            "label": {"de": "Vorname", "en": "First name"},
            "max_length": 50,
            "required": True,
        },
        {"key": "geburtsjahr", "type": "number", "label": "Geburtsjahr"},
        {
            "key": "art",
            "type": "choice",
            "label": "Art",
            "options": [{"value": "a", "label": "Erste"}, {"value": "b", "label": "Zweite"}],
        },
    ]
    assert editor_lines.group_members_from_text(editor_lines.group_members_to_text(members), members) == members


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("vorname|text", "schluessel|typ|Beschriftung|pflicht"),
        ("Vorname|text|Vorname", "kein gültiger Schlüssel"),
        ("datei|file|Nachweis", "in Gruppen nicht möglich"),
        ("art|choice|Art", "braucht Optionen"),
        ("a|text|A\na|text|B", "mehrfach"),
    ],
)
def test_group_member_lines_that_cannot_work_are_refused(line, message):
    with pytest.raises(editor.EditRefused, match=message):
        editor_lines.group_members_from_text(line, [])
