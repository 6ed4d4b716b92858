"""Changes to a form definition, as the form editor makes them: small pure functions.

Each function takes a definition and returns a new one; the input is never changed, so a view can
try a change, let ``services.form_draft_save`` check it, and show the stored definition unchanged
when it is refused. A change that would leave dangling references (a condition naming a removed
field, a branch to a removed page) is refused here with ``EditRefused`` and a German message,
rather than silently dropping the condition: a condition that disappears unnoticed changes who
may apply.
"""

import copy
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .definition import iter_fields
from .engine import condition_fields, localise, page_position

Definition = dict[str, Any]

FIELD_TYPES = [
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "email",
    "phone",
    "iban",
    "address",
    "choice",
    "multichoice",
    "yesno",
    "file",
    "group",
    "info",
]
# What PageForm can ask inside a repeatable group: one Django field per member.
GROUP_MEMBER_TYPES = [kind for kind in FIELD_TYPES if kind not in ("address", "file", "group")]
COMMON_PROPERTIES = {"key", "type", "label", "help", "required", "condition", "prefill", "source"}
TYPE_PROPERTIES: dict[str, set[str]] = {
    "text": {"min_length", "max_length", "pattern", "pattern_message"},
    "textarea": {"min_length", "max_length", "pattern", "pattern_message"},
    "number": {"min", "max", "decimal_places"},
    "money": {"min", "max"},
    "date": {"min_days", "max_days"},
    "choice": {"options", "code_list", "widget"},
    "multichoice": {"options", "code_list", "min_choices", "max_choices"},
    "file": {"accept", "max_size_mb", "max_files"},
    "group": {"fields", "min_items", "max_items", "item_label"},
    "info": {"text"},
}
SETTINGS_PROPERTIES = ("title", "intro", "declaration", "next_steps", "processing_days")
MAX_KEY_LENGTH = 40
YES_WORDS = {"ja", "yes", "true", "wahr"}
NO_WORDS = {"nein", "no", "false", "falsch"}


class EditRefused(Exception):
    """The change would break the form; the message says why, in German, for the administrator."""


# Keys -----------------------------------------------------------------------------------------


def key_from_text(text: str, fallback: str = "feld") -> str:
    """A lower-case identifier from a German label: "Größe (m²)" becomes "groesse_m2"."""
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.lower().replace(umlaut, spelled)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:MAX_KEY_LENGTH].rstrip("_")
    if not key:
        return fallback
    return key if key[0].isalpha() else f"{fallback}_{key}"[:MAX_KEY_LENGTH]


def used_keys(definition: Definition) -> set[str]:
    """Every page key, field key and group member key of the form."""
    keys = set()
    for page in definition["pages"]:
        keys.add(page["key"])
        for field in all_fields(page):
            keys.add(field["key"])
    return keys


def unique_key(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``… whichever is still free."""
    if base not in taken:
        return base
    number = 2
    while f"{base[: MAX_KEY_LENGTH - 4]}_{number}" in taken:
        number += 1
    return f"{base[: MAX_KEY_LENGTH - 4]}_{number}"


# Looking things up ----------------------------------------------------------------------------


def all_fields(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return iter_fields(page.get("fields", []))


def page_get(definition: Definition, page_key: str) -> dict[str, Any]:
    """The page with ``page_key``; KeyError when there is none."""
    for page in definition["pages"]:
        if page["key"] == page_key:
            return page
    raise KeyError(page_key)


def field_get(definition: Definition, page_key: str, field_key: str) -> dict[str, Any]:
    """The top-level field ``field_key`` on page ``page_key``; KeyError when there is none."""
    for field in page_get(definition, page_key).get("fields", []):
        if field["key"] == field_key:
            return field
    raise KeyError(field_key)


def _page_position(definition: Definition, page_key: str) -> int:
    position = page_position(definition["pages"], page_key)
    if position is None:
        raise EditRefused(_("Die Seite „%(key)s“ gibt es nicht.") % {"key": page_key})
    return position


def _field_position(page: dict[str, Any], field_key: str) -> int:
    for position, field in enumerate(page.get("fields", [])):
        if field["key"] == field_key:
            return position
    raise EditRefused(_("Das Feld „%(key)s“ gibt es auf dieser Seite nicht.") % {"key": field_key})


def german_text(text: Any) -> str:
    return localise(text, "de")[0]


# References -----------------------------------------------------------------------------------


def references(definition: Definition, keys: set[str], *, skip_page: str | None = None) -> list[str]:
    """Where conditions, rules and fees read any of ``keys``, as German phrases.

    ``skip_page`` leaves out everything on that page (it is being removed together with the keys).
    """
    places = []
    for page in definition["pages"]:
        if page["key"] == skip_page:
            continue
        title = german_text(page["title"])
        if condition_fields(page.get("condition")) & keys:
            places.append(_("die Bedingung der Seite „%(page)s“") % {"page": title})
        if any(condition_fields(branch["when"]) & keys for branch in page.get("next", [])):
            places.append(_("eine Verzweigung auf der Seite „%(page)s“") % {"page": title})
        for field in all_fields(page):
            if field["key"] not in keys and condition_fields(field.get("condition")) & keys:
                places.append(_("die Bedingung des Feldes „%(field)s“") % {"field": german_text(field["label"])})
    for rule in definition.get("rules", []):
        if condition_fields(rule["when"]) & keys or rule.get("field") in keys:
            places.append(_("die Regel „%(message)s“") % {"message": german_text(rule["message"])})
    for fee in definition.get("fees", []):
        if condition_fields(fee.get("when")) & keys or fee.get("per") in keys:
            places.append(_("die Gebühr „%(label)s“") % {"label": german_text(fee["label"])})
    return places


def _refuse_if_referenced(
    definition: Definition, keys: set[str], message: str, values: dict[str, str], skip_page: str | None = None
) -> None:
    """Refuse with ``message`` (which names the places with "%(places)s") when anything reads ``keys``."""
    places = references(definition, keys, skip_page=skip_page)
    if places:
        raise EditRefused(message % {**values, "places": "; ".join(places)})


# Form settings --------------------------------------------------------------------------------


def minimal_definition(title: str) -> Definition:
    """A new form: one page asking for name and e-mail address, so it is valid from the start."""
    # The texts are content of the form (stored and shown to citizens in German), not interface texts.
    return {
        "schema_version": 1,
        "title": title,
        "pages": [
            {
                "key": "ihre_angaben",
                "title": "Ihre Angaben",
                "fields": [
                    {"key": "name", "type": "text", "label": "Ihr Name", "required": True, "max_length": 200},
                    {
                        "key": "email",
                        "type": "email",
                        "label": "Ihre E-Mail-Adresse",
                        "required": True,
                        "prefill": "email",
                    },
                ],
            }
        ],
    }


def _apply(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set the changed properties; None or "" removes a property."""
    for name, value in changes.items():
        if value is None or value == "":
            target.pop(name, None)
        else:
            target[name] = value


def settings_update(definition: Definition, changes: dict[str, Any]) -> Definition:
    """Change title, intro, declaration, next steps or processing days."""
    unknown = set(changes) - set(SETTINGS_PROPERTIES)
    if unknown:
        raise ValueError(f"not form settings: {sorted(unknown)}")
    if "title" in changes and not changes["title"]:
        raise EditRefused(_("Der Antrag braucht einen Titel."))
    changed = copy.deepcopy(definition)
    _apply(changed, changes)
    return changed


# Pages ----------------------------------------------------------------------------------------


def page_add(definition: Definition, *, title: Any, key: str | None = None) -> Definition:
    """Append a page without fields; its key comes from the title unless given."""
    taken = used_keys(definition)
    key = key or unique_key(key_from_text(german_text(title), fallback="seite"), taken)
    if key in taken:
        raise EditRefused(_("Der Schlüssel „%(key)s“ ist schon vergeben.") % {"key": key})
    changed = copy.deepcopy(definition)
    changed["pages"].append({"key": key, "title": title, "fields": []})
    return changed


def page_move(definition: Definition, page_key: str, *, offset: int) -> Definition:
    """Move a page up (offset -1) or down (+1); at either end nothing changes."""
    position = _page_position(definition, page_key)
    target = position + offset
    changed = copy.deepcopy(definition)
    pages = changed["pages"]
    if 0 <= target < len(pages):
        pages[position], pages[target] = pages[target], pages[position]
    return changed


def page_remove(definition: Definition, page_key: str) -> Definition:
    """Remove a page with its fields, unless something elsewhere still needs them."""
    position = _page_position(definition, page_key)
    page = definition["pages"][position]
    if len(definition["pages"]) == 1:
        raise EditRefused(_("Die einzige Seite kann nicht entfernt werden; ein Antrag braucht mindestens eine Seite."))
    title = german_text(page["title"])
    keys = {field["key"] for field in all_fields(page)}
    _refuse_if_referenced(
        definition,
        keys,
        _("Die Seite „%(page)s“ kann nicht entfernt werden; ihre Antworten werden noch gebraucht für: %(places)s."),
        {"page": title},
        skip_page=page_key,
    )
    branching_pages = [
        german_text(other["title"])
        for other in definition["pages"]
        if any(branch["goto"] == page_key for branch in other.get("next", []))
    ]
    if branching_pages:
        raise EditRefused(
            _("Die Seite „%(page)s“ kann nicht entfernt werden: Verzweigungen führen zu ihr (von %(pages)s).")
            % {"page": title, "pages": ", ".join(f"„{name}“" for name in branching_pages)}
        )
    if any(rule["page"] == page_key for rule in definition.get("rules", [])):
        raise EditRefused(
            _("Die Seite „%(page)s“ kann nicht entfernt werden: Eine Regel zeigt ihre Meldung dort an.")
            % {"page": title}
        )
    changed = copy.deepcopy(definition)
    del changed["pages"][position]
    return changed


def page_update(definition: Definition, page_key: str, changes: dict[str, Any]) -> Definition:
    """Change title, intro, kind, condition or branches of a page; None removes a property."""
    unknown = set(changes) - {"title", "intro", "kind", "condition", "next"}
    if unknown:
        raise ValueError(f"not page properties: {sorted(unknown)}")
    position = _page_position(definition, page_key)
    changed = copy.deepcopy(definition)
    _apply(changed["pages"][position], changes)
    if changed["pages"][position].get("kind") == "questions":
        # "questions" is the default; leaving it out keeps exported definitions short.
        del changed["pages"][position]["kind"]
    return changed


def page_set_condition(definition: Definition, page_key: str, condition: dict[str, Any] | None) -> Definition:
    """Show the page only when ``condition`` holds (None: always)."""
    return page_update(definition, page_key, {"condition": condition})


def branch_add(definition: Definition, page_key: str, *, when: dict[str, Any], goto: str) -> Definition:
    """Add a branch: when ``when`` holds after this page, continue with page ``goto``."""
    position = _page_position(definition, page_key)
    if _page_position(definition, goto) <= position:
        raise EditRefused(_("Eine Verzweigung kann nur zu einer späteren Seite führen."))
    changed = copy.deepcopy(definition)
    page = changed["pages"][position]
    page["next"] = [*page.get("next", []), {"when": when, "goto": goto}]
    return changed


def branch_remove(definition: Definition, page_key: str, index: int) -> Definition:
    """Remove the branch at ``index`` (counted from 0) of a page."""
    position = _page_position(definition, page_key)
    branches = definition["pages"][position].get("next", [])
    if not 0 <= index < len(branches):
        raise EditRefused(_("Diese Verzweigung gibt es nicht mehr."))
    changed = copy.deepcopy(definition)
    page = changed["pages"][position]
    del page["next"][index]
    if not page["next"]:
        del page["next"]
    return changed


# Fields ---------------------------------------------------------------------------------------


def settings_for_type(field: dict[str, Any]) -> dict[str, Any]:
    """The field without settings its type does not use (they are left over after a change of type)."""
    allowed = COMMON_PROPERTIES | TYPE_PROPERTIES.get(field["type"], set())
    return {name: value for name, value in field.items() if name in allowed}


def new_field(kind: str, label: str, taken: set[str]) -> dict[str, Any]:
    """A field of type ``kind`` that is valid as it stands: choices and groups start with placeholders."""
    field: dict[str, Any] = {"key": unique_key(key_from_text(label), taken), "type": kind, "label": label}
    # Placeholder content of the form, in German like every text citizens see.
    if kind in ("choice", "multichoice"):
        field["options"] = [{"value": "option_1", "label": "Option 1"}, {"value": "option_2", "label": "Option 2"}]
    if kind == "group":
        member_key = unique_key("bezeichnung", taken | {field["key"]})
        field["fields"] = [{"key": member_key, "type": "text", "label": "Bezeichnung", "required": True}]
    if kind == "info":
        field["text"] = label
    return field


def field_add(definition: Definition, page_key: str, *, field: dict[str, Any]) -> Definition:
    """Append a field to a page; its key must not be in use anywhere in the form."""
    position = _page_position(definition, page_key)
    taken = used_keys(definition)
    for key in [field["key"], *(member["key"] for member in field.get("fields", []))]:
        if key in taken:
            raise EditRefused(_("Der Schlüssel „%(key)s“ ist schon vergeben.") % {"key": key})
    changed = copy.deepcopy(definition)
    page = changed["pages"][position]
    page["fields"] = [*page.get("fields", []), settings_for_type(copy.deepcopy(field))]
    return changed


def field_move(definition: Definition, page_key: str, field_key: str, *, offset: int) -> Definition:
    """Move a field up (offset -1) or down (+1) on its page; at either end nothing changes."""
    page_position = _page_position(definition, page_key)
    field_position = _field_position(definition["pages"][page_position], field_key)
    changed = copy.deepcopy(definition)
    fields = changed["pages"][page_position]["fields"]
    target = field_position + offset
    if 0 <= target < len(fields):
        fields[field_position], fields[target] = fields[target], fields[field_position]
    return changed


def field_remove(definition: Definition, page_key: str, field_key: str) -> Definition:
    """Remove a field, unless a condition, rule or fee still reads its answer."""
    page_position = _page_position(definition, page_key)
    page = definition["pages"][page_position]
    field_position = _field_position(page, field_key)
    field = page["fields"][field_position]
    keys = {field_key} | {member["key"] for member in field.get("fields", [])}
    _refuse_if_referenced(
        definition,
        keys,
        _("Das Feld „%(field)s“ kann nicht entfernt werden; seine Antwort wird noch gebraucht für: %(places)s."),
        {"field": german_text(field["label"])},
    )
    changed = copy.deepcopy(definition)
    del changed["pages"][page_position]["fields"][field_position]
    return changed


def field_update(definition: Definition, page_key: str, field_key: str, changes: dict[str, Any]) -> Definition:
    """Change properties of a field (None removes one); settings the new type does not use are dropped."""
    page_position = _page_position(definition, page_key)
    page = definition["pages"][page_position]
    field_position = _field_position(page, field_key)
    field = copy.deepcopy(page["fields"][field_position])
    _apply(field, changes)
    if not field.get("required"):
        field.pop("required", None)
    field = settings_for_type(field)
    new_key = field["key"]
    old_members = {member["key"] for member in page["fields"][field_position].get("fields", [])}
    elsewhere = used_keys(definition) - {field_key} - old_members
    clashing = sorted(member["key"] for member in field.get("fields", []) if member["key"] in elsewhere | {new_key})
    if clashing:
        raise EditRefused(
            _("Der Schlüssel „%(key)s“ ist schon an anderer Stelle im Antrag vergeben.") % {"key": clashing[0]}
        )
    if new_key != field_key:
        if new_key in used_keys(definition):
            raise EditRefused(_("Der Schlüssel „%(key)s“ ist schon vergeben.") % {"key": new_key})
        _refuse_if_referenced(
            definition,
            {field_key},
            _("Der Schlüssel „%(key)s“ kann nicht geändert werden; er wird noch gebraucht für: %(places)s."),
            {"key": field_key},
        )
    changed = copy.deepcopy(definition)
    changed["pages"][page_position]["fields"][field_position] = field
    return changed


def field_set_condition(
    definition: Definition, page_key: str, field_key: str, condition: dict[str, Any] | None
) -> Definition:
    """Show the field only when ``condition`` holds (None: always)."""
    return field_update(definition, page_key, field_key, {"condition": condition})


# Texts ----------------------------------------------------------------------------------------


def text_parts(text: Any) -> tuple[str, str]:
    """(German, English) of a definition text; English is "" when there is none."""
    if not text:
        return "", ""
    if isinstance(text, str):
        return text, ""
    return text.get("de", ""), text.get("en", "")


def text_value(german: str, english: str = "") -> Any:
    """A definition text from the two inputs: None when empty, a plain string without English."""
    german, english = german.strip(), english.strip()
    if not german:
        return None
    return {"de": german, "en": english} if english else german
