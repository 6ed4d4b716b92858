#!/usr/bin/env python3
"""Check that gettext catalogues (.po files) are completely translated.

Usage:
    python locale/check_complete.py [FILE.po ...]

Without arguments it checks locale/en/LC_MESSAGES/django.po next to this script.

An entry is reported if
  * it is marked "#, fuzzy" (the header entry included), or
  * its msgstr is empty, or any of its msgstr[n] is empty or missing
    (for plural entries; the number of forms is taken from Plural-Forms).

Obsolete entries ("#~") are ignored. Exit status: 0 = complete,
1 = problems found, 2 = a file could not be read or parsed.

Standard library only, so it can run anywhere (CI, tests, pre-commit).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
_CONTINUATION = re.compile(r"^(\".*\")\s*$")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


class PoParseError(Exception):
    pass


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(token: str, path: Path, lineno: int) -> str:
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise PoParseError(f"{path}:{lineno}: malformed string {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # field the continuation lines belong to

    def finish() -> None:
        nonlocal current, target
        if current is not None and current.msgid is not None:
            entries.append(current)
        current, target = None, None

    text = path.read_text(encoding="utf-8")
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~") or line.startswith("#|"):
            continue  # obsolete entries / previous msgids: not part of the catalogue
        if line.startswith("#"):
            if current is not None and current.msgid is not None and target is not None and target[0] == "msgstr":
                finish()  # comment after a complete entry without blank line: new entry starts
            if current is None:
                current = Entry(line=lineno)
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.group(1), match.group(2), match.group(3)
            value = _unquote(token, path, lineno)
            if (
                keyword in ("msgctxt", "msgid")
                and current is not None
                and current.msgid is not None
                and (target is not None and target[0] == "msgstr")
            ):
                finish()  # next entry without separating blank line
            if current is None:
                current = Entry(line=lineno)
            if keyword == "msgctxt":
                current.msgctxt = value
                target = ("msgctxt", None)
            elif keyword == "msgid":
                current.msgid = value
                current.line = lineno
                target = ("msgid", None)
            elif keyword == "msgid_plural":
                current.msgid_plural = value
                target = ("msgid_plural", None)
            elif index is None:
                current.msgstr = value
                target = ("msgstr", None)
            else:
                current.msgstr_plural[int(index)] = value
                target = ("msgstr", int(index))
            continue
        match = _CONTINUATION.match(line)
        if match and current is not None and target is not None:
            value = _unquote(match.group(1), path, lineno)
            name, index = target
            if name == "msgstr" and index is not None:
                current.msgstr_plural[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        raise PoParseError(f"{path}:{lineno}: cannot parse line {raw!r}")
    finish()
    return entries


def _nplurals(entries: list[Entry]) -> int:
    for entry in entries:
        if entry.is_header and entry.msgstr:
            match = _NPLURALS.search(entry.msgstr)
            if match:
                return int(match.group(1))
    return 2


def _label(entry: Entry) -> str:
    if entry.is_header:
        return "(header entry)"
    text = entry.msgid or ""
    if entry.msgctxt is not None:
        text = f"[{entry.msgctxt}] {text}"
    text = text.replace("\n", "\\n")
    return text if len(text) <= 100 else text[:97] + "..."


def problems_in(path: Path) -> list[str]:
    entries = parse_po(path)
    nplurals = _nplurals(entries)
    found: list[str] = []
    for entry in entries:
        reasons = []
        if "fuzzy" in entry.flags:
            reasons.append("fuzzy")
        if not entry.is_header:
            if entry.msgid_plural is not None:
                for n in range(max(nplurals, 1)):
                    if not entry.msgstr_plural.get(n):
                        reasons.append(f"msgstr[{n}] empty")
            elif not entry.msgstr:
                reasons.append("msgstr empty")
        if reasons:
            found.append(f"{path}:{entry.line}: {', '.join(reasons)}: {_label(entry)}")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [DEFAULT_PO]
    status = 0
    for path in paths:
        try:
            found = problems_in(path)
        except (OSError, UnicodeDecodeError, PoParseError) as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            status = 2
            continue
        if found:
            print(f"{path}: {len(found)} incomplete entr{'y' if len(found) == 1 else 'ies'}:")
            for problem in found:
                print(f"  {problem}")
            status = max(status, 1)
        else:
            print(f"{path}: complete")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
