"""One installation, many towns: staff of one municipality never see or change another's records."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, PASSWORD, client_for
from rathaus.municipalities import selectors
from rathaus.portal.models import AccessibilityFeedback
from rathaus.portal.services import accessibility_feedback_submit


@pytest.fixture
def musterhausen_feedback(musterhausen):
    return accessibility_feedback_submit(municipality=musterhausen, message="Kontrast im Kopf zu schwach")


@pytest.fixture
def esslingen_feedback(esslingen):
    return accessibility_feedback_submit(municipality=esslingen, message="Formular ohne Beschriftung")


def test_esslingen_admin_does_not_see_musterhausens_feedback_in_the_inbox(
    municipality_admin, esslingen_feedback, musterhausen_feedback
):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(
        reverse("portal:staff_feedback_list"), {"status": "alle"}
    )

    body = response.content.decode()
    assert "Formular ohne Beschriftung" in body
    assert "Kontrast im Kopf zu schwach" not in body


def test_esslingen_admin_cannot_open_musterhausens_feedback_by_its_id(municipality_admin, musterhausen_feedback):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(
        reverse("portal:staff_feedback_detail", args=[musterhausen_feedback.pk])
    )

    assert response.status_code == 404


def test_esslingen_admin_cannot_answer_musterhausens_feedback(municipality_admin, musterhausen_feedback):
    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        reverse("portal:staff_feedback_detail", args=[musterhausen_feedback.pk]), {"staff_note": "erledigt"}
    )

    musterhausen_feedback.refresh_from_db()
    assert response.status_code == 404
    assert musterhausen_feedback.status == AccessibilityFeedback.Status.OPEN
    assert musterhausen_feedback.staff_note == ""


def test_esslingen_admin_cannot_open_or_change_a_musterhausen_office(municipality_admin, musterhausen_office):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    url = reverse("municipalities:staff_unit_edit", args=[musterhausen_office.slug])

    assert client.get(url).status_code == 404
    response = client.post(url, {"street": "Gekapert 1", "postal_code": "73728", "city": "Esslingen"})

    musterhausen_office.refresh_from_db()
    assert response.status_code == 404
    assert musterhausen_office.street != "Gekapert 1"


def test_esslingen_admin_does_not_see_musterhausen_offices_in_the_list(municipality_admin, musterhausen_office):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("municipalities:staff_unit_list"))

    assert musterhausen_office.name not in response.content.decode()


def test_esslingen_admin_changes_only_esslingens_settings(municipality_admin, esslingen, musterhausen):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    form = client.get(reverse("municipalities:staff_settings")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(phone="+49 711 3512-1234", accessibility_statement_date="2026-11-24")

    response = client.post(reverse("municipalities:staff_settings"), data)

    esslingen.refresh_from_db()
    musterhausen.refresh_from_db()
    assert response.status_code == 302
    assert esslingen.phone == "+49 711 3512-1234"
    assert musterhausen.phone != "+49 711 3512-1234"


def test_selectors_return_only_the_given_municipalitys_offices(citizens_office, musterhausen_office, esslingen):
    units = list(selectors.unit_list(municipality=esslingen))

    assert citizens_office in units
    assert musterhausen_office not in units


def test_public_office_page_of_another_municipality_is_not_found_under_this_host(musterhausen_office, esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("municipalities:unit_detail", args=[musterhausen_office.slug]))

    assert response.status_code == 404


def test_citizen_account_works_in_every_municipality(citizen, esslingen, musterhausen):
    for host in (ESSLINGEN_HOST, MUSTERHAUSEN_HOST):
        client = client_for(host)
        response = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
        assert response.status_code == 302, host
        overview = client.get(reverse("accounts:overview"))
        assert overview.status_code == 200
        assert citizen.email in overview.content.decode()
