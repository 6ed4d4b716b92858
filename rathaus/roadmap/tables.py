"""Tables of the figures and the roadmap, as shown under each chart and as downloaded (CSV, iCalendar).

The public page passes ``public=True``: counts from 1 to 4 read "weniger als 5", and medians, shares
and rates computed from fewer than 5 values are not shown, so nobody can be recognised from them.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .charts import month_label
from .figures import CHANNELS, Figures
from .scoring import LABELS, Ranked
from .selectors import ProjectFigures, Timetable

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


def _share(part: int, whole: int, public: bool) -> str:
    if not whole or (public and whole < SMALL_COUNT):
        return "–"
    return _number(100 * part / whole) + " %"


def _guarded(value: float | None, basis: int | None, public: bool, decimals: int = 1) -> str:
    if value is None or basis is None or (public and basis < SMALL_COUNT):
        return "–"
    return _number(value, decimals)


def figure_tables(figures: Figures, *, public: bool = False) -> list[Table]:
    months = Table(
        key="anfragen",
        caption=_("Anträge und Anliegen je Monat nach Eingangsweg"),
        headers=[_("Monat"), *[str(label) for _key, label in CHANNELS], _("Zusammen"), _("Anteil online")],
        rows=[
            [
                month_label(month.month),
                *[_count(month.by_channel.get(key, 0), public) for key, _label in CHANNELS],
                _count(month.total, public),
                _share(month.online, month.total, public),
            ]
            for month in figures.months
        ],
    )
    summary_rows = [
        [_("Anträge und Anliegen im Zeitraum"), _count(figures.requests, public)],
        [_("Anteil online"), _share(figures.online, figures.requests, public)],
        [_("Entschiedene Anträge im Zeitraum"), _count(figures.decided, public)],
        [
            _("Bearbeitungsdauer bis zur Entscheidung, Median (Tage)"),
            _guarded(figures.median_days, figures.decided, public),
        ],
        [
            _("Bearbeitungsdauer bis zur Entscheidung, 90-%-Wert (Tage)"),
            _guarded(figures.p90_days, figures.decided, public),
        ],
        [_("Offene Vorgänge heute"), _count(figures.open, public)],
        [_("davon Frist überschritten"), _count(figures.overdue, public)],
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
                _count(row.requests, public),
                _share(row.online, row.requests, public),
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


def timetable_table(timetable: Timetable) -> Table:
    return Table(
        key="zeitplan",
        caption=_("Zeitplan der Projekte"),
        headers=[_("Projekt"), _("Rang"), _("Beginn"), _("Ende"), _("Personentage je Quartal"), _("Meilensteine")],
        rows=[
            [
                planned.project.title,
                str(planned.rank),
                planned.start.label,
                planned.end.label,
                ", ".join(f"{quarter.label}: {days}" for quarter, days in planned.allocation),
                ", ".join(
                    f"{milestone.title} ({formats.date_format(milestone.day, 'SHORT_DATE_FORMAT')})"
                    for milestone in planned.milestones
                ),
            ]
            for planned in timetable.planned
        ],
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
    return bytes(calendar.to_ical())
