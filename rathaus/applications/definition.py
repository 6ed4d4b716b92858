"""Checking a form definition: the published JSON Schema first, then what a schema cannot say.

The schema catches shapes and types; the checks here catch references: duplicate keys, a branch
to a page that does not exist or lies behind, a condition or fee naming an unknown answer.
"""

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from .engine import condition_fields

SCHEMA_PATH = Path(__file__).parent / "schema" / "form-definition.schema.json"
INPUT_TYPES_WITHOUT_ANSWER = {"info"}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# Keys in the order a person reads them; PostgreSQL's jsonb does not keep the order they were written in.
READING_ORDER = [
    "schema_version",
    "key",
    "type",
    "kind",
    "title",
    "label",
    "value",
    "intro",
    "text",
    "help",
    "required",
    "condition",
    "when",
    "goto",
    "field",
    "op",
    "page",
    "message",
    "amount",
    "per",
]


def in_reading_order(value: Any) -> Any:
    """The definition with every object's keys in reading order (known keys first, the rest alphabetically)."""
    if isinstance(value, list):
        return [in_reading_order(entry) for entry in value]
    if not isinstance(value, dict):
        return value
    rank = {key: position for position, key in enumerate(READING_ORDER)}
    ordered = sorted(value, key=lambda key: (rank.get(key, len(rank)), key))
    return {key: in_reading_order(value[key]) for key in ordered}


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "/"


def definition_errors(definition: Any) -> list[str]:
    """Every problem with a definition, as German sentences naming the place; empty when valid."""
    schema_errors = sorted(_validator().iter_errors(definition), key=lambda error: list(error.absolute_path))
    if schema_errors:
        return [
            _("%(where)s: %(message)s") % {"where": _where(error.absolute_path), "message": error.message}
            for error in schema_errors[:50]
        ]
    return list(_reference_errors(definition))


def iter_fields(fields: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The fields of a page, group members included, in order."""
    for field in fields:
        yield field
        if field["type"] == "group":
            yield from field.get("fields", [])


def _reference_errors(definition: dict[str, Any]) -> Iterator[str]:
    pages = definition["pages"]
    page_index: dict[str, int] = {}
    answer_keys: dict[str, str] = {}
    for position, page in enumerate(pages):
        if page["key"] in page_index:
            yield _("Seite „%(key)s“ kommt mehrfach vor.") % {"key": page["key"]}
        page_index[page["key"]] = position
        for field in page.get("fields", []):
            if field["key"] in answer_keys:
                yield _("Feld „%(key)s“ kommt mehrfach vor.") % {"key": field["key"]}
            answer_keys[field["key"]] = field["type"]
            if field["type"] == "group":
                inner = [member["key"] for member in field.get("fields", [])]
                if len(set(inner)) != len(inner):
                    yield _("Die Gruppe „%(key)s“ enthält ein Feld mehrfach.") % {"key": field["key"]}
                if any(member["type"] in ("group", "file") for member in field.get("fields", [])):
                    yield _("Die Gruppe „%(key)s“ darf keine Gruppen oder Dateien enthalten.") % {"key": field["key"]}
                if not field.get("fields"):
                    yield _("Die Gruppe „%(key)s“ hat keine Felder.") % {"key": field["key"]}
            if field["type"] in ("choice", "multichoice") and not field.get("options"):
                yield _("Das Auswahlfeld „%(key)s“ hat keine Optionen.") % {"key": field["key"]}
    group_members = {
        member["key"]
        for page in pages
        for field in page.get("fields", [])
        if field["type"] == "group"
        for member in field.get("fields", [])
    }
    known = set(answer_keys) | group_members
    for position, page in enumerate(pages):
        for branch in page.get("next", []):
            target = page_index.get(branch["goto"])
            if target is None:
                yield _("Seite „%(page)s“ verzweigt zur unbekannten Seite „%(goto)s“.") % {
                    "page": page["key"],
                    "goto": branch["goto"],
                }
            elif target <= position:
                yield _("Seite „%(page)s“ darf nur zu einer späteren Seite verzweigen, nicht zu „%(goto)s“.") % {
                    "page": page["key"],
                    "goto": branch["goto"],
                }
        conditions = [page.get("condition")] + [branch["when"] for branch in page.get("next", [])]
        conditions += [field.get("condition") for field in iter_fields(page.get("fields", []))]
        for condition in conditions:
            for key in condition_fields(condition):
                if key not in known:
                    yield _("Eine Bedingung auf Seite „%(page)s“ nennt das unbekannte Feld „%(key)s“.") % {
                        "page": page["key"],
                        "key": key,
                    }
    for rule in definition.get("rules", []):
        if rule["page"] not in page_index:
            yield _("Eine Regel nennt die unbekannte Seite „%(key)s“.") % {"key": rule["page"]}
        for key in [*condition_fields(rule["when"]), *([rule["field"]] if "field" in rule else [])]:
            if key not in known:
                yield _("Eine Regel nennt das unbekannte Feld „%(key)s“.") % {"key": key}
    for fee in definition.get("fees", []):
        for key in [*condition_fields(fee.get("when")), *([fee["per"]] if "per" in fee else [])]:
            if key not in known:
                yield _("Eine Gebühr nennt das unbekannte Feld „%(key)s“.") % {"key": key}
