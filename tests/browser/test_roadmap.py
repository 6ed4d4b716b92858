"""Figures and roadmap in a real browser: the management dashboard, the ranking with a what-if, the
timeline, and the public pages "Rathaus in Zahlen" and "Roadmap", with axe-core on every page and the
public pages once more without JavaScript.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, TOTP_SECRET, _staff
from rathaus.accounts.models import StaffMembership
from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.roadmap.tests.factories import MilestoneFactory, ProjectFactory, RoadmapSettingsFactory

from .conftest import assert_accessible
from .test_account_journeys import current_totp_code, enter_second_factor, log_in_with_password

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "verwaltung@esslingen.example.org"


@pytest.fixture
def roadmap_world(esslingen_live, citizens_office_live):
    service = ServiceFactory(municipality=esslingen_live, slug="fundsache", name="Fundsache melden")
    case_type = CaseTypeFactory(municipality=esslingen_live, service=service, responsible_unit=citizens_office_live)
    for channel in [Case.Channel.COUNTER] * 6 + [Case.Channel.ONLINE, Case.Channel.LETTER]:
        CaseFactory(case_type=case_type, channel=channel)
    RoadmapSettingsFactory(municipality=esslingen_live, capacity_days=40, public_roadmap=True)
    account = ProjectFactory(municipality=esslingen_live, title="Bürgerkonto mit BundID", expected_volume=100, risk=1)
    trade = ProjectFactory(
        municipality=esslingen_live, title="Gewerbeanmeldung online", expected_volume=900, minutes_saved_per_case=15
    )
    trade.dependencies.add(account)
    MilestoneFactory(project=trade, title="Pilot im Ordnungsamt", week=3)
    _staff(ADMIN_EMAIL, esslingen_live, StaffMembership.Role.MUNICIPALITY_ADMIN, [citizens_office_live])
    return {"service": service, "trade": trade}


def test_staff_see_figures_ranking_what_if_and_timeline_accessibly(page: Page, base_url, roadmap_world):
    log_in_with_password(page, base_url, ADMIN_EMAIL, PASSWORD, check_accessibility=False)
    enter_second_factor(page, base_url, current_totp_code(TOTP_SECRET))

    page.goto(base_url + "/verwaltung/kennzahlen/")
    expect(page.get_by_role("heading", name="Kennzahlen", exact=True)).to_be_visible()
    expect(page.locator("figure svg[role=img]")).to_have_count(1)
    expect(page.locator("#tabelle-anfragen")).to_be_visible()
    expect(page.locator("#tabelle-leistungen")).to_contain_text("Fundsache melden")
    assert_accessible(page)

    page.goto(base_url + "/verwaltung/roadmap/")
    rows = page.locator("#rangfolge tbody tr")
    expect(rows.first).to_contain_text("Gewerbeanmeldung online")
    expect(page.get_by_text("Fundsache melden: 7 Anliegen auf Papier oder persönlich")).to_be_visible()
    assert_accessible(page)

    # What-if: only risk counts, and the low-risk project moves up without anything being saved.
    for name, value in [("benefit", "0"), ("hours", "0"), ("legal", "0"), ("effort", "0"), ("risk", "10")]:
        page.locator(f"#id_weight_{name}").fill(value)
    page.get_by_role("button", name="Rangfolge neu berechnen").click()
    expect(rows.first).to_contain_text("Bürgerkonto mit BundID")
    expect(page.get_by_text("Vorschau mit geänderten Gewichten")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Gewichte speichern").click()
    expect(page.get_by_text("Die Gewichte sind gespeichert.")).to_be_visible()
    expect(rows.first).to_contain_text("Bürgerkonto mit BundID")

    page.goto(base_url + "/verwaltung/roadmap/zeitplan/")
    expect(page.locator("svg polygon title")).to_have_text(["Meilenstein „Pilot im Ordnungsamt“: 22.04.2027"])
    expect(page.locator("#tabelle-zeitplan")).to_contain_text("Gewerbeanmeldung online")
    assert_accessible(page)

    page.goto(base_url + f"/verwaltung/roadmap/projekte/{roadmap_world['trade'].pk}/")
    expect(
        page.get_by_text("Eingesparte Arbeitszeit: 900 Fälle × 15 Minuten ÷ 60 = 225,0 Stunden je Jahr")
    ).to_be_visible()
    assert_accessible(page)

    # Phases: one added, one too large refused with the error in the title, then drawn in the timeline.
    page.locator("#id_phase-title").fill("Konzeption")
    page.locator("#id_phase-effort_percent").fill("40")
    page.get_by_role("button", name="Phase hinzufügen").click()
    expect(page.get_by_text("Konzeption: 40 % des Aufwands")).to_be_visible()
    page.locator("#id_phase-title").fill("Umsetzung")
    page.locator("#id_phase-effort_percent").fill("70")
    page.get_by_role("button", name="Phase hinzufügen").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Gewerbeanmeldung online"))
    assert_accessible(page)
    page.goto(base_url + "/verwaltung/roadmap/zeitplan/")
    expect(page.locator("svg rect title").filter(has_text="Phase „Konzeption“")).to_have_count(1)
    expect(page.locator("#tabelle-zeitplan")).to_contain_text("Gewerbeanmeldung online – Phase: Konzeption (40 %)")


def test_public_figures_and_roadmap_are_accessible(page: Page, base_url, roadmap_world):
    page.goto(base_url + "/rathaus-in-zahlen/")
    expect(page.get_by_role("heading", name="Rathaus in Zahlen", exact=True)).to_be_visible()
    expect(page.locator("#tabelle-anfragen")).to_contain_text("weniger als 5")
    assert_accessible(page)

    page.goto(base_url + "/roadmap/")
    expect(page.get_by_role("heading", name="Gewerbeanmeldung online")).to_be_visible()
    assert_accessible(page)


def test_public_pages_work_without_javascript(javascript_disabled_page: Page, base_url, roadmap_world):
    page = javascript_disabled_page
    page.goto(base_url + "/rathaus-in-zahlen/")
    page.locator("#id_months").select_option("3")
    page.locator("#id_service").select_option(label="Fundsache melden")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(f"{base_url}/rathaus-in-zahlen/?months=3&service={roadmap_world['service'].pk}")
    expect(page.locator("main")).to_contain_text("Nur die Leistung „Fundsache melden“.")
    expect(page.locator("#tabelle-ueberblick")).to_contain_text("8")

    page.goto(base_url + "/roadmap/")
    expect(page.locator("svg rect title").first).to_contain_text("Q1/2027")
    expect(page.locator("#tabelle-zeitplan")).to_contain_text("Pilot im Ordnungsamt")
