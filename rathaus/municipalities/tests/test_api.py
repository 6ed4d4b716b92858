import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for


def test_municipality_endpoint_describes_the_host_municipality(esslingen, musterhausen):
    data = client_for(MUSTERHAUSEN_HOST).get(reverse("api:municipality")).json()

    assert data["slug"] == "musterhausen"
    assert data["ars"] == "089990000001"


def test_office_list_holds_only_this_municipalitys_offices(citizens_office, musterhausen_office):
    data = client_for(ESSLINGEN_HOST).get(reverse("api:office-list")).json()

    slugs = [office["slug"] for office in data["results"]]
    assert slugs == [citizens_office.slug]
    assert data["results"][0]["opening_hours"][0] == {"weekday": 0, "opens": "08:00:00", "closes": "12:00:00"}


def test_office_of_another_municipality_is_not_found(musterhausen_office, esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("api:office-detail", args=[musterhausen_office.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_catalogue_of_offices_refuses_writes(method, citizens_office, municipality_admin):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    detail = reverse("api:office-detail", args=[citizens_office.slug])

    response = getattr(client, method)(detail, {"name": "Umbenannt"}, content_type="application/json")

    citizens_office.refresh_from_db()
    assert response.status_code in (403, 405)
    assert citizens_office.name != "Umbenannt"


def test_api_root_lists_the_endpoints(esslingen):
    data = client_for(ESSLINGEN_HOST).get(reverse("api:root"), HTTP_ACCEPT="application/json").json()

    assert {
        "municipality",
        "offices",
        "schema",
        "documentation",
        "services",
        "life_situations",
        "search",
        "form_definition_schema",
    } == set(data)
