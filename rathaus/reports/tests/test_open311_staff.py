"""The staff pages where municipality administrators issue and revoke Open311 API keys."""

import pytest
from django.urls import reverse

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.audit.models import AuditEntry
from rathaus.reports.models import Open311Client
from rathaus.reports.open311.selectors import open311_client_for_key
from rathaus.reports.open311.services import open311_client_create
from rathaus.reports.tests.refusals_open311 import STAFF_VIEWS


def test_administrator_issues_a_key_that_is_shown_once_and_stored_only_as_hash(esslingen, municipality_admin):
    admin = client_for(ESSLINGEN_HOST, municipality_admin)

    response = admin.post(
        reverse("open311:staff_client_create"), {"name": "Mängel-App Neckar", "contact_email": "app@example.org"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    api_key = response.context["api_key"]
    assert api_key in response.content.decode()
    client = Open311Client.objects.get()
    assert client.name == "Mängel-App Neckar"
    assert client.created_by == municipality_admin
    assert client.api_key_hash == Open311Client.hash_api_key(api_key)
    assert api_key not in (client.api_key_hash, client.api_key_prefix)
    assert open311_client_for_key(municipality=esslingen, api_key=api_key) == client
    assert AuditEntry.objects.filter(action="open311_client_created", object_id=str(client.pk)).exists()
    listing = admin.get(reverse("open311:staff_client_list")).content.decode()
    assert "Mängel-App Neckar" in listing
    assert api_key not in listing


def test_key_form_without_a_name_is_answered_with_a_german_error(municipality_admin):
    response = client_for(ESSLINGEN_HOST, municipality_admin).post(reverse("open311:staff_client_create"), {"name": ""})

    assert response.status_code == 400
    assert "Fehler:" in response.content.decode()
    assert not Open311Client.objects.exists()


def test_administrator_revokes_a_key_and_the_api_refuses_it_afterwards(esslingen, municipality_admin):
    client, api_key = open311_client_create(municipality=esslingen, name="Alte App", actor=municipality_admin)

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        reverse("open311:staff_client_revoke", args=[client.pk])
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert not client.is_active
    assert open311_client_for_key(municipality=esslingen, api_key=api_key) is None
    assert AuditEntry.objects.filter(action="open311_client_revoked", object_id=str(client.pk)).exists()


def test_administrator_of_another_municipality_cannot_revoke_a_key_here(
    esslingen, municipality_admin, musterhausen, musterhausen_admin
):
    foreign, _key = open311_client_create(municipality=musterhausen, name="Musterhausen-App", actor=musterhausen_admin)

    response = client_for(ESSLINGEN_HOST, municipality_admin).post(
        reverse("open311:staff_client_revoke", args=[foreign.pk])
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_list_shows_only_this_municipalitys_clients(esslingen, municipality_admin, musterhausen, musterhausen_admin):
    open311_client_create(municipality=esslingen, name="Esslinger App", actor=municipality_admin)
    open311_client_create(municipality=musterhausen, name="Musterhausen-App", actor=musterhausen_admin)

    listing = client_for(MUSTERHAUSEN_HOST, musterhausen_admin).get(reverse("open311:staff_client_list"))

    assert "Musterhausen-App" in listing.content.decode()
    assert "Esslinger App" not in listing.content.decode()


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_office_lead_is_refused_on_every_key_page(url_name, office_lead, esslingen):
    args, _role = STAFF_VIEWS[url_name]

    browser = client_for(ESSLINGEN_HOST, office_lead)
    url = reverse(url_name, args=args)

    response = browser.get(url) if url_name.endswith("list") else browser.post(url, {"name": "Versuch"})

    assert response.status_code == 403
    assert not Open311Client.objects.exists()


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_citizen_is_refused_on_every_key_page(url_name, citizen, esslingen):
    args, _role = STAFF_VIEWS[url_name]

    browser = client_for(ESSLINGEN_HOST, citizen)
    url = reverse(url_name, args=args)

    response = browser.get(url) if url_name.endswith("list") else browser.post(url, {"name": "Versuch"})

    assert response.status_code == 403
    assert not Open311Client.objects.exists()


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_anonymous_visitor_is_sent_to_login_from_every_key_page(url_name, esslingen):
    args, _role = STAFF_VIEWS[url_name]

    response = client_for(ESSLINGEN_HOST).get(reverse(url_name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_administrator_of_another_municipality_is_refused_on_every_key_page(url_name, esslingen, musterhausen_admin):
    args, _role = STAFF_VIEWS[url_name]

    assert client_for(ESSLINGEN_HOST, musterhausen_admin).get(reverse(url_name, args=args)).status_code == 403


@pytest.mark.parametrize("url_name", STAFF_VIEWS)
def test_staff_without_second_factor_is_sent_to_set_it_up_from_every_key_page(url_name, staff_without_mfa):
    args, _role = STAFF_VIEWS[url_name]

    response = client_for(ESSLINGEN_HOST, staff_without_mfa).get(reverse(url_name, args=args))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
