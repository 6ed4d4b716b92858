from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.catalogue import services
from rathaus.catalogue.models import ImportRun, OnlineService, Service
from rathaus.catalogue.xzufi import region_contains
from rathaus.municipalities.models import OrganisationalUnit

from . import messages


def _catalogue_snapshot(municipality):
    """Everything an import can change, in comparable form."""
    services_state = [
        {
            field.name: getattr(service, field.name)
            for field in Service._meta.concrete_fields
            if field.name != "updated_at"
        }
        | {"units": sorted(service.responsible_units.values_list("name", flat=True))}
        for service in Service.objects.filter(municipality=municipality).order_by("source_id")
    ]
    units_state = list(OrganisationalUnit.objects.filter(municipality=municipality).order_by("slug").values())
    online_state = list(OnlineService.objects.filter(municipality=municipality).order_by("source_id").values())
    return services_state, units_state, online_state


def _import(municipality, data):
    return services.catalogue_import(municipality=municipality, source="test.xml", data=data)


def test_a_message_imports_services_with_every_module(esslingen):
    run = _import(esslingen, messages.full_message())

    registration = Service.objects.get(municipality=esslingen, source_id="L100001")
    assert registration.name == "Wohnsitz anmelden"
    assert registration.name_en == "Register your residence"
    assert registration.leika_key == "99115001001000"
    assert registration.service_type == "1"
    assert registration.teaser == "<p>Melden Sie sich nach dem Umzug an.</p>"
    assert registration.teaser_en == "<p>Register after moving in.</p>"
    assert "zwei Wochen" in registration.short_text
    assert registration.full_text == "<p>Die Meldebehörde trägt Ihre neue Anschrift ein.</p>"
    assert registration.legal_basis == "<ul><li>§ 17 Bundesmeldegesetz</li></ul>"
    assert "Wohnungsgeberbestätigung" in registration.required_documents
    assert registration.required_documents_en == "<ul><li>ID card or passport</li></ul>"
    assert "Esslingen eingezogen" in registration.prerequisites
    assert registration.procedure == "<ol><li>Termin buchen</li><li>Unterlagen mitbringen</li></ol>"
    assert "Widerspruch" in registration.legal_remedy
    assert "zwei Wochen" in registration.deadlines
    assert registration.fees == "<p>Die Anmeldung ist gebührenfrei.</p>"
    assert (registration.fee_min, registration.fee_max) == (Decimal("0.00"), Decimal("0.00"))
    assert registration.processing_time == "<p>Sofort.</p>"
    assert registration.synonyms.splitlines() == ["Ummelden", "Umzug melden"]
    assert registration.valid_regions == ["080000000000"]
    assert registration.origin == Service.Origin.XZUFI

    identity_card = Service.objects.get(municipality=esslingen, source_id="L100002")
    assert (identity_card.fee_min, identity_card.fee_max) == (Decimal("22.80"), Decimal("37.00"))

    office = OrganisationalUnit.objects.get(municipality=esslingen, source_id="O200001")
    assert (office.name, office.street, office.postal_code) == (
        "Bürgeramt Esslingen-Mitte",
        "Beblinger Straße 3",
        "73728",
    )
    assert (office.phone, office.email) == ("+49 711 3512-0", "buergeramt@esslingen.de")
    assert set(office.services.values_list("source_id", flat=True)) == {"L100001", "L100002"}

    online = OnlineService.objects.get(municipality=esslingen, source_id="D300001")
    assert online.trust_level == OnlineService.TrustLevel.HIGH
    assert online.name_en == "Register online"
    assert list(online.services.values_list("source_id", flat=True)) == ["L100001"]

    assert (run.status, run.created, run.updated, run.unchanged) == (ImportRun.Status.SUCCEEDED, 4, 0, 0)
    skipped = {detail["id"]: detail["reason"] for detail in run.details if detail["outcome"] == "übersprungen"}
    assert set(skipped) == {"L100003", "L100004", "O200002"}
    assert "081160049049" in skipped["L100003"]
    assert "Textmodul 02" in skipped["L100004"]
    assert "andere Gebiete" in skipped["O200002"]
    french = next(detail for detail in run.details if detail["id"] == "L100002")
    assert "fr" in french["reason"]


def test_a_second_import_of_the_same_message_changes_nothing(esslingen):
    _import(esslingen, messages.full_message())
    before = _catalogue_snapshot(esslingen)

    run = _import(esslingen, messages.full_message())

    assert (run.created, run.updated, run.unchanged) == (0, 0, 4)
    assert _catalogue_snapshot(esslingen) == before


def test_an_updated_message_updates_the_service_in_place(esslingen):
    _import(esslingen, messages.full_message())
    service_id = Service.objects.get(source_id="L100001").pk

    run = _import(esslingen, messages.full_message(name="Wohnsitz anmelden (Hauptwohnung)"))

    service = Service.objects.get(source_id="L100001")
    assert service.pk == service_id
    assert service.name == "Wohnsitz anmelden (Hauptwohnung)"
    assert service.slug == "wohnsitz-anmelden"
    assert (run.created, run.updated, run.unchanged) == (0, 1, 3)


def test_a_field_edited_by_a_clerk_is_kept_and_shown_as_override(esslingen):
    _import(esslingen, messages.full_message())
    service = Service.objects.get(source_id="L100001")
    services.service_update(service=service, values={"teaser": "<p>Bitte zwei Wochen nach dem Einzug anmelden.</p>"})

    run = _import(esslingen, messages.full_message(name="Wohnsitz anmelden (neu)", fee_text="Kostenlos."))

    service.refresh_from_db()
    assert service.teaser == "<p>Bitte zwei Wochen nach dem Einzug anmelden.</p>"
    assert service.name == "Wohnsitz anmelden (neu)"
    assert service.fees == "<p>Kostenlos.</p>"
    assert service.local_overrides == ["teaser"]
    assert service.imported_values["teaser"] == "<p>Melden Sie sich nach dem Umzug an.</p>"
    detail = next(detail for detail in run.details if detail["id"] == "L100001")
    assert "teaser" in detail["reason"]


def test_editing_a_field_back_to_the_imported_text_removes_the_override(esslingen):
    _import(esslingen, messages.full_message())
    service = Service.objects.get(source_id="L100001")
    services.service_update(service=service, values={"teaser": "<p>Anders.</p>"})
    services.service_update(service=service, values={"teaser": "<p>Melden Sie sich nach dem Umzug an.</p>"})
    assert service.local_overrides == []


def test_resetting_a_service_restores_the_imported_texts(esslingen):
    _import(esslingen, messages.full_message())
    service = Service.objects.get(source_id="L100001")
    services.service_update(service=service, values={"teaser": "<p>Anders.</p>", "fee_max": Decimal("5.00")})

    services.service_reset_to_imported(service=service)

    service.refresh_from_db()
    assert service.teaser == "<p>Melden Sie sich nach dem Umzug an.</p>"
    assert service.fee_max == Decimal("0.00")
    assert service.local_overrides == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<xzufi:leistung", "wohlgeformt"),
        (messages.full_message().replace(b"xzufi/2_2_0", b"xzufi/2_1_0"), "Namensraum"),
        (messages.full_message().replace(b'xzufiVersion="2.2.0"', b'xzufiVersion="2.1.0"'), "Version"),
        (messages.message(messages.identity_card()).replace(b"nachrichtenkopf", b"kopf"), "Nachrichtenkopf"),
        (messages.message().replace(b"<xzufi:schreibe>", b"").replace(b"</xzufi:schreibe>", b""), "keine Objekte"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "Namensraum"),
    ],
)
def test_a_malformed_message_fails_and_leaves_the_catalogue_untouched(esslingen, data, expected):
    _import(esslingen, messages.full_message())
    before = _catalogue_snapshot(esslingen)

    with pytest.raises(services.CatalogueImportError) as error:
        _import(esslingen, data)

    assert expected in str(error.value)
    assert _catalogue_snapshot(esslingen) == before
    assert error.value.run.status == ImportRun.Status.FAILED


def test_the_root_element_name_does_not_matter(esslingen):
    run = _import(esslingen, messages.message(messages.identity_card(), root="xzufi.irgendeine.nachricht"))
    assert run.created == 1


def test_the_import_command_prints_a_summary(esslingen, tmp_path):
    path = tmp_path / "katalog.xml"
    path.write_bytes(messages.full_message())
    output = StringIO()

    call_command("import_xzufi", str(path), "--municipality", "esslingen", stdout=output)

    text = output.getvalue()
    assert "4 neu, 0 geändert, 0 unverändert, 3 übersprungen" in text
    assert "L100003" in text


def test_the_import_command_exits_non_zero_on_a_malformed_file(esslingen, tmp_path):
    path = tmp_path / "kaputt.xml"
    path.write_bytes(b"<nicht-xml")
    with pytest.raises(CommandError, match="wohlgeformt"):
        call_command("import_xzufi", str(path), "--municipality", "esslingen", stdout=StringIO())
    assert not Service.objects.exists()


def test_the_import_command_refuses_an_unknown_municipality(db, tmp_path):
    with pytest.raises(CommandError, match="nirgendwo"):
        call_command("import_xzufi", str(tmp_path / "x.xml"), "--municipality", "nirgendwo", stdout=StringIO())


def test_the_import_command_reports_a_missing_file(esslingen, tmp_path):
    with pytest.raises(CommandError, match="nicht gelesen"):
        call_command("import_xzufi", str(tmp_path / "fehlt.xml"), "--municipality", "esslingen", stdout=StringIO())


def test_services_of_one_municipality_never_reach_another(esslingen, musterhausen):
    _import(esslingen, messages.full_message())
    assert not Service.objects.filter(municipality=musterhausen).exists()
    run = _import(musterhausen, messages.full_message())
    # Musterhausen lies in no region of the message except "all of Baden-Württemberg".
    assert Service.objects.filter(municipality=musterhausen, source_id="L100001").exists()
    assert not OrganisationalUnit.objects.filter(municipality=musterhausen, source_id="O200001").exists()
    assert run.created == 2


@pytest.mark.parametrize(
    ("region", "covered"),
    [
        ("080000000000", True),
        ("08", True),
        ("081000000000", True),
        ("081160000000", True),
        ("081160019019", True),
        ("081160049049", False),
        ("090000000000", False),
        ("kein-schluessel", False),
    ],
)
def test_region_keys_cover_the_municipalities_below_them(region, covered):
    assert region_contains(region, "081160019019") is covered


def test_a_service_never_gets_a_slug_that_names_a_page(esslingen):
    created = services.service_create(municipality=esslingen, values={"name": "Suche"})
    assert created.slug == "suche-2"


def test_an_office_phone_changed_by_staff_survives_the_next_import(esslingen):
    from rathaus.municipalities.services import unit_update_contact

    _import(esslingen, messages.full_message())
    office = OrganisationalUnit.objects.get(municipality=esslingen, source_id="O200001")
    unit_update_contact(unit=office, phone="+49 711 3512-2000")

    changed = messages.full_message().replace(b"+49 711 3512-0", b"+49 711 3512-9")
    run = _import(esslingen, changed.replace(b"Esslingen-Mitte", b"Esslingen Mitte"))

    office.refresh_from_db()
    assert office.name == "Bürgeramt Esslingen Mitte"
    assert office.phone == "+49 711 3512-2000"
    assert office.local_overrides == ["phone"]
    assert "phone" in next(detail for detail in run.details if detail["id"] == "O200001")["reason"]
