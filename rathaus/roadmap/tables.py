"""Tables of the figures and the roadmap, as shown under each chart and as downloaded (CSV, iCalendar).

The public page passes ``public=True``: counts from 1 to 4 read "weniger als 5", and medians, shares
and rates computed from fewer than 5 values are not shown, so nobody can be recognised from them.
No hidden count may come back by arithmetic either: a share is left out when its part or the rest
(whole − part) is from 1 to 4, and a total is left out when one of the counts it adds up is hidden
(the month's total in its row, the period's totals in the overview), and where two tables add up
to the same total, one more count is left out (``public_suppression``). docs/roadmap.md has the rules.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .charts import month_label
from .figures import CHANNELS, Figures, MonthRequests
from .scoring import LABELS, Ranked
from .selectors import PlannedProject, ProjectFigures, Timetable

SMALL_COUNT = 5


@dataclass(frozen=True)
class Table:
    """A table as shown and as downloaded: the first cell of each row is its row header."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: bool = True  # right-align the cells after the row header


def _count(value: int, public: bool) -> str:
    if public and 0 < value < SMALL_COUNT:
        return _("weniger als 5")
    return str(value)


def _number(value: float | None, decimals: int = 1) -> str:
    # number_format cuts floats off instead of rounding them.
    return "–" if value is None else formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def _small(value: int) -> bool:
    return 0 < value < SMALL_COUNT


def _share(part: int, whole: int, public: bool) -> str:
    # With the whole known, a share gives away the part and the rest (whole − part); both must be safe.
    if not whole or (public and (whole < SMALL_COUNT or _small(part) or _small(whole - part))):
        return "–"
    return _number(100 * part / whole) + " %"


def _total(value: int, parts: list[int], public: bool) -> str:
    """A total of ``parts``: on the public page blank as soon as one part is hidden (else: total − the rest)."""
    if public and not _small(value) and any(_small(part) for part in parts):
        return "–"
    return _count(value, public)


def _guarded(value: float | None, basis: int | None, public: bool, decimals: int = 1) -> str:
    if value is None or basis is None or (public and basis < SMALL_COUNT):
        return "–"
    return _number(value, decimals)


@dataclass(frozen=True)
class Suppression:
    """Counts of 5 or more left out of the public page so that no hidden count follows by subtraction.

    The months table (by channel) and the service table both add up to the period's requests. When
    only one of them hides a count, the other would give that sum, and the hidden counts with it; so
    one more count of the other table is left out: the smallest of the months table (with its month's
    total and share, and in the chart), or the smallest service's requests (with its share).
    """

    month_cells: frozenset[tuple[date, str]] = frozenset()
    services: frozenset[int] = frozenset()


def public_suppression(figures: Figures) -> Suppression:
    cells = [
        (count, month.month, channel)
        for month in figures.months
        for channel, count in month.by_channel.items()
        if count
    ]
    requests = [(row.requests, row.service_id) for row in figures.services if row.requests]
    months_hide = any(_small(count) for count, _month, _channel in cells)
    services_hide = any(_small(count) for count, _service in requests)
    if months_hide and not services_hide and requests:
        return Suppression(services=frozenset({min(requests)[1]}))
    if services_hide and not months_hide and cells:
        _count_value, month, channel = min(cells)
        return Suppression(month_cells=frozenset({(month, channel)}))
    return Suppression()


def figure_tables(figures: Figures, *, public: bool = False) -> list[Table]:
    suppression = public_suppression(figures) if public else Suppression()

    def cell(month: MonthRequests, channel: str) -> str:
        return (
            "–"
            if (month.month, channel) in suppression.month_cells
            else _count(month.by_channel.get(channel, 0), public)
        )

    def month_total(month: MonthRequests) -> str:
        if any((month.month, channel) in suppression.month_cells for channel in month.by_channel):
            return "–"
        return _total(month.total, list(month.by_channel.values()), public)

    months = Table(
        key="anfragen",
        caption=_("Anträge und Anliegen je Monat nach Eingangsweg"),
        headers=[_("Monat"), *[str(label) for _key, label in CHANNELS], _("Zusammen"), _("Anteil online")],
        rows=[
            [
                month_label(month.month),
                *[cell(month, key) for key, _label in CHANNELS],
                total,
                # The share and the online count would give the blanked total back.
                "–" if total == "–" else _share(month.online, month.total, public),
            ]
            for month in figures.months
            for total in [month_total(month)]
        ],
    )
    # The figures of the whole period are totals over the months and over the services: blank them
    # (and the share that would give them back) as soon as one of the parts shown elsewhere is hidden.
    request_parts = [count for month in figures.months for count in month.by_channel.values()]
    request_parts += [row.requests for row in figures.services]
    requests = _total(figures.requests, request_parts, public)
    summary_rows = [
        [_("Anträge und Anliegen im Zeitraum"), requests],
        [_("Anteil online"), "–" if requests == "–" else _share(figures.online, figures.requests, public)],
        [
            _("Entschiedene Anträge im Zeitraum"),
            _total(figures.decided, [row.decided for row in figures.services], public),
        ],
        [
            _("Bearbeitungsdauer bis zur Entscheidung, Median (Tage)"),
            _guarded(figures.median_days, figures.decided, public),
        ],
        [
            _("Bearbeitungsdauer bis zur Entscheidung, 90-%-Wert (Tage)"),
            _guarded(figures.p90_days, figures.decided, public),
        ],
        [_("Offene Vorgänge heute"), _total(figures.open, [row.open for row in figures.services], public)],
        [_("davon Frist überschritten"), _total(figures.overdue, [row.overdue for row in figures.services], public)],
        [_("Wahrgenommene und versäumte Termine im Zeitraum"), _count(figures.appointments_held, public)],
        [
            _("Anteil nicht wahrgenommener Termine"),
            _share(figures.no_shows, figures.appointments_held, public),
        ],
    ]
    if figures.visits_waited is not None:
        summary_rows.append(
            [
                _("Wartezeit am Schalter, Median (Minuten)"),
                _guarded(figures.waiting_median_minutes, figures.visits_waited, public),
            ]
        )
    if figures.reports_closed is not None:
        summary_rows.append(
            [
                _("Dauer bis zur Erledigung einer Meldung, Median (Tage)"),
                _guarded(figures.report_close_median_days, figures.reports_closed, public),
            ]
        )
    summary = Table(
        key="ueberblick", caption=_("Kennzahlen im Überblick"), headers=[_("Kennzahl"), _("Wert")], rows=summary_rows
    )
    services = Table(
        key="leistungen",
        caption=_("Kennzahlen je Leistung"),
        headers=[
            _("Leistung"),
            _("Anträge"),
            _("Anteil online"),
            _("Entschieden"),
            _("Median (Tage)"),
            _("90-%-Wert (Tage)"),
            _("Offen"),
            _("Frist überschritten"),
        ],
        rows=[
            [
                row.name,
                "–" if row.service_id in suppression.services else _count(row.requests, public),
                "–" if row.service_id in suppression.services else _share(row.online, row.requests, public),
                _count(row.decided, public),
                _guarded(row.median_days, row.decided, public),
                _guarded(row.p90_days, row.decided, public),
                _count(row.open, public),
                _count(row.overdue, public),
            ]
            for row in figures.services
        ],
    )
    tables = [months, summary, services]
    if figures.lead_times is not None:
        tables.append(
            Table(
                key="termine",
                caption=_("Nächster freier Termin je Leistung"),
                headers=[_("Leistung"), _("Standort"), _("Nächster freier Termin"), _("Tage bis dahin")],
                rows=[
                    [
                        row.service,
                        row.location or "–",
                        formats.date_format(timezone.localtime(row.first_free), "SHORT_DATETIME_FORMAT")
                        if row.first_free
                        else _("kein freier Termin"),
                        _number(row.days),
                    ]
                    for row in figures.lead_times
                ],
            )
        )
    return tables


def ranking_table(ranked: list[Ranked[ProjectFigures]]) -> Table:
    headers = [_("Projekt"), _("Rang"), _("Punkte")]
    for criterion in LABELS:
        headers += [str(LABELS[criterion]), _("Beitrag: %(criterion)s") % {"criterion": LABELS[criterion]}]
    rows = []
    for entry in ranked:
        row = [entry.item.project.title, str(entry.rank), _number(entry.score, 2)]
        for _criterion, raw, _normalised, contribution in entry.terms:
            row += [_number(raw, 0), _number(contribution, 2)]
        rows.append(row)
    return Table(key="rangfolge", caption=_("Rangfolge der Projekte"), headers=headers, rows=rows)


def _day(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def legal_warning(planned: PlannedProject) -> str:
    """The warning shown when a project is planned to end after its legal deadline, else the deadline or ''."""
    deadline = planned.project.legal_deadline
    if deadline is None:
        return ""
    if planned.misses_legal_deadline:
        return _("Achtung: endet nach der gesetzlichen Frist (%(deadline)s)") % {"deadline": _day(deadline)}
    return _day(deadline)


def timetable_table(timetable: Timetable) -> Table:
    """One row per project, followed by one row per phase of it (the phase's dates instead of quarters)."""
    rows = []
    for planned in timetable.planned:
        rows.append(
            [
                planned.project.title,
                str(planned.rank),
                planned.start.label,
                planned.end.label,
                ", ".join(f"{quarter.label}: {days}" for quarter, days in planned.allocation),
                ", ".join(f"{milestone.title} ({_day(milestone.day)})" for milestone in planned.milestones),
                legal_warning(planned),
            ]
        )
        for phase in planned.phases:
            rows.append(
                [
                    _("%(project)s – Phase: %(phase)s (%(percent)s %%)")
                    % {"project": planned.project.title, "phase": phase.title, "percent": phase.effort_percent},
                    "",
                    _day(phase.first_day),
                    _day(phase.last_day),
                    "",
                    "",
                    "",
                ]
            )
    return Table(
        key="zeitplan",
        caption=_("Zeitplan der Projekte"),
        headers=[
            _("Projekt"),
            _("Rang"),
            _("Beginn"),
            _("Ende"),
            _("Personentage je Quartal"),
            _("Meilensteine"),
            _("Gesetzliche Frist"),
        ],
        rows=rows,
        numeric=False,
    )


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    # Semicolons and a byte order mark: what spreadsheet programs set to German open without asking.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def timetable_ical(timetable: Timetable, *, host: str) -> bytes:
    """One all-day VEVENT per planned project (its phase from first to last quarter) and per milestone."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rathaus//Digitalisierungs-Roadmap//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Digitalisierungs-Roadmap"))
    stamp = datetime.now(tz=timezone.get_fixed_timezone(0))
    for planned in timetable.planned:
        event = icalendar.Event()
        event.add("uid", f"roadmap-project-{planned.project.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", planned.project.title)
        event.add("dtstart", planned.first_day)
        event.add("dtend", planned.last_day + timedelta(days=1))
        event.add(
            "description",
            _("Umsetzung %(start)s bis %(end)s, Rang %(rank)s.")
            % {
                "start": planned.start.label,
                "end": planned.end.label,
                "rank": planned.rank,
            },
        )
        calendar.add_component(event)
        for number, milestone in enumerate(planned.milestones, start=1):
            marker = icalendar.Event()
            marker.add("uid", f"roadmap-project-{planned.project.pk}-milestone-{number}@{host}")
            marker.add("dtstamp", stamp)
            marker.add("summary", f"{planned.project.title}: {milestone.title}")
            marker.add("dtstart", milestone.day)
            marker.add("dtend", milestone.day + timedelta(days=1))
            calendar.add_component(marker)
        for number, phase in enumerate(planned.phases, start=1):
            part = icalendar.Event()
            part.add("uid", f"roadmap-project-{planned.project.pk}-phase-{number}@{host}")
            part.add("dtstamp", stamp)
            part.add("summary", f"{planned.project.title}: {phase.title}")
            part.add("dtstart", phase.first_day)
            part.add("dtend", phase.last_day + timedelta(days=1))
            part.add(
                "description",
                _("Phase mit %(percent)s %% des Aufwands.") % {"percent": phase.effort_percent},
            )
            calendar.add_component(part)
    return bytes(calendar.to_ical())
