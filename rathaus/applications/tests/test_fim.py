"""The FIM XDatenfelder importer: the public sample files of all three generations, hand-written edge
cases, and files that must be refused."""

import json
import re
from pathlib import Path

import pytest

from rathaus.applications.definition import definition_errors, iter_fields
from rathaus.applications.fim import FimError, fim_parse

from . import fim_samples as samples

FIM_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "fim"
SAMPLE_FILES = sorted(FIM_DATA.rglob("*.xml"))
KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _import(relative_path):
    return fim_parse((FIM_DATA / relative_path).read_bytes())


def _fields(result):
    return [field for page in result.definition["pages"] for field in iter_fields(page.get("fields", []))]


def _field(result, key):
    return next(field for field in _fields(result) if field["key"] == key)


def _has(field, expected):
    """Whether the field carries every expected setting (and maybe more)."""
    return expected.items() <= field.items()


def _page(result, key):
    return next(page for page in result.definition["pages"] if page["key"] == key)


# The public sample files


def test_the_sample_folder_holds_ten_files_of_three_generations():
    assert len(SAMPLE_FILES) == 10
    assert {path.parent.name for path in SAMPLE_FILES} == {"xdf1", "xdf2", "xdf3"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_sample_file_imports_into_a_valid_definition(path):
    result = fim_parse(path.read_bytes())

    assert definition_errors(result.definition) == []
    assert json.loads(json.dumps(result.definition)) == result.definition
    assert result.version == path.parent.name.removeprefix("xdf")
    assert result.definition["source"]["xdf"] == result.version
    keys = [page["key"] for page in result.definition["pages"]] + [field["key"] for field in _fields(result)]
    assert len(keys) == len(set(keys))
    assert all(KEY.match(key) for key in keys)


def test_the_firearms_licence_schema_keeps_every_field_on_six_pages():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    assert result.schema_id == "S00000036 V0.0"
    assert result.definition["title"] == "Waffenbesitzkarte (WBK grün)"
    assert result.definition["intro"].startswith("Urkunde zur Bestätigung der Erlaubnis")
    assert [page["title"] for page in result.definition["pages"]] == [
        "Angaben",
        "Ausstellende Behörde",
        "Berechtigte natürliche Person",
        "Bestätigung Gültigkeit der Urkunde",
        "Waffen",
        "Amtliche Eintragungen",
    ]
    # All 46 data field occurrences of the file arrive, none twice.
    data_fields = [field for field in _fields(result) if field["type"] != "group"]
    assert len([field for field in data_fields if field["source"]["fim_id"].startswith("F")]) == 46
    assert _has(_field(result, "geburtsdatum"), {"type": "date", "label": "Geburtsdatum", "required": True})
    assert _field(result, "munitionserwerbserlaubnis_zur_waffe")["type"] == "yesno"
    assert _has(_field(result, "urkundennummer"), {"type": "number", "decimal_places": 2})


def test_required_follows_the_lower_bound_of_anzahl():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    assert _field(result, "familienname")["required"] is True
    assert _field(result, "geburtsname")["required"] is False
    assert _field(result, "titel")["required"] is False


def test_a_repeatable_field_becomes_a_group_holding_that_one_field():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    serial_numbers = _field(result, "hersteller_bzw_seriennummer_liste")
    assert serial_numbers["type"] == "group"
    assert (serial_numbers["min_items"], serial_numbers["max_items"], serial_numbers["required"]) == (1, 4, True)
    assert [member["key"] for member in serial_numbers["fields"]] == ["hersteller_bzw_seriennummer"]
    assert "max_items" not in _field(result, "weiterer_name_liste")


def test_a_repeatable_top_level_group_gets_its_own_page_with_a_group_field():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    page = _page(result, "amtliche_eintragungen")
    [entries] = page["fields"]
    assert (entries["type"], entries["required"], entries.get("min_items")) == ("group", False, None)
    assert entries["source"]["fim_id"] == "G00000066"
    member_types = {member["type"] for member in entries["fields"]}
    assert "group" not in member_types and "file" not in member_types


def test_nested_groups_are_flattened_under_headings_with_prefixed_keys():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    keys = [field["key"] for field in _page(result, "waffen")["fields"]]
    heading = keys.index("schusswaffe_erworben_oder_angemeldet")
    assert keys[heading + 1] == "schusswaffe_erworben_datum"
    assert _field(result, "schusswaffe_erworben_oder_angemeldet")["type"] == "info"


def test_a_select_whose_code_list_is_not_in_the_file_becomes_free_text_with_a_note():
    result = _import("xdf1/S00000036-Waffenbesitzkarte.xml")

    assert _field(result, "staat")["type"] == "text"
    assert any("urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat" in note for note in result.notes)
    assert any("„Anrede“" in note and "als Freitext übernommen" in note for note in result.notes)


def test_an_xdf2_code_list_reference_is_named_in_the_note():
    result = _import("xdf2/select.xml")

    assert _field(result, "hinweis")["type"] == "text"
    assert result.notes == [
        "Die Codeliste „urn:de:example_1“ von Feld „Hinweis“ (F123) ist nicht in der Datei enthalten; "
        "als Freitext übernommen."
    ]


def test_a_label_field_becomes_an_info_text():
    result = _import("xdf2/label.xml")

    assert _fields(result) == [
        {
            "key": "hinweis",
            "type": "info",
            "label": "Hinweis",
            "text": "Hinweis Inhalt",
            "source": {"fim_id": "F123", "fim_version": "1.0"},
        }
    ]


def test_a_rule_on_a_field_becomes_a_note_naming_rule_and_field():
    result = _import("xdf2/data-field-rule.xml")

    assert result.notes == [
        "Regel R60000037 „MindestEineAngabe“ an Feld „Hinweis“ (F123) wurde nicht übernommen: "
        "Eine Definition (Skript: function script() {})"
    ]


def test_rules_on_groups_and_on_the_schema_become_notes():
    group_rule = _import("xdf2/data-group-rule.xml")
    schema_rule = _import("xdf2/rule.xml")

    assert any(
        "R60000037" in note and "Gruppe „Natürliche Person (abstrakt, umfassend)“" in note for note in group_rule.notes
    )
    assert any("R60000037" in note and "Datenschema „Test“ (T1234)" in note for note in schema_rule.notes)


def test_the_xdf2_constraint_text_gives_lengths_and_the_schema_gives_title_intro_and_source():
    result = _import("xdf2/simple.xml")

    assert result.definition["title"] == "Test"
    assert result.definition["intro"] == "Eine Beschreibung"
    assert result.definition["source"] == {"fim_id": "T1234", "fim_version": "1.0", "xdf": "2"}
    assert result.schema_id == "T1234 V1.0"
    family_name = _field(result, "familienname")
    assert _has(family_name, {"type": "text", "min_length": 1, "max_length": 120, "help": "Hilfe Eingabe"})
    assert family_name["source"] == {"fim_id": "F60000227", "fim_version": "1.1"}
    assert _page(result, "natuerliche_person_abstrakt_umfassend")["title"] == "Natürliche Person"


def test_a_schema_without_fields_gets_one_empty_page_and_a_note():
    result = _import("xdf2/minimal.xml")

    assert result.definition["pages"] == [{"key": "angaben", "title": "Angaben", "fields": []}]
    assert result.notes == ["Das Datenschema enthält keine Datenfelder; die Seite „Angaben“ ist leer."]


def test_the_xdf3_anschrift_inland_group_imports_with_its_street_field():
    result = _import("xdf3/input.xml")

    assert (result.version, result.schema_id) == ("3", "G60000000088 V1.2.0")
    assert result.definition["title"] == "Anschrift Inland"
    street = _field(result, "strasse")
    assert _has(street, {"type": "text", "label": "Straße", "max_length": 1, "pattern": "abc", "required": False})
    assert any("kein Datenschema" in note and "G60000000088" in note for note in result.notes)
    assert any("Auswahl ohne Werte" in note for note in result.notes)
    assert any("minValue" in note and "maxValue" in note for note in result.notes)


def test_an_xdf3_rule_note_carries_its_free_text_and_an_optional_group_its_note():
    result = _import("xdf3/simple.xml")

    street = _field(result, "strasse")
    assert _has(street, {"min_length": 1, "max_length": 55, "required": False})
    assert _page(result, "anschrift_inland_strassenanschrift")["intro"].startswith("Geben Sie die Anschrift")
    rule_notes = [note for note in result.notes if "R60000000019" in note]
    assert len(rule_notes) == 2
    assert all("Es muss entweder Feldgruppe G60000086" in note for note in rule_notes)
    assert any("Feld „Straße“ (F60000000243)" in note for note in rule_notes)
    assert any("G60000000086" in note and "freiwillige Felder" in note for note in result.notes)


# Hand-written edge cases


def test_a_select_with_inline_values_becomes_a_choice_with_options():
    reference = "<xdf:codelisteReferenz><xdf:canonicalIdentification>urn:de:rasse</xdf:canonicalIdentification></xdf:codelisteReferenz>"
    options = samples.values(("1", "Dackel"), ("2", "Pudel"), ("2", "Pudel doppelt"))
    data = samples.schema_message(samples.member(samples.field("F1", "Rasse", "select", extra=reference + options)))

    result = fim_parse(data)

    assert _has(
        _field(result, "rasse"),
        {
            "type": "choice",
            "options": [{"value": "1", "label": "Dackel"}, {"value": "2", "label": "Pudel"}],
            "code_list": "urn:de:rasse",
            "widget": "radio",
            "required": True,
        },
    )


def test_data_types_map_to_field_types_and_unsupported_ones_are_noted():
    types = ["date", "bool", "num", "num_int", "num_currency", "file", "time", "datetime", "obj", "text_latin"]
    members = "".join(
        samples.member(samples.field(f"F{number}", f"Feld {kind}", datentyp=kind), "0:1")
        for number, kind in enumerate(types)
    )

    result = fim_parse(samples.schema_message(members))

    mapped = {field["label"].removeprefix("Feld "): field for field in _fields(result)}
    assert {kind: mapped[kind]["type"] for kind in types} == {
        "date": "date",
        "bool": "yesno",
        "num": "number",
        "num_int": "number",
        "num_currency": "money",
        "file": "file",
        "time": "text",
        "datetime": "text",
        "obj": "text",
        "text_latin": "text",
    }
    assert mapped["num"]["decimal_places"] == 2
    assert "decimal_places" not in mapped["num_int"]
    assert _has(mapped["file"], {"accept": ["pdf", "jpeg", "png"], "max_files": 1})
    for kind in ("time", "datetime", "obj"):
        assert any(f"Datentyp „{kind}“" in note for note in result.notes)
    assert all(field["required"] is False for field in mapped.values())


def test_constraints_from_attributes_and_children_become_settings_and_leftovers_notes():
    number = samples.field(
        "F1", "Anzahl Hunde", datentyp="num_int", extra='<xdf:praezisierung minValue="1" maxValue="5"/>'
    )
    fee = samples.field(
        "F2",
        "Betrag",
        datentyp="num_currency",
        extra="<xdf:praezisierung><xdf:minValue>0,5</xdf:minValue></xdf:praezisierung>",
    )
    remark = samples.field("F3", "Bemerkung", extra='<xdf:praezisierung maxLength="1000" pattern="[a-z"/>')
    born = samples.field("F4", "Wurfdatum", datentyp="date", extra='<xdf:praezisierung minValue="2020-01-01"/>')
    data = samples.schema_message("".join(samples.member(element) for element in (number, fee, remark, born)))

    result = fim_parse(data)

    assert _has(_field(result, "anzahl_hunde"), {"type": "number", "min": 1, "max": 5})
    assert _has(_field(result, "betrag"), {"type": "money", "min": "0.5"})
    assert _has(_field(result, "bemerkung"), {"type": "textarea", "max_length": 1000})
    assert "pattern" not in _field(result, "bemerkung")
    assert any("pattern" in note and "Bemerkung" in note for note in result.notes)
    assert any("minValue" in note and "Wurfdatum" in note for note in result.notes)


def test_a_file_field_keeps_supported_media_types_and_notes_the_rest():
    media = "<xdf:mediaType>application/pdf</xdf:mediaType><xdf:mediaType>image/tiff</xdf:mediaType>"
    upload = samples.field("F1", "Impfpass", datentyp="file", extra=media + "<xdf:maxSize>2048</xdf:maxSize>")

    result = fim_parse(samples.schema_message(samples.member(upload, "0:5")))

    assert _has(_field(result, "impfpass"), {"type": "file", "accept": ["pdf"], "max_files": 5, "required": False})
    assert any("image/tiff" in note for note in result.notes)
    assert any("Höchstgröße" in note and "Impfpass" in note for note in result.notes)


def test_hidden_fields_are_skipped_and_locked_fields_shown_as_info_with_notes():
    hidden = samples.field("F1", "Interne Nummer", "hidden")
    locked = samples.field("F2", "Steuerjahr", "locked", extra="<xdf:inhalt>2026</xdf:inhalt>")
    data = samples.schema_message(samples.member(hidden) + samples.member(locked))

    result = fim_parse(data)

    assert [(field["key"], field["type"], field.get("text")) for field in _fields(result)] == [
        ("steuerjahr", "info", "2026")
    ]
    assert any("Interne Nummer" in note and "hidden" in note for note in result.notes)
    assert any("Steuerjahr" in note and "locked" in note for note in result.notes)


def test_a_repeatable_group_flattens_its_nesting_and_drops_what_a_group_cannot_hold():
    vaccination = samples.group(
        "G2",
        "Impfung",
        samples.member(samples.field("F3", "Impfdatum", datentyp="date"))
        + samples.member(samples.field("F4", "Impfstoff")),
    )
    owner = samples.group("G3", "Halter", samples.member(samples.field("F5", "Name")))
    dog = samples.group(
        "G1",
        "Hund",
        samples.member(samples.field("F1", "Name"))
        + samples.member(owner)
        + samples.member(vaccination, "0:*")
        + samples.member(samples.field("F2", "Foto", datentyp="file")),
        extra="<xdf:hilfetextEingabe>Ein Eintrag je Hund.</xdf:hilfetextEingabe>",
    )
    data = samples.schema_message(samples.member(dog, "1:3"))

    result = fim_parse(data)

    [page] = result.definition["pages"]
    [dogs] = page["fields"]
    assert _has(
        dogs,
        {
            "key": "hund_liste",
            "type": "group",
            "min_items": 1,
            "max_items": 3,
            "required": True,
            "help": "Ein Eintrag je Hund.",
        },
    )
    assert [member["key"] for member in dogs["fields"]] == [
        "name",
        "halter",
        "halter_name",
        "impfung",
        "impfdatum",
        "impfstoff",
    ]
    assert definition_errors(result.definition) == []
    assert any("Impfung" in note and "nur einmal" in note for note in result.notes)
    assert any("Foto" in note and "Datei-Upload" in note for note in result.notes)


def test_a_repeatable_group_inside_a_page_becomes_a_group_field_capped_at_fifty_items():
    dog = samples.group("G2", "Hund", samples.member(samples.field("F2", "Rufname")))
    household = samples.group(
        "G1", "Haushalt", samples.member(samples.field("F1", "Anschrift")) + samples.member(dog, "0:99")
    )

    result = fim_parse(samples.schema_message(samples.member(household)))

    page = _page(result, "haushalt")
    assert [field["key"] for field in page["fields"]] == ["anschrift", "hund_liste"]
    assert _has(_field(result, "hund_liste"), {"max_items": 50, "required": False})
    assert any("99-mal" in note for note in result.notes)


def test_long_and_repeated_names_give_unique_keys_within_the_limit():
    long_name = "Angaben zur Person des Antragstellers oder der Antragstellerin im Verfahren " * 2
    fields = "".join(samples.member(samples.field(f"F{number}", long_name)) for number in range(3))
    inner = samples.group("G2", long_name, fields)
    data = samples.schema_message(
        samples.member(samples.group("G1", long_name, samples.member(inner) + fields)) + fields
    )

    result = fim_parse(data)

    keys = [page["key"] for page in result.definition["pages"]] + [field["key"] for field in _fields(result)]
    assert len(keys) == len(set(keys)) == 12
    assert all(KEY.match(key) for key in keys)


def test_unknown_elements_and_cardinalities_are_noted():
    odd = samples.field("F1", "Farbe", extra="<xdf:farbwert>rot</xdf:farbwert>")
    data = samples.schema_message(samples.member(odd, "viele"))

    result = fim_parse(data)

    assert _field(result, "farbe")["required"] is False
    assert any("„viele“" in note for note in result.notes)
    assert "Nicht ausgewertete Elemente: farbwert." in result.notes


def test_a_rule_on_a_hand_written_schema_names_its_id_name_and_text():
    data = samples.schema_message(
        samples.member(samples.field("F1", "Anzahl Hunde", datentyp="num_int")),
        extra=samples.rule("R100", "Höchstens drei Hunde", "Ein Haushalt darf höchstens drei Hunde anmelden."),
    )

    result = fim_parse(data)

    assert result.notes == [
        "Regel R100 „Höchstens drei Hunde“ an Datenschema „Hundesteuer anmelden“ (S60000000001) wurde nicht "
        "übernommen: Ein Haushalt darf höchstens drei Hunde anmelden."
    ]
    assert result.schema_id == "S60000000001 V2.1.0"


def test_an_xdf2_schema_written_by_hand_reads_the_same_way():
    data = samples.schema_message(samples.member(samples.field("F1", "Hundename")), namespace=samples.XDF2)

    result = fim_parse(data)

    assert result.version == "2"
    assert _field(result, "hundename")["required"] is True


# Files that must be refused


def test_a_file_that_is_not_xml_is_refused_with_a_german_message():
    with pytest.raises(FimError, match="kein wohlgeformtes XML"):
        fim_parse(b"%PDF-1.7 kein XML")


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(FimError, match="Dokumenttypdefinition") as refused:
        fim_parse(samples.EXTERNAL_ENTITY)
    assert "root:" not in str(refused.value)


def test_an_entity_expansion_is_refused():
    with pytest.raises(FimError, match="DOCTYPE"):
        fim_parse(samples.ENTITY_EXPANSION)


def test_a_foreign_namespace_is_refused():
    with pytest.raises(FimError, match=r"Unbekannter Namensraum „http://xoev\.de/schemata/xzufi/2_2_0“"):
        fim_parse(samples.XZUFI_MESSAGE)


def test_a_message_without_a_schema_is_refused():
    with pytest.raises(FimError, match="enthält kein Datenschema"):
        fim_parse(samples.HEADER_ONLY)


def test_a_schema_without_a_name_is_refused():
    data = samples.schema_message(samples.member(samples.field("F1", "Hundename")), name="")

    with pytest.raises(FimError, match="hat keinen Namen"):
        fim_parse(data)


def test_an_oversized_file_is_refused_before_parsing():
    with pytest.raises(FimError, match="größer als 16 MB"):
        fim_parse(b" " * (16 * 2**20 + 1))
