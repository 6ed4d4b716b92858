"""The office lead's dashboard: figures checked against known cases, refusals, CSV equal to the tables."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.accounts.models import StaffMembership
from rathaus.cases import workflow as flow
from rathaus.cases.dashboard import dashboard_figures, percentile
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday of ISO week 48, noon in Esslingen; in UTC so that "n days ago" is exactly n × 24 hours.
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def _case_type(municipality, unit, name):
    service = ServiceFactory(municipality=municipality, name=name)
    return CaseTypeFactory(municipality=municipality, service=service, responsible_unit=unit)


def _ago(days, now=NOW):
    return now - timedelta(days=days)


@pytest.fixture
def known_cases(esslingen, citizens_office, civil_works_office):
    """Cases of the Bürgeramt with known figures, and one case of the Tiefbauamt that must not count."""
    residence = _case_type(esslingen, citizens_office, "Meldebescheinigung")
    dog = _case_type(esslingen, citizens_office, "Hund anmelden")
    roadworks = _case_type(esslingen, civil_works_office, "Aufbruch einer Straße")
    # Finished within the last 365 days: 5, 10, 20 and 40 days (the last one closed without decision).
    CaseFactory(case_type=residence, state=flow.DECIDED_STATE, received_at=_ago(10), decided_at=_ago(5))
    CaseFactory(case_type=residence, state=flow.DECIDED_STATE, received_at=_ago(20), decided_at=_ago(10))
    CaseFactory(
        case_type=residence, state=flow.CLOSED_STATE, received_at=_ago(40), decided_at=_ago(20), closed_at=_ago(18)
    )
    CaseFactory(case_type=residence, state=flow.CLOSED_STATE, received_at=_ago(41), closed_at=_ago(1))
    # Withdrawn: received, but no processing time.
    CaseFactory(case_type=residence, state=flow.WITHDRAWN, received_at=_ago(15), closed_at=_ago(2))
    # Decided more than a year ago: neither received nor finished in the period.
    CaseFactory(
        case_type=residence, state=flow.CLOSED_STATE, received_at=_ago(410), decided_at=_ago(400), closed_at=_ago(399)
    )
    # Open: one in time, one overdue, one overdue but paused (waiting for the applicant).
    CaseFactory(case_type=residence, state=flow.RECEIVED, received_at=_ago(1), due_date=TODAY + timedelta(days=10))
    CaseFactory(case_type=residence, state=flow.IN_PROGRESS, received_at=_ago(30), due_date=TODAY - timedelta(days=1))
    CaseFactory(
        case_type=residence,
        state=flow.WAITING,
        received_at=_ago(25),
        due_date=TODAY - timedelta(days=5),
        paused_at=_ago(3),
    )
    # Due today is not overdue yet.
    CaseFactory(case_type=dog, state=flow.IN_PROGRESS, received_at=_ago(3), due_date=TODAY)
    # Either side of midnight between Sunday and Monday in Esslingen (not UTC).
    CaseFactory(
        case_type=dog,
        state=flow.RECEIVED,
        received_at=datetime(2026, 11, 23, 0, 30, tzinfo=BERLIN),
        due_date=TODAY + timedelta(days=20),
    )
    CaseFactory(
        case_type=dog,
        state=flow.RECEIVED,
        received_at=datetime(2026, 11, 22, 23, 30, tzinfo=BERLIN),
        due_date=TODAY + timedelta(days=20),
    )
    CaseFactory(case_type=roadworks, state=flow.IN_PROGRESS, received_at=_ago(2), due_date=TODAY - timedelta(days=3))
    return residence, dog, roadworks


def _lead_membership(user):
    return StaffMembership.objects.get(user=user)


def test_dashboard_counts_open_and_overdue_cases_of_the_leads_office_only(esslingen, office_lead, known_cases):
    figures = dashboard_figures(municipality=esslingen, membership=_lead_membership(office_lead), now=NOW)

    assert figures.open == 6
    assert figures.overdue == 1
    assert figures.today == TODAY


def test_dashboard_computes_received_median_and_p90_per_service(esslingen, office_lead, known_cases):
    figures = dashboard_figures(municipality=esslingen, membership=_lead_membership(office_lead), now=NOW)

    by_name = {service.name: service for service in figures.services}
    assert set(by_name) == {"Meldebescheinigung", "Hund anmelden"}
    residence = by_name["Meldebescheinigung"]
    assert (residence.open, residence.overdue, residence.received, residence.finished) == (3, 1, 8, 4)
    # Durations 5, 10, 20, 40 days: median between 10 and 20, p90 at rank 2.7 between 20 and 40.
    assert residence.median_days == pytest.approx(15.0)
    assert residence.p90_days == pytest.approx(34.0)
    dog = by_name["Hund anmelden"]
    assert (dog.open, dog.overdue, dog.received, dog.finished) == (3, 0, 3, 0)
    assert dog.median_days is None and dog.p90_days is None


def test_dashboard_counts_inflow_per_iso_week_in_local_time(esslingen, office_lead, known_cases):
    figures = dashboard_figures(municipality=esslingen, membership=_lead_membership(office_lead), now=NOW)

    weeks = {(week.year, week.week): week.count for week in figures.weeks}
    assert len(figures.weeks) == 12
    assert figures.weeks[0].monday == date(2026, 9, 7)
    assert figures.weeks[-1].monday == date(2026, 11, 23)
    assert weeks == {
        (2026, 37): 0,
        (2026, 38): 0,
        (2026, 39): 0,
        (2026, 40): 0,
        (2026, 41): 0,
        (2026, 42): 2,
        (2026, 43): 0,
        (2026, 44): 2,
        (2026, 45): 1,
        (2026, 46): 2,
        (2026, 47): 2,
        (2026, 48): 2,
    }


def test_a_case_of_another_office_does_not_count_for_the_lead(esslingen, office_lead, known_cases):
    _residence, _dog, roadworks = known_cases
    before = dashboard_figures(municipality=esslingen, membership=_lead_membership(office_lead), now=NOW)
    CaseFactory(case_type=roadworks, state=flow.RECEIVED, received_at=_ago(1), due_date=TODAY - timedelta(days=1))
    after = dashboard_figures(municipality=esslingen, membership=_lead_membership(office_lead), now=NOW)

    assert (after.open, after.overdue, after.weeks) == (before.open, before.overdue, before.weeks)
    assert "Aufbruch einer Straße" not in {service.name for service in after.services}


def test_lead_of_two_offices_sees_both(esslingen, citizens_office, civil_works_office, office_lead, known_cases):
    membership = _lead_membership(office_lead)
    membership.units.add(civil_works_office)

    figures = dashboard_figures(municipality=esslingen, membership=membership, now=NOW)

    assert (figures.open, figures.overdue) == (7, 2)
    assert "Aufbruch einer Straße" in {service.name for service in figures.services}


def test_percentile_interpolates_between_ranks_like_percentile_cont():
    assert percentile([], 90) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == pytest.approx(9.1)
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


# --- views --------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Rows of every table on a page, by the table's id, as the text of their cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id", "")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables_of(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def recent_cases(esslingen, citizens_office, civil_works_office):
    """A few cases relative to this moment, for the views (which always use the current time)."""
    now = timezone.now()
    today = timezone.localdate()
    residence = _case_type(esslingen, citizens_office, "Meldebescheinigung")
    roadworks = _case_type(esslingen, civil_works_office, "Aufbruch einer Straße")
    CaseFactory(case_type=residence, state=flow.DECIDED_STATE, received_at=_ago(12, now), decided_at=_ago(2, now))
    CaseFactory(case_type=residence, state=flow.DECIDED_STATE, received_at=_ago(9, now), decided_at=_ago(1, now))
    CaseFactory(
        case_type=residence, state=flow.IN_PROGRESS, received_at=_ago(3, now), due_date=today - timedelta(days=1)
    )
    CaseFactory(case_type=roadworks, state=flow.IN_PROGRESS, received_at=_ago(3, now), due_date=today)
    return residence, roadworks


def test_office_lead_sees_the_dashboard_of_their_office(office_lead, recent_cases):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("cases:dashboard"))

    assert response.status_code == 200
    tables = _tables_of(response.content.decode())
    assert tables["tabelle-uebersicht"][1:] == [
        ["Offene Vorgänge (noch nicht entschieden)", "1"],
        ["davon überfällig (Frist überschritten, nicht pausiert)", "1"],
    ]
    # Durations 10 and 8 days: median 9, p90 at rank 0.9 between 8 and 10.
    assert tables["tabelle-leistungen"][1:] == [["Meldebescheinigung", "1", "1", "3", "2", "9,0", "9,8"]]
    assert sum(int(row[2]) for row in tables["tabelle-eingang"][1:]) == 3
    assert "Aufbruch einer Straße" not in response.content.decode()
    assert 'role="img"' in response.content.decode()


@pytest.mark.parametrize("table", ["uebersicht", "leistungen", "eingang"])
def test_csv_download_matches_the_table_on_the_page(office_lead, recent_cases, table):
    client = client_for(ESSLINGEN_HOST, office_lead)
    page = _tables_of(client.get(reverse("cases:dashboard")).content.decode())

    response = client.get(reverse("cases:dashboard_csv"), {"table": table})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == page[f"tabelle-{table}"]


def test_csv_of_an_unknown_table_is_not_found(office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("cases:dashboard_csv"), {"table": "geheim"})

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["cases:dashboard", "cases:dashboard_csv"])
def test_clerk_cannot_open_the_dashboard(clerk, recent_cases, name):
    response = client_for(ESSLINGEN_HOST, clerk).get(reverse(name), {"table": "leistungen"})

    assert response.status_code == 403
    assert "Meldebescheinigung" not in response.content.decode()


@pytest.mark.parametrize("name", ["cases:dashboard", "cases:dashboard_csv"])
def test_staff_of_another_municipality_cannot_open_the_dashboard(musterhausen_admin, recent_cases, name):
    response = client_for(ESSLINGEN_HOST, musterhausen_admin).get(reverse(name), {"table": "leistungen"})

    assert response.status_code == 403
    assert "Meldebescheinigung" not in response.content.decode()


def test_esslingen_lead_cannot_open_musterhausens_dashboard(musterhausen, office_lead, recent_cases):
    response = client_for(MUSTERHAUSEN_HOST, office_lead).get(reverse("cases:dashboard"))

    assert response.status_code == 403


def test_citizen_cannot_open_the_dashboard(citizen, recent_cases):
    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("cases:dashboard"))

    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(esslingen):
    response = client_for(ESSLINGEN_HOST).get(reverse("cases:dashboard"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_municipality_admin_without_office_sees_an_empty_dashboard(municipality_admin, recent_cases):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("cases:dashboard"))

    assert response.status_code == 200
    assert "Meldebescheinigung" not in response.content.decode()
    assert _tables_of(response.content.decode())["tabelle-uebersicht"][1][1] == "0"
