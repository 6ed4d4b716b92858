"""Acceptance 1: known cases, submissions and appointments give exactly the documented figures."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from rathaus.applications.tests.factories import FormVersionFactory, SubmissionFactory
from rathaus.appointments.models import Appointment, AppointmentItem, AppointmentService, Counter, Location
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case
from rathaus.cases.tests.factories import CaseFactory, CaseTypeFactory
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.roadmap.figures import figures_for, paper_volume_per_service, percentile, period_of_months
from rathaus.roadmap.tables import figure_tables

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=BERLIN)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(hour), tzinfo=BERLIN)


@pytest.fixture
def known_data(esslingen, musterhausen, citizens_office):
    parking = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    dogs = ServiceFactory(municipality=esslingen, name="Hundesteuer")
    parking_type = CaseTypeFactory(municipality=esslingen, service=parking, responsible_unit=citizens_office)
    dogs_type = CaseTypeFactory(municipality=esslingen, service=dogs, responsible_unit=citizens_office)
    version = FormVersionFactory(form__municipality=esslingen, form__service=parking)

    def case(
        channel: str,
        received: str,
        *,
        decided: str | None = None,
        state: str = flow.DECIDED_STATE,
        due: str = "2026-12-31",
        case_type=parking_type,
        **extra,
    ):
        return CaseFactory(
            case_type=case_type,
            channel=channel,
            received_at=at(received),
            decided_at=at(decided) if decided else None,
            state=state,
            due_date=datetime.fromisoformat(due).date(),
            **extra,
        )

    online_submission = SubmissionFactory(version=version, submitted_at=at("2026-04-10"))
    case(Case.Channel.ONLINE, "2026-04-10", decided="2026-04-12", submission=online_submission)  # 2 days
    case(Case.Channel.COUNTER, "2026-04-20", decided="2026-04-24")  # 4 days
    case(Case.Channel.LETTER, "2026-05-05", decided="2026-05-15", state=flow.CLOSED_STATE)  # 10 days
    case(Case.Channel.PHONE, "2026-05-06", state=flow.IN_PROGRESS, due="2026-06-01")  # open, overdue
    case(Case.Channel.EMAIL, "2026-06-01", state=flow.WAITING, due="2026-06-02")  # paused: open, not overdue
    case(Case.Channel.ASSISTED, "2026-06-02", state=flow.RECEIVED, due="2026-07-01")  # open
    # Received before the period, decided within it: a processing time, not a request of the period.
    case(Case.Channel.ONLINE, "2026-03-31", decided="2026-04-05", state=flow.CLOSED_STATE)  # 5 days
    case(Case.Channel.ONLINE, "2026-06-10", decided="2026-06-11", case_type=dogs_type)  # 1 day
    # A submission handed off by e-mail (no case) is a request too.
    SubmissionFactory(version=version, submitted_at=at("2026-05-20"))
    # Another municipality's case never counts.
    CaseFactory(case_type__municipality=musterhausen, channel=Case.Channel.ONLINE, received_at=at("2026-05-01"))

    location = Location.objects.create(
        municipality=esslingen,
        unit=citizens_office,
        slug="buergerbuero",
        name="Bürgerbüro Mitte",
        street="Ritterstraße 16",
        postal_code="73728",
        city="Esslingen am Neckar",
    )
    booking = AppointmentService.objects.create(municipality=esslingen, service=parking)
    counter = Counter.objects.create(location=location, name="Platz 1")
    counter.services.add(booking)
    for code, state, day in [
        ("A1", Appointment.State.COMPLETED, "2026-05-04"),
        ("A2", Appointment.State.NO_SHOW, "2026-05-05"),
        ("A3", Appointment.State.CHECKED_IN, "2026-06-15"),
        ("A4", Appointment.State.CANCELLED, "2026-05-06"),  # cancelled: neither attended nor missed
        ("A5", Appointment.State.NO_SHOW, "2026-02-02"),  # before the period
    ]:
        starts = at(day, 9)
        appointment = Appointment.objects.create(
            municipality=esslingen,
            location=location,
            counter=counter,
            code=code,
            starts_at=starts,
            ends_at=starts.replace(minute=10),
            state=state,
            name="Erika Mustermann",
        )
        AppointmentItem.objects.create(appointment=appointment, service=booking)
    return {"parking": parking, "dogs": dogs}


def test_every_figure_of_the_municipality_is_exactly_right(esslingen, known_data):
    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    assert [month.month.isoformat() for month in figures.months] == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert [month.by_channel for month in figures.months] == [
        {"online": 1, "assistiert": 0, "schalter": 1, "telefon": 0, "brief": 0, "email": 0},
        {"online": 1, "assistiert": 0, "schalter": 0, "telefon": 1, "brief": 1, "email": 0},
        {"online": 1, "assistiert": 1, "schalter": 0, "telefon": 0, "brief": 0, "email": 1},
    ]
    assert figures.requests == 8
    assert figures.online == 3
    assert figures.online_share == 3 / 8
    # Decided in the period: 2, 4, 10, 5 and 1 days.
    assert figures.decided == 5
    assert figures.median_days == 4
    assert figures.p90_days == pytest.approx(8.0)
    assert figures.open == 3
    assert figures.overdue == 1
    assert figures.appointments_held == 3
    assert figures.no_shows == 1
    assert figures.no_show_rate == 1 / 3


def test_figures_per_service_are_exactly_right(esslingen, known_data):
    parking = known_data["parking"]
    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW), service=parking)

    assert figures.requests == 7
    assert figures.online == 2
    assert figures.decided == 4
    assert figures.median_days == 4.5  # 2, 4, 5, 10
    assert figures.p90_days == pytest.approx(8.5)
    assert (figures.open, figures.overdue) == (3, 1)
    assert (figures.appointments_held, figures.no_shows) == (3, 1)
    [row] = figures.services
    assert (row.name, row.requests, row.online, row.decided, row.open, row.overdue) == (
        "Bewohnerparkausweis",
        7,
        2,
        4,
        3,
        1,
    )

    dogs = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW), service=known_data["dogs"])
    assert (dogs.requests, dogs.online, dogs.decided, dogs.median_days, dogs.p90_days) == (1, 1, 1, 1, 1)
    assert (dogs.open, dogs.overdue, dogs.appointments_held) == (0, 0, 0)


def test_the_service_table_of_the_municipality_lists_each_service(esslingen, known_data):
    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    rows = {
        row.name: (row.requests, row.online, row.decided, row.median_days, row.open, row.overdue)
        for row in figures.services
    }
    assert rows == {"Bewohnerparkausweis": (7, 2, 4, 4.5, 3, 1), "Hundesteuer": (1, 1, 1, 1, 0, 0)}


def test_public_tables_say_less_than_five_for_small_counts(esslingen, known_data):
    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))
    months, summary, services, *_rest = figure_tables(figures, public=True)

    assert months.rows[0][1:] == ["weniger als 5", "0", "weniger als 5", "0", "0", "0", "weniger als 5", "–"]
    # 8 requests, but Hundesteuer's single one is hidden in the service table: 8 − 7 would give it away.
    assert summary.rows[0] == ["Anträge und Anliegen im Zeitraum", "–"]
    assert summary.rows[1] == ["Anteil online", "–"]
    assert summary.rows[3] == ["Bearbeitungsdauer bis zur Entscheidung, Median (Tage)", "4,0"]
    assert summary.rows[5] == ["Offene Vorgänge heute", "weniger als 5"]
    assert services.rows[1] == ["Hundesteuer", "weniger als 5", "–", "weniger als 5", "–", "–", "0", "0"]
    staff_summary = figure_tables(figures)[1]
    assert staff_summary.rows[5] == ["Offene Vorgänge heute", "3"]


def test_counter_phone_and_letter_volume_feeds_the_suggestions(esslingen, known_data):
    assert paper_volume_per_service(municipality=esslingen, now=NOW) == {known_data["parking"].pk: 3}


def test_percentile_interpolates_between_ranks():
    assert percentile([1, 2, 4, 5, 10], 90) == pytest.approx(8.0)
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None


def test_lead_time_is_the_first_free_appointment_at_any_location(esslingen, known_data, citizens_office):
    from rathaus.appointments.models import OpeningPeriod

    location = Location.objects.get(slug="buergerbuero")
    location.walk_in_share = 0
    location.save()
    for weekday in range(5):
        OpeningPeriod.objects.create(location=location, weekday=weekday, opens=time(8), closes=time(12))

    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    [row] = figures.lead_times
    assert (row.service, row.location) == ("Bewohnerparkausweis", "Bürgerbüro Mitte")
    # Booking opens one day ahead: Tuesday 16 June, 8:00, is 20 hours after Monday noon.
    assert row.first_free == at("2026-06-16", 8)
    assert row.days == pytest.approx(20 / 24)


def test_without_opening_hours_there_is_no_free_appointment(esslingen, known_data):
    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    [row] = figures.lead_times
    assert (row.first_free, row.days) == (None, None)


def test_counter_waiting_time_is_the_median_until_the_first_call(esslingen, musterhausen, known_data):
    from rathaus.visits.models import Visit

    location = Location.objects.get(slug="buergerbuero")
    for number, (arrived, first_called, called) in enumerate(
        [
            ("09:00", "09:10", "09:10"),  # 10 minutes
            ("09:05", "09:35", "09:50"),  # 30 minutes: called twice, the first call ends the wait
            ("10:00", "10:20", "10:20"),  # 20 minutes
            ("10:30", None, None),  # still waiting
        ],
        start=1,
    ):

        def moment(clock):
            return None if clock is None else datetime.fromisoformat(f"2026-06-12T{clock}").replace(tzinfo=BERLIN)

        Visit.objects.create(
            municipality=esslingen,
            location=location,
            day=datetime(2026, 6, 12).date(),
            kind=Visit.Kind.WALK_IN,
            number=number,
            arrived_at=moment(arrived),
            first_called_at=moment(first_called),
            called_at=moment(called),
        )

    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    assert figures.visits_waited == 3
    assert figures.waiting_median_minutes == 20
    assert figures_for(municipality=musterhausen, period=period_of_months(3, now=NOW)).visits_waited == 0


def test_report_closing_time_is_the_median_of_the_reports_closed_in_the_period(esslingen, known_data):
    from rathaus.reports.models import Report
    from rathaus.reports.tests.factories import CategoryFactory, ReportFactory

    category = CategoryFactory(municipality=esslingen)
    for created, closed, status in [
        ("2026-05-01", "2026-05-03", Report.Status.DONE),  # 2 days
        ("2026-05-10", "2026-05-16", Report.Status.DONE_WITHOUT_ACTION),  # 6 days
        ("2026-06-01", "2026-06-04", Report.Status.FORWARDED),  # 3 days
        ("2026-06-02", None, Report.Status.IN_PROGRESS),  # open
        ("2026-01-02", "2026-02-01", Report.Status.DONE),  # closed before the period
    ]:
        ReportFactory(
            category=category, created_at=at(created), closed_at=at(closed) if closed else None, status=status
        )

    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    assert figures.reports_closed == 3
    assert figures.report_close_median_days == 3
    summary = dict(figure_tables(figures)[1].rows)
    assert summary["Dauer bis zur Erledigung einer Meldung, Median (Tage)"] == "3,0"
    assert summary["Wartezeit am Schalter, Median (Minuten)"] == "–"


def test_a_case_received_half_past_midnight_on_the_first_counts_in_the_local_month(esslingen, citizens_office):
    service = ServiceFactory(municipality=esslingen, name="Bewohnerparkausweis")
    case_type = CaseTypeFactory(municipality=esslingen, service=service, responsible_unit=citizens_office)
    # 00:30 in Esslingen on 1 June is still 31 May in UTC (22:30).
    CaseFactory(case_type=case_type, channel=Case.Channel.ONLINE, received_at=at("2026-06-01", 0).replace(minute=30))

    figures = figures_for(municipality=esslingen, period=period_of_months(2, now=NOW))

    assert [(month.month.isoformat(), month.total) for month in figures.months] == [
        ("2026-05-01", 0),
        ("2026-06-01", 1),
    ]


def test_merged_duplicate_reports_do_not_count_towards_the_time_to_close(esslingen, known_data):
    from rathaus.reports.models import Report
    from rathaus.reports.tests.factories import CategoryFactory, ReportFactory

    category = CategoryFactory(municipality=esslingen)
    original = ReportFactory(
        category=category, created_at=at("2026-06-01"), closed_at=at("2026-06-03"), status=Report.Status.DONE
    )
    # Reported a week earlier, merged and closed with the original: 9 days it was never worked on.
    ReportFactory(
        category=category,
        created_at=at("2026-05-25"),
        closed_at=at("2026-06-03"),
        status=Report.Status.DONE,
        duplicate_of=original,
    )

    figures = figures_for(municipality=esslingen, period=period_of_months(3, now=NOW))

    assert figures.reports_closed == 1
    assert figures.report_close_median_days == 2
