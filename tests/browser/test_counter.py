"""The counter loop in real browsers (issue 6, acceptance 4): a clerk chooses a counter, hands a walk-in a
ticket, calls the next person; the waiting-room display picks the call up by polling (no reload) and keeps
its content through a network blip; the clerk serves the person, and the office lead finds the visit in
the statistics. axe-core checks every page.
"""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import _staff
from rathaus.accounts.models import StaffMembership
from rathaus.visits import services
from rathaus.visits.models import Visit
from rathaus.visits.tests.factories import AppointmentServiceFactory, CounterFactory, LocationFactory

from .conftest import DEFAULT_TIMEOUT_MS, assert_accessible
from .test_account_journeys import main_button
from .test_case_loop import _staff_login

pytestmark = pytest.mark.browser

# The display polls every 3 seconds; give it two rounds and a slow CI machine.
POLL_TIMEOUT_MS = 10_000


@pytest.fixture
def counter_world(esslingen_live, citizens_office_live):
    location = LocationFactory(
        municipality=esslingen_live,
        unit=citizens_office_live,
        slug="buergerbuero-mitte",
        name="Bürgerbüro Esslingen-Mitte",
    )
    id_card = AppointmentServiceFactory(municipality=esslingen_live, service__name="Personalausweis beantragen")
    passport = AppointmentServiceFactory(municipality=esslingen_live, service__name="Reisepass beantragen")
    CounterFactory(location=location, name="Schalter 1", position=1, services=[id_card, passport])
    CounterFactory(location=location, name="Schalter 2", position=2, services=[id_card])
    clerk = _staff("schalter@esslingen.example.org", esslingen_live, StaffMembership.Role.CLERK, [citizens_office_live])
    lead = _staff(
        "leitung@esslingen.example.org", esslingen_live, StaffMembership.Role.OFFICE_LEAD, [citizens_office_live]
    )
    return {"location": location, "clerk": clerk, "lead": lead}


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def test_a_walk_in_goes_from_ticket_to_call_display_to_statistics(browser: Browser, base_url: str, counter_world):
    screen = _context(browser).new_page()
    clerk = _context(browser).new_page()

    csp_errors: list[str] = []
    screen.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )

    # The waiting-room screen is public and starts empty.
    screen.goto(base_url + "/aufruf/buergerbuero-mitte/")
    expect(screen.locator("#aufruf-inhalt")).to_contain_text("Noch kein Aufruf.")
    assert_accessible(screen)
    screen.evaluate("() => { window.keinNeuladen = true; }")

    # The clerk says where they work.
    _staff_login(clerk, base_url, counter_world["clerk"].email)
    clerk.goto(base_url + "/verwaltung/schalter/")
    assert_accessible(clerk)
    clerk.get_by_label("Bürgerbüro Esslingen-Mitte: Schalter 1").check()
    main_button(clerk, "Schalter übernehmen").click()
    expect(clerk.locator("main h1")).to_have_text("Bürgerbüro Esslingen-Mitte")
    assert_accessible(clerk)

    # A walk-in gets a ticket.
    clerk.get_by_role("link", name="Wartenummer für Spontankunden ziehen").click()
    assert_accessible(clerk)
    clerk.get_by_label("Personalausweis beantragen").check()
    main_button(clerk, "Wartenummer ausgeben").click()
    expect(clerk.locator(".visits-ticket__number")).to_have_text("W 001")
    expect(clerk.locator("#wartezeit")).to_contain_text("gleich an der Reihe")
    assert_accessible(clerk)

    # The clerk calls the next person; the screen shows it without reloading.
    clerk.get_by_role("link", name="Zurück zur Tagesansicht").click()
    expect(clerk.locator("#warteliste")).to_contain_text("W 001")
    main_button(clerk, "Nächste Person aufrufen").click()
    expect(clerk.locator(".visits-current")).to_contain_text("W 001")
    assert_accessible(clerk)
    newest = screen.locator(".visits-display__call--newest")
    expect(newest).to_contain_text("W 001", timeout=POLL_TIMEOUT_MS)
    expect(newest).to_contain_text("Schalter 1")
    expect(screen.locator("#ansage")).to_have_text("W 001 bitte zu Schalter 1")
    assert screen.evaluate("() => window.keinNeuladen === true"), "the display reloaded the whole page"
    assert_accessible(screen)

    # A network blip: the screen keeps the call and says it is reconnecting, then recovers.
    screen.route(re.compile(r".*/inhalt/$"), lambda route: route.abort())
    expect(screen.locator("#verbindung")).to_be_visible(timeout=POLL_TIMEOUT_MS)
    expect(newest).to_contain_text("W 001")
    screen.unroute(re.compile(r".*/inhalt/$"))
    expect(screen.locator("#verbindung")).to_be_hidden(timeout=POLL_TIMEOUT_MS)

    # The person is served.
    main_button(clerk, "Bedienung beginnen").click()
    main_button(clerk, "Besuch abschließen").click()
    expect(clerk.locator(".kern-alert, .rathaus-messages").first).to_contain_text("abgeschlossen")
    assert Visit.objects.get().state == Visit.State.FINISHED
    expect(screen.locator("#aufruf-inhalt")).to_contain_text("Noch kein Aufruf.", timeout=POLL_TIMEOUT_MS)

    # The office lead sees it counted.
    lead = _context(browser).new_page()
    _staff_login(lead, base_url, counter_world["lead"].email)
    lead.goto(base_url + "/verwaltung/schalter/auswertung/")
    row = lead.locator("#tabelle-zeiten tbody tr").first
    expect(row).to_contain_text("Personalausweis beantragen")
    expect(row.locator("td").nth(1)).to_have_text("1")
    assert_accessible(lead)
    assert csp_errors == []


def test_the_call_display_works_without_javascript(javascript_disabled_page: Page, base_url: str, counter_world):

    location = counter_world["location"]
    counter = location.counters.get(name="Schalter 2")
    services.visit_walk_in(location=location, services=list(counter.services.all()))
    services.visit_call_next(counter=counter, staff=counter_world["clerk"])

    javascript_disabled_page.goto(base_url + "/aufruf/buergerbuero-mitte/")

    expect(javascript_disabled_page.locator(".visits-display__call--newest")).to_contain_text("W 001")
    # The sound needs JavaScript, so its button stays hidden; the page reloads itself instead.
    expect(javascript_disabled_page.locator("#ton")).to_be_hidden()
    assert javascript_disabled_page.locator("noscript").count() == 1
