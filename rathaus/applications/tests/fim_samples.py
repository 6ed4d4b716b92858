"""Small XDatenfelder documents written by hand for edge cases the public sample files lack.

The builders produce XDF3 (``xdatenfelder_3.0.0``) by default; the structure (identifikation,
struktur/anzahl/enthaelt, feldart and datentyp codes) follows the published samples.
"""

from html import escape

XDF2 = "urn:xoev-de:fim:standard:xdatenfelder_2"
XDF3 = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"


def identity(element_id: str, version: str = "1.0.0") -> str:
    return f"<xdf:identifikation><xdf:id>{element_id}</xdf:id><xdf:version>{version}</xdf:version></xdf:identifikation>"


def field(
    element_id: str,
    name: str,
    feldart: str = "input",
    datentyp: str = "text",
    extra: str = "",
    label: str | None = None,
    help_text: str = "",
) -> str:
    return f"""
      <xdf:datenfeld>
        {identity(element_id)}
        <xdf:name>{escape(name)}</xdf:name>
        <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
        <xdf:bezeichnungEingabe>{escape(label if label is not None else name)}</xdf:bezeichnungEingabe>
        <xdf:schemaelementart><code>HAR</code></xdf:schemaelementart>
        <xdf:hilfetextEingabe>{escape(help_text)}</xdf:hilfetextEingabe>
        <xdf:feldart><code>{feldart}</code></xdf:feldart>
        <xdf:datentyp><code>{datentyp}</code></xdf:datentyp>
        <xdf:vorbefuellung><code>keine</code></xdf:vorbefuellung>
        {extra}
      </xdf:datenfeld>"""


def group(element_id: str, name: str, members: str, extra: str = "", label: str | None = None) -> str:
    return f"""
      <xdf:datenfeldgruppe>
        {identity(element_id)}
        <xdf:name>{escape(name)}</xdf:name>
        <xdf:bezeichnungEingabe>{escape(label if label is not None else name)}</xdf:bezeichnungEingabe>
        <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
        {extra}
        {members}
      </xdf:datenfeldgruppe>"""


def member(element: str, anzahl: str = "1:1") -> str:
    return f"<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl><xdf:enthaelt>{element}</xdf:enthaelt></xdf:struktur>"


def values(*pairs: tuple[str, str]) -> str:
    entries = "".join(
        f"<xdf:wert><xdf:code>{escape(code)}</xdf:code><xdf:name>{escape(name)}</xdf:name></xdf:wert>"
        for code, name in pairs
    )
    return f"<xdf:werte>{entries}</xdf:werte>"


def rule(rule_id: str, name: str, free_text: str) -> str:
    return f"""
      <xdf:regel>
        {identity(rule_id)}
        <xdf:name>{escape(name)}</xdf:name>
        <xdf:freitextRegel>{escape(free_text)}</xdf:freitextRegel>
        <xdf:typ><code>V</code></xdf:typ>
      </xdf:regel>"""


def schema_message(members: str, namespace: str = XDF3, name: str = "Hundesteuer anmelden", extra: str = "") -> bytes:
    root = "xdatenfelder.datenschema.0102" if namespace == XDF3 else "xdatenfelder.stammdatenschema.0102"
    schema = "datenschema" if namespace == XDF3 else "stammdatenschema"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:{root} xmlns:xdf="{namespace}">
  <xdf:header>
    <xdf:nachrichtID>test-1</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2026-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:{schema}>
    {identity("S60000000001", "2.1.0")}
    <xdf:name>{escape(name)}</xdf:name>
    <xdf:beschreibung>Anmeldung eines Hundes zur Hundesteuer.</xdf:beschreibung>
    <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
    {extra}
    {members}
  </xdf:{schema}>
</xdf:{root}>""".encode()


EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xdf:xdatenfelder.stammdatenschema.0102 [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>S1</xdf:id></xdf:identifikation>
    <xdf:name>&secret;</xdf:name>
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>"""

ENTITY_EXPANSION = b"""<?xml version="1.0"?>
<!DOCTYPE bomb [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:stammdatenschema><xdf:name>&b;</xdf:name></xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>"""

XZUFI_MESSAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<xzufi:transfer.operation xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0" xzufiVersion="2.2.0"/>"""

HEADER_ONLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:header><xdf:nachrichtID>leer</xdf:nachrichtID></xdf:header>
</xdf:xdatenfelder.stammdatenschema.0102>"""
