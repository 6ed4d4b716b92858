from datetime import datetime

from django.urls import reverse

from conftest import ESSLINGEN_HOST, client_for
from rathaus.municipalities.selectors import unit_opening_days


def test_office_page_shows_address_contact_and_opening_hours(citizens_office):
    response = client_for(ESSLINGEN_HOST).get(reverse("municipalities:unit_detail", args=[citizens_office.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert citizens_office.street in body
    assert "08:00–12:00 Uhr" in body


def test_todays_opening_hours_are_marked(citizens_office):
    wednesday = datetime(2026, 11, 25, 9, 0)

    days = unit_opening_days(unit=citizens_office, today=wednesday)

    assert [day["label"] for day in days if day["is_today"]] == ["Mittwoch"]
    assert len(days) == 7


def test_unknown_office_is_not_found(esslingen):
    assert client_for(ESSLINGEN_HOST).get("/aemter/gibt-es-nicht/").status_code == 404


def test_office_lead_updates_the_contact_data_of_the_own_office(office_lead, citizens_office):
    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("municipalities:staff_unit_edit", args=[citizens_office.slug]),
        {
            "street": "Beblinger Straße 3",
            "postal_code": "73728",
            "city": "Esslingen am Neckar",
            "phone": "+49 711 3512-0",
        },
    )

    citizens_office.refresh_from_db()
    assert response.status_code == 302
    assert citizens_office.street == "Beblinger Straße 3"


def test_invalid_postal_code_is_refused_with_a_german_message_and_nothing_changes(office_lead, citizens_office):
    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("municipalities:staff_unit_edit", args=[citizens_office.slug]),
        {"street": "Neue Straße 1", "postal_code": "7372", "city": "Esslingen am Neckar"},
    )

    citizens_office.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 400
    assert "Eine Postleitzahl hat genau 5 Ziffern." in body
    assert "<title>Fehler:" in body
    assert citizens_office.street != "Neue Straße 1"
