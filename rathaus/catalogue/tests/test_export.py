from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from lxml import etree

from rathaus.catalogue import selectors, services
from rathaus.catalogue.models import OnlineService, Service
from rathaus.catalogue.xzufi import NAMESPACE

from .factories import OnlineServiceFactory, ServiceFactory

SERVICE_FIELDS = [
    field.name
    for field in Service._meta.concrete_fields
    if field.name
    not in {
        "id",
        "municipality",
        "slug",
        "origin",
        "source_id",
        "imported_values",
        "local_overrides",
        "last_imported_at",
        "created_at",
        "updated_at",
        "is_published",
        "appointment_available",
    }
]


def _describe(municipality):
    """The catalogue as the outside world sees it: services with their offices and online offers."""
    described = []
    for service in Service.objects.filter(municipality=municipality).order_by("name"):
        described.append(
            {name: getattr(service, name) for name in SERVICE_FIELDS}
            | {
                "units": sorted(
                    (unit.name, unit.street, unit.postal_code, unit.city, unit.phone, unit.email)
                    for unit in service.responsible_units.all()
                ),
                "online": sorted(
                    (online.name, online.name_en, online.url, online.trust_level)
                    for online in service.online_services.all()
                ),
            }
        )
    return described


def _local_catalogue(municipality, office):
    registration = ServiceFactory(
        municipality=municipality,
        name="Sperrmüll anmelden",
        name_en="Book a bulky waste collection",
        leika_key="99000000000005",
        service_type="5",
        teaser="<p>Holen lassen statt selbst fahren.</p>",
        teaser_en="<p>We collect it.</p>",
        short_text="<p>Zweimal im Jahr kostenlos.</p>",
        full_text="<p>Die Entsorgungsbetriebe holen <strong>sperrige</strong> Abfälle ab.</p>",
        prerequisites="<ul><li>Wohnsitz in Esslingen</li></ul>",
        required_documents="<p>Keine Unterlagen nötig.</p>",
        procedure="<ol><li>Termin wählen</li><li>Gegenstände an die Straße stellen</li></ol>",
        fees="<p>Bis zu zwei Abholungen im Jahr sind kostenlos, danach 35 Euro.</p>",
        fee_min=Decimal("0.00"),
        fee_max=Decimal("35.00"),
        deadlines="<p>Zwei Wochen vorher anmelden.</p>",
        processing_time="<p>Abholung innerhalb von drei Wochen.</p>",
        legal_basis="<ul><li>Abfallwirtschaftssatzung</li></ul>",
        legal_remedy="<p>Widerspruch innerhalb eines Monats.</p>",
        forms='<p><a href="https://www.esslingen.de/" rel="noopener noreferrer">Formular</a></p>',
        further_information="<p>Was nicht mitgenommen wird.</p>",
        hints="<p>Elektrogeräte getrennt stellen.</p>",
        responsible_note="<p>Städtische Entsorgungsbetriebe</p>",
        synonyms="Sperrgut\nMöbel entsorgen",
        written_form_required=True,
    )
    registration.responsible_units.add(office)
    online = OnlineServiceFactory(
        municipality=municipality, name="Sperrmüll online anmelden", name_en="Online", trust_level="niedrig"
    )
    online.services.add(registration)
    ServiceFactory(
        municipality=municipality, name="Hausnummer zuteilen", fee_min=Decimal("50.00"), fee_max=Decimal("50.00")
    )


def test_export_then_import_reproduces_the_catalogue(esslingen, civil_works_office):
    _local_catalogue(esslingen, civil_works_office)
    before = _describe(esslingen)
    exported = selectors.catalogue_export(municipality=esslingen)

    Service.objects.filter(municipality=esslingen).delete()
    OnlineService.objects.filter(municipality=esslingen).delete()
    civil_works_office.delete()
    run = services.catalogue_import(municipality=esslingen, source="export.xml", data=exported)

    assert run.skipped == 0
    assert _describe(esslingen) == before


def test_the_export_is_xzufi_2_2_0(esslingen, civil_works_office):
    _local_catalogue(esslingen, civil_works_office)
    root = etree.fromstring(selectors.catalogue_export(municipality=esslingen))
    assert etree.QName(root).namespace == NAMESPACE
    assert root.get("xzufiVersion") == "2.2.0"
    assert len(root.findall(f"{{{NAMESPACE}}}schreibe/{{{NAMESPACE}}}leistung")) == 2
    codes = root.findall(f".//{{{NAMESPACE}}}leikaTextmodul/code")
    assert "02" in {code.text for code in codes}


def test_the_export_leaves_out_imported_services_unless_asked(esslingen, civil_works_office):
    _local_catalogue(esslingen, civil_works_office)
    Service.objects.filter(name="Hausnummer zuteilen").update(origin=Service.Origin.XZUFI, source_id="L1")
    own = etree.fromstring(selectors.catalogue_export(municipality=esslingen))
    every = etree.fromstring(selectors.catalogue_export(municipality=esslingen, include_imported=True))
    assert len(own.findall(f".//{{{NAMESPACE}}}leistung")) == 1
    assert len(every.findall(f".//{{{NAMESPACE}}}leistung")) == 2


def test_the_export_command_writes_the_message(esslingen, civil_works_office, tmp_path):
    _local_catalogue(esslingen, civil_works_office)
    target = tmp_path / "export.xml"
    call_command("export_xzufi", "--municipality", "esslingen", "--output", str(target), stderr=StringIO())
    assert b"Sperrm\xc3\xbcll anmelden" in target.read_bytes()
