"""The office lead's dashboard (Auswertung): tables, an inflow chart, and each table as CSV."""

import csv
import io
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from .dashboard import PERIOD_DAYS, DashboardFigures, WeekInflow, dashboard_figures

CHART_WIDTH = 640
CHART_HEIGHT = 240
CHART_TOP = 24  # room for the count above the tallest bar
CHART_BOTTOM = 32  # room for the week labels
CHART_GAP = 12


@dataclass(frozen=True)
class Table:
    """A table as shown and as downloaded: the first cell of each row is its row header."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    centre: float
    label: str
    count: int


def _days(value: float | None) -> str:
    return "–" if value is None else formats.number_format(value, decimal_pos=1, use_l10n=True)


def _week_label(week: WeekInflow) -> str:
    return _("KW %(week)02d/%(year)s") % {"week": week.week, "year": week.year}


def _tables(figures: DashboardFigures) -> list[Table]:
    summary = Table(
        key="uebersicht",
        caption=_("Offene und überfällige Vorgänge"),
        headers=[_("Kennzahl"), _("Anzahl")],
        rows=[
            [_("Offene Vorgänge (noch nicht entschieden)"), str(figures.open)],
            [_("davon überfällig (Frist überschritten, nicht pausiert)"), str(figures.overdue)],
        ],
    )
    services = Table(
        key="leistungen",
        caption=_("Bearbeitung je Leistung, Eingang und Bearbeitungsdauer der letzten %(days)s Tage")
        % {"days": PERIOD_DAYS},
        headers=[
            _("Leistung"),
            _("Offen"),
            _("Überfällig"),
            _("Eingegangen"),
            _("Abgeschlossen"),
            _("Median (Tage)"),
            _("90-%-Wert (Tage)"),
        ],
        rows=[
            [
                service.name,
                str(service.open),
                str(service.overdue),
                str(service.received),
                str(service.finished),
                _days(service.median_days),
                _days(service.p90_days),
            ]
            for service in figures.services
        ],
    )
    inflow = Table(
        key="eingang",
        caption=_("Eingang neuer Vorgänge je Kalenderwoche, letzte %(weeks)s Wochen") % {"weeks": len(figures.weeks)},
        headers=[_("Kalenderwoche"), _("Zeitraum"), _("Neue Vorgänge")],
        rows=[
            [
                _week_label(week),
                f"{formats.date_format(week.monday, 'SHORT_DATE_FORMAT')} – "
                f"{formats.date_format(week.sunday, 'SHORT_DATE_FORMAT')}",
                str(week.count),
            ]
            for week in figures.weeks
        ],
    )
    return [summary, services, inflow]


def _bars(weeks: list[WeekInflow]) -> list[Bar]:
    """Bars of the inflow chart in SVG user units (drawn on the server: no JavaScript, no inline style)."""
    if not weeks:
        return []
    highest = max(week.count for week in weeks) or 1
    slot = CHART_WIDTH / len(weeks)
    usable = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, week in enumerate(weeks):
        height = usable * week.count / highest
        x = index * slot + CHART_GAP / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(CHART_TOP + usable - height, 1),
                width=round(slot - CHART_GAP, 1),
                height=round(height, 1),
                centre=round(x + (slot - CHART_GAP) / 2, 1),
                label=_("KW %(week)02d") % {"week": week.week},
                count=week.count,
            )
        )
    return bars


@require_GET
@staff_required(StaffMembership.Role.OFFICE_LEAD)
def dashboard(request: StaffRequest) -> HttpResponse:
    figures = dashboard_figures(municipality=request.municipality, membership=request.staff_membership)
    summary, services, inflow = _tables(figures)
    return render(
        request,
        "cases/dashboard/index.html",
        {
            "figures": figures,
            "summary": summary,
            "services": services,
            "inflow": inflow,
            "bars": _bars(figures.weeks),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "baseline": CHART_HEIGHT - CHART_BOTTOM,
            "label_y": CHART_HEIGHT - CHART_BOTTOM // 2 + 5,
            "period_days": PERIOD_DAYS,
        },
    )


@require_GET
@staff_required(StaffMembership.Role.OFFICE_LEAD)
def dashboard_csv(request: StaffRequest) -> HttpResponse:
    figures = dashboard_figures(municipality=request.municipality, membership=request.staff_membership)
    table = next((table for table in _tables(figures) if table.key == request.GET.get("table")), None)
    if table is None:
        raise Http404
    buffer = io.StringIO()
    # Semicolons and a byte order mark: what spreadsheet programs set to German open without asking.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="auswertung-{table.key}-{figures.today.isoformat()}.csv"'
    return response
