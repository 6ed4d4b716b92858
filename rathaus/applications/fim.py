"""Importing FIM XDatenfelder data schemas (generations 1, 2 and 3.0.0) as form definitions.

``fim_parse`` turns one XML file into a draft form definition (see ``docs/forms.md``) plus German
notes for the operator about everything it could not translate: rules, code lists without
values, unsupported data types, skipped fields. Nothing is dropped silently.

The generation is recognised by namespace. The generations share the building blocks
(Datenschema, Datenfeldgruppe, Datenfeld, Regel) and differ in details: XDF1 puts ``id`` directly
on an element, XDF2 and XDF3 wrap it in ``identifikation``; XDF1/2 write constraints as JSON-ish
text in ``praezisierung``, XDF3 as attributes; only XDF3 carries code list values inline. The
reader is lenient about element order and unknown elements, strict about what it needs.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from .definition import definition_errors

GENERATIONS = {
    "urn:xoev-de:fim:standard:xdatenfelder_1": "1",
    "urn:xoev-de:fim:standard:xdatenfelder_2": "2",
    "urn:xoev-de:fim:standard:xdatenfelder_3.0.0": "3",
}
SCHEMA_ELEMENTS = ("stammdatenschema", "datenschema")
# Real schemas are a few hundred kilobytes; the limit only keeps absurd uploads out.
MAX_FILE_BYTES = 16 * 2**20
MAX_TEXT = 5000
MAX_KEY = 63
MAX_ITEMS = 50
MAX_FILES = 20
MEDIA_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/png": "png"}
CONSTRAINTS = ("minLength", "maxLength", "minValue", "maxValue", "pattern")
# Elements read on purpose or knowingly ignored (modelling metadata that does not shape a form).
ELEMENT_NAMES = ("identifikation", "id", "version", "name", "bezeichnung", "bezeichnungEingabe", "bezeichnungAusgabe")
DESCRIPTIONS = ("beschreibung", "definition", "bezug", "hilfetext", "hilfetextEingabe", "hilfetextAusgabe", "stichwort")
LIFECYCLE = ("status", "freigabestatus", "statusGesetztAm", "statusGesetztDurch", "fachlicherErsteller")
DATES = ("versionshinweis", "freigabedatum", "veroeffentlichungsdatum", "gueltigAb", "gueltigBis", "letzteAenderung")
MODELLING = ("schemaelementart", "relation", "dokumentsteckbrief", "ableitungsmodifikationenStruktur")
MODELLING_MORE = ("ableitungsmodifikationenRepraesentation",)
CONTENT = ("regel", "struktur", "feldart", "datentyp", "praezisierung", "inhalt", "vorbefuellung")
CODE_LISTS = ("codeliste", "codelisteReferenz", "werte", "codeKey", "nameKey", "helpKey", "maxSize", "mediaType")
KNOWN_ELEMENTS = frozenset(
    ELEMENT_NAMES + DESCRIPTIONS + LIFECYCLE + DATES + MODELLING + MODELLING_MORE + CONTENT + CODE_LISTS
)
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
CARDINALITY = re.compile(r"^(\d+):(\d+|\*)$")
Cardinality = tuple[int, int | None]
Field = dict[str, Any]


class FimError(Exception):
    """The file as a whole cannot be imported; the message is a German sentence for the operator."""


@dataclass(frozen=True)
class FimImport:
    definition: dict[str, Any]
    notes: list[str]
    version: str
    schema_id: str


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name] if element is not None else []


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _clean(text: str) -> str:
    """Trimmed lines, without the "-" placeholder FIM editors put into empty texts."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return "" if cleaned == "-" else cleaned


def _text(element: etree._Element | None, *names: str) -> str:
    """The element's text, or with names the first non-empty text among those children."""
    if element is None or not names:
        return _clean("".join(element.itertext())) if element is not None else ""
    return next((text for name in names for child in _children(element, name) if (text := _text(child))), "")


def _code(element: etree._Element | None) -> str:
    """An XÖV code: the text of the child ``code``, or the element's own text when a producer left it out."""
    return (_text(element, "code") or _text(element)).lower() if element is not None else ""


def _identity(element: etree._Element) -> tuple[str, str]:
    holder = _child(element, "identifikation")
    holder = element if holder is None else holder
    return _text(holder, "id"), _text(holder, "version")


def _name(element: etree._Element) -> str:
    return _text(element, "name", "bezeichnungEingabe", "bezeichnung") or _identity(element)[0]


def _label(element: etree._Element) -> str:
    return _text(element, "bezeichnungEingabe", "bezeichnung", "name") or _identity(element)[0] or _("Ohne Titel")


def _slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text.lower().translate(UMLAUTS)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit("_", 1)[0] if "_" in cut else cut
    return f"f_{text}" if text and not text[0].isalpha() else text


def _number(text: str) -> int | str | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > 10**12:  # nothing a form needs; keeps absurd exponents out
        return None
    return int(value) if value == value.to_integral_value() else str(value)


def _source(element: etree._Element) -> dict[str, Any]:
    element_id, element_version = _identity(element)
    return {"fim_id": element_id, "fim_version": element_version or None}


def _parse_xml(data: bytes) -> etree._Element:
    if len(data) > MAX_FILE_BYTES:
        raise FimError(_("Die Datei ist größer als %(limit)d MB.") % {"limit": MAX_FILE_BYTES // 2**20})
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise FimError(_("Die Datei ist kein wohlgeformtes XML: %(error)s") % {"error": error}) from error
    docinfo = root.getroottree().docinfo
    # XDatenfelder never needs a DTD; one in an upload can only be an entity attack.
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise FimError(_("Die Datei enthält eine Dokumenttypdefinition (DOCTYPE); sie wird nicht verarbeitet."))
    return root


def fim_parse(data: bytes) -> FimImport:
    """Translate an XDatenfelder 1, 2 or 3.0.0 file; raises ``FimError`` when it cannot be used at all."""
    root = _parse_xml(data)
    namespace = etree.QName(root).namespace or ""
    version = GENERATIONS.get(namespace)
    if version is None:
        message = _("Unbekannter Namensraum „%(found)s“; erwartet wird XDatenfelder 1, 2 oder 3.0.0.")
        raise FimError(message % {"found": namespace or "—"})
    importer = _Importer(version)
    definition = importer.definition(importer.content(root))
    if errors := definition_errors(definition):
        message = _("Das Datenschema ließ sich nicht in ein gültiges Formular übersetzen: %(errors)s")
        raise FimError(message % {"errors": "; ".join(errors[:5])})
    schema_id, schema_version = importer.schema_identity
    schema_label = f"{schema_id} V{schema_version}" if schema_version else schema_id
    return FimImport(definition=definition, notes=importer.notes, version=version, schema_id=schema_label)


class _Importer:
    """One translation: collects the notes and hands out keys unique across the whole form."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.notes: list[str] = []
        self.keys: set[str] = set()
        self.unknown_elements: set[str] = set()
        self.schema_identity = ("", "")

    def note(self, message: str, element: etree._Element | None = None, **values: Any) -> None:
        """Record a note once; ``%(what)s`` in the message names the element."""
        if element is not None:
            kinds = {"datenfeld": _("Feld"), "datenfeldgruppe": _("Gruppe"), "regel": _("Regel")}
            kind = kinds.get(_local(element), _("Datenschema"))
            values["what"] = _("%(kind)s „%(name)s“ (%(id)s)") % {
                "kind": kind,
                "name": _name(element) or "—",
                "id": _identity(element)[0] or "—",
            }
        text = message % values if values else message
        if text not in self.notes:
            self.notes.append(text)

    def key(self, base: str, prefix: str = "") -> str:
        """Prefer the plain name, then the name under its group, then a numbered name."""
        base = base[: MAX_KEY - 7].rstrip("_")  # room for a numbered suffix
        candidates = [base]
        if prefix and (room := MAX_KEY - len(base) - 1) > 0:
            candidates.append(f"{prefix[:room].rstrip('_')}_{base}")
        candidates += [f"{base}_{number}" for number in range(2, len(self.keys) + 3)]
        key = next(candidate for candidate in candidates if candidate not in self.keys)
        self.keys.add(key)
        return key

    def limited(self, text: str, element: etree._Element) -> str:
        if len(text) > MAX_TEXT:
            self.note(_("Ein Text von %(what)s wurde auf %(limit)d Zeichen gekürzt."), element, limit=MAX_TEXT)
            return text[: MAX_TEXT - 1] + "…"
        return text

    def check(self, element: etree._Element) -> None:
        """Note the element's rules and remember child elements nobody reads."""
        self.unknown_elements |= {_local(child) for child in element} - KNOWN_ELEMENTS - {""}
        for rule in _children(element, "regel"):
            text = _text(rule, "freitextRegel", "definition", "beschreibung")
            script = _text(rule, "skript", "script")
            script_text = _("(Skript: %(script)s)") % {"script": script[:300]} if script else ""
            self.note(
                _("Regel %(id)s „%(name)s“ an %(what)s wurde nicht übernommen: %(details)s"),
                element,
                id=_identity(rule)[0] or "—",
                name=_text(rule, "name", "bezeichnungEingabe") or "—",
                details=" ".join(part for part in (text, script_text) if part) or _("ohne Beschreibung"),
            )

    def content(self, root: etree._Element) -> etree._Element:
        candidates = [root, *root]
        schema = next((element for element in candidates if _local(element) in SCHEMA_ELEMENTS), None)
        if schema is not None:
            return schema
        group = next((element for element in candidates if _local(element) == "datenfeldgruppe"), None)
        if group is not None:
            self.note(_("Die Datei enthält kein Datenschema; die %(what)s wurde als Formular übernommen."), group)
            return group
        raise FimError(_("Die Datei enthält kein Datenschema (stammdatenschema oder datenschema)."))

    def definition(self, schema: etree._Element) -> dict[str, Any]:
        schema_id, schema_version = _identity(schema)
        header = _child(schema.getparent(), "header")
        if not schema_version and _text(header, "fimId") == schema_id:
            # XDF1 keeps the exported object's version in the message header only.
            schema_version = _text(header, "version")
        self.schema_identity = (schema_id, schema_version)
        if not (title := _text(schema, "name", "bezeichnungEingabe", "bezeichnung")):
            raise FimError(_("Das Datenschema hat keinen Namen."))
        self.keys.add("angaben")
        self.check(schema)
        pages, loose_fields = self.pages(schema)
        if loose_fields or not pages:
            if not loose_fields:
                self.note(_("Das Datenschema enthält keine Datenfelder; die Seite „Angaben“ ist leer."))
            pages.insert(0, {"key": "angaben", "title": _("Angaben"), "fields": loose_fields})
        definition: dict[str, Any] = {"schema_version": 1, "title": self.limited(title, schema)}
        if intro := _text(schema, "beschreibung", "definition"):
            definition["intro"] = self.limited(intro, schema)
        definition["pages"] = pages
        definition["source"] = {"fim_id": schema_id, "fim_version": schema_version or None, "xdf": self.version}
        if self.unknown_elements:
            names = ", ".join(sorted(self.unknown_elements))
            self.note(_("Nicht ausgewertete Elemente: %(names)s."), names=names)
        return definition

    def members(self, parent: etree._Element) -> list[tuple[etree._Element, Cardinality]]:
        """The fields and groups a schema or group contains, each with its cardinality (anzahl)."""
        found = []
        for structure in _children(parent, "struktur"):
            for element in (element for contained in _children(structure, "enthaelt") for element in contained):
                if _local(element) not in ("datenfeld", "datenfeldgruppe"):
                    self.unknown_elements.add(_local(element))
                elif (cardinality := self.cardinality(_text(structure, "anzahl"), element))[1] == 0:
                    self.note(_("%(what)s kommt nie vor (Anzahl 0:0) und wurde weggelassen."), element)
                else:
                    found.append((element, cardinality))
        return found

    def cardinality(self, text: str, element: etree._Element) -> Cardinality:
        if not (match := CARDINALITY.match(text.replace(" ", ""))):
            self.note(_("%(what)s hat keine gültige Anzahl („%(text)s“); als 0:1 übernommen."), element, text=text)
            return 0, 1
        lower, upper = int(match[1]), None if match[2] == "*" else int(match[2])
        return lower, upper if upper is None or upper == 0 else max(upper, lower)

    def pages(self, schema: etree._Element) -> tuple[list[dict[str, Any]], list[Field]]:
        pages: list[dict[str, Any]] = []
        loose_fields: list[Field] = []
        for element, cardinality in self.members(schema):
            if _local(element) == "datenfeld":
                loose_fields += self.field_entries(element, cardinality, cardinality[0] == 0, "", in_group=False)
            else:
                pages.append(self.group_page(element, cardinality))
        return pages, loose_fields

    def group_page(self, group: etree._Element, cardinality: Cardinality) -> dict[str, Any]:
        lower, upper = cardinality
        page: dict[str, Any] = {"key": self.key(_slug(_name(group)) or "seite"), "title": _label(group)}
        if upper is None or upper > 1:
            group_field = self.group_field(group, cardinality, optional=lower == 0)
            page["fields"] = [group_field] if group_field else []
        else:
            if help_text := _text(group, "hilfetextEingabe", "hilfetext"):
                page["intro"] = self.limited(help_text, group)
            self.check(group)
            self.note_optional_group(group, lower)
            page["fields"] = self.member_fields(group, lower == 0, page["key"], in_group=False)
        if not page["fields"]:
            self.note(_("%(what)s enthält keine übernehmbaren Felder; die Seite ist leer."), group)
        page["title"] = self.limited(page["title"], group)
        return page | {"source": _source(group)}

    def note_optional_group(self, group: etree._Element, lower: int) -> None:
        if lower == 0 and any(member_lower >= 1 for _member, (member_lower, _upper) in self.members(group)):
            self.note(_("%(what)s ist optional; ihre Pflichtangaben wurden als freiwillige Felder übernommen."), group)

    def member_fields(self, parent: etree._Element, optional: bool, prefix: str, in_group: bool) -> list[Field]:
        """The fields of a page or group item; 1:1 and 0:1 groups inside are flattened into it."""
        fields: list[Field] = []
        for element, (lower, upper) in self.members(parent):
            member_optional = optional or lower == 0
            repeatable = upper is None or upper > 1
            if _local(element) == "datenfeld":
                fields += self.field_entries(element, (lower, upper), member_optional, prefix, in_group)
            elif repeatable and not in_group:
                fields += filter(None, [self.group_field(element, (lower, upper), member_optional)])
            else:
                if repeatable:
                    self.note(
                        _("%(what)s darf mehrfach vorkommen; in einer wiederholbaren Gruppe nur einmal übernommen."),
                        element,
                    )
                fields += self.flattened_group(element, lower, member_optional, prefix, in_group)
        return fields

    def flattened_group(
        self, group: etree._Element, lower: int, optional: bool, prefix: str, in_group: bool
    ) -> list[Field]:
        self.check(group)
        self.note_optional_group(group, lower)
        # A heading keeps apart fields like "Datum" when several groups are flattened into one page.
        heading: Field = {"key": self.key(_slug(_name(group)) or "abschnitt", prefix), "type": "info"}
        heading["label"] = self.limited(_label(group), group)
        if help_text := _text(group, "hilfetextEingabe", "hilfetext"):
            heading["text"] = self.limited(help_text, group)
        inner = self.member_fields(group, optional, _slug(_name(group), 24) or prefix, in_group)
        return [heading | {"source": _source(group)}, *inner] if inner else []

    def group_field(self, group: etree._Element, cardinality: Cardinality, optional: bool) -> Field | None:
        """A repeatable group: one ``group`` field whose items hold the group's fields, flattened."""
        self.check(group)
        key = self.key(f"{_slug(_name(group)) or 'gruppe'}_liste")
        if not (fields := self.member_fields(group, False, _slug(_name(group), 24), in_group=True)):
            self.note(_("%(what)s enthält keine übernehmbaren Felder und wurde weggelassen."), group)
            return None
        label = self.limited(_label(group), group)
        group_field: Field = {"key": key, "type": "group", "label": label, "item_label": label, "fields": fields}
        if help_text := _text(group, "hilfetextEingabe", "hilfetext"):
            group_field["help"] = self.limited(help_text, group)
        return group_field | self.items(group, cardinality, optional) | {"source": _source(group)}

    def items(self, element: etree._Element, cardinality: Cardinality, optional: bool) -> dict[str, Any]:
        lower, upper = cardinality
        items: dict[str, Any] = {"required": not optional and lower >= 1}
        if lower and not optional:
            items["min_items"] = min(lower, MAX_ITEMS)
        if upper is not None and upper > MAX_ITEMS:
            message = _("%(what)s darf bis zu %(count)d-mal vorkommen; übernommen wurden höchstens %(limit)d.")
            self.note(message, element, count=upper, limit=MAX_ITEMS)
        return items | ({"max_items": min(upper, MAX_ITEMS)} if upper is not None else {})

    def field_entries(
        self, element: etree._Element, cardinality: Cardinality, optional: bool, prefix: str, in_group: bool
    ) -> list[Field]:
        """A field as it lands on a page or in a group item; repeatable fields become groups of one field."""
        lower, upper = cardinality
        if (field := self.field(element, not optional and lower >= 1, prefix)) is None:
            return []
        if field["type"] == "file":
            if in_group:
                self.note(
                    _("%(what)s ist ein Datei-Upload in einer wiederholbaren Gruppe und wurde weggelassen."), element
                )
                return []
            return [field | {"max_files": min(upper or MAX_FILES, MAX_FILES)}]
        if field["type"] == "info" or upper == 1:
            return [field]
        if in_group:
            self.note(
                _("%(what)s darf mehrfach vorkommen; in einer wiederholbaren Gruppe nur einmal übernommen."), element
            )
            return [field]
        wrapper: Field = {"key": self.key(f"{field['key']}_liste"), "type": "group", "label": field["label"]}
        wrapper |= {"item_label": field["label"], "fields": [field | {"required": True}]}
        return [wrapper | self.items(element, cardinality, optional) | {"source": field["source"]}]

    def field(self, element: etree._Element, required: bool, prefix: str) -> Field | None:
        self.check(element)
        feldart = _code(_child(element, "feldart")) or "input"
        if feldart == "hidden":
            self.note(_("%(what)s ist ein verstecktes Feld (hidden) und wurde weggelassen."), element)
            return None
        if not _name(element):
            self.note(_("Ein Feld ohne Namen und Kennung wurde weggelassen."))
            return None
        field: Field = {"key": self.key(_slug(_name(element)) or "feld", prefix), "type": "text"}
        field["label"] = self.limited(_label(element), element)
        if feldart in ("label", "locked"):
            if text := _text(element, "inhalt") or _text(element, "hilfetextEingabe", "hilfetext"):
                field["text"] = self.limited(text, element)
            if feldart == "locked":
                self.note(_("%(what)s ist gesperrt (locked) und wird nur als Hinweis angezeigt."), element)
            return field | {"type": "info", "source": _source(element)}
        if feldart not in ("input", "select"):
            self.note(
                _("%(what)s hat die unbekannte Feldart „%(code)s“; als Eingabefeld übernommen."), element, code=feldart
            )
        settings = self.choice(element) if feldart == "select" else None
        field |= settings or self.typed(element, _code(_child(element, "datentyp")) or "text")
        if help_text := _text(element, "hilfetextEingabe", "hilfetext"):
            field["help"] = self.limited(help_text, element)
        if default := _text(element, "inhalt"):
            self.note(_("Der Vorgabewert „%(text)s“ von %(what)s wurde nicht übernommen."), element, text=default[:200])
        if (prefill := _code(_child(element, "vorbefuellung"))) not in ("", "keine"):
            self.note(_("Die Vorbefüllung „%(code)s“ von %(what)s wurde nicht übernommen."), element, code=prefill)
        return field | {"required": required, "source": _source(element)}

    def choice(self, element: etree._Element) -> Field | None:
        """Options from values in the file (XDF3 ``werte``); None when the file only names the code list."""
        options: list[dict[str, str]] = []
        for value in (node for node in element.iter() if _local(node) == "wert"):
            code = _text(value, "code")[:200]
            if code and all(option["value"] != code for option in options):
                options.append({"value": code, "label": self.limited(_text(value, "name") or code, element)})
        code_list = next(
            (
                _text(node)
                for holder in [*_children(element, "codelisteReferenz"), *_children(element, "codeliste")]
                for name in ("canonicalVersionUri", "canonicalIdentification", "kennung", "id")
                for node in holder.iter()
                if _local(node) == name and _text(node)
            ),
            "",
        )
        if not options:
            # XDF1 producers often name the code list in the constraint text instead.
            code_list = code_list or (_text(element, "praezisierung") if self.version == "1" else "")
            if code_list:
                message = _(
                    "Die Codeliste „%(list)s“ von %(what)s ist nicht in der Datei enthalten; als Freitext übernommen."
                )
                self.note(message, element, list=code_list)
            else:
                self.note(
                    _("%(what)s ist eine Auswahl ohne Werte und ohne Codeliste; als Freitext übernommen."), element
                )
            return None
        choice: Field = {"type": "choice", "options": options, "widget": "radio" if len(options) <= 5 else "select"}
        return choice | ({"code_list": code_list[:500]} if code_list else {})

    def constraints(self, element: etree._Element) -> dict[str, str]:
        """Constraints from ``praezisierung``: XDF3 attributes or children, XDF1/2 a JSON-ish text."""
        if (holder := _child(element, "praezisierung")) is None:
            return {}
        found = {name: value.strip() for name, value in holder.attrib.items() if name in CONSTRAINTS}
        found |= {_local(child): _text(child) for child in holder if _local(child) in CONSTRAINTS and _text(child)}
        text = (holder.text or "").strip()
        try:
            parsed = json.loads(text) if text.startswith("{") else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            found |= {str(name): str(value).strip() for name, value in parsed.items() if value not in (None, "")}
        elif text and not (self.version == "1" and _code(_child(element, "feldart")) == "select"):
            self.note(_("Die Präzisierung „%(text)s“ von %(what)s wurde nicht ausgewertet."), element, text=text[:200])
        return found

    def typed(self, element: etree._Element, datentyp: str) -> Field:
        """Type and settings of an input field from its data type and constraints."""
        constraints = self.constraints(element)
        if datentyp in ("num", "num_int", "num_currency"):
            settings = self.number(datentyp, constraints)
        elif datentyp in ("date", "bool"):
            settings = {"type": "date" if datentyp == "date" else "yesno"}
        elif datentyp == "file":
            settings = self.file(element)
        else:
            if datentyp not in ("text", "text_latin"):
                self.note(_("%(what)s hat den Datentyp „%(code)s“; als Freitext übernommen."), element, code=datentyp)
            settings = self.text(constraints)
        if constraints:
            names = ", ".join(sorted(constraints))
            self.note(_("Die Einschränkungen %(names)s von %(what)s wurden nicht übernommen."), element, names=names)
        return settings

    def number(self, datentyp: str, constraints: dict[str, str]) -> Field:
        settings: Field = {"type": "money" if datentyp == "num_currency" else "number"}
        if datentyp == "num":
            settings["decimal_places"] = 2
        for name, target in (("minValue", "min"), ("maxValue", "max")):
            if name in constraints and (value := _number(constraints[name])) is not None:
                settings[target] = value
                del constraints[name]
        return settings

    def text(self, constraints: dict[str, str]) -> Field:
        settings: Field = {"type": "text"}
        for name, target, lowest in (("minLength", "min_length", 1), ("maxLength", "max_length", 1)):
            value = _number(constraints.get(name, ""))
            if isinstance(value, int) and lowest <= value <= 100000:
                settings[target] = value
                del constraints[name]
            elif value == 0 and name == "minLength":
                del constraints[name]
        pattern = constraints.get("pattern", "")
        try:
            if pattern and len(pattern) <= 500 and re.compile(pattern):
                settings["pattern"] = constraints.pop("pattern")
        except re.error:
            pass
        if settings.get("max_length", 0) > 200:
            settings["type"] = "textarea"
        return settings

    def file(self, element: etree._Element) -> Field:
        media_types = [_text(node).lower() for node in _children(element, "mediaType") if _text(node)]
        accept = sorted({MEDIA_TYPES[media] for media in media_types if media in MEDIA_TYPES})
        if unsupported := [media for media in media_types if media not in MEDIA_TYPES]:
            names = ", ".join(unsupported)
            self.note(_("Die Dateiformate %(names)s von %(what)s werden nicht unterstützt."), element, names=names)
        if _text(element, "maxSize"):
            self.note(_("Die Höchstgröße der Datei von %(what)s wurde nicht übernommen."), element)
        return {"type": "file", "accept": accept or ["pdf", "jpeg", "png"]}
