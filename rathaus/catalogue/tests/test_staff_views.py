from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.catalogue import services
from rathaus.catalogue.forms import ServiceForm
from rathaus.catalogue.models import CatalogueFeed, ImportRun, OnlineService, Service

from . import messages as xzufi_messages
from .factories import OnlineServiceFactory, ServiceFactory


def _admin_client(user):
    return client_for(ESSLINGEN_HOST, user)


def _import(municipality, data=None):
    return services.catalogue_import(
        municipality=municipality, source="katalog.xml", data=data or xzufi_messages.full_message()
    )


def _form_data(service, **changes):
    """What the edit form posts back unchanged, with ``changes`` applied (False unticks a checkbox)."""
    form = ServiceForm(instance=service)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _snapshot(municipality):
    return (
        list(Service.objects.filter(municipality=municipality).order_by("pk").values()),
        list(OnlineService.objects.filter(municipality=municipality).order_by("pk").values()),
    )


# Service list ----------------------------------------------------------------------------------


def test_the_list_shows_every_service_with_origin_publication_and_local_changes(municipality_admin, esslingen):
    _import(esslingen)
    ServiceFactory(municipality=esslingen, name="Hundesteuer anmelden", is_published=False)
    registration = Service.objects.get(municipality=esslingen, source_id="L100001")
    services.service_update(service=registration, values={"teaser": "<p>Lokal formuliert.</p>"})

    response = _admin_client(municipality_admin).get(reverse("catalogue:staff_service_list"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Hundesteuer anmelden" in page
    assert "Wohnsitz anmelden" in page
    assert "Personalausweis beantragen" in page
    assert page.count("lokal geändert") == 1
    assert reverse("catalogue:staff_service_edit", args=[registration.slug]) in page
    assert reverse("catalogue:staff_service_create") in page


def test_the_list_is_filtered_by_name(municipality_admin, esslingen):
    ServiceFactory(municipality=esslingen, name="Hundesteuer anmelden")
    ServiceFactory(municipality=esslingen, name="Wohnsitz anmelden")

    response = _admin_client(municipality_admin).get(reverse("catalogue:staff_service_list"), {"q": "hunde"})
    page = response.content.decode()

    assert "Hundesteuer anmelden" in page
    assert "Wohnsitz anmelden" not in page


def test_the_list_shows_fifty_services_a_page(municipality_admin, esslingen):
    for number in range(51):
        ServiceFactory(municipality=esslingen, name=f"Leistung {number:03d}")
    client = _admin_client(municipality_admin)

    first = client.get(reverse("catalogue:staff_service_list")).content.decode()
    second = client.get(reverse("catalogue:staff_service_list"), {"seite": 2}).content.decode()

    assert "Leistung 049" in first
    assert "Leistung 050" not in first
    assert "Seite 1 von 2" in first
    assert "Leistung 050" in second


def test_the_list_shows_only_services_of_the_own_municipality(municipality_admin, esslingen, musterhausen):
    ServiceFactory(municipality=musterhausen, name="Musterhausener Leistung")

    page = _admin_client(municipality_admin).get(reverse("catalogue:staff_service_list")).content.decode()

    assert "Musterhausener Leistung" not in page


# Creating and editing --------------------------------------------------------------------------


def test_admin_creates_a_local_service_and_its_html_is_sanitised(municipality_admin, esslingen):
    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_service_create"),
        {
            "name": "<b>Hundesteuer</b>  anmelden",
            "teaser": "Wer einen Hund hält, meldet ihn an.",
            "full_text": '<p>Bitte <a href="javascript:alert(1)">hier</a> anmelden.</p><script>alert(1)</script>',
            "fee_min": "0",
            "is_published": "on",
            "aktion": "speichern",
        },
    )

    service = Service.objects.get(municipality=esslingen, name="Hundesteuer anmelden")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:staff_service_list")
    assert service.origin == Service.Origin.LOCAL
    assert service.slug == "hundesteuer-anmelden"
    assert service.teaser == "<p>Wer einen Hund hält, meldet ihn an.</p>"
    assert "<script>" not in service.full_text
    assert "javascript:" not in service.full_text
    assert service.is_published


def test_a_service_without_name_and_with_an_upside_down_fee_range_is_refused(municipality_admin, esslingen):
    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_service_create"),
        {"name": "", "fee_min": "37,00", "fee_max": "22,80", "aktion": "speichern"},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "<title>Fehler:" in page
    assert "Bitte geben Sie die Leistungsbezeichnung an." in page
    assert "Die Gebühr bis darf nicht kleiner sein als die Gebühr ab." in page
    assert not Service.objects.filter(municipality=esslingen).exists()


def test_the_preview_shows_the_sanitised_page_and_saves_nothing(municipality_admin, esslingen):
    service = ServiceFactory(municipality=esslingen, name="Hundesteuer anmelden", full_text="<p>Alt.</p>")

    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_service_edit", args=[service.slug]),
        _form_data(
            service,
            full_text="<p>Neu <strong>formuliert</strong>.</p><script>alert('vorschau')</script>",
            aktion="vorschau",
        ),
    )
    page = response.content.decode()

    service.refresh_from_db()
    assert response.status_code == 200
    assert "Vorschau der öffentlichen Seite" in page
    assert "<p>Neu <strong>formuliert</strong>.</p>" in page
    assert "alert('vorschau')" not in page
    assert service.full_text == "<p>Alt.</p>"


def test_saving_an_imported_service_keeps_the_change_as_a_local_override(municipality_admin, esslingen):
    _import(esslingen)
    service = Service.objects.get(municipality=esslingen, source_id="L100001")

    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_service_edit", args=[service.slug]),
        _form_data(service, fees="Die Anmeldung kostet in Esslingen nichts.", aktion="speichern"),
    )

    service.refresh_from_db()
    assert response.status_code == 302
    assert service.fees == "<p>Die Anmeldung kostet in Esslingen nichts.</p>"
    assert service.local_overrides == ["fees"]

    _import(esslingen, xzufi_messages.full_message(fee_text="Die Anmeldung kostet 5 Euro."))

    service.refresh_from_db()
    assert service.fees == "<p>Die Anmeldung kostet in Esslingen nichts.</p>"
    assert service.imported_values["fees"] == "<p>Die Anmeldung kostet 5 Euro.</p>"


def test_the_edit_page_of_an_imported_service_shows_local_changes_and_imported_values(municipality_admin, esslingen):
    _import(esslingen)
    service = Service.objects.get(municipality=esslingen, source_id="L100001")
    services.service_update(service=service, values={"fees": "<p>Kostenlos.</p>"})

    response = _admin_client(municipality_admin).get(reverse("catalogue:staff_service_edit", args=[service.slug]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "lokal geändert" in page
    assert "Importierter Wert: Kosten" in page
    assert "&lt;p&gt;Die Anmeldung ist gebührenfrei.&lt;/p&gt;" in page
    assert reverse("catalogue:staff_service_reset", args=[service.slug]) in page


def test_reset_brings_back_the_imported_description(municipality_admin, esslingen):
    _import(esslingen)
    service = Service.objects.get(municipality=esslingen, source_id="L100001")
    services.service_update(service=service, values={"fees": "<p>Kostenlos.</p>"})

    response = _admin_client(municipality_admin).post(reverse("catalogue:staff_service_reset", args=[service.slug]))

    service.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:staff_service_edit", args=[service.slug])
    assert service.fees == "<p>Die Anmeldung ist gebührenfrei.</p>"
    assert service.local_overrides == []


def test_reset_is_only_possible_with_post(municipality_admin, esslingen):
    service = ServiceFactory(municipality=esslingen)

    response = _admin_client(municipality_admin).get(reverse("catalogue:staff_service_reset", args=[service.slug]))

    assert response.status_code == 405


# Online services -------------------------------------------------------------------------------


def test_admin_switches_an_online_service_off_and_on_again(municipality_admin, esslingen):
    online_service = OnlineServiceFactory(municipality=esslingen, name="Wohnsitz online anmelden")
    client = _admin_client(municipality_admin)
    toggle = reverse("catalogue:staff_online_service_toggle", args=[online_service.pk])

    listing = client.get(reverse("catalogue:staff_online_service_list")).content.decode()
    switched_off = client.post(toggle, {"angeboten": "nein"})
    online_service.refresh_from_db()
    was_enabled = online_service.is_enabled
    client.post(toggle, {"angeboten": "ja"})
    online_service.refresh_from_db()

    assert "Wohnsitz online anmelden" in listing
    assert "Ausschalten" in listing
    assert switched_off.status_code == 302
    assert was_enabled is False
    assert online_service.is_enabled is True


def test_switching_is_only_possible_with_post(municipality_admin, esslingen):
    online_service = OnlineServiceFactory(municipality=esslingen)

    response = _admin_client(municipality_admin).get(
        reverse("catalogue:staff_online_service_toggle", args=[online_service.pk])
    )

    assert response.status_code == 405


# Imports ---------------------------------------------------------------------------------------


def test_an_uploaded_message_is_imported_and_its_run_shown(municipality_admin, esslingen):
    client = _admin_client(municipality_admin)
    upload = SimpleUploadedFile("katalog.xml", xzufi_messages.full_message(), content_type="application/xml")

    response = client.post(reverse("catalogue:staff_import_list"), {"aktion": "importieren", "import-file": upload})

    run = ImportRun.objects.get(municipality=esslingen)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:staff_import_detail", args=[run.pk])
    assert (run.trigger, run.status, run.source) == (ImportRun.Trigger.STAFF, ImportRun.Status.SUCCEEDED, "katalog.xml")
    assert Service.objects.filter(municipality=esslingen, source_id="L100001").exists()

    detail = client.get(response["Location"]).content.decode()
    assert "Wohnsitz anmelden" in detail
    assert "L100003" in detail
    assert "übersprungen" in detail

    history = client.get(reverse("catalogue:staff_import_list")).content.decode()
    assert reverse("catalogue:staff_import_detail", args=[run.pk]) in history


def test_a_malformed_upload_shows_the_error_and_leaves_the_catalogue_unchanged(municipality_admin, esslingen):
    _import(esslingen)
    before = _snapshot(esslingen)
    upload = SimpleUploadedFile("kaputt.xml", b"<xzufi:leistung>nicht zu Ende", content_type="application/xml")

    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_import_list"), {"aktion": "importieren", "import-file": upload}
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "<title>Fehler:" in page
    assert "kein wohlgeformtes XML" in page
    assert "Der Katalog ist unverändert." in page
    assert _snapshot(esslingen) == before
    assert ImportRun.objects.get(municipality=esslingen, source="kaputt.xml").status == ImportRun.Status.FAILED


def test_only_xml_files_are_accepted(municipality_admin, esslingen):
    upload = SimpleUploadedFile("katalog.pdf", b"%PDF-1.7", content_type="application/pdf")

    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_import_list"), {"aktion": "importieren", "import-file": upload}
    )

    assert response.status_code == 400
    assert "Endung .xml" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_feed_configuration_is_saved_and_the_next_import_shown(municipality_admin, esslingen):
    client = _admin_client(municipality_admin)

    response = client.post(
        reverse("catalogue:staff_import_list"),
        {
            "aktion": "quelle",
            "quelle-url": "https://redaktion.example.org/esslingen.xml",
            "quelle-interval_hours": "12",
            "quelle-is_enabled": "on",
        },
    )

    feed = CatalogueFeed.objects.get(municipality=esslingen)
    assert response.status_code == 302
    assert (feed.url, feed.interval_hours, feed.is_enabled) == ("https://redaktion.example.org/esslingen.xml", 12, True)
    assert feed.next_run_at is not None
    page = client.get(reverse("catalogue:staff_import_list")).content.decode()
    assert "Nächster Import" in page
    assert "https://redaktion.example.org/esslingen.xml" in page


def test_a_feed_without_address_is_refused(municipality_admin, esslingen):
    response = _admin_client(municipality_admin).post(
        reverse("catalogue:staff_import_list"),
        {"aktion": "quelle", "quelle-url": "", "quelle-interval_hours": "0"},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "Bitte geben Sie die Adresse der XZuFi-Nachricht an." in page
    assert "mindestens eine Stunde" in page
    assert not CatalogueFeed.objects.exists()


# Tenancy and roles -----------------------------------------------------------------------------


def test_objects_of_another_municipality_are_not_found(municipality_admin, esslingen, musterhausen):
    service = ServiceFactory(municipality=musterhausen, slug="musterhausener-leistung")
    online_service = OnlineServiceFactory(municipality=musterhausen)
    run = _import(musterhausen)
    client = _admin_client(municipality_admin)

    assert client.get(reverse("catalogue:staff_service_edit", args=[service.slug])).status_code == 404
    assert client.post(reverse("catalogue:staff_service_reset", args=[service.slug])).status_code == 404
    toggle = reverse("catalogue:staff_online_service_toggle", args=[online_service.pk])
    assert client.post(toggle, {"angeboten": "nein"}).status_code == 404
    assert client.get(reverse("catalogue:staff_import_detail", args=[run.pk])).status_code == 404
    online_service.refresh_from_db()
    assert online_service.is_enabled


def test_a_clerk_may_not_edit_the_catalogue(clerk, esslingen):
    service = ServiceFactory(municipality=esslingen, name="Hundesteuer anmelden")
    client = client_for(ESSLINGEN_HOST, clerk)

    listing = client.get(reverse("catalogue:staff_service_list"))
    edit = client.post(reverse("catalogue:staff_service_edit", args=[service.slug]), _form_data(service, name="X"))

    service.refresh_from_db()
    assert listing.status_code == 403
    assert edit.status_code == 403
    assert service.name == "Hundesteuer anmelden"


def test_only_administrators_see_the_catalogue_in_the_staff_navigation(clerk, municipality_admin):
    clerk_page = client_for(ESSLINGEN_HOST, clerk).get(reverse("portal:staff_dashboard")).content.decode()
    admin_page = _admin_client(municipality_admin).get(reverse("portal:staff_dashboard")).content.decode()

    assert reverse("catalogue:staff_import_list") not in clerk_page
    assert reverse("catalogue:staff_service_list") in admin_page
    assert reverse("catalogue:staff_online_service_list") in admin_page
    assert reverse("catalogue:staff_import_list") in admin_page
