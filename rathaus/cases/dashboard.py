"""Figures for the office lead's dashboard: open and overdue cases, processing times, weekly inflow.

Everything is computed over ``cases_for_staff``, so a lead sees only the offices they work in.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import workflow as flow
from .models import Case, CaseType
from .selectors import cases_for_staff, staff_unit_ids

PERIOD_DAYS = 365
INFLOW_WEEKS = 12
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class ServiceFigures:
    """One service's figures; the processing times are in calendar days, None without finished cases."""

    service_id: int
    name: str
    open: int
    overdue: int
    received: int
    finished: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class WeekInflow:
    """Cases received in one ISO week (Monday to Sunday, local time)."""

    year: int
    week: int
    monday: date
    count: int

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True)
class DashboardFigures:
    units: list[OrganisationalUnit]
    today: date
    period_start: date
    open: int
    overdue: int
    services: list[ServiceFigures]
    weeks: list[WeekInflow]


def percentile(values: list[float], percent: float) -> float | None:
    """The ``percent`` percentile with linear interpolation between ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * percent / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _states_by_case_type(case_types: QuerySet[CaseType]) -> dict[int, flow.Workflow]:
    return {case_type.pk: flow.workflow_for(case_type) for case_type in case_types}


def _state_filter(workflows: dict[int, flow.Workflow], keys: Any) -> Q:
    """Cases whose state is one of ``keys(workflow)`` of their own case type's workflow.

    Each case type may have its own workflow, so "open" means different state keys per case type.
    """
    condition = Q(pk__in=[])
    for case_type_id, workflow in workflows.items():
        states = keys(workflow)
        if states:
            condition |= Q(case_type_id=case_type_id, state__in=states)
    return condition


def _withdrawn_states(workflow: flow.Workflow) -> set[str]:
    return {transition.target for transition in workflow.transitions.values() if transition.via == "withdrawal"}


def _finished_durations(
    cases: QuerySet[Case], workflows: dict[int, flow.Workflow], since: datetime
) -> dict[int, list[float]]:
    """Processing time in days per service of the cases finished since ``since``.

    A case is finished when decided (received → decided) or, without a decision, when closed
    (received → closed); withdrawn cases are not processing and are left out. The percentiles are
    computed in Python over the durations (a few thousand per office and year at most) rather than
    with percentile_cont, which SQLite does not have.
    """
    rows = (
        cases.filter(Q(decided_at__gte=since) | Q(decided_at__isnull=True, closed_at__gte=since))
        .values_list("service_id", "case_type_id", "state", "received_at", "decided_at", "closed_at")
        .order_by()
    )
    durations: dict[int, list[float]] = defaultdict(list)
    for service_id, case_type_id, state, received_at, decided_at, closed_at in rows:
        if decided_at is None:
            workflow = workflows.get(case_type_id)
            if workflow is None or state in _withdrawn_states(workflow):
                continue
        end = decided_at or closed_at
        if end is None:
            continue
        durations[service_id].append((end - received_at).total_seconds() / SECONDS_PER_DAY)
    return durations


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekly_inflow(cases: QuerySet[Case], today: date) -> list[WeekInflow]:
    """Cases received per ISO week, the last ``INFLOW_WEEKS`` weeks up to and including the current one."""
    first_monday = _week_start(today) - timedelta(weeks=INFLOW_WEEKS - 1)
    start = timezone.make_aware(datetime.combine(first_monday, datetime.min.time()))
    counts: dict[date, int] = {}
    for row in (
        cases.filter(received_at__gte=start)
        .annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        week = row["week"]
        monday = timezone.localtime(week).date() if isinstance(week, datetime) else week
        counts[monday] = counts.get(monday, 0) + row["count"]
    weeks = []
    for offset in range(INFLOW_WEEKS):
        monday = first_monday + timedelta(weeks=offset)
        year, week, _weekday = monday.isocalendar()
        weeks.append(WeekInflow(year=year, week=week, monday=monday, count=counts.get(monday, 0)))
    return weeks


def dashboard_figures(
    *, municipality: Municipality, membership: StaffMembership, now: datetime | None = None
) -> DashboardFigures:
    """The dashboard of the offices ``membership`` works in, as of ``now`` (default: this moment)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=PERIOD_DAYS)
    cases = cases_for_staff(municipality=municipality, membership=membership)
    unit_ids = staff_unit_ids(membership)
    case_types = CaseType.objects.filter(
        Q(responsible_unit_id__in=unit_ids) | Q(pk__in=cases.values("case_type_id").distinct()),
        municipality=municipality,
    )
    workflows = _states_by_case_type(case_types)
    open_cases = cases.filter(_state_filter(workflows, lambda wf: wf.keys_of_kind(flow.OPEN, flow.PAUSED)))
    overdue_cases = cases.filter(_state_filter(workflows, lambda wf: wf.keys_of_kind(flow.OPEN)), due_date__lt=today)

    def per_service(queryset: QuerySet[Case]) -> dict[int, int]:
        return dict(
            queryset.values("service_id").annotate(count=Count("pk")).values_list("service_id", "count").order_by()
        )

    open_by_service = per_service(open_cases)
    overdue_by_service = per_service(overdue_cases)
    received_by_service = per_service(cases.filter(received_at__gte=since))
    durations = _finished_durations(cases, workflows, since)
    service_ids = set(open_by_service) | set(received_by_service) | set(durations)
    service_ids |= {case_type.service_id for case_type in case_types if case_type.responsible_unit_id in unit_ids}
    names = dict(Service.objects.filter(municipality=municipality, pk__in=service_ids).values_list("pk", "name"))
    services = [
        ServiceFigures(
            service_id=service_id,
            name=names.get(service_id, ""),
            open=open_by_service.get(service_id, 0),
            overdue=overdue_by_service.get(service_id, 0),
            received=received_by_service.get(service_id, 0),
            finished=len(durations.get(service_id, [])),
            median_days=statistics.median(durations[service_id]) if durations.get(service_id) else None,
            p90_days=percentile(durations.get(service_id, []), 90),
        )
        for service_id in service_ids
    ]
    services.sort(key=lambda figures: (figures.name.lower(), figures.service_id))
    return DashboardFigures(
        units=list(membership.units.order_by("name")),
        today=today,
        period_start=timezone.localdate(since),
        open=sum(open_by_service.values()),
        overdue=sum(overdue_by_service.values()),
        services=services,
        weeks=_weekly_inflow(cases, today),
    )
