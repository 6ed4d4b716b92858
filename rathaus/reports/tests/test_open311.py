"""Open311 GeoReport v2: every method in XML and JSON against the specification's element names,
errors as the specification shapes them, reports that land as cases, and no reporter data in any GET."""

import json
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from lxml import etree

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.reports.models import Category, Open311Client, Report, ReportUpdate
from rathaus.reports.open311.services import open311_client_create, open311_client_revoke

# Element names and order exactly as wiki.open311.org/GeoReport_v2 lists them.
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CREATED_FIELDS = ["service_request_id", "service_notice", "account_id"]
BASE = "/open311/v2/"

POTHOLE_QUESTIONS = [
    {
        "code": "groesse",
        "label": "Wie groß ist das Schlagloch?",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [
            {"key": "klein", "name": "kleiner als ein Teller"},
            {"key": "gross", "name": "größer als ein Teller"},
        ],
    },
    {"code": "tiefe_cm", "label": "Wie tief ist es ungefähr (cm)?", "datatype": "number", "required": False},
    {
        "code": "betroffen",
        "label": "Wer ist betroffen?",
        "datatype": "multivaluelist",
        "required": False,
        "values": [{"key": "rad", "name": "Radverkehr"}, {"key": "auto", "name": "Autoverkehr"}],
    },
]


def parse_xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return etree.fromstring(response.content)


def parse_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def child_names(element):
    return [child.tag for child in element]


@pytest.fixture
def pothole(esslingen, civil_works_office):
    return Category.objects.create(
        municipality=esslingen,
        service_code="strassenschaden",
        name="Straßenschaden",
        description="Schlaglöcher, Risse und abgesackte Stellen in Straßen und Gehwegen.",
        group="Straße und Verkehr",
        keywords="Schlagloch, Riss, Belag",
        office=civil_works_office,
        response_days=5,
        questions=POTHOLE_QUESTIONS,
    )


@pytest.fixture
def lamp(esslingen, civil_works_office):
    return Category.objects.create(
        municipality=esslingen,
        service_code="strassenbeleuchtung",
        name="Straßenbeleuchtung",
        description="Eine Straßenlaterne ist dunkel, flackert oder brennt am Tag.",
        group="Straße und Verkehr",
        keywords="Laterne, Licht",
        office=civil_works_office,
        response_days=10,
        order=1,
    )


@pytest.fixture
def api_key(esslingen, municipality_admin):
    _client, key = open311_client_create(municipality=esslingen, name="Mängel-App", actor=municipality_admin)
    return key


@pytest.fixture
def api(esslingen):
    return client_for(ESSLINGEN_HOST)


def make_report(category, *, status=Report.Status.REPORTED, confirmed=True, **fields):
    values = {
        "municipality": category.municipality,
        "category": category,
        "office": category.office,
        "description": "Intern: Herr Beispiel meldet ein Loch vor Hausnummer 4.",
        "public_description": "Schlagloch auf der Fahrbahn.",
        "address": "Ritterstraße 14, 73728 Esslingen am Neckar, vor dem Haus von Familie Beispiel",
        "location_description": "neben dem roten Auto von Herrn Beispiel",
        "public_location": "Ritterstraße 14, 73728 Esslingen am Neckar",
        "lat": 48.7406,
        "lon": 9.3063,
        "reporter_name": "Hanna Beispiel",
        "reporter_email": "hanna.beispiel@example.org",
        "reporter_phone": "0711 123456",
        "status": status,
        "confirmed_at": timezone.now() if confirmed else None,
    }
    values.update(fields)
    return Report.objects.create(**values)


def post_pothole(api, api_key, fmt="xml", **overrides):
    data = {
        "api_key": api_key,
        "service_code": "strassenschaden",
        "lat": "48.7406",
        "long": "9.3063",
        "address_string": "Ritterstraße 14, Esslingen",
        "attribute[groesse]": "gross",
        "attribute[tiefe_cm]": "8",
        "attribute[betroffen][]": ["rad", "auto"],
        "description": "Tiefes Schlagloch in der Fahrbahn, Radfahrer weichen auf den Gehweg aus.",
        "email": "melder@example.org",
        "first_name": "Jonas",
        "last_name": "Melder",
        "phone": "0711 987654",
    }
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    return api.post(f"{BASE}requests.{fmt}", data)


# GET services ------------------------------------------------------------------------------------


def test_service_list_in_xml_has_the_specifications_elements(api, pothole, lamp):
    root = parse_xml(api.get(f"{BASE}services.xml"))

    assert root.tag == "services"
    services = root.findall("service")
    assert [service.findtext("service_code") for service in services] == ["strassenschaden", "strassenbeleuchtung"]
    assert all(child_names(service) == SERVICE_FIELDS for service in services)
    assert services[0].findtext("metadata") == "true"
    assert services[1].findtext("metadata") == "false"
    assert services[0].findtext("type") == "realtime"
    assert services[0].findtext("service_name") == "Straßenschaden"
    assert services[0].findtext("keywords") == "Schlagloch, Riss, Belag"
    assert services[0].findtext("group") == "Straße und Verkehr"


def test_service_list_in_json_has_the_specifications_fields(api, pothole, lamp):
    services = parse_json(api.get(f"{BASE}services.json"))

    assert [list(service) for service in services] == [SERVICE_FIELDS, SERVICE_FIELDS]
    assert services[0]["metadata"] is True
    assert services[1]["metadata"] is False
    assert services[1]["type"] == "realtime"


def test_service_list_shows_only_this_municipalitys_public_categories(api, pothole, musterhausen, musterhausen_office):
    Category.objects.create(
        municipality=musterhausen, service_code="graffiti", name="Graffiti", office=musterhausen_office
    )
    Category.objects.create(
        municipality=pothole.municipality, service_code="intern", name="Intern", office=pothole.office, is_public=False
    )

    services = parse_json(api.get(f"{BASE}services.json"))

    assert [service["service_code"] for service in services] == ["strassenschaden"]


# GET services/{service_code} ---------------------------------------------------------------------


def test_service_definition_in_xml_lists_the_extra_questions_as_attributes(api, pothole):
    root = parse_xml(api.get(f"{BASE}services/strassenschaden.xml"))

    assert root.tag == "service_definition"
    assert child_names(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "strassenschaden"
    attributes = root.find("attributes").findall("attribute")
    assert [attribute.findtext("code") for attribute in attributes] == ["groesse", "tiefe_cm", "betroffen"]
    assert all(child_names(attribute) == ATTRIBUTE_FIELDS for attribute in attributes)
    size = attributes[0]
    assert size.findtext("variable") == "true"
    assert size.findtext("datatype") == "singlevaluelist"
    assert size.findtext("required") == "true"
    assert size.findtext("order") == "1"
    assert size.findtext("description") == "Wie groß ist das Schlagloch?"
    values = size.find("values").findall("value")
    assert [child_names(value) for value in values] == [["key", "name"], ["key", "name"]]
    assert [(value.findtext("key"), value.findtext("name")) for value in values] == [
        ("klein", "kleiner als ein Teller"),
        ("gross", "größer als ein Teller"),
    ]
    assert attributes[1].findtext("required") == "false"
    assert attributes[1].findtext("datatype") == "number"


def test_service_definition_in_json_has_the_specifications_fields(api, pothole):
    definition = parse_json(api.get(f"{BASE}services/strassenschaden.json"))

    assert list(definition) == ["service_code", "attributes"]
    assert [list(attribute) for attribute in definition["attributes"]] == [ATTRIBUTE_FIELDS] * 3
    assert definition["attributes"][0]["values"] == [
        {"key": "klein", "name": "kleiner als ein Teller"},
        {"key": "gross", "name": "größer als ein Teller"},
    ]
    assert definition["attributes"][2]["order"] == 3
    assert definition["attributes"][0]["required"] is True


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_of_a_definition_answers_404_with_errors(api, pothole, fmt):
    response = api.get(f"{BASE}services/gibt-es-nicht.{fmt}")

    assert response.status_code == 404
    if fmt == "xml":
        root = parse_xml(response)
        assert root.tag == "errors"
        assert child_names(root.find("error")) == ["code", "description"]
        assert root.findtext("error/code") == "404"
    else:
        assert parse_json(response)[0]["code"] == 404


# POST requests -----------------------------------------------------------------------------------


def test_posted_request_in_xml_answers_with_its_id_and_lands_as_a_case_of_the_responsible_office(
    api, api_key, pothole, civil_works_office
):
    response = post_pothole(api, api_key, "xml")

    assert response.status_code == 200
    root = parse_xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert child_names(request) == CREATED_FIELDS
    assert request.find("token") is None
    report = Report.objects.get(pk=request.findtext("service_request_id"))
    assert report.source == Report.Source.OPEN311
    assert report.api_client.name == "Mängel-App"
    assert report.category == pothole
    assert report.office == civil_works_office
    assert report.is_confirmed
    assert report.case is not None
    assert report.case.unit == civil_works_office
    assert report.answers == {"groesse": "gross", "tiefe_cm": 8, "betroffen": ["rad", "auto"]}
    assert report.reporter_email == "melder@example.org"
    assert report.reporter_name == "Jonas Melder"
    assert (report.lat, report.lon) == (48.7406, 9.3063)


def test_posted_request_in_json_answers_with_a_list_holding_its_id(api, api_key, pothole):
    response = post_pothole(api, api_key, "json")

    assert response.status_code == 200
    created = parse_json(response)
    assert [list(item) for item in created] == [CREATED_FIELDS]
    assert created[0]["account_id"] is None
    assert Report.objects.filter(pk=created[0]["service_request_id"], source="open311").exists()


def test_request_posted_by_address_only_is_accepted(api, api_key, lamp):
    response = api.post(
        f"{BASE}requests.json",
        {"api_key": api_key, "service_code": "strassenbeleuchtung", "address_string": "Ritterstraße 14, Esslingen"},
    )

    assert response.status_code == 200
    report = Report.objects.get(pk=parse_json(response)[0]["service_request_id"])
    assert report.lat is None
    assert report.address == "Ritterstraße 14, Esslingen"
    assert report.description


def test_request_posted_by_address_id_only_keeps_the_id_for_staff(api, api_key, lamp):
    response = api.post(
        f"{BASE}requests.json", {"api_key": api_key, "service_code": "strassenbeleuchtung", "address_id": "LP-4711"}
    )

    assert response.status_code == 200
    report = Report.objects.get(pk=parse_json(response)[0]["service_request_id"])
    assert "LP-4711" in report.location_description


def test_posting_needs_no_csrf_token_because_the_api_key_authenticates(api_key, pothole):
    from django.test import Client

    strict = Client(HTTP_HOST=ESSLINGEN_HOST, enforce_csrf_checks=True)

    assert post_pothole(strict, api_key, "json").status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("key", ["falscher-schluessel", None])
def test_invalid_or_missing_api_key_is_refused_with_403(api, api_key, pothole, fmt, key):
    response = post_pothole(api, key, fmt)

    assert response.status_code == 403
    if fmt == "xml":
        root = parse_xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "403"
        assert "api_key" in root.findtext("error/description")
    else:
        errors = parse_json(response)
        assert [list(error) for error in errors] == [["code", "description"]]
        assert errors[0]["code"] == 403
    assert not Report.objects.exists()


def test_revoked_key_is_refused(api, esslingen, municipality_admin, pothole):
    client, key = open311_client_create(municipality=esslingen, name="Alte App", actor=municipality_admin)
    open311_client_revoke(client=client, actor=municipality_admin)

    assert post_pothole(api, key).status_code == 403


def test_key_of_another_municipality_is_refused(api, pothole, musterhausen, musterhausen_admin):
    _client, key = open311_client_create(municipality=musterhausen, name="Musterhausen-App", actor=musterhausen_admin)

    assert post_pothole(api, key).status_code == 403


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_refused_with_404(api, api_key, pothole, fmt):
    response = post_pothole(api, api_key, fmt, service_code="gibt-es-nicht")

    assert response.status_code == 404
    body = parse_xml(response).findtext("error/description") if fmt == "xml" else parse_json(response)[0]["description"]
    assert "service_code" in body
    assert not Report.objects.exists()


def test_missing_service_code_is_refused_with_400(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", service_code=None)

    assert response.status_code == 400
    assert "service_code" in parse_json(response)[0]["description"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_location_is_refused_with_400(api, api_key, pothole, fmt):
    response = post_pothole(api, api_key, fmt, lat=None, long=None, address_string=None)

    assert response.status_code == 400
    if fmt == "xml":
        root = parse_xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "400"
        assert "address_string" in root.findtext("error/description")
    else:
        assert parse_json(response)[0]["code"] == 400
    assert not Report.objects.exists()


def test_latitude_without_longitude_is_refused(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", long=None, address_string=None)

    assert response.status_code == 400
    assert "long" in parse_json(response)[0]["description"]


def test_missing_required_attribute_is_refused_with_400(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", **{"attribute[groesse]": None})

    assert response.status_code == 400
    assert "attribute[groesse]" in parse_json(response)[0]["description"]
    assert not Report.objects.exists()


def test_every_problem_of_a_request_is_named_at_once(api, api_key, pothole):
    response = post_pothole(
        api,
        api_key,
        "json",
        lat=None,
        long=None,
        address_string=None,
        email="keine-adresse",
        **{"attribute[groesse]": "riesig", "attribute[tiefe_cm]": "tief"},
    )

    errors = parse_json(response)
    assert response.status_code == 400
    assert len(errors) == 4
    assert all(error["code"] == 400 for error in errors)


def test_html_in_the_description_is_refused(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", description="<script>alert(1)</script>")

    assert response.status_code == 400


def test_media_url_reaches_staff_as_a_link_and_is_not_fetched(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", media_url="https://bilder.example.org/loch.jpg")

    report = Report.objects.get(pk=parse_json(response)[0]["service_request_id"])
    assert "https://bilder.example.org/loch.jpg" in report.description
    assert not report.photos.exists()


def test_posting_notes_when_the_key_was_last_used(api, api_key, pothole):
    post_pothole(api, api_key, "json")

    assert Open311Client.objects.get().last_used_at is not None


def test_posts_beyond_the_rate_limit_are_refused_with_429(api, api_key, pothole, settings):
    settings.RATHAUS_OPEN311_POST_RATE_PER_IP = "2/m"

    statuses = [post_pothole(api, api_key, "json").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2


def test_other_methods_are_refused_with_405_in_the_requested_format(api, pothole):
    response = api.delete(f"{BASE}services.json")

    assert response.status_code == 405
    assert parse_json(response)[0]["code"] == 405


# GET requests ------------------------------------------------------------------------------------


def test_request_list_in_xml_has_the_specifications_elements(api, pothole):
    report = make_report(pothole)

    root = parse_xml(api.get(f"{BASE}requests.xml"))

    assert root.tag == "service_requests"
    request = root.find("request")
    assert child_names(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == str(report.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "strassenschaden"
    assert request.findtext("service_name") == "Straßenschaden"
    assert request.findtext("description") == "Schlagloch auf der Fahrbahn."
    assert request.findtext("agency_responsible") == "Tiefbauamt"
    assert request.findtext("lat") == "48.7406"
    assert request.findtext("long") == "9.3063"
    assert request.findtext("address") == "Ritterstraße 14, 73728 Esslingen am Neckar"
    requested = request.findtext("requested_datetime")
    assert requested[10] == "T"
    assert requested[-6] in "+-"
    assert request.findtext("expected_datetime")


def test_request_list_in_json_has_the_specifications_fields(api, pothole):
    make_report(pothole)

    requests = parse_json(api.get(f"{BASE}requests.json"))

    assert [list(request) for request in requests] == [REQUEST_FIELDS]
    assert requests[0]["lat"] == 48.7406
    assert requests[0]["long"] == 9.3063
    assert requests[0]["zipcode"] is None


@pytest.mark.parametrize(
    ("status", "expected", "fields", "note"),
    [
        (Report.Status.DONE, "closed", {}, "erledigt"),
        (
            Report.Status.DONE_WITHOUT_ACTION,
            "closed",
            {"closing_reason": "Der Weg gehört dem Land."},
            "Der Weg gehört dem Land.",
        ),
        (Report.Status.FORWARDED, "closed", {"forwarded_to": "Regierungspräsidium Stuttgart"}, "Regierungspräsidium"),
        (Report.Status.CHECKING, "open", {}, "in Prüfung"),
        (Report.Status.REOPENED, "open", {}, "wieder eröffnet"),
    ],
)
def test_our_statuses_map_to_open_or_closed_with_status_notes(api, pothole, status, expected, fields, note):
    make_report(pothole, status=status, closed_at=timezone.now() if expected == "closed" else None, **fields)

    request = parse_json(api.get(f"{BASE}requests.json"))[0]

    assert request["status"] == expected
    assert note in request["status_notes"]
    if expected == "closed":
        assert request["expected_datetime"] is None


def test_public_status_note_is_shown_but_internal_note_is_not(api, pothole):
    report = make_report(pothole, status=Report.Status.PLANNED, planned_for=timezone.localdate() + timedelta(days=7))
    ReportUpdate.objects.create(report=report, kind=ReportUpdate.Kind.PUBLIC_NOTE, public=True, text="Bauhof kommt.")
    ReportUpdate.objects.create(report=report, kind=ReportUpdate.Kind.INTERNAL_NOTE, text="Kollege krank.")

    request = parse_json(api.get(f"{BASE}requests.json"))[0]

    assert "Bauhof kommt." in request["status_notes"]
    assert "geplant" in request["status_notes"]
    assert "krank" not in json.dumps(request)


def test_request_list_filters_by_ids_overriding_everything_else(api, pothole, lamp):
    first, second = make_report(pothole), make_report(lamp)
    make_report(pothole)

    requests = parse_json(
        api.get(f"{BASE}requests.json", {"service_request_id": f"{first.pk}, {second.pk}, kaputt", "status": "closed"})
    )

    assert {request["service_request_id"] for request in requests} == {str(first.pk), str(second.pk)}


def test_request_list_filters_by_service_code_and_status(api, pothole, lamp):
    open_pothole = make_report(pothole)
    make_report(pothole, status=Report.Status.DONE)
    make_report(lamp)

    requests = parse_json(api.get(f"{BASE}requests.json", {"service_code": "strassenschaden", "status": "open"}))

    assert [request["service_request_id"] for request in requests] == [str(open_pothole.pk)]


def test_request_list_filters_by_dates_and_defaults_to_the_last_90_days(api, pothole):
    now = timezone.now()
    recent = make_report(pothole, created_at=now - timedelta(days=10))
    older = make_report(pothole, created_at=now - timedelta(days=100))

    default = parse_json(api.get(f"{BASE}requests.json"))
    window = parse_json(
        api.get(
            f"{BASE}requests.json",
            {
                "start_date": (now - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end_date": (now - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
    )

    assert [request["service_request_id"] for request in default] == [str(recent.pk)]
    assert [request["service_request_id"] for request in window] == [str(older.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "gestern"},
        {"status": "kaputt"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unreadable_filters_are_refused_with_400(api, pothole, params, fmt):
    response = api.get(f"{BASE}requests.{fmt}", params)

    assert response.status_code == 400
    if fmt == "xml":
        assert parse_xml(response).tag == "errors"
    else:
        assert parse_json(response)[0]["code"] == 400


@pytest.mark.parametrize(
    "params",
    [
        {"end_date": "0001-01-01"},
        {"start_date": "9999-12-31"},
        {"start_date": "0001-01-01"},
        {"end_date": "9999-12-31T23:59:59-05:00"},
        {"start_date": "2026-11-20T08:29:34+20:26"},
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_times_at_the_ends_of_the_calendar_or_beyond_any_time_zone_are_refused_with_400(api, pothole, params, fmt):
    response = api.get(f"{BASE}requests.{fmt}", params)

    assert response.status_code == 400
    name = next(iter(params))
    description = (
        parse_xml(response).findtext("error/description") if fmt == "xml" else parse_json(response)[0]["description"]
    )
    assert description.startswith(f"{name} muss zwischen den Jahren 1900 und 2999 liegen")


def test_a_time_with_a_far_but_real_offset_finds_the_reports_of_its_moment(api, pothole):
    report = make_report(pothole)
    moment = report.created_at
    # UTC+14 (Kiribati) is the furthest offset in use: the same instant written 14 hours ahead.
    far_east = timezone.localtime(moment, timezone=timezone.get_fixed_timezone(14 * 60))

    found = parse_json(
        api.get(
            f"{BASE}requests.json",
            {
                "start_date": (far_east - timedelta(minutes=1)).isoformat(timespec="seconds"),
                "end_date": (far_east + timedelta(minutes=1)).isoformat(timespec="seconds"),
            },
        )
    )

    assert [request["service_request_id"] for request in found] == [str(report.pk)]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "services/a\x00b.json", {}),
        ("get", "services/a\x01b.xml", {}),
        ("get", "services/a\ufffeb.xml", {}),
        ("get", "tokens/a\x00b.json", {}),
        ("get", "requests/a\x01b.xml", {}),
        ("get", "requests.json", {"service_code": "a\x00b"}),
        ("get", "requests.xml", {"status": "open\x02"}),
    ],
)
def test_control_characters_in_a_read_are_refused_with_400_in_the_requested_format(api, pothole, method, path, data):
    response = getattr(api, method)(f"{BASE}{path}", data)

    assert response.status_code == 400
    if path.split("?")[0].endswith(".xml"):
        assert "Steuerzeichen" in parse_xml(response).findtext("error/description")
    else:
        assert "Steuerzeichen" in parse_json(response)[0]["description"]


@pytest.mark.parametrize("field", ["description", "service_code", "address_string", "first_name", "phone", "email"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_post_with_a_control_character_is_refused_with_400_and_stores_nothing(api, api_key, pothole, field, fmt):
    response = post_pothole(api, api_key, fmt, **{field: "Loch\x00 in der Fahrbahn\x0b"})

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_tabs_and_line_breaks_in_a_description_are_kept(api, api_key, pothole):
    response = post_pothole(api, api_key, "json", description="Zwei Löcher:\r\n\t- vor Nr. 4\n\t- vor Nr. 6")

    assert response.status_code == 200
    assert Report.objects.get().description.startswith("Zwei Löcher:")


def test_a_report_whose_text_holds_a_control_character_is_still_listed_in_xml(api, pothole):
    """The portal's own forms let a vertical tab or a form feed through; XML cannot carry them."""
    report = make_report(pothole, public_description="Schlagloch\x0bauf der\x0cFahrbahn")

    root = parse_xml(api.get(f"{BASE}requests/{report.pk}.xml"))

    assert root.findtext("request/description") == "Schlaglochauf derFahrbahn"


def test_an_e_mail_address_longer_than_a_report_stores_is_refused_with_400(api, api_key, pothole):
    address = f"{'a' * 64}@{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 10}.de"
    assert 254 < len(address) <= 320

    response = post_pothole(api, api_key, "json", email=address)

    assert response.status_code == 400
    assert parse_json(response)[0]["description"] == "email darf höchstens 254 Zeichen lang sein."
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_body_that_cannot_be_read_is_refused_with_400_in_the_requested_format(api, api_key, pothole, fmt):
    response = api.generic("POST", f"{BASE}requests.{fmt}", b"api_key=x", content_type="multipart/form-data")

    assert response.status_code == 400
    description = (
        parse_xml(response).findtext("error/description") if fmt == "xml" else parse_json(response)[0]["description"]
    )
    assert "nicht lesbar" in description


def test_request_list_returns_at_most_1000_requests(api, pothole):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            municipality=pothole.municipality,
            category=pothole,
            office=pothole.office,
            description="Loch",
            lat=48.74,
            lon=9.30,
            confirmed_at=now,
            created_at=now - timedelta(minutes=minute),
            token=uuid.uuid4().hex,
        )
        for minute in range(1001)
    )

    assert len(parse_json(api.get(f"{BASE}requests.json"))) == 1000


def test_unconfirmed_hidden_and_foreign_reports_are_not_listed(api, pothole, musterhausen, musterhausen_office):
    shown = make_report(pothole)
    make_report(pothole, confirmed=False)
    make_report(pothole, is_public=False)
    foreign_category = Category.objects.create(
        municipality=musterhausen, service_code="strassenschaden", name="Straßenschaden", office=musterhausen_office
    )
    make_report(foreign_category, municipality=musterhausen)

    requests = parse_json(api.get(f"{BASE}requests.json"))

    assert [request["service_request_id"] for request in requests] == [str(shown.pk)]


def test_no_get_answer_reveals_reporter_data(api, api_key, pothole):
    posted = parse_json(post_pothole(api, api_key, "json"))[0]["service_request_id"]
    report = make_report(pothole)
    Report.objects.filter(pk=posted).update(public_description="Schlagloch")
    urls = [
        f"{BASE}requests.xml",
        f"{BASE}requests.json",
        f"{BASE}requests/{posted}.xml",
        f"{BASE}requests/{posted}.json",
        f"{BASE}requests/{report.pk}.xml",
        f"{BASE}requests/{report.pk}.json",
        f"{BASE}tokens/{report.token}.xml",
        f"{BASE}tokens/{report.token}.json",
        f"{BASE}services.xml",
        f"{BASE}services/strassenschaden.json",
        f"{BASE}discovery.xml",
    ]

    bodies = [api.get(url) for url in urls]

    assert all(response.status_code == 200 for response in bodies)
    text = " ".join(response.content.decode() for response in bodies)
    assert str(posted) in text
    for secret in [
        "melder@example.org",
        "Jonas",
        "Melder",
        "0711 987654",
        "hanna.beispiel@example.org",
        "Hanna",
        "0711 123456",
        "Herr Beispiel",
        "Radfahrer weichen",
    ]:
        assert secret not in text


# GET requests/{id} and tokens/{token} ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_single_request_is_a_list_of_one_with_the_specifications_fields(api, pothole, fmt):
    report = make_report(pothole)

    response = api.get(f"{BASE}requests/{report.pk}.{fmt}")

    assert response.status_code == 200
    if fmt == "xml":
        root = parse_xml(response)
        assert root.tag == "service_requests"
        assert [child_names(request) for request in root.findall("request")] == [REQUEST_FIELDS]
    else:
        assert [list(request) for request in parse_json(response)] == [REQUEST_FIELDS]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("identifier", ["00000000-0000-0000-0000-000000000000", "kein-id"])
def test_unknown_request_answers_404_with_errors(api, pothole, fmt, identifier):
    response = api.get(f"{BASE}requests/{identifier}.{fmt}")

    assert response.status_code == 404
    if fmt == "xml":
        assert parse_xml(response).findtext("error/code") == "404"
    else:
        assert parse_json(response)[0]["code"] == 404


def test_request_of_another_municipality_is_not_found_here(pothole, musterhausen, musterhausen_office):
    foreign = make_report(
        Category.objects.create(municipality=musterhausen, service_code="x", name="X", office=musterhausen_office),
        municipality=musterhausen,
    )

    assert client_for(ESSLINGEN_HOST).get(f"{BASE}requests/{foreign.pk}.json").status_code == 404
    assert client_for(MUSTERHAUSEN_HOST).get(f"{BASE}requests/{foreign.pk}.json").status_code == 200


def test_token_in_xml_gives_the_service_request_id(api, pothole):
    report = make_report(pothole)

    root = parse_xml(api.get(f"{BASE}tokens/{report.token}.xml"))

    assert root.tag == "service_requests"
    assert child_names(root.find("request")) == ["service_request_id", "token"]
    assert root.findtext("request/service_request_id") == str(report.pk)
    assert root.findtext("request/token") == report.token


def test_token_in_json_gives_the_service_request_id(api, pothole):
    report = make_report(pothole)

    assert parse_json(api.get(f"{BASE}tokens/{report.token}.json")) == [
        {"service_request_id": str(report.pk), "token": report.token}
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_token_answers_404(api, pothole, fmt):
    assert api.get(f"{BASE}tokens/unbekannt.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_tokens_of_unconfirmed_or_hidden_reports_answer_404_like_their_requests(api, pothole, fmt):
    for report in (make_report(pothole, confirmed=False), make_report(pothole, is_public=False)):
        assert api.get(f"{BASE}requests/{report.pk}.{fmt}").status_code == 404
        response = api.get(f"{BASE}tokens/{report.token}.{fmt}")
        assert response.status_code == 404
        assert str(report.pk) not in response.content.decode()


def test_requests_show_only_the_location_staff_checked(api, pothole):
    checked = make_report(pothole)
    unchecked = make_report(pothole, public_location="")

    for fmt in ("xml", "json"):
        answer = api.get(f"{BASE}requests.{fmt}").content.decode()
        assert "Beispiel" not in answer
        assert "roten Auto" not in answer
    by_id = {request["service_request_id"]: request for request in parse_json(api.get(f"{BASE}requests.json"))}
    assert by_id[str(checked.pk)]["address"] == "Ritterstraße 14, 73728 Esslingen am Neckar"
    assert by_id[str(unchecked.pk)]["address"] is None


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_jurisdiction_id_changes_nothing_on_get_and_post(api, api_key, pothole, fmt):
    report = make_report(pothole)
    jurisdiction = {"jurisdiction_id": "esslingen.de"}

    assert api.get(f"{BASE}services.{fmt}", jurisdiction).status_code == 200
    assert api.get(f"{BASE}services/strassenschaden.{fmt}", jurisdiction).status_code == 200
    assert api.get(f"{BASE}requests/{report.pk}.{fmt}", jurisdiction).status_code == 200
    assert api.get(f"{BASE}tokens/{report.token}.{fmt}", jurisdiction).status_code == 200
    listed = api.get(f"{BASE}requests.{fmt}", jurisdiction)
    assert listed.status_code == 200
    assert str(report.pk) in listed.content.decode()
    posted = post_pothole(api, api_key, fmt=fmt, jurisdiction_id="esslingen.de")
    assert posted.status_code == 200, posted.content.decode()
    assert Report.objects.filter(source="open311").count() == 1


def test_a_date_only_end_date_includes_that_whole_day(api, pothole):
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=3)
    evening = timezone.make_aware(datetime.combine(day, time(22, 30)))
    late = make_report(pothole, created_at=evening)
    make_report(pothole, created_at=evening + timedelta(days=1))

    requests = parse_json(
        api.get(
            f"{BASE}requests.json",
            {"start_date": (day - timedelta(days=1)).isoformat(), "end_date": day.isoformat()},
        )
    )

    assert [request["service_request_id"] for request in requests] == [str(late.pk)]


# Discovery and formats ---------------------------------------------------------------------------


def test_discovery_in_xml_names_the_endpoint_and_its_formats(api, pothole):
    root = parse_xml(api.get(f"{BASE}discovery.xml"))

    assert root.tag == "discovery"
    assert child_names(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == f"http://{ESSLINGEN_HOST}/open311/v2/"
    assert [element.text for element in endpoint.find("formats")] == ["text/xml", "application/json"]


def test_discovery_in_json(api):
    discovery = parse_json(api.get(f"{BASE}discovery.json"))

    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert discovery["endpoints"][0]["type"] == "production"


@pytest.mark.parametrize("path", ["services.html", "services.csv", "services", "requests/abc.yaml", "gibt-es-nicht"])
def test_unknown_format_or_resource_answers_404_with_errors(api, pothole, path):
    response = api.get(f"{BASE}{path}")

    assert response.status_code == 404
    assert parse_xml(response).findtext("error/code") == "404"


def test_media_url_points_to_the_first_photo_staff_did_not_hide(api, pothole):
    from rathaus.reports.models import ReportPhoto

    report = make_report(pothole)
    ReportPhoto.objects.create(report=report, image="reports/photos/verborgen.jpg", hidden=True, order=0)
    shown = ReportPhoto.objects.create(report=report, image="reports/photos/loch.jpg", order=1)
    without_photo = make_report(pothole, created_at=timezone.now() - timedelta(days=1))

    requests = {request["service_request_id"]: request for request in parse_json(api.get(f"{BASE}requests.json"))}

    assert requests[str(report.pk)]["media_url"] == (
        f"http://{ESSLINGEN_HOST}/maengelmelder/meldungen/{report.pk}/fotos/{shown.pk}/"
    )
    assert requests[str(without_photo.pk)]["media_url"] is None
