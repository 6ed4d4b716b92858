"""The simple condition builder of the form editor: one field, one comparison, one value.

Pure functions, like ``editor``: reading a condition for the builder, building one from its three
inputs, typing the value the way the answer is stored, and describing any condition in German.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .editor import NO_WORDS, YES_WORDS, Definition, EditRefused, all_fields, german_text

SIMPLE_OPERATORS = ["eq", "ne", "answered", "not_answered", "gt", "lt", "contains"]
OPERATORS_WITHOUT_VALUE = {"answered", "not_answered"}
OPERATOR_LABELS = {
    "eq": gettext_lazy("ist gleich"),
    "ne": gettext_lazy("ist nicht gleich"),
    "answered": gettext_lazy("ist beantwortet"),
    "not_answered": gettext_lazy("ist nicht beantwortet"),
    "gt": gettext_lazy("größer als"),
    "lt": gettext_lazy("kleiner als"),
    "contains": gettext_lazy("enthält"),
    "ge": gettext_lazy("mindestens"),
    "le": gettext_lazy("höchstens"),
    "in": gettext_lazy("ist eines von"),
    "not_in": gettext_lazy("ist keines von"),
}


def simple_condition_parts(condition: dict[str, Any] | None) -> tuple[str, str, Any] | None:
    """(field, operator, value) when the simple condition builder can show ``condition``, else None."""
    if not condition or set(condition) - {"field", "op", "value"} or "field" not in condition:
        return None
    if condition["op"] not in SIMPLE_OPERATORS:
        return None
    value = condition.get("value")
    if isinstance(value, dict | list):
        return None
    return condition["field"], condition["op"], value


def condition_from_parts(field_key: str, operator: str, value: Any) -> dict[str, Any]:
    if operator not in SIMPLE_OPERATORS:
        raise ValueError(f"unknown operator {operator}")
    if operator in OPERATORS_WITHOUT_VALUE:
        return {"field": field_key, "op": operator}
    return {"field": field_key, "op": operator, "value": value}


def condition_candidates(
    definition: Definition, page_key: str, *, include_own_page: bool, exclude: str | None = None
) -> list[dict[str, Any]]:
    """Fields a condition on page ``page_key`` may read: those on earlier pages (and, if wanted, this one).

    Only questions that are asked before the condition is decided make sense; info texts have no answer.
    """
    candidates = []
    for page in definition["pages"]:
        if page["key"] == page_key and not include_own_page:
            break
        candidates += [field for field in page.get("fields", []) if field["type"] != "info" and field["key"] != exclude]
        if page["key"] == page_key:
            break
    return candidates


def _parse_number(text: str) -> int | float:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        # German notation: "1.250,50"
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as error:
        raise EditRefused(_("Geben Sie als Wert eine Zahl ein, z. B. 12 oder 12,50.")) from error
    return int(number) if number == number.to_integral_value() else float(number)


def _parse_date(text: str) -> str:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    raise EditRefused(_("Geben Sie als Wert ein Datum ein, z. B. 01.12.2026."))


def condition_value(field: dict[str, Any], text: str) -> Any:
    """The value typed into the condition builder, as the answer to ``field`` is stored."""
    kind = field["type"]
    text = text.strip()
    if kind == "yesno":
        if text.lower() in YES_WORDS:
            return True
        if text.lower() in NO_WORDS:
            return False
        raise EditRefused(_("Bei einer Ja/Nein-Frage ist der Wert „ja“ oder „nein“."))
    if kind in ("number", "money"):
        return _parse_number(text)
    if kind == "date":
        return _parse_date(text)
    if kind in ("choice", "multichoice") and field.get("options"):
        for option in field["options"]:
            if text in (option["value"], german_text(option["label"])):
                return option["value"]
        raise EditRefused(
            _("Wählen Sie als Wert eine der Optionen: %(options)s.")
            % {"options": ", ".join(option["value"] for option in field["options"])}
        )
    return text


def condition_value_text(value: Any) -> str:
    """A stored condition value as the builder shows it."""
    if value is True:
        return "ja"
    if value is False:
        return "nein"
    if value is None:
        return ""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    return str(value)


def _operand_text(value: Any, labels: dict[str, str]) -> str:
    if isinstance(value, dict) and "field" in value:
        return _("die Antwort „%(label)s“") % {"label": labels.get(value["field"], value["field"])}
    if isinstance(value, dict) and "today_plus_days" in value:
        return _("heute plus %(days)s Tage") % {"days": value["today_plus_days"]}
    if isinstance(value, list):
        return ", ".join(f"„{condition_value_text(entry)}“" for entry in value)
    return f"„{condition_value_text(value)}“"


def describe_condition(condition: dict[str, Any] | None, definition: Definition) -> str:
    """A condition as a German phrase for the overview: „Haben Sie einen Hund?“ ist gleich „ja“."""
    if not condition:
        return ""
    labels = {field["key"]: german_text(field["label"]) for page in definition["pages"] for field in all_fields(page)}
    if "all" in condition:
        return _(" und ").join(f"({describe_condition(part, definition)})" for part in condition["all"])
    if "any" in condition:
        return _(" oder ").join(f"({describe_condition(part, definition)})" for part in condition["any"])
    if "not" in condition:
        return _("nicht (%(condition)s)") % {"condition": describe_condition(condition["not"], definition)}
    subject = f"„{labels.get(condition['field'], condition['field'])}“"
    operator = str(OPERATOR_LABELS.get(condition["op"], condition["op"]))
    if condition["op"] in OPERATORS_WITHOUT_VALUE:
        return f"{subject} {operator}"
    return f"{subject} {operator} {_operand_text(condition.get('value'), labels)}"
