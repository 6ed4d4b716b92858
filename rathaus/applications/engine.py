"""The form engine's rules: which pages a citizen walks through, what is shown, what it costs.

Everything here is a pure function of a definition and the answers so far, so the web pages, the
receipt and the hand-off all read a submission the same way.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Answers = Mapping[str, Any]
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def localise(text: Any, language: str) -> tuple[str, str]:
    """A definition text in the wanted language, and the language it is actually in."""
    if not text:
        return "", language
    if isinstance(text, str):
        return text, "de"
    if language != "de" and text.get(language):
        return text[language], language
    return text["de"], "de"


def localised_html(text: Any, language: str) -> SafeString | str:
    """A text for a page in `language`, marked with lang="de" where German stands in for it."""
    value, actual = localise(text, language)
    if value and actual != language:
        return format_html('<span lang="{}">{}</span>', actual, value)
    return value


def pages_by_key(definition: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {page["key"]: page for page in definition["pages"]}


def fields_by_key(definition: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every top-level field of the form by key (group members sit inside their group)."""
    return {field["key"]: field for page in definition["pages"] for field in page.get("fields", [])}


def page_has_files(page: Mapping[str, Any]) -> bool:
    """Whether a page (or a group on it) asks for a file, so its stored uploads must be loaded to show it."""
    return any(
        field["type"] == "file" or (field["type"] == "group" and page_has_files(field))
        for field in page.get("fields", [])
    )


# Conditions ---------------------------------------------------------------------------------


def _lookup(key: str, answers: Answers, item: Answers | None) -> Any:
    if item is not None and key in item:
        return item[key]
    return answers.get(key)


def _operand(value: Any, answers: Answers, item: Answers | None) -> Any:
    if isinstance(value, dict) and "field" in value:
        return _lookup(value["field"], answers, item)
    if isinstance(value, dict) and "today_plus_days" in value:
        return (timezone.localdate() + timedelta(days=value["today_plus_days"])).isoformat()
    return value


def _comparable(left: Any, right: Any) -> tuple[Any, Any] | None:
    """Both sides as dates, numbers or strings; None when they cannot be compared."""
    if left is None or right is None or isinstance(left, list | dict) or isinstance(right, list | dict):
        return None
    if isinstance(left, str) and isinstance(right, str) and DATE_PATTERN.match(left) and DATE_PATTERN.match(right):
        return date.fromisoformat(left), date.fromisoformat(right)
    try:
        if not isinstance(left, bool) and not isinstance(right, bool):
            return Decimal(str(left)), Decimal(str(right))
    except InvalidOperation:
        pass
    return str(left), str(right)


def is_answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def _equal(left: Any, right: Any) -> bool:
    pair = _comparable(left, right)
    if pair is None:
        return bool(left == right)
    return bool(pair[0] == pair[1])


def condition_holds(condition: Mapping[str, Any] | None, answers: Answers, item: Answers | None = None) -> bool:
    """Whether a condition holds for the answers (and, inside a repeatable group, for the item)."""
    if not condition:
        return True
    if "all" in condition:
        return all(condition_holds(part, answers, item) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, answers, item) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers, item)
    value = _lookup(condition["field"], answers, item)
    operator = condition["op"]
    if operator == "answered":
        return is_answered(value)
    if operator == "not_answered":
        return not is_answered(value)
    other = _operand(condition.get("value"), answers, item)
    if operator == "eq":
        return _equal(value, other)
    if operator == "ne":
        return not _equal(value, other)
    if operator in ("in", "not_in"):
        found = any(_equal(value, candidate) for candidate in (other or []))
        return found if operator == "in" else not found
    if operator == "contains":
        return isinstance(value, list) and any(_equal(entry, other) for entry in value)
    pair = _comparable(value, other)
    if pair is None or type(pair[0]) is not type(pair[1]):
        return False
    left, right = pair
    return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[operator]


def condition_fields(condition: Mapping[str, Any] | None) -> set[str]:
    """The answer keys a condition reads."""
    if not condition:
        return set()
    keys: set[str] = set()
    for combinator in ("all", "any"):
        for part in condition.get(combinator, []):
            keys |= condition_fields(part)
    if "not" in condition:
        keys |= condition_fields(condition["not"])
    if "field" in condition:
        keys.add(condition["field"])
        value = condition.get("value")
        if isinstance(value, dict) and "field" in value:
            keys.add(value["field"])
    return keys


# The journey --------------------------------------------------------------------------------


def journey(definition: Mapping[str, Any], answers: Answers) -> list[dict[str, Any]]:
    """The pages the citizen walks through with these answers, ending at the end or an exit page."""
    pages = definition["pages"]
    position = {page["key"]: index for index, page in enumerate(pages)}
    path: list[dict[str, Any]] = []
    index = 0
    branched_to = None
    while index < len(pages):
        page = pages[index]
        # An exit page is a destination: reached by a branch or by its own condition, never by
        # simply walking past the last question page.
        skipped_exit = page.get("kind") == "exit" and "condition" not in page and branched_to != index
        if skipped_exit or not condition_holds(page.get("condition"), answers):
            index += 1
            continue
        path.append(page)
        if page.get("kind") == "exit":
            break
        target = next(
            (branch["goto"] for branch in page.get("next", []) if condition_holds(branch["when"], answers)), None
        )
        # Validation allows forward jumps only; max() keeps a hand-edited definition from looping.
        index = max(position[target], index + 1) if target else index + 1
        branched_to = index if target else None
    return path


def ends_in_exit(path: list[dict[str, Any]]) -> bool:
    return bool(path) and path[-1].get("kind") == "exit"


def visible_fields(page: Mapping[str, Any], answers: Answers) -> list[dict[str, Any]]:
    return [field for field in page.get("fields", []) if condition_holds(field.get("condition"), answers)]


def answers_on_path(definition: Mapping[str, Any], answers: Answers) -> dict[str, Any]:
    """Only the answers to questions still asked: a changed branch leaves no stale answers behind."""
    kept: dict[str, Any] = {}
    for page in journey(definition, answers):
        for field_definition in visible_fields(page, answers):
            key = field_definition["key"]
            if field_definition["type"] == "info" or key not in answers:
                continue
            value = answers[key]
            if field_definition["type"] == "group" and isinstance(value, list):
                value = [
                    {
                        member["key"]: item[member["key"]]
                        for member in field_definition.get("fields", [])
                        if member["key"] in item and condition_holds(member.get("condition"), answers, item)
                    }
                    for item in value
                ]
            kept[key] = value
    return kept


def page_position(path: list[dict[str, Any]], page_key: str) -> int | None:
    return next((index for index, page in enumerate(path) if page["key"] == page_key), None)


def _missing_required(page: Mapping[str, Any], answers: Answers) -> bool:
    for field_definition in visible_fields(page, answers):
        value = answers.get(field_definition["key"])
        if field_definition["type"] == "group" and len(value or []) < field_definition.get("min_items", 0):
            return True
        if field_definition.get("required") and field_definition["type"] != "info" and not is_answered(value):
            return True
    return False


def first_open_page(definition: Mapping[str, Any], answers: Answers, visited: list[str]) -> dict[str, Any] | None:
    """The first page on the path still to be done (an exit page always is); None when ready to check."""
    for page in journey(definition, answers):
        if page.get("kind") == "exit" or page["key"] not in visited or _missing_required(page, answers):
            return page
    return None


def rule_errors(definition: Mapping[str, Any], answers: Answers, page_key: str) -> list[tuple[str | None, Any]]:
    """Cross-field rules broken on a page: (field key or None, message text)."""
    return [
        (rule.get("field"), rule["message"])
        for rule in definition.get("rules", [])
        if rule["page"] == page_key and condition_holds(rule["when"], answers)
    ]


# Fees ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    label: Any
    amount: Decimal
    quantity: int
    total: Decimal


def _quantity(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    try:
        return max(int(Decimal(str(value))), 0)
    except (InvalidOperation, ValueError):
        return 0


def fee_lines(definition: Mapping[str, Any], answers: Answers) -> list[FeeLine]:
    lines = []
    for fee in definition.get("fees", []):
        if not condition_holds(fee.get("when"), answers):
            continue
        amount = Decimal(fee["amount"])
        quantity = _quantity(answers.get(fee["per"])) if "per" in fee else 1
        if quantity:
            lines.append(FeeLine(fee["label"], amount, quantity, amount * quantity))
    return lines


def fee_total(lines: Iterable[FeeLine]) -> Decimal:
    return sum((line.total for line in lines), Decimal("0.00")).quantize(Decimal("0.01"))


# Reading answers back -----------------------------------------------------------------------


@dataclass
class AnswerRow:
    """One answer as a person reads it: on the check page, in the receipt and in e-mails."""

    page_key: str
    field_key: str
    label: Any
    value: str
    items: list[list["AnswerRow"]] = field(default_factory=list)


def _option_label(field_definition: Mapping[str, Any], value: Any, language: str) -> str:
    for option in field_definition.get("options", []):
        if option["value"] == value:
            return localise(option["label"], language)[0]
    return str(value)


def format_answer(
    field_definition: Mapping[str, Any], value: Any, language: str, upload_names: Mapping[str, str]
) -> str:
    """An answer as text in the reader's language."""
    kind = field_definition["type"]
    if not is_answered(value):
        return _("nicht angegeben")
    if kind == "yesno":
        return _("Ja") if value else _("Nein")
    if kind == "choice":
        return _option_label(field_definition, value, language)
    if kind == "multichoice":
        return ", ".join(_option_label(field_definition, entry, language) for entry in value)
    if kind == "date":
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if kind == "money":
        return _("%(amount)s Euro") % {
            "amount": formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
        }
    if kind == "number":
        return formats.number_format(Decimal(str(value)), use_l10n=True)
    if kind == "address":
        lines = [f"{value.get('street', '')} {value.get('house_number', '')}".strip(), value.get("addition", "")]
        lines.append(f"{value.get('postal_code', '')} {value.get('city', '')}".strip())
        return ", ".join(line for line in lines if line)
    if kind == "file":
        return ", ".join(upload_names.get(upload_id, _("Datei")) for upload_id in value)
    if kind == "iban":
        return " ".join(value[index : index + 4] for index in range(0, len(value), 4))
    return str(value)


def answer_rows(
    definition: Mapping[str, Any], answers: Answers, language: str, upload_names: Mapping[str, str] | None = None
) -> list[AnswerRow]:
    """The answers on the path, in page order, ready to show."""
    upload_names = upload_names or {}
    rows = []
    for page in journey(definition, answers):
        for field_definition in visible_fields(page, answers):
            if field_definition["type"] == "info":
                continue
            value = answers.get(field_definition["key"])
            row = AnswerRow(page["key"], field_definition["key"], field_definition["label"], "")
            if field_definition["type"] == "group":
                for item in value or []:
                    row.items.append(
                        [
                            AnswerRow(
                                page["key"],
                                member["key"],
                                member["label"],
                                format_answer(member, item.get(member["key"]), language, upload_names),
                            )
                            for member in field_definition.get("fields", [])
                            if member["type"] != "info" and condition_holds(member.get("condition"), answers, item)
                        ]
                    )
                count = len(row.items)
                row.value = (
                    ngettext("%(count)s Eintrag", "%(count)s Einträge", count) % {"count": count}
                    if count
                    else _("keine Einträge")
                )
            else:
                row.value = format_answer(field_definition, value, language, upload_names)
            rows.append(row)
    return rows
