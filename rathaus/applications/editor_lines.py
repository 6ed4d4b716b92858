"""Options and group members as administrators type them: one entry per line.

Pure functions, like ``editor``: text in, definition parts out, and back again for showing.
"""

import copy
import re
from typing import Any

from django.utils.translation import gettext as _

from .editor import GROUP_MEMBER_TYPES, YES_WORDS, EditRefused, german_text, settings_for_type, text_parts, text_value


def options_from_text(text: str) -> list[dict[str, Any]]:
    """Options from lines "value|label" (or "value|label|English label"; a line without "|" is both)."""
    options = []
    seen = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        value, label = (parts[0], parts[1]) if len(parts) > 1 else (parts[0], parts[0])
        english = parts[2] if len(parts) > 2 else ""
        if not value or not label or len(parts) > 3:
            raise EditRefused(
                _("Zeile %(number)s der Optionen: Schreiben Sie „Wert|Beschriftung“.") % {"number": number}
            )
        if value in seen:
            raise EditRefused(_("Der Wert „%(value)s“ kommt in den Optionen mehrfach vor.") % {"value": value})
        seen.add(value)
        options.append({"value": value, "label": text_value(label, english)})
    return options


def options_to_text(options: list[dict[str, Any]]) -> str:
    lines = []
    for option in options:
        german, english = text_parts(option["label"])
        lines.append("|".join([option["value"], german, *([english] if english else [])]))
    return "\n".join(lines)


def _member_options(text: str, number: int) -> list[dict[str, Any]]:
    options = []
    for entry in text.split(";"):
        value, _separator, label = entry.partition("=")
        if not value.strip():
            continue
        options.append({"value": value.strip(), "label": label.strip() or value.strip()})
    if not options:
        raise EditRefused(
            _("Zeile %(number)s der Gruppenfelder: Ein Auswahlfeld braucht Optionen, z. B. „a=Erste; b=Zweite“.")
            % {"number": number}
        )
    return options


def group_members_from_text(text: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group members from lines "key|type|label|required" (choice fields add "|value=label; …").

    Settings a line cannot express (length limits, help, conditions) are kept for members whose key stays.
    """
    previous = {member["key"]: member for member in existing}
    members: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3 or len(parts) > 5:
            raise EditRefused(
                _("Zeile %(number)s der Gruppenfelder: Schreiben Sie „schluessel|typ|Beschriftung|pflicht“.")
                % {"number": number}
            )
        key, kind, label = parts[0], parts[1], parts[2]
        required = len(parts) > 3 and parts[3].lower() in YES_WORDS | {"pflicht", "x"}
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", key):
            raise EditRefused(
                _("Zeile %(number)s der Gruppenfelder: „%(key)s“ ist kein gültiger Schlüssel (a–z, 0–9, _).")
                % {"number": number, "key": key}
            )
        if kind not in GROUP_MEMBER_TYPES:
            raise EditRefused(
                _("Zeile %(number)s der Gruppenfelder: Der Typ „%(kind)s“ ist in Gruppen nicht möglich (%(kinds)s).")
                % {"number": number, "kind": kind, "kinds": ", ".join(GROUP_MEMBER_TYPES)}
            )
        if not label:
            raise EditRefused(_("Zeile %(number)s der Gruppenfelder: Die Beschriftung fehlt.") % {"number": number})
        if any(member["key"] == key for member in members):
            raise EditRefused(_("Der Schlüssel „%(key)s“ kommt in der Gruppe mehrfach vor.") % {"key": key})
        member = copy.deepcopy(previous.get(key, {}))
        member.update({"key": key, "type": kind})
        # An English label given earlier stays as long as the German one is unchanged.
        if text_parts(member.get("label"))[0] != label:
            member["label"] = label
        member["required"] = required
        if not required:
            member.pop("required")
        if len(parts) == 5 and parts[4]:
            member["options"] = _member_options(parts[4], number)
        elif kind in ("choice", "multichoice") and not member.get("options"):
            raise EditRefused(
                _("Zeile %(number)s der Gruppenfelder: Ein Auswahlfeld braucht Optionen, z. B. „a=Erste; b=Zweite“.")
                % {"number": number}
            )
        members.append(settings_for_type(member))
    return members


def group_members_to_text(members: list[dict[str, Any]]) -> str:
    lines = []
    for member in members:
        parts = [
            member["key"],
            member["type"],
            german_text(member["label"]),
            "pflicht" if member.get("required") else "",
        ]
        if member["type"] in ("choice", "multichoice"):
            parts.append("; ".join(f"{option['value']}={german_text(option['label'])}" for option in member["options"]))
        lines.append("|".join(parts).rstrip("|"))
    return "\n".join(lines)
