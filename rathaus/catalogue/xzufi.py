"""Reading and writing XZuFi 2.2.0 messages (service descriptions exchanged with Service-BW and PVOG).

No official schema is within reach, so the reader is lenient about element order and unknown
elements, strict about what it needs (namespace, version, message header, ids and names), and
reports per object what it left out and why. A message is recognised by its namespace and its
``xzufiVersion`` attribute, never by the root element's name, which differs between producers.

Parsing yields plain data (``ServiceRecord``, ``OfficeRecord``, ``OnlineServiceRecord``); writing
to the database is ``services.catalogue_import``'s job.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from .text import plain_text, sanitise_html

NAMESPACE = "http://xoev.de/schemata/xzufi/2_2_0"
VERSION = "2.2.0"
ACCEPTED_VERSIONS = {"2.2.0", "2.2"}
_NS = {"x": NAMESPACE}
TEXT_MODULE_LIST = "urn:de:xzufi:codeliste:leistungstextmodulleika"
LANGUAGES = ("de", "en")
# One limit for files and downloads: a municipality's catalogue is a few MB; this leaves room.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

# Text module codes (code list leistungstextmodulleika) and the service fields they fill.
TEXT_MODULES = {
    "02": "name",
    "05": "short_text",
    "06": "full_text",
    "07": "legal_basis",
    "08": "required_documents",
    "09": "prerequisites",
    "11": "procedure",
    "14": "forms",
    "15": "further_information",
    "16": "hints",
    "22": "responsible_note",
    "24": "teaser",
    "25": "legal_remedy",
}
# Structured modules whose description (beschreibung) fills a text field.
DESCRIBED_MODULES = {"modulKosten": "fees", "modulFrist": "deadlines", "modulBearbeitungsdauer": "processing_time"}
TEXT_FIELDS = tuple(TEXT_MODULES.values()) + tuple(DESCRIBED_MODULES.values())
# The same fields in every stored language: German without suffix, English with "_en".
ALL_TEXT_FIELDS = TEXT_FIELDS + tuple(f"{name}_en" for name in TEXT_FIELDS)

# Fields of offices and online services that a message carries.
OFFICE_FIELDS = ("name", "street", "postal_code", "city", "phone", "email", "website")
ONLINE_SERVICE_FIELDS = ("name", "name_en", "url", "trust_level")

# Trust levels (vertrauensniveau): the import reads every code in use, the export writes one per level.
TRUST_LEVEL_FROM_CODE = {
    "00": "keins",
    "10": "niedrig",
    "15": "niedrig",
    "20": "substantiell",
    "30": "hoch",
    "40": "hoch",
}
TRUST_LEVEL_TO_CODE = {"keins": "00", "niedrig": "10", "substantiell": "20", "hoch": "30"}
_FEE_AMOUNT_NAMES = {"betrag", "betragFix", "betragUntergrenze", "betragObergrenze", "betragVon", "betragBis"}


class MessageError(Exception):
    """The message as a whole cannot be imported; nothing of it is stored."""


@dataclass
class Skipped:
    kind: str
    source_id: str
    name: str
    reason: str


@dataclass
class ServiceRecord:
    source_id: str
    values: dict[str, Any]
    valid_regions: list[str]
    skipped_languages: set[str] = field(default_factory=set)


@dataclass
class Responsibility:
    service_source_id: str
    regions: list[str]


@dataclass
class OfficeRecord:
    source_id: str
    values: dict[str, Any]
    responsibilities: list[Responsibility]


@dataclass
class OnlineServiceRecord:
    source_id: str
    values: dict[str, Any]
    responsibilities: list[Responsibility]


@dataclass
class Message:
    services: list[ServiceRecord] = field(default_factory=list)
    offices: list[OfficeRecord] = field(default_factory=list)
    online_services: list[OnlineServiceRecord] = field(default_factory=list)
    # Responsibilities sent as separate transfer objects (PVOG), keyed by the parent's id.
    transferred_responsibilities: dict[str, list[Responsibility]] = field(default_factory=dict)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _code(element: etree._Element | None) -> str:
    """The value of an XÖV code element: its child ``code``, qualified or not."""
    if element is None:
        return ""
    return _text(_child(element, "code"))


def _language(element: etree._Element) -> str:
    return (element.get("languageCode") or element.get("{http://www.w3.org/XML/1998/namespace}lang") or "de").lower()


def _by_language(elements: list[etree._Element], skipped_languages: set[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for element in elements:
        language = _language(element)[:2]
        if language not in LANGUAGES:
            skipped_languages.add(language)
            continue
        texts.setdefault(language, _text(element))
    return texts


def _field_name(base: str, language: str) -> str:
    return base if language == "de" else f"{base}_{language}"


def _decimal(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount >= 0 else None


def parse(data: bytes) -> Message:
    """Parse an XZuFi 2.2.0 message; raises ``MessageError`` when the message as a whole is unusable."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError(_("Die Nachricht ist größer als %(limit)d MB.") % {"limit": MAX_MESSAGE_BYTES // 2**20})
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise MessageError(_("Die Datei ist kein wohlgeformtes XML: %(error)s") % {"error": error}) from error
    namespace = etree.QName(root).namespace
    if namespace != NAMESPACE:
        raise MessageError(
            _("Falscher Namensraum „%(found)s“; erwartet wird XZuFi 2.2.0 (%(expected)s).")
            % {"found": namespace or "—", "expected": NAMESPACE}
        )
    version = root.get("xzufiVersion", "")
    if version not in ACCEPTED_VERSIONS:
        raise MessageError(
            _("Nicht unterstützte XZuFi-Version „%(found)s“; unterstützt wird %(expected)s.")
            % {"found": version or "—", "expected": VERSION}
        )
    if len(_children(root, "nachrichtenkopf")) != 1:
        raise MessageError(_("Der Nachrichtenkopf (nachrichtenkopf) fehlt oder ist mehrfach vorhanden."))
    writes = _children(root, "schreibe")
    deletes = _children(root, "loesche")
    if not writes and not deletes:
        raise MessageError(_("Die Nachricht enthält keine Objekte (schreibe oder loesche)."))

    message = Message()
    for write in writes:
        for element in write:
            _parse_object(element, message)
    for delete in deletes:
        source_id = _text(_child(delete, "id"))
        if source_id:
            message.deleted.append((delete.get("klasse", ""), source_id))
    return message


def _parse_object(element: etree._Element, message: Message) -> None:
    kind = _local(element)
    if kind == "leistung":
        _append(message, message.services, _parse_service, element, kind)
    elif kind == "organisationseinheit":
        _append(message, message.offices, _parse_office, element, kind)
    elif kind == "onlinedienst":
        _append(message, message.online_services, _parse_online_service, element, kind)
    elif kind == "zustaendigkeitTransferObjekt":
        parent_id = _text(_child(element, "uebergeordnetesObjektID"))
        for responsibility in _children(element, "zustaendigkeit"):
            parsed = _parse_responsibility(responsibility)
            if parent_id and parsed:
                message.transferred_responsibilities.setdefault(parent_id, []).append(parsed)
    elif kind:
        message.skipped.append(
            Skipped(
                kind,
                _text(_child(element, "id")),
                "",
                _("Objektart „%(kind)s“ wird nicht übernommen.") % {"kind": kind},
            )
        )


def _append(message: Message, target: list[Any], parse_one: Any, element: etree._Element, kind: str) -> None:
    try:
        target.append(parse_one(element))
    except ValueError as error:
        message.skipped.append(Skipped(kind, _text(_child(element, "id")), "", str(error)))


def _parse_service(element: etree._Element) -> ServiceRecord:
    source_id = _text(_child(element, "id"))
    if not source_id:
        raise ValueError(_("Die Leistung hat keine Kennung (id)."))
    skipped_languages: set[str] = set()
    values: dict[str, Any] = dict.fromkeys(ALL_TEXT_FIELDS, "")
    for module in _children(element, "modulText"):
        code = _code(_child(module, "leikaTextmodul"))
        base = TEXT_MODULES.get(code)
        if base is None:
            continue
        for language, content in _by_language(_children(module, "inhalt"), skipped_languages).items():
            values[_field_name(base, language)] = content
    for module_name, base in DESCRIBED_MODULES.items():
        module = _child(element, module_name)
        if module is not None:
            for language, content in _by_language(_children(module, "beschreibung"), skipped_languages).items():
                values[_field_name(base, language)] = content
    for name in list(values):
        values[name] = plain_text(values[name]) if name in ("name", "name_en") else sanitise_html(values[name])
    if not values["name"]:
        raise ValueError(_("Die Leistung hat keine deutsche Bezeichnung (Textmodul 02)."))
    values["name"] = values["name"][:300]
    values["name_en"] = values["name_en"][:300]
    leika_keys = [_code(reference) for reference in _children(element, "referenzLeiKa")]
    leika_key = next((key for key in leika_keys if key.isdigit() and len(key) == 14), "")
    values["leika_key"] = leika_key
    values["service_type"] = _code(_child(element, "typisierung"))[:10]
    values["written_form_required"] = _text(_child(element, "kennzeichenSchriftformerfordernis")).lower() == "true"
    values["fee_min"], values["fee_max"] = _fee_range(_child(element, "modulKosten"))
    synonyms: list[str] = []
    context_module = _child(element, "modulBegriffImKontext")
    if context_module is not None:
        for term in context_module.iter():
            if _local(term) == "begriff" and _language(term)[:2] == "de" and _text(term):
                synonyms.append(_text(term))
    values["synonyms"] = "\n".join(dict.fromkeys(synonyms))
    regions = [_text(region) for region in _children(element, "gueltigkeitGebietID") if _text(region)]
    return ServiceRecord(source_id, values, regions, skipped_languages)


def _fee_range(module: etree._Element | None) -> tuple[str | None, str | None]:
    if module is None:
        return None, None
    amounts = [
        amount
        for amount in (_decimal(_text(element)) for element in module.iter() if _local(element) in _FEE_AMOUNT_NAMES)
        if amount is not None
    ]
    if not amounts:
        return None, None
    return str(min(amounts)), str(max(amounts))


def _parse_responsibility(element: etree._Element) -> Responsibility | None:
    service_id = _text(_child(element, "leistungID"))
    if not service_id:
        return None
    return Responsibility(service_id, [_text(region) for region in _children(element, "gebietID") if _text(region)])


def _parse_office(element: etree._Element) -> OfficeRecord:
    source_id = _text(_child(element, "id"))
    if not source_id:
        raise ValueError(_("Die Organisationseinheit hat keine Kennung (id)."))
    name_element = _child(element, "name")
    names = _by_language(_children(name_element, "name") if name_element is not None else [], set())
    name = names.get("de") or (_text(name_element) if name_element is not None and not len(name_element) else "")
    if not name:
        raise ValueError(_("Die Organisationseinheit hat keinen Namen."))
    values: dict[str, Any] = {"name": name[:200]}
    address = _child(element, "anschrift")
    if address is not None:
        street = " ".join(
            part for part in (_text(_child(address, "strasse")), _text(_child(address, "hausnummer"))) if part
        )
        values.update(
            street=street[:200],
            postal_code=_text(_child(address, "postleitzahl")),
            city=_text(_child(address, "ort"))[:100],
        )
    for channel in _children(element, "kommunikation"):
        code = _code(_child(channel, "kanal"))
        value = _text(_child(channel, "kennung"))
        target = {"01": "email", "02": "phone", "09": "website"}.get(code)
        if target and value:
            values.setdefault(target, value[:200])
    responsibilities = [parsed for parsed in map(_parse_responsibility, _children(element, "zustaendigkeit")) if parsed]
    return OfficeRecord(source_id, values, responsibilities)


def _parse_online_service(element: etree._Element) -> OnlineServiceRecord:
    source_id = _text(_child(element, "id"))
    if not source_id:
        raise ValueError(_("Der Onlinedienst hat keine Kennung (id)."))
    names = _by_language(_children(element, "bezeichnung"), set())
    if not names.get("de"):
        raise ValueError(_("Der Onlinedienst hat keine deutsche Bezeichnung."))
    url = ""
    for link in _children(element, "link"):
        candidate = _text(_child(link, "link"))
        if candidate.startswith(("https://", "http://")) and _code(_child(link, "typ")) in ("", "01"):
            url = candidate
            break
    if not url:
        raise ValueError(_("Der Onlinedienst hat keine gültige Internetadresse (link)."))
    trust_code = _code(_child(element, "vertrauensniveau"))
    values = {
        "name": names["de"][:300],
        "name_en": names.get("en", "")[:300],
        "url": url[:500],
        "trust_level": TRUST_LEVEL_FROM_CODE.get(trust_code, "keins"),
    }
    responsibilities = [parsed for parsed in map(_parse_responsibility, _children(element, "zustaendigkeit")) if parsed]
    return OnlineServiceRecord(source_id, values, responsibilities)


def region_contains(region: str, ars: str) -> bool:
    """Whether the region key ``region`` (an ARS, possibly zero-padded) covers the municipality ``ars``.

    ARS levels: 2 digits Land, 1 Regierungsbezirk, 2 Kreis, 4 Gemeindeverband, 3 Gemeinde.
    """
    region = region.strip()
    if not region.isdigit():
        return False
    padded = region.ljust(12, "0")
    for length in (2, 3, 5, 9, 12):
        if padded[length:].strip("0") == "":
            return ars.startswith(padded[:length])
    return False


# Writing -------------------------------------------------------------------------------------


def _element(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _code_element(parent: etree._Element, name: str, code: str, list_uri: str, version: str = "") -> None:
    wrapper = _element(parent, name, listURI=list_uri, **({"listVersionID": version} if version else {}))
    etree.SubElement(wrapper, "code").text = code


def _identifier(parent: etree._Element, name: str, value: str, agency: str) -> None:
    _element(parent, name, value, schemeAgencyID=agency)


def build_message(
    *,
    sender: str,
    agency: str,
    services: list[dict[str, Any]],
    offices: list[dict[str, Any]],
    online_services: list[dict[str, Any]],
    created_at: datetime | None = None,
) -> bytes:
    """An XZuFi 2.2.0 message with the given services, offices and online services.

    Each entry is a dict with ``source_id``, ``values`` (field values as the import reads them)
    and, for offices and online services, ``responsibilities`` as (service id, [region keys]).
    """
    root = etree.Element(
        f"{{{NAMESPACE}}}xzufi.transfer.leistungsbeschreibung",
        {"xzufiVersion": VERSION, "produktbezeichnung": "Rathaus", "produkthersteller": "Rathaus"},
        nsmap={"xzufi": NAMESPACE},
    )
    header = _element(root, "nachrichtenkopf")
    _element(header, "nachrichtUUID", str(uuid.uuid4()))
    _element(header, "erstelltDatumZeit", (created_at or timezone.now()).isoformat(timespec="seconds"))
    _element(_element(header, "sender"), "name", sender)
    write = _element(root, "schreibe")
    for service in services:
        _write_service(write, service, agency)
    for office in offices:
        _write_office(write, office, agency)
    for online_service in online_services:
        _write_online_service(write, online_service, agency)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result


def _write_texts(parent: etree._Element, name: str, values: dict[str, Any], base: str) -> None:
    for language in LANGUAGES:
        content = values.get(_field_name(base, language), "")
        if content:
            _element(parent, name, content, languageCode=language)


def _write_service(parent: etree._Element, service: dict[str, Any], agency: str) -> None:
    values = service["values"]
    element = _element(parent, "leistung")
    _identifier(element, "id", service["source_id"], agency)
    if values.get("leika_key"):
        _code_element(element, "referenzLeiKa", values["leika_key"], "urn:de:fim:leika:leistung")
    for code, base in TEXT_MODULES.items():
        if any(values.get(_field_name(base, language)) for language in LANGUAGES):
            module = _element(element, "modulText")
            _code_element(module, "leikaTextmodul", code, TEXT_MODULE_LIST)
            _write_texts(module, "inhalt", values, base)
    for module_name, base in DESCRIBED_MODULES.items():
        has_amount = module_name == "modulKosten" and values.get("fee_min") is not None
        if has_amount or any(values.get(_field_name(base, language)) for language in LANGUAGES):
            module = _element(element, module_name)
            _write_texts(module, "beschreibung", values, base)
            if has_amount:
                costs = _element(module, "kosten")
                if values["fee_min"] == values["fee_max"]:
                    _element(costs, "betragFix", values["fee_min"])
                else:
                    _element(costs, "betragUntergrenze", values["fee_min"])
                    _element(costs, "betragObergrenze", values["fee_max"])
    synonyms = [line for line in values.get("synonyms", "").splitlines() if line.strip()]
    if synonyms:
        module = _element(element, "modulBegriffImKontext")
        for synonym in synonyms:
            term = _element(module, "begriffImKontext")
            _element(term, "begriff", synonym, languageCode="de")
    if values.get("service_type"):
        _code_element(element, "typisierung", values["service_type"], "urn:de:fim:leika:typisierung")
    _element(element, "kennzeichenSchriftformerfordernis", "true" if values.get("written_form_required") else "false")
    for region in service.get("valid_regions", []):
        _element(element, "gueltigkeitGebietID", region)
    for language in LANGUAGES:
        if values.get(_field_name("name", language)):
            version = _element(element, "sprachversion")
            _element(version, "languageCode", language)


def _write_responsibilities(parent: etree._Element, responsibilities: list[tuple[str, list[str]]], agency: str) -> None:
    for service_id, regions in responsibilities:
        responsibility = _element(parent, "zustaendigkeit")
        _identifier(responsibility, "leistungID", service_id, agency)
        for region in regions:
            _element(responsibility, "gebietID", region)


def _write_office(parent: etree._Element, office: dict[str, Any], agency: str) -> None:
    values = office["values"]
    element = _element(parent, "organisationseinheit")
    _identifier(element, "id", office["source_id"], agency)
    _element(_element(element, "name"), "name", values["name"], languageCode="de")
    address = _element(element, "anschrift")
    street, _space, number = values.get("street", "").rpartition(" ")
    if not street:
        street, number = number, ""
    _element(address, "strasse", street)
    if number:
        _element(address, "hausnummer", number)
    _element(address, "postleitzahl", values.get("postal_code", ""))
    _element(address, "ort", values.get("city", ""))
    for code, key in (("01", "email"), ("02", "phone"), ("09", "website")):
        if values.get(key):
            channel = _element(element, "kommunikation")
            _code_element(channel, "kanal", code, "urn:de:xoev:codeliste:erreichbarkeit", "3")
            _element(channel, "kennung", values[key])
    _write_responsibilities(element, office["responsibilities"], agency)


def _write_online_service(parent: etree._Element, online_service: dict[str, Any], agency: str) -> None:
    values = online_service["values"]
    element = _element(parent, "onlinedienst")
    _identifier(element, "id", online_service["source_id"], agency)
    _element(element, "bezeichnung", values["name"], languageCode="de")
    if values.get("name_en"):
        _element(element, "bezeichnung", values["name_en"], languageCode="en")
    link = _element(element, "link", languageCode="de")
    _code_element(link, "typ", "01", "urn:xoev-de:fim:codeliste:onlinedienstlinktyp")
    _element(link, "link", values["url"])
    _code_element(
        element,
        "vertrauensniveau",
        TRUST_LEVEL_TO_CODE[values["trust_level"]],
        "urn:xoev-de:fim:codeliste:vertrauensniveau",
    )
    _write_responsibilities(element, online_service["responsibilities"], agency)
