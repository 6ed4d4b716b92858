"""XZuFi 2.2.0 messages written by hand for the tests, independent of the project's own writer."""

from html import escape

ESSLINGEN_ARS = "081160019019"
KREIS_ESSLINGEN = "081160000000"
OSTFILDERN_ARS = "081160049049"


def _text_module(code: str, german: str, english: str = "") -> str:
    english_part = f'<xzufi:inhalt languageCode="en">{escape(english)}</xzufi:inhalt>' if english else ""
    return f"""
      <xzufi:modulText>
        <xzufi:positionDarstellung>1</xzufi:positionDarstellung>
        <xzufi:leikaTextmodul listURI="urn:de:xzufi:codeliste:leistungstextmodulleika" listVersionID="1.1">
          <code>{code}</code>
        </xzufi:leikaTextmodul>
        <xzufi:inhalt languageCode="de">{escape(german)}</xzufi:inhalt>{english_part}
      </xzufi:modulText>"""


def residence_registration(name: str = "Wohnsitz anmelden", fee_text: str = "Die Anmeldung ist gebührenfrei.") -> str:
    return f"""
    <xzufi:leistung>
      <xzufi:id schemeAgencyID="S100001" schemeID="Leistung">L100001</xzufi:id>
      <xzufi:referenzLeiKa listURI="urn:de:fim:leika:leistung" listVersionID="1"><code>99115001001000</code></xzufi:referenzLeiKa>
      {_text_module("02", name, "Register your residence")}
      {_text_module("24", "Melden Sie sich nach dem Umzug an.", "Register after moving in.")}
      {_text_module("05", "Wer in eine Wohnung einzieht, meldet sich innerhalb von zwei Wochen an.")}
      {_text_module("06", "<p>Die Meldebehörde trägt Ihre neue Anschrift ein.</p><script>alert(1)</script>")}
      {_text_module("07", "<ul><li>§ 17 Bundesmeldegesetz</li></ul>")}
      {_text_module("08", "<ul><li>Personalausweis oder Reisepass</li><li>Wohnungsgeberbestätigung</li></ul>", "<ul><li>ID card or passport</li></ul>")}
      {_text_module("09", "Sie sind in eine Wohnung in Esslingen eingezogen.")}
      {_text_module("11", "<ol><li>Termin buchen</li><li>Unterlagen mitbringen</li></ol>")}
      {_text_module("25", "Widerspruch beim Bürgeramt.")}
      {_text_module("99", "Ein Textmodul, das niemand kennt.")}
      <xzufi:modulFrist><xzufi:beschreibung languageCode="de">Innerhalb von zwei Wochen nach dem Einzug.</xzufi:beschreibung></xzufi:modulFrist>
      <xzufi:modulKosten>
        <xzufi:beschreibung languageCode="de">{escape(fee_text)}</xzufi:beschreibung>
        <xzufi:kosten><xzufi:betragFix>0.00</xzufi:betragFix></xzufi:kosten>
      </xzufi:modulKosten>
      <xzufi:modulBearbeitungsdauer><xzufi:beschreibung languageCode="de">Sofort.</xzufi:beschreibung></xzufi:modulBearbeitungsdauer>
      <xzufi:modulBegriffImKontext>
        <xzufi:begriffImKontext><xzufi:begriff languageCode="de">Ummelden</xzufi:begriff><xzufi:typ><code>001</code></xzufi:typ></xzufi:begriffImKontext>
        <xzufi:begriffImKontext><xzufi:begriff languageCode="de">Umzug melden</xzufi:begriff></xzufi:begriffImKontext>
      </xzufi:modulBegriffImKontext>
      <xzufi:typisierung listURI="urn:de:fim:leika:typisierung"><code>1</code></xzufi:typisierung>
      <xzufi:kennzeichenSchriftformerfordernis>false</xzufi:kennzeichenSchriftformerfordernis>
      <xzufi:unbekanntesElement>wird ignoriert</xzufi:unbekanntesElement>
      <xzufi:gueltigkeitGebietID>080000000000</xzufi:gueltigkeitGebietID>
      <xzufi:sprachversion><xzufi:languageCode>de</xzufi:languageCode></xzufi:sprachversion>
    </xzufi:leistung>"""


def identity_card() -> str:
    return f"""
    <xzufi:leistung>
      <xzufi:id schemeAgencyID="S100001">L100002</xzufi:id>
      <xzufi:referenzLeiKa><code>99102013001000</code></xzufi:referenzLeiKa>
      {_text_module("02", "Personalausweis beantragen", "Apply for an identity card")}
      {_text_module("24", "Den Personalausweis beantragen Sie persönlich.", "You apply for an identity card in person.")}
      <xzufi:modulKosten>
        <xzufi:beschreibung languageCode="de">22,80 Euro unter 24 Jahren, sonst 37,00 Euro.</xzufi:beschreibung>
        <xzufi:beschreibung languageCode="fr">22,80 euros.</xzufi:beschreibung>
        <xzufi:kosten><xzufi:betragUntergrenze>22.80</xzufi:betragUntergrenze><xzufi:betragObergrenze>37.00</xzufi:betragObergrenze></xzufi:kosten>
      </xzufi:modulKosten>
      <xzufi:modulBegriffImKontext>
        <xzufi:begriffImKontext><xzufi:begriff languageCode="de">Perso</xzufi:begriff></xzufi:begriffImKontext>
      </xzufi:modulBegriffImKontext>
      <xzufi:typisierung><code>1</code></xzufi:typisierung>
    </xzufi:leistung>"""


def bulky_waste_elsewhere() -> str:
    return f"""
    <xzufi:leistung>
      <xzufi:id schemeAgencyID="S100001">L100003</xzufi:id>
      {_text_module("02", "Sperrmüll in Ostfildern anmelden")}
      <xzufi:gueltigkeitGebietID>{OSTFILDERN_ARS}</xzufi:gueltigkeitGebietID>
    </xzufi:leistung>"""


def nameless_service() -> str:
    return """
    <xzufi:leistung>
      <xzufi:id schemeAgencyID="S100001">L100004</xzufi:id>
    </xzufi:leistung>"""


def citizens_office(other_region: str = OSTFILDERN_ARS) -> str:
    return f"""
    <xzufi:organisationseinheit>
      <xzufi:id schemeAgencyID="S100001">O200001</xzufi:id>
      <xzufi:name><xzufi:name languageCode="de">Bürgeramt Esslingen-Mitte</xzufi:name></xzufi:name>
      <xzufi:anschrift>
        <xzufi:strasse>Beblinger Straße</xzufi:strasse><xzufi:hausnummer>3</xzufi:hausnummer>
        <xzufi:postleitzahl>73728</xzufi:postleitzahl><xzufi:ort>Esslingen am Neckar</xzufi:ort>
      </xzufi:anschrift>
      <xzufi:kommunikation><xzufi:kanal><code>02</code></xzufi:kanal><xzufi:kennung>+49 711 3512-0</xzufi:kennung></xzufi:kommunikation>
      <xzufi:kommunikation><xzufi:kanal><code>01</code></xzufi:kanal><xzufi:kennung>buergeramt@esslingen.de</xzufi:kennung></xzufi:kommunikation>
      <xzufi:zustaendigkeit>
        <xzufi:leistungID schemeAgencyID="S100001">L100001</xzufi:leistungID>
        <xzufi:gebietID>{ESSLINGEN_ARS}</xzufi:gebietID>
        <xzufi:gebietID>{other_region}</xzufi:gebietID>
      </xzufi:zustaendigkeit>
      <xzufi:zustaendigkeit>
        <xzufi:leistungID schemeAgencyID="S100001">L100002</xzufi:leistungID>
        <xzufi:gebietID>{KREIS_ESSLINGEN}</xzufi:gebietID>
      </xzufi:zustaendigkeit>
    </xzufi:organisationseinheit>"""


def office_elsewhere() -> str:
    return f"""
    <xzufi:organisationseinheit>
      <xzufi:id schemeAgencyID="S100001">O200002</xzufi:id>
      <xzufi:name><xzufi:name languageCode="de">Bürgerbüro Ostfildern</xzufi:name></xzufi:name>
      <xzufi:zustaendigkeit>
        <xzufi:leistungID>L100001</xzufi:leistungID>
        <xzufi:gebietID>{OSTFILDERN_ARS}</xzufi:gebietID>
      </xzufi:zustaendigkeit>
    </xzufi:organisationseinheit>"""


def online_registration() -> str:
    return f"""
    <xzufi:onlinedienst>
      <xzufi:id schemeAgencyID="S100001">D300001</xzufi:id>
      <xzufi:bezeichnung languageCode="de">Wohnsitz online anmelden</xzufi:bezeichnung>
      <xzufi:bezeichnung languageCode="en">Register online</xzufi:bezeichnung>
      <xzufi:link languageCode="de">
        <xzufi:typ listURI="urn:xoev-de:fim:codeliste:onlinedienstlinktyp"><code>01</code></xzufi:typ>
        <xzufi:link>https://www.service-bw.de/onlineantraege/onlineantrag?processInstanceId=1</xzufi:link>
      </xzufi:link>
      <xzufi:vertrauensniveau><code>30</code></xzufi:vertrauensniveau>
      <xzufi:zustaendigkeit>
        <xzufi:leistungID>L100001</xzufi:leistungID>
        <xzufi:gebietID>{ESSLINGEN_ARS}</xzufi:gebietID>
      </xzufi:zustaendigkeit>
    </xzufi:onlinedienst>"""


def message(*objects: str, root: str = "xzufi.transfer.leistungsbericht", version: str = "2.2.0") -> bytes:
    body = "".join(objects)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xzufi:{root} xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0" xzufiVersion="{version}"
    produktbezeichnung="Testredaktion" produkthersteller="Rathaus-Tests">
  <xzufi:nachrichtenkopf>
    <xzufi:nachrichtUUID>7f3c1f3e-0d7a-4a4e-9f61-2c1d7c4b0a11</xzufi:nachrichtUUID>
    <xzufi:erstelltDatumZeit>2026-11-20T09:00:00Z</xzufi:erstelltDatumZeit>
  </xzufi:nachrichtenkopf>
  <xzufi:schreibe>{body}
  </xzufi:schreibe>
</xzufi:{root}>""".encode()


def full_message(**kwargs: str) -> bytes:
    return message(
        residence_registration(**kwargs),
        identity_card(),
        bulky_waste_elsewhere(),
        nameless_service(),
        citizens_office(),
        office_elsewhere(),
        online_registration(),
    )
