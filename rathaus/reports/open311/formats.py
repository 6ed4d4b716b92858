"""Open311 GeoReport v2 documents in XML and JSON.

A document is built once as plain Python data (dicts keep the element order of the specification,
lists become repeated elements) and rendered in the format named by the URL suffix. JSON follows
the specification's "Spark convention": the XML root element is dropped, so a list of services is
a JSON array and a service definition a JSON object.
"""

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from lxml import etree

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# Element name of each item of a repeated element, exactly as the specification names them.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class Format(StrEnum):
    XML = "xml"
    JSON = "json"

    @property
    def content_type(self) -> str:
        return XML_CONTENT_TYPE if self is Format.XML else JSON_CONTENT_TYPE


def w3c_datetime(value: datetime) -> str:
    """A date and time as the W3C note wants it, always with the offset (``2026-11-25T09:15:30+01:00``)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).isoformat(timespec="seconds")


# What XML 1.0 cannot carry in text (NUL and the other control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF); a report's text typed in the portal may hold such a character.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text_allowed(value: str) -> bool:
    return _NOT_XML_TEXT.search(value) is None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return _NOT_XML_TEXT.sub("", str(value))


def _append(parent: etree._Element, name: str, value: Any) -> None:
    element = etree.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for child_name, child_value in value.items():
            _append(element, child_name, child_value)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        item_name = ITEM_NAMES[name]
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Any) -> bytes:
    """The document as UTF-8 XML under ``root``, with the declaration the specification asks for."""
    element = etree.Element(root)
    _fill(element, root, document)
    return XML_DECLARATION + etree.tostring(element, encoding="utf-8", pretty_print=True)


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime | date):
        return _text(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(document: Any) -> bytes:
    return json.dumps(_json_ready(document), ensure_ascii=False).encode("utf-8")


def render(fmt: Format, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    """The response for ``document`` in ``fmt``; ``root`` names the XML root element."""
    body = to_xml(root, document) if fmt is Format.XML else to_json(document)
    return HttpResponse(body, content_type=fmt.content_type, status=status)


def render_errors(fmt: Format, errors: Sequence[tuple[int, str]], *, status: int) -> HttpResponse:
    """Errors as the specification describes them: a list of ``error`` with ``code`` and ``description``."""
    document = [{"code": code, "description": str(description)} for code, description in errors]
    return render(fmt, "errors", document, status=status)
