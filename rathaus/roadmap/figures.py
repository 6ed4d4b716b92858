"""Figures of the portal ("Rathaus in Zahlen"): requests, processing times, backlog, appointments, counter, reports.

Counting happens in the database, grouped by month and channel. Medians and percentiles are computed
in Python over the list of durations (``percentile``: linear interpolation between ranks, as
PostgreSQL's ``percentile_cont``), because SQLite has no percentile function and the lists are small
(a few thousand values per municipality and year). The rules are written down in docs/roadmap.md.
"""

import importlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.applications.models import Submission
from rathaus.appointments.models import Appointment, AppointmentService
from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseType
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality

SECONDS_PER_DAY = 86400
PERIOD_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12

# Display order of the channels; "online" alone counts towards the online share.
CHANNELS: tuple[tuple[str, Any], ...] = (
    (Case.Channel.ONLINE.value, _("online")),
    (Case.Channel.ASSISTED.value, _("am Schalter online erfasst")),
    (Case.Channel.COUNTER.value, _("persönlich am Schalter")),
    (Case.Channel.PHONE.value, _("Telefon")),
    (Case.Channel.LETTER.value, _("Brief")),
    (Case.Channel.EMAIL.value, _("E-Mail")),
)
CHANNEL_KEYS = tuple(key for key, _label in CHANNELS)
ATTENDED_STATES = (Appointment.State.COMPLETED, Appointment.State.CHECKED_IN)


def percentile(values: list[float], percent: float) -> float | None:
    """The ``percent`` percentile with linear interpolation between ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * percent / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Period:
    """Whole calendar months (local time) from ``first_month`` up to and including ``last_month``."""

    first_month: date
    last_month: date
    now: datetime

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_month, time.min))

    @property
    def end(self) -> datetime:
        """The end of the period: now, or the start of the month after ``last_month`` if that is earlier."""
        following = _add_months(self.last_month, 1)
        return min(self.now, timezone.make_aware(datetime.combine(following, time.min)))

    @property
    def months(self) -> list[date]:
        months = []
        month = self.first_month
        while month <= self.last_month:
            months.append(month)
            month = _add_months(month, 1)
        return months


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_of_months(months: int, *, now: datetime | None = None) -> Period:
    """The last ``months`` calendar months, the current one included."""
    now = now or timezone.now()
    current = timezone.localdate(now).replace(day=1)
    return Period(first_month=_add_months(current, -(months - 1)), last_month=current, now=now)


@dataclass(frozen=True)
class MonthRequests:
    month: date
    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())

    @property
    def online(self) -> int:
        return self.by_channel.get(Case.Channel.ONLINE, 0)


@dataclass(frozen=True)
class ServiceFigures:
    service_id: int
    name: str
    requests: int
    online: int
    decided: int
    median_days: float | None
    p90_days: float | None
    open: int
    overdue: int

    @property
    def online_share(self) -> float | None:
        return self.online / self.requests if self.requests else None


@dataclass(frozen=True)
class LeadTime:
    """How far ahead the next free appointment is, for one location and service."""

    location: str
    service: str
    first_free: datetime | None
    days: float | None


@dataclass(frozen=True)
class Figures:
    municipality: Municipality
    period: Period
    service: Service | None
    months: list[MonthRequests]
    decided: int
    median_days: float | None
    p90_days: float | None
    open: int
    overdue: int
    appointments_held: int
    no_shows: int
    lead_times: list[LeadTime] | None
    visits_waited: int | None
    waiting_median_minutes: float | None
    reports_closed: int | None
    report_close_median_days: float | None
    services: list[ServiceFigures] = field(default_factory=list)

    @property
    def total_by_channel(self) -> dict[str, int]:
        totals = dict.fromkeys(CHANNEL_KEYS, 0)
        for month in self.months:
            for channel, count in month.by_channel.items():
                totals[channel] = totals.get(channel, 0) + count
        return totals

    @property
    def requests(self) -> int:
        return sum(month.total for month in self.months)

    @property
    def online(self) -> int:
        return sum(month.online for month in self.months)

    @property
    def online_share(self) -> float | None:
        return self.online / self.requests if self.requests else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.appointments_held if self.appointments_held else None


# Requests ----------------------------------------------------------------------------------------


def _cases(municipality: Municipality, service: Service | None) -> QuerySet[Case]:
    cases = Case.objects.filter(municipality=municipality)
    return cases.filter(service=service) if service is not None else cases


def _loose_submissions(municipality: Municipality, service: Service | None) -> QuerySet[Submission]:
    """Submissions that did not become a case (handed off by e-mail or webhook): requests all the same."""
    submissions = Submission.objects.filter(municipality=municipality, case__isnull=True)
    return submissions.filter(version__form__service=service) if service is not None else submissions


def _as_month(value: datetime | date) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def requests_per_month(
    *, municipality: Municipality, period: Period, service: Service | None = None
) -> list[MonthRequests]:
    """Requests received per month and channel: cases plus submissions that did not become cases."""
    counts: dict[date, dict[str, int]] = {month: dict.fromkeys(CHANNEL_KEYS, 0) for month in period.months}
    case_rows = (
        _cases(municipality, service)
        .filter(received_at__gte=period.start, received_at__lt=period.end)
        .annotate(month=TruncMonth("received_at"))
        .values("month", "channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    submission_rows = (
        _loose_submissions(municipality, service)
        .filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in [*case_rows, *submission_rows]:
        month = _as_month(row["month"])
        if month in counts:
            counts[month][row["channel"]] = counts[month].get(row["channel"], 0) + row["count"]
    return [MonthRequests(month=month, by_channel=counts[month]) for month in period.months]


def requests_per_service(*, municipality: Municipality, since: datetime, until: datetime) -> dict[int, dict[str, int]]:
    """Requests per service and channel in ``[since, until)``."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNEL_KEYS, 0))
    case_rows = (
        Case.objects.filter(municipality=municipality, received_at__gte=since, received_at__lt=until)
        .values_list("service_id", "channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    submission_rows = (
        _loose_submissions(municipality, None)
        .filter(submitted_at__gte=since, submitted_at__lt=until)
        .values_list("version__form__service_id", "channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for service_id, channel, count in [*case_rows, *submission_rows]:
        result[service_id][channel] = result[service_id].get(channel, 0) + count
    return dict(result)


# Processing and backlog ----------------------------------------------------------------------------


def decision_durations(
    *, municipality: Municipality, period: Period, service: Service | None = None
) -> dict[int, list[float]]:
    """Days from receipt to decision per service, for the cases decided within the period."""
    rows = (
        _cases(municipality, service)
        .filter(decided_at__gte=period.start, decided_at__lt=period.end)
        .values_list("service_id", "received_at", "decided_at")
        .order_by()
    )
    durations: dict[int, list[float]] = defaultdict(list)
    for service_id, received_at, decided_at in rows:
        if decided_at is None:  # excluded by the filter; keeps the type checker informed
            continue
        durations[service_id].append((decided_at - received_at).total_seconds() / SECONDS_PER_DAY)
    return dict(durations)


def _state_filter(municipality: Municipality, kinds: tuple[str, ...]) -> Q:
    """Cases whose state has one of ``kinds`` in their own case type's workflow (workflows differ per type)."""
    condition = Q(pk__in=[])
    for case_type in CaseType.objects.filter(municipality=municipality).only("pk", "workflow"):
        states = flow.workflow_for(case_type).keys_of_kind(*kinds)
        if states:
            condition |= Q(case_type_id=case_type.pk, state__in=states)
    return condition


def backlog_per_service(*, municipality: Municipality, today: date) -> tuple[dict[int, int], dict[int, int]]:
    """Open cases (running or waiting for the applicant) and overdue ones (running, deadline passed)."""
    cases = Case.objects.filter(municipality=municipality)
    open_cases = cases.filter(_state_filter(municipality, (flow.OPEN, flow.PAUSED)))
    overdue = cases.filter(_state_filter(municipality, (flow.OPEN,)), due_date__lt=today)

    def per_service(queryset: QuerySet[Case]) -> dict[int, int]:
        return dict(queryset.values_list("service_id").annotate(count=Count("pk")).order_by())

    return per_service(open_cases), per_service(overdue)


# Appointments, counter and reports -------------------------------------------------------------------


def _appointments(municipality: Municipality, service: Service | None) -> QuerySet[Appointment]:
    appointments = Appointment.objects.filter(municipality=municipality)
    if service is not None:
        appointments = appointments.filter(items__service__service=service).distinct()
    return appointments


def no_show_counts(*, municipality: Municipality, period: Period, service: Service | None = None) -> tuple[int, int]:
    """(held, no-shows): appointments that started in the period and were attended or missed."""
    appointments = _appointments(municipality, service).filter(starts_at__gte=period.start, starts_at__lt=period.end)
    attended = appointments.filter(state__in=ATTENDED_STATES).count()
    missed = appointments.filter(state=Appointment.State.NO_SHOW).count()
    return attended + missed, missed


def _availability_module() -> Any:
    """``rathaus.appointments.availability`` if this installation has it with ``first_free_times``."""
    try:
        module = importlib.import_module("rathaus.appointments.availability")
    except ImportError:
        return None
    return module if callable(getattr(module, "first_free_times", None)) else None


def lead_times(*, municipality: Municipality, now: datetime, service: Service | None = None) -> list[LeadTime] | None:
    """Per bookable service: the first free appointment at any location and how many days ahead it is.

    None when this installation cannot compute availability.
    """
    availability = _availability_module()
    if availability is None:
        return None
    bookings = AppointmentService.objects.filter(municipality=municipality, is_bookable=True).select_related("service")
    if service is not None:
        bookings = bookings.filter(service=service)
    rows = []
    for booking in bookings.order_by("position", "service__name"):
        found = availability.first_free_times(
            municipality=municipality, items=[availability.BookingItem(service=booking)], now=now, limit=1
        )
        location, first_free = found[0] if found else (None, None)
        rows.append(
            LeadTime(
                location=location.name if location is not None else "",
                service=booking.service.name,
                first_free=first_free,
                days=None if first_free is None else (first_free - now).total_seconds() / SECONDS_PER_DAY,
            )
        )
    return rows


def _model_with_fields(label: str, fields: set[str]) -> type[Model] | None:
    """A model of another app if it exists here with all ``fields`` (those apps grow independently)."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    names = {item.name for item in model._meta.get_fields()}
    return model if fields <= names else None


def counter_waiting_minutes(*, municipality: Municipality, period: Period) -> list[float] | None:
    """Minutes from arrival to the first call, for the visits first called within the period."""
    visit = _model_with_fields("visits.Visit", {"municipality", "arrived_at", "called_at"})
    if visit is None:
        return None
    # A visit may be called again; the wait ends with the first call where the model records it.
    called = "first_called_at" if "first_called_at" in {item.name for item in visit._meta.get_fields()} else "called_at"
    rows = visit._default_manager.filter(
        municipality=municipality,
        **{f"{called}__gte": period.start, f"{called}__lt": period.end},
    ).values_list("arrived_at", called)
    return [(called_at - arrived_at).total_seconds() / 60 for arrived_at, called_at in rows]


def report_close_days(*, municipality: Municipality, period: Period) -> list[float] | None:
    """Days from the report to its closure, for the reports closed within the period (and still closed)."""
    report = _model_with_fields("reports.Report", {"municipality", "created_at", "closed_at"})
    if report is None:
        return None
    reports = report._default_manager.filter(
        municipality=municipality, closed_at__gte=period.start, closed_at__lt=period.end
    )
    if "duplicate_of" in {item.name for item in report._meta.get_fields()}:
        # A merged duplicate is closed along with its original; counting it would double that report.
        reports = reports.filter(duplicate_of__isnull=True)
    closed_statuses = getattr(report, "CLOSED_STATUSES", None)
    if closed_statuses:
        reports = reports.filter(status__in=list(closed_statuses))
    rows = reports.values_list("created_at", "closed_at")
    return [(closed - created).total_seconds() / SECONDS_PER_DAY for created, closed in rows]


# Everything together --------------------------------------------------------------------------------


def figures_for(
    *,
    municipality: Municipality,
    period: Period,
    service: Service | None = None,
    with_lead_times: bool = True,
) -> Figures:
    """All figures of ``municipality`` (or of one of its services) over ``period``."""
    if service is not None and service.municipality_id != municipality.pk:
        raise ValueError("service of another municipality")
    today = timezone.localdate(period.now)
    months = requests_per_month(municipality=municipality, period=period, service=service)
    durations = decision_durations(municipality=municipality, period=period, service=service)
    open_by_service, overdue_by_service = backlog_per_service(municipality=municipality, today=today)
    if service is not None:
        open_by_service = {service.pk: open_by_service.get(service.pk, 0)}
        overdue_by_service = {service.pk: overdue_by_service.get(service.pk, 0)}
    all_durations = [value for values in durations.values() for value in values]
    held, missed = no_show_counts(municipality=municipality, period=period, service=service)
    # Visits and reports are not tied to a catalogue service: shown for the whole municipality only.
    waiting = counter_waiting_minutes(municipality=municipality, period=period) if service is None else None
    closing = report_close_days(municipality=municipality, period=period) if service is None else None
    by_service = requests_per_service(municipality=municipality, since=period.start, until=period.end)
    service_ids = set(by_service) | set(durations) | set(open_by_service)
    if service is not None:
        service_ids = {service.pk}
    names = dict(Service.objects.filter(municipality=municipality, pk__in=service_ids).values_list("pk", "name"))
    services = [
        ServiceFigures(
            service_id=service_id,
            name=names.get(service_id, ""),
            requests=sum(by_service.get(service_id, {}).values()),
            online=by_service.get(service_id, {}).get(Case.Channel.ONLINE, 0),
            decided=len(durations.get(service_id, [])),
            median_days=median(durations.get(service_id, [])),
            p90_days=percentile(durations.get(service_id, []), 90),
            open=open_by_service.get(service_id, 0),
            overdue=overdue_by_service.get(service_id, 0),
        )
        for service_id in service_ids
        if service_id in names
    ]
    services.sort(key=lambda row: (row.name.lower(), row.service_id))
    return Figures(
        municipality=municipality,
        period=period,
        service=service,
        months=months,
        decided=len(all_durations),
        median_days=median(all_durations),
        p90_days=percentile(all_durations, 90),
        open=sum(open_by_service.values()),
        overdue=sum(overdue_by_service.values()),
        appointments_held=held,
        no_shows=missed,
        lead_times=lead_times(municipality=municipality, now=period.now, service=service) if with_lead_times else None,
        visits_waited=None if waiting is None else len(waiting),
        waiting_median_minutes=median(waiting) if waiting else None,
        reports_closed=None if closing is None else len(closing),
        report_close_median_days=median(closing) if closing else None,
        services=services,
    )


def yearly_volume_per_service(*, municipality: Municipality, now: datetime | None = None) -> dict[int, int]:
    """Requests per service over the last 365 days (cases plus submissions that did not become cases)."""
    now = now or timezone.now()
    counts = requests_per_service(municipality=municipality, since=now - timedelta(days=365), until=now)
    return {service_id: sum(channels.values()) for service_id, channels in counts.items()}


def paper_volume_per_service(*, municipality: Municipality, now: datetime | None = None) -> dict[int, int]:
    """Requests over the last 365 days that came in person, by phone or by letter, per service."""
    now = now or timezone.now()
    rows = (
        Case.objects.filter(
            municipality=municipality,
            received_at__gte=now - timedelta(days=365),
            received_at__lt=now,
            channel__in=[Case.Channel.COUNTER, Case.Channel.LETTER, Case.Channel.PHONE],
        )
        .values_list("service_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)
