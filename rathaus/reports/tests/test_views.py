"""Pages of the Mängelmelder: reporting without JavaScript, the public map data and list, following and reopening,
and the staff pages, each with the wrong person refused."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.cases.models import Case
from rathaus.reports import links, services
from rathaus.reports.models import Area, Category, Report, ReportSubscription
from rathaus.reports.tests.conftest import jpeg_with_gps
from rathaus.reports.tests.factories import ReportFactory, square

pytestmark = pytest.mark.django_db

Status = Report.Status


def walk_to_location(client, category_code: str = "strassenschaden") -> None:
    response = client.post(reverse("reports:new"), {"kategorie": category_code})
    assert response.status_code == 302
    if response["Location"] == reverse("reports:new_questions"):
        assert client.post(reverse("reports:new_questions"), {"groesse": "gross"}).status_code == 302


def report_by_form(
    client, *, location: dict[str, str], email: str = "anna@example.org", photo: bytes | None = None
) -> None:
    walk_to_location(client)
    response = client.post(reverse("reports:new_location"), location)
    assert response.status_code == 302, response.content.decode()
    response = client.get(reverse("reports:new_duplicates"))
    if response.status_code == 200:
        client.post(reverse("reports:new_duplicates"))
    data: dict[str, object] = {"description": "Die Straßenlampe brennt seit einer Woche nicht."}
    if photo is not None:
        data["foto_1"] = SimpleUploadedFile("lampe.jpg", photo, content_type="image/jpeg")
    response = client.post(reverse("reports:new_description"), data)
    assert response.status_code == 302, response.content.decode()
    assert client.post(reverse("reports:new_contact"), {"name": "Anna", "email": email}).status_code == 302
    response = client.post(reverse("reports:new_check"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:new_done")


def confirm_from_mail(client) -> None:
    """Press the button behind the confirmation link of the last e-mail, as the reporter does."""
    link = re.search(r"http://\S+/maengelmelder/bestaetigen/\S+", mail.outbox[-1].body).group(0)
    assert client.post(link.split(ESSLINGEN_HOST, 1)[1]).status_code == 200


# Reporting ------------------------------------------------------------------------------------------------


def test_the_start_page_and_every_step_render(esslingen_client, road_damage):
    for name in ("reports:start", "reports:list", "reports:new"):
        assert esslingen_client.get(reverse(name)).status_code == 200
    walk_to_location(esslingen_client)
    page = esslingen_client.get(reverse("reports:new_location")).content.decode()
    assert "Markierung hier setzen" in page
    assert 'name="address"' in page


def test_reporting_by_address_without_javascript_reaches_the_office(esslingen_client, road_damage):
    report_by_form(esslingen_client, location={"address": "Marktplatz 1", "lat": "", "lon": ""})
    confirm_from_mail(esslingen_client)

    report = Report.objects.get()
    assert report.address == "Marktplatz 1"
    assert report.lat is None
    assert report.answers == {"groesse": "gross"}
    assert report.case.unit == road_damage.office
    assert "Danke für Ihre Meldung" in esslingen_client.get(reverse("reports:new_done")).content.decode()


def test_reporting_with_coordinates_and_a_photo_stores_a_clean_photo(esslingen_client, road_damage):
    report_by_form(esslingen_client, location={"lat": "48.7421", "lon": "9.3079"}, photo=jpeg_with_gps())

    report = Report.objects.get()
    assert (report.lat, report.lon) == (48.7421, 9.3079)
    photo = report.photos.get()
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data
    assert photo.width == 1600


def test_a_visitor_without_an_account_must_give_an_email_address(esslingen_client, road_damage):
    walk_to_location(esslingen_client)
    esslingen_client.post(reverse("reports:new_location"), {"address": "Marktplatz 1"})
    esslingen_client.post(reverse("reports:new_duplicates"))
    esslingen_client.post(reverse("reports:new_description"), {"description": "Loch"})

    page = esslingen_client.get(reverse("reports:new_contact")).content.decode()
    assert "brauchen wir nur, um die Meldung zu bestätigen" in page
    response = esslingen_client.post(reverse("reports:new_contact"), {"name": "Anna", "phone": "0711 1"})

    assert response.status_code == 200
    assert "Bitte geben Sie Ihre E-Mail-Adresse an." in response.content.decode()
    assert esslingen_client.get(reverse("reports:new_check"))["Location"] == reverse("reports:new_contact")


def test_a_signed_in_citizen_with_a_verified_address_needs_no_email_link(road_damage, citizen):
    client = client_for(ESSLINGEN_HOST, citizen)
    walk_to_location(client)
    client.post(reverse("reports:new_location"), {"address": "Marktplatz 1"})
    client.post(reverse("reports:new_duplicates"))
    client.post(reverse("reports:new_description"), {"description": "Loch"})
    assert client.post(reverse("reports:new_contact"), {"email": ""}).status_code == 302
    assert client.post(reverse("reports:new_check"))["Location"] == reverse("reports:new_done")

    report = Report.objects.get()
    assert report.reporter == citizen
    assert report.confirmed_at is not None
    assert report.case is not None


def test_sending_reports_beyond_the_limit_is_refused_with_a_german_page(esslingen_client, road_damage, settings):
    settings.RATHAUS_REPORT_SEND_RATE = "1/h"
    report_by_form(esslingen_client, location={"address": "Marktplatz 1"})
    walk_to_location(esslingen_client)
    esslingen_client.post(reverse("reports:new_location"), {"address": "Bahnhofstraße 1"})
    esslingen_client.post(reverse("reports:new_duplicates"))
    esslingen_client.post(reverse("reports:new_description"), {"description": "Noch ein Loch"})
    esslingen_client.post(reverse("reports:new_contact"), {"email": "anna@example.org"})

    response = esslingen_client.post(reverse("reports:new_check"))

    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert Report.objects.count() == 1


def test_subscribing_beyond_the_limit_per_address_or_per_email_is_refused(esslingen_client, road_damage, settings):
    settings.RATHAUS_REPORT_SUBSCRIBE_RATE = "2/h"
    settings.RATHAUS_REPORT_SUBSCRIBE_EMAIL_RATE = "1/h"
    report = ReportFactory(category=road_damage)
    url = reverse("reports:subscribe", args=[report.pk])

    assert esslingen_client.post(url, {"email": "ben@example.org"}).status_code == 200
    by_email = client_for(ESSLINGEN_HOST).post(url, {"email": "BEN@example.org"}, REMOTE_ADDR="10.0.0.2")
    assert by_email.status_code == 429
    assert esslingen_client.post(url, {"email": "cem@example.org"}).status_code == 200
    by_address = esslingen_client.post(url, {"email": "dora@example.org"})
    assert by_address.status_code == 429
    assert "Zu viele Anfragen" in by_address.content.decode()
    assert sorted(ReportSubscription.objects.values_list("email", flat=True)) == [
        "ben@example.org",
        "cem@example.org",
    ]


def test_an_anonymous_report_with_email_is_confirmed_by_the_link(esslingen_client, road_damage):
    report_by_form(esslingen_client, location={"address": "Pliensaustraße 5"}, email="anna@example.org")
    report = Report.objects.get()
    assert report.confirmed_at is None
    assert not Case.objects.exists()
    page = esslingen_client.get(reverse("reports:new_done")).content.decode()
    assert "E-Mail mit einem Link" in page

    link = re.search(r"http://\S+/maengelmelder/bestaetigen/\S+", mail.outbox[0].body).group(0)
    path = link.split(ESSLINGEN_HOST, 1)[1]
    # Opening the link (as mail scanners do) confirms nothing; the button does.
    assert "Meldung bestätigen" in esslingen_client.get(path).content.decode()
    report.refresh_from_db()
    assert report.confirmed_at is None
    response = esslingen_client.post(path)

    assert response.status_code == 200
    report.refresh_from_db()
    assert report.confirmed_at is not None
    assert report.case is not None


def test_a_forged_confirmation_link_is_refused(esslingen_client, road_damage):
    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        reporter_email="anna@example.org",
    )
    response = esslingen_client.post(reverse("reports:confirm", args=[str(report.pk)]))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.confirmed_at is None


def test_the_confirmation_link_does_not_work_in_another_municipality(road_damage, musterhausen):
    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        reporter_email="anna@example.org",
    )
    response = client_for(MUSTERHAUSEN_HOST).post(links.confirm_path(report))
    assert response.status_code == 404


def test_the_location_step_needs_a_place_and_says_so(esslingen_client, road_damage):
    walk_to_location(esslingen_client)
    response = esslingen_client.post(reverse("reports:new_location"), {"address": "", "location_description": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fehler:" in page
    assert "Bitte nennen Sie eine Adresse" in page


def test_a_broken_photo_is_refused_with_a_german_error(esslingen_client, road_damage):
    walk_to_location(esslingen_client)
    esslingen_client.post(reverse("reports:new_location"), {"address": "Marktplatz 1"})
    esslingen_client.post(reverse("reports:new_duplicates"))
    response = esslingen_client.post(
        reverse("reports:new_description"),
        {"description": "Loch", "foto_1": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
    )
    assert response.status_code == 200
    assert "kein lesbares Foto" in response.content.decode()


def test_steps_cannot_be_skipped(esslingen_client, road_damage):
    assert esslingen_client.get(reverse("reports:new_check"))["Location"] == reverse("reports:new")
    walk_to_location(esslingen_client)
    assert esslingen_client.get(reverse("reports:new_description"))["Location"] == reverse("reports:new_location")


def test_nearby_open_reports_are_offered_and_subscribing_replaces_reporting(esslingen_client, road_damage):
    existing = ReportFactory(category=road_damage, lat=48.74200, lon=9.30800, address="Marktplatz 1")
    ReportFactory(category=road_damage, lat=48.7500, lon=9.3200)  # 1 km away
    ReportFactory(category=road_damage, lat=48.74201, lon=9.30801, status=Status.DONE)  # closed

    walk_to_location(esslingen_client)
    esslingen_client.post(reverse("reports:new_location"), {"lat": "48.74220", "lon": "9.30810"})
    response = esslingen_client.get(reverse("reports:new_duplicates"))

    assert response.status_code == 200
    assert list(response.context["nearby"]) == [existing]
    response = esslingen_client.post(
        reverse("reports:subscribe", args=[existing.pk]), {"email": "ben@example.org", "aus_meldung": "1"}
    )
    assert response.status_code == 200
    assert ReportSubscription.objects.get(report=existing).email == "ben@example.org"
    assert Report.objects.count() == 3
    # The abandoned report is gone: starting again begins with an empty draft.
    assert esslingen_client.get(reverse("reports:new_check"))["Location"] == reverse("reports:new")


def test_the_same_address_counts_as_nearby_without_coordinates(esslingen_client, road_damage):
    existing = ReportFactory(category=road_damage, lat=None, lon=None, address="Marktplatz 1")
    walk_to_location(esslingen_client)
    esslingen_client.post(reverse("reports:new_location"), {"address": "marktplatz 1"})
    assert list(esslingen_client.get(reverse("reports:new_duplicates")).context["nearby"]) == [existing]


# Public list, map data, detail ----------------------------------------------------------------------------------


def test_the_geojson_has_only_public_confirmed_reports_in_the_box(esslingen_client, road_damage):
    shown = ReportFactory(category=road_damage, lat=48.742, lon=9.308)
    ReportFactory(category=road_damage, lat=48.742, lon=9.308, is_public=False)
    ReportFactory(category=road_damage, lat=48.742, lon=9.308, confirmed_at=None)
    ReportFactory(category=road_damage, lat=48.800, lon=9.400)

    response = esslingen_client.get(reverse("reports:geojson"), {"bbox": "9.30,48.74,9.31,48.75"})

    data = response.json()
    assert response["Content-Type"] == "application/geo+json"
    assert [feature["id"] for feature in data["features"]] == [str(shown.pk)]
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [9.308, 48.742]}
    assert set(feature["properties"]) == {"category", "status", "status_label", "location", "created_at", "url"}


def test_a_malformed_bbox_is_answered_with_400(esslingen_client):
    response = esslingen_client.get(reverse("reports:geojson"), {"bbox": "9.3,48.7,abc"})
    assert response.status_code == 400
    assert "bbox" in response.json()["error"]


def test_reports_of_another_municipality_are_not_shown(road_damage, musterhausen):
    report = ReportFactory(category=road_damage)
    other = client_for(MUSTERHAUSEN_HOST)
    assert other.get(reverse("reports:report", args=[report.pk])).status_code == 404
    assert other.get(reverse("reports:geojson")).json()["features"] == []


def test_the_public_page_never_shows_the_reporter_or_the_unmoderated_text(esslingen_client, road_damage):
    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="Herr Nachbar Schmidt parkt immer hier",
        address="Marktplatz 1",
        reporter_name="Anna Beispiel",
        reporter_phone="0711 123456",
        needs_confirmation=False,
    )
    page = esslingen_client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Anna Beispiel" not in page
    assert "0711" not in page
    assert "Schmidt" not in page
    assert "wird noch geprüft" in page


def test_the_location_is_public_only_as_staff_checked_it(esslingen_client, road_damage, tiefbau_clerk):
    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="Loch",
        lat=48.742,
        lon=9.308,
        address="Ritterstraße 5, bei Familie Quasthoff",
        location_description="neben dem Auto von Herrn Schmidt",
        needs_confirmation=False,
    )

    def public_texts() -> str:
        page = esslingen_client.get(reverse("reports:report", args=[report.pk])).content.decode()
        listing = esslingen_client.get(reverse("reports:list")).content.decode()
        geojson = esslingen_client.get(reverse("reports:geojson")).content.decode()
        return page + listing + geojson

    assert "Quasthoff" not in public_texts()
    assert "Schmidt" not in public_texts()
    staff = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    form = staff.get(reverse("reports:staff_report", args=[report.pk])).context["moderation_form"]
    assert form.initial["public_location"] == "Ritterstraße 5, bei Familie Quasthoff"

    staff.post(
        reverse("reports:staff_moderate", args=[report.pk]),
        {"public_description": "Loch", "public_location": "Ritterstraße", "is_public": "on"},
    )

    texts = public_texts()
    assert "Ritterstraße" in texts
    assert "Quasthoff" not in texts
    assert "Schmidt" not in texts
    assert esslingen_client.get(reverse("reports:geojson")).json()["features"][0]["properties"]["location"] == (
        "Ritterstraße"
    )


def test_the_list_filters_by_category_status_and_area(
    esslingen_client, road_damage, street_lighting, municipality_admin
):
    area = services.area_save(
        municipality=road_damage.municipality,
        actor=municipality_admin,
        name="Innenstadt",
        office=road_damage.office,
        polygon=square(48.742, 9.308, 0.01),
    )
    pothole = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="x",
        lat=48.742,
        lon=9.308,
        needs_confirmation=False,
    )
    lamp = ReportFactory(category=street_lighting, status=Status.DONE)

    def listed(**query):
        return list(esslingen_client.get(reverse("reports:list"), query).context["page"].object_list)

    assert listed(kategorie="strassenschaden") == [pothole]
    assert listed(stand="erledigt") == [lamp]
    assert listed(stand="offen") == [pothole]
    assert listed(gebiet=str(area.pk)) == [pothole]
    assert set(listed()) == {pothole, lamp}


def test_photos_are_not_kept_in_shared_caches_and_hidden_ones_are_not_served(
    esslingen_client, road_damage, tiefbau_clerk
):
    from rathaus.reports.photos import photo_clean

    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        photos=[photo_clean(jpeg_with_gps())],
        needs_confirmation=False,
    )
    photo = report.photos.get()
    for name in ("reports:photo", "reports:photo_thumbnail"):
        response = esslingen_client.get(reverse(name, args=[report.pk, photo.pk]))
        # Shared caches must not keep a photo that staff may hide later.
        assert response["Cache-Control"] == "private, no-cache"
    services.photo_set_hidden(photo=photo, actor=tiefbau_clerk, hidden=True)
    assert esslingen_client.get(reverse("reports:photo", args=[report.pk, photo.pk])).status_code == 404


# Following and reopening -------------------------------------------------------------------------------------------


def test_subscription_confirmation_and_unsubscribing_by_link(esslingen_client, road_damage):
    report = ReportFactory(category=road_damage)
    esslingen_client.post(reverse("reports:subscribe", args=[report.pk]), {"email": "ben@example.org"})
    subscription = ReportSubscription.objects.get()
    assert subscription.confirmed_at is None

    esslingen_client.get(links.subscription_confirm_path(subscription))
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    esslingen_client.post(links.subscription_confirm_path(subscription))
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    assert esslingen_client.get(links.unsubscribe_path(subscription)).status_code == 200
    esslingen_client.post(links.unsubscribe_path(subscription))
    assert not ReportSubscription.objects.exists()


def test_subscribing_without_an_address_shows_an_error(esslingen_client, road_damage):
    report = ReportFactory(category=road_damage)
    response = esslingen_client.post(reverse("reports:subscribe", args=[report.pk]), {"email": ""})
    assert response.status_code == 200
    assert "Bitte geben Sie Ihre E-Mail-Adresse an." in response.content.decode()


def test_not_fixed_reopens_through_the_signed_link_only(esslingen_client, road_damage, tiefbau_clerk):
    report = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        needs_confirmation=False,
    )
    services.report_status_change(report=report, status=Status.DONE, actor=tiefbau_clerk)

    forged = reverse("reports:reopen", args=[report.pk, "falsch"])
    assert esslingen_client.post(forged).status_code == 404
    other_report = ReportFactory(category=road_damage)
    assert (
        esslingen_client.post(reverse("reports:reopen", args=[other_report.pk, links.reopen_token(report)])).status_code
        == 404
    )

    assert esslingen_client.get(links.reopen_path(report)).status_code == 200
    response = esslingen_client.post(links.reopen_path(report), {"text": "Noch kaputt"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REOPENED
    assert Case.objects.get(pk=report.case_id).needs_attention


# Staff ----------------------------------------------------------------------------------------------------------------


@pytest.fixture
def report(road_damage):
    return services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="Schlagloch",
        lat=48.742,
        lon=9.308,
        reporter_name="Anna Beispiel",
        needs_confirmation=False,
    )


def test_the_responsible_clerk_sees_list_and_detail_with_case_and_due_date(report, tiefbau_clerk):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    page = client.get(reverse("reports:staff_list")).content.decode()
    assert report.case.reference in page
    detail = client.get(reverse("reports:staff_report", args=[report.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Anna Beispiel" in html
    assert reverse("cases:case", args=[report.case_id]) in html
    assert detail.context["due"] == report.case.due_date


def test_a_clerk_of_another_office_sees_neither_list_entry_nor_detail(report, buergeramt_clerk):
    client = client_for(ESSLINGEN_HOST, buergeramt_clerk)
    assert client.get(reverse("reports:staff_list")).context["page"].paginator.count == 0
    for name in ("reports:staff_report",):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    for name in ("reports:staff_status", "reports:staff_note", "reports:staff_moderate", "reports:staff_merge"):
        assert client.post(reverse(name, args=[report.pk]), {"status": "erledigt", "text": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Status.REPORTED


def test_staff_of_another_municipality_cannot_open_the_report(report, musterhausen_admin):
    client = client_for(MUSTERHAUSEN_HOST, musterhausen_admin)
    assert client.get(reverse("reports:staff_report", args=[report.pk])).status_code == 404


def test_a_status_change_needs_its_extra_data_and_then_works(report, tiefbau_clerk):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    url = reverse("reports:staff_status", args=[report.pk])
    response = client.post(url, {"status": "geplant"})
    assert response.status_code == 400
    assert "wann die Arbeiten geplant" in response.content.decode()

    response = client.post(url, {"status": "geplant", "planned_for": "2026-06-01", "public_text": "Juni"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.PLANNED
    assert str(report.planned_for) == "2026-06-01"


def test_notes_moderation_and_photo_hiding(report, tiefbau_clerk, esslingen_client):
    from rathaus.reports.photos import photo_clean

    photo = services._photo_store(report, photo_clean(jpeg_with_gps()), 0)
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    client.post(reverse("reports:staff_note", args=[report.pk]), {"text": "Intern"})
    client.post(reverse("reports:staff_note", args=[report.pk]), {"text": "Öffentlich", "public": "on"})
    client.post(
        reverse("reports:staff_moderate", args=[report.pk]),
        {"public_description": "Schlagloch am Straßenrand", "is_public": "on"},
    )
    client.post(reverse("reports:staff_photo_visibility", args=[report.pk, photo.pk]), {"hidden": "1"})

    page = esslingen_client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Schlagloch am Straßenrand" in page
    assert "Öffentlich" in page
    assert "Intern" not in page
    assert reverse("reports:photo_thumbnail", args=[report.pk, photo.pk]) not in page
    assert client.get(reverse("reports:staff_photo", args=[report.pk, photo.pk])).status_code == 200


def test_hiding_a_report_removes_it_from_the_public(report, tiefbau_clerk, esslingen_client):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    client.post(reverse("reports:staff_moderate", args=[report.pk]), {"public_description": ""})
    assert esslingen_client.get(reverse("reports:report", args=[report.pk])).status_code == 404


def test_merging_from_the_staff_page(report, road_damage, tiefbau_clerk):
    duplicate = services.report_create(
        municipality=road_damage.municipality,
        category=road_damage,
        description="Dasselbe Loch",
        lat=48.742,
        lon=9.308,
        needs_confirmation=False,
    )
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    response = client.post(reverse("reports:staff_merge", args=[duplicate.pk]), {"master": str(report.pk)})
    assert response["Location"] == reverse("reports:staff_report", args=[report.pk])
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == report

    response = client.post(reverse("reports:staff_merge", args=[report.pk]), {"master": str(report.pk)})
    assert response.status_code == 400


def test_administrators_manage_categories(municipality_admin, civil_works_office, tiefbau_clerk):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    response = client.post(
        reverse("reports:staff_category_new"),
        {
            "service_code": "graffiti",
            "name": "Graffiti",
            "office": civil_works_office.pk,
            "response_days": 10,
            "is_public": "on",
            "order": 3,
            "questions_json": '[{"code": "flaeche", "label": "Wie groß?", "datatype": "number"}]',
        },
    )
    assert response.status_code == 302, response.content.decode()
    category = Category.objects.get(service_code="graffiti")
    assert category.questions[0]["code"] == "flaeche"

    response = client.post(
        reverse("reports:staff_category", args=[category.pk]),
        {
            "service_code": "anders",
            "name": "Graffiti und Schmierereien",
            "office": civil_works_office.pk,
            "response_days": 10,
            "order": 3,
            "questions_json": '[{"code": "x"}]',
        },
    )
    assert response.status_code == 200
    assert "code" in response.content.decode()
    assert client.get(reverse("reports:staff_category_list")).status_code == 200
    assert client_for(ESSLINGEN_HOST, tiefbau_clerk).get(reverse("reports:staff_category_list")).status_code == 403


def test_administrators_manage_areas_with_polygon_validation(municipality_admin, civil_works_office, road_damage):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    url = reverse("reports:staff_area_new")
    data = {"name": "Innenstadt", "office": civil_works_office.pk, "priority": 5, "polygon": "{kaputt"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kein gültiges JSON" in response.content.decode()

    data["polygon"] = (
        '{"type": "Polygon", "coordinates": [[[9.30, 48.74], [9.31, 48.74], [9.31, 48.75], [9.30, 48.74]]]}'
    )
    data["categories"] = [road_damage.pk]
    assert client.post(url, data).status_code == 302
    area = Area.objects.get()
    assert (area.min_lat, area.max_lat, area.min_lon, area.max_lon) == (48.74, 48.75, 9.30, 9.31)
    assert list(area.categories.all()) == [road_damage]
    edit = client.get(reverse("reports:staff_area", args=[area.pk]))
    assert edit.status_code == 200
    assert "Vorschau der Fläche" in edit.content.decode()


def test_an_area_of_another_municipality_cannot_be_edited(
    municipality_admin, musterhausen, musterhausen_office, musterhausen_admin
):
    foreign = services.area_save(
        municipality=musterhausen,
        actor=musterhausen_admin,
        name="Dorf",
        office=musterhausen_office,
        polygon=square(48.7, 9.3, 0.01),
    )
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    assert client.get(reverse("reports:staff_area", args=[foreign.pk])).status_code == 404


def test_the_case_of_a_report_opens_in_the_back_office_without_status_buttons_of_its_own(report, tiefbau_clerk):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert report.case.reference in inbox
    page = client.get(reverse("cases:case", args=[report.case_id]))
    assert page.status_code == 200
    # Report statuses change on the report's page, which keeps report and case in step.
    assert "meldung_erledigt" not in page.content.decode()


def test_the_clerk_routes_a_report_to_another_office_and_its_case_follows(
    report, tiefbau_clerk, citizens_office, buergeramt_clerk
):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    response = client.post(
        reverse("reports:staff_route", args=[report.pk]), {"office": citizens_office.pk, "note": "Sondernutzung"}
    )

    assert response["Location"] == reverse("reports:staff_list")
    report.refresh_from_db()
    assert report.office == citizens_office
    assert Case.objects.get(pk=report.case_id).unit == citizens_office
    assert client.get(reverse("reports:staff_report", args=[report.pk])).status_code == 404
    assert (
        client_for(ESSLINGEN_HOST, buergeramt_clerk).get(reverse("reports:staff_report", args=[report.pk])).status_code
        == 200
    )


def test_routing_to_an_office_of_another_municipality_is_refused(report, tiefbau_clerk, musterhausen_office):
    client = client_for(ESSLINGEN_HOST, tiefbau_clerk)
    response = client.post(reverse("reports:staff_route", args=[report.pk]), {"office": musterhausen_office.pk})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.office.slug == "tiefbauamt"
