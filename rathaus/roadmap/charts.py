"""Geometry of the server-rendered SVG charts: stacked bars per month and the Gantt timeline.

Coordinates are formatted here as plain strings ("12.5"), so German number formatting in templates
cannot turn them into "12,5". No JavaScript and no inline styles are needed to draw them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from .figures import CHANNELS, MonthRequests
from .selectors import Timetable

CHANNEL_COLOURS = {
    "online": "#004B87",
    "assistiert": "#2E7D32",
    "schalter": "#B35900",
    "telefon": "#6A1B9A",
    "brief": "#8C1C13",
    "email": "#3F4251",
}

BAR_WIDTH = 720
BAR_HEIGHT = 260
BAR_TOP = 24
BAR_BOTTOM = 32
BAR_LEFT = 8

GANTT_LABEL = 280
GANTT_QUARTER = 84
GANTT_ROW = 30
GANTT_HEAD = 32
# Phases are drawn as thin strips on the project's bar, alternating so neighbours stay apart.
PHASE_COLOURS = ("#FFFFFF", "#9CC3E6")


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Segment:
    x: str
    y: str
    width: str
    height: str
    colour: str
    title: str


@dataclass(frozen=True)
class Column:
    label: str
    total: int
    centre: str
    top: str
    segments: list[Segment]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: str
    label_y: str
    columns: list[Column]
    legend: list[tuple[str, str]]
    description: str


def month_label(month: date) -> str:
    return formats.date_format(month, "M Y")


def stacked_bars(
    months: list[MonthRequests], *, hidden_below: int = 0, hidden: frozenset[tuple[date, str]] = frozenset()
) -> BarChart:
    """One bar per month, one segment per channel; counts below ``hidden_below`` and the (month, channel)
    cells in ``hidden`` are not drawn (public page)."""

    def shown(month: MonthRequests, channel: str) -> int:
        count = month.by_channel.get(channel, 0)
        return 0 if 0 < count < hidden_below or (month.month, channel) in hidden else count

    totals = [sum(shown(month, channel) for channel in month.by_channel) for month in months]
    highest = max(totals, default=0) or 1
    usable = BAR_HEIGHT - BAR_TOP - BAR_BOTTOM
    slot = (BAR_WIDTH - BAR_LEFT) / max(len(months), 1)
    gap = min(12.0, slot / 4)
    columns = []
    for index, (month, total) in enumerate(zip(months, totals, strict=True)):
        x = BAR_LEFT + index * slot + gap / 2
        width = slot - gap
        bottom = float(BAR_TOP + usable)
        segments = []
        for channel, label in CHANNELS:
            count = shown(month, channel)
            if not count:
                continue
            height = usable * count / highest
            bottom -= height
            segments.append(
                Segment(
                    x=_n(x),
                    y=_n(bottom),
                    width=_n(width),
                    height=_n(height),
                    colour=CHANNEL_COLOURS[channel],
                    title=f"{month_label(month.month)}, {label}: {count}",
                )
            )
        columns.append(
            Column(
                label=month_label(month.month),
                total=total,
                centre=_n(x + width / 2),
                top=_n(bottom),
                segments=segments,
            )
        )
    return BarChart(
        width=BAR_WIDTH,
        height=BAR_HEIGHT,
        baseline=_n(BAR_HEIGHT - BAR_BOTTOM),
        label_y=_n(BAR_HEIGHT - BAR_BOTTOM / 2 + 5),
        columns=columns,
        legend=[(str(label), CHANNEL_COLOURS[channel]) for channel, label in CHANNELS],
        description="; ".join(f"{column.label}: {column.total}" for column in columns),
    )


@dataclass(frozen=True)
class GanttBar:
    y: str
    text_y: str
    x: str
    width: str
    label: str
    title: str
    phase_y: str
    milestones: list[tuple[str, str]]  # (polygon points, title)
    phases: list[tuple[str, str, str, str]] = field(default_factory=list)  # (x, width, fill, title)
    deadline: tuple[str, str, str, str] | None = None  # (x, top, bottom, title) when the plan misses it


@dataclass(frozen=True)
class Gantt:
    width: int
    height: int
    label_width: int
    quarters: list[tuple[str, str, str]]  # (x of the column, x of its centre, label)
    grid_bottom: str
    rows: list[GanttBar]


def _day_offset(day: date, timetable: Timetable) -> float:
    """Position of ``day`` in quarter widths from the first planned quarter (fractions within a quarter)."""
    first = timetable.quarters[0]
    index = (day.year - first.year) * 4 + (day.month - 1) // 3 - (first.number - 1)
    quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(quarter_start.year + quarter_start.month // 10, (quarter_start.month + 2) % 12 + 1, 1)
    fraction = (day - quarter_start).days / (following - quarter_start).days
    return index + fraction


def gantt(timetable: Timetable) -> Gantt:
    quarter_count = len(timetable.quarters)
    width = GANTT_LABEL + GANTT_QUARTER * quarter_count
    rows = []
    for position, planned in enumerate(timetable.planned):
        top = GANTT_HEAD + position * GANTT_ROW
        x = GANTT_LABEL + planned.start_index * GANTT_QUARTER
        bar_width = (planned.end_index - planned.start_index + 1) * GANTT_QUARTER
        milestones = []
        for milestone in planned.milestones:
            offset = _day_offset(milestone.day, timetable)
            if not 0 <= offset <= quarter_count:
                continue
            centre_x = GANTT_LABEL + offset * GANTT_QUARTER
            centre_y = top + GANTT_ROW / 2
            points = " ".join(
                f"{_n(px)},{_n(py)}"
                for px, py in (
                    (centre_x, centre_y - 8),
                    (centre_x + 8, centre_y),
                    (centre_x, centre_y + 8),
                    (centre_x - 8, centre_y),
                )
            )
            milestones.append(
                (
                    points,
                    _("Meilenstein „%(title)s“: %(day)s")
                    % {"title": milestone.title, "day": formats.date_format(milestone.day, "SHORT_DATE_FORMAT")},
                )
            )
        phases = []
        for number, phase in enumerate(planned.phases):
            start = _day_offset(phase.first_day, timetable)
            end = _day_offset(phase.last_day + timedelta(days=1), timetable)
            phases.append(
                (
                    _n(GANTT_LABEL + start * GANTT_QUARTER + 1),
                    _n(max(1.0, (end - start) * GANTT_QUARTER - 2)),
                    PHASE_COLOURS[number % len(PHASE_COLOURS)],
                    _("Phase „%(title)s“: %(start)s bis %(end)s")
                    % {
                        "title": phase.title,
                        "start": formats.date_format(phase.first_day, "SHORT_DATE_FORMAT"),
                        "end": formats.date_format(phase.last_day, "SHORT_DATE_FORMAT"),
                    },
                )
            )
        deadline = None
        if planned.misses_legal_deadline and planned.project.legal_deadline is not None:
            offset = min(max(_day_offset(planned.project.legal_deadline, timetable), 0.0), float(quarter_count))
            deadline = (
                _n(GANTT_LABEL + offset * GANTT_QUARTER),
                _n(top + 1),
                _n(top + GANTT_ROW - 1),
                _("Gesetzliche Frist %(day)s: das Projekt endet erst danach")
                % {"day": formats.date_format(planned.project.legal_deadline, "SHORT_DATE_FORMAT")},
            )
        title = planned.project.title
        rows.append(
            GanttBar(
                y=_n(top + 5),
                phase_y=_n(top + 17),
                text_y=_n(top + GANTT_ROW / 2 + 5),
                x=_n(x),
                width=_n(bar_width),
                label=title if len(title) <= 36 else title[:35] + "…",
                title=(
                    _("%(title)s: %(start)s bis %(end)s")
                    % {"title": title, "start": planned.start.label, "end": planned.end.label}
                )
                + (_(", endet nach der gesetzlichen Frist") if deadline else ""),
                milestones=milestones,
                phases=phases,
                deadline=deadline,
            )
        )
    return Gantt(
        width=width,
        height=GANTT_HEAD + GANTT_ROW * max(len(rows), 1) + 4,
        label_width=GANTT_LABEL,
        quarters=[
            (_n(GANTT_LABEL + index * GANTT_QUARTER), _n(GANTT_LABEL + (index + 0.5) * GANTT_QUARTER), quarter.label)
            for index, quarter in enumerate(timetable.quarters)
        ],
        grid_bottom=_n(GANTT_HEAD + GANTT_ROW * max(len(rows), 1)),
        rows=rows,
    )
