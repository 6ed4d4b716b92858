"""A municipality administrator issues an Open311 API key, an app reports with it, and the key is revoked;
axe-core checks every page of the key administration, the form with errors included."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.municipalities.tests.factories import OrganisationalUnitFactory
from rathaus.reports.models import Category, Open311Client, Report

from .conftest import assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password, main_button

pytestmark = pytest.mark.browser


def test_administrator_issues_a_key_an_app_reports_with_it_and_the_key_is_revoked(
    page: Page, base_url: str, esslingen_live
):
    office = OrganisationalUnitFactory(municipality=esslingen_live, slug="tiefbauamt", name="Tiefbauamt")
    Category.objects.create(
        municipality=esslingen_live, service_code="strassenbeleuchtung", name="Straßenbeleuchtung", office=office
    )
    admin = _staff("it@esslingen.example.org", esslingen_live, StaffMembership.Role.MUNICIPALITY_ADMIN)
    log_in_with_password(page, base_url, admin.email, PASSWORD, check_accessibility=False)
    enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))

    page.goto(base_url + "/verwaltung/open311/")
    expect(page.locator("main h1")).to_have_text("Open311-Zugänge")
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Zugang einrichten").click()
    assert_accessible(page)
    main_button(page, "Schlüssel erzeugen").click()
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    assert_accessible(page)
    page.get_by_label("Name der Anwendung").fill("Mängel-App Neckar")
    main_button(page, "Schlüssel erzeugen").click()
    expect(page.locator("main h1")).to_have_text("Schlüssel erzeugt")
    assert_accessible(page)
    api_key = page.locator("main dd code").first.inner_text()

    answer = page.request.post(
        base_url + "/open311/v2/requests.json",
        form={"api_key": api_key, "service_code": "strassenbeleuchtung", "address_string": "Pliensaustraße 8"},
    )
    assert answer.status == 200
    assert Report.objects.get().api_client.name == "Mängel-App Neckar"

    page.goto(base_url + "/verwaltung/open311/")
    expect(page.locator("main")).to_contain_text("Mängel-App Neckar")
    page.locator("main").get_by_role("button", name=re.compile("^Sperren")).click()
    expect(page.locator("main")).to_contain_text("gesperrt")
    assert_accessible(page)
    assert not Open311Client.objects.get().is_active
    refused = page.request.post(
        base_url + "/open311/v2/requests.json",
        form={"api_key": api_key, "service_code": "strassenbeleuchtung", "address_string": "Pliensaustraße 8"},
    )
    assert refused.status == 403
