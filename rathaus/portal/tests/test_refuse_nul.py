"""A NUL character in an address is refused with 400 before a view hands it to the database.

PostgreSQL cannot hold NUL in text: a search or filter that passed ``%00`` on to a query was a
server error there. These tests run on both databases in CI; on PostgreSQL they failed before."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for


@pytest.mark.parametrize(
    "address",
    [
        "/maengelmelder/meldungen.geojson?kategorie=%00",
        "/maengelmelder/meldungen.geojson?stand=a%00b",
        "/leistungen/?q=%00",
        "/suche/?q=Pass%00",
    ],
)
def test_a_nul_in_the_query_of_a_public_page_is_refused_with_400(esslingen, address):
    response = client_for(ESSLINGEN_HOST).get(address)

    assert response.status_code == 400


def test_a_nul_in_the_query_of_a_staff_list_is_refused_with_400(esslingen, municipality_admin):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("catalogue:staff_service_list") + "?q=%00")

    assert response.status_code == 400


def test_a_nul_in_an_api_query_is_refused_with_a_german_json_detail(esslingen):
    response = client_for(ESSLINGEN_HOST).get("/api/v1/services/?q=%00")

    assert response.status_code == 400
    assert response.json() == {"detail": "Die Adresse enthält ein Nullzeichen, das hier nicht erlaubt ist."}


def test_open311_keeps_its_own_error_format_for_a_nul(esslingen):
    response = client_for(ESSLINGEN_HOST).get("/open311/v2/requests.json?service_code=a%00b")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()[0]["code"] == 400


def test_an_address_without_nul_is_served_as_before(esslingen):
    assert client_for(ESSLINGEN_HOST).get("/leistungen/?q=Pass%20").status_code == 200
