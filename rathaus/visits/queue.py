"""Who is next, and how long a walk-in will wait: the rules of the waiting room (docs/counter.md).

Interleaving rule for "Nächste Person aufrufen" at a counter:

1. Only waiting visits whose every service the counter handles are considered.
2. An appointment is *due* from ``APPOINTMENT_EARLY_MINUTES`` before its start time.
3. Due appointments go first (earliest start time first) ...
4. ... except after ``APPOINTMENT_STREAK`` appointment calls in a row at this location: then a walk-in
   who has waited at least ``WALK_IN_PATIENCE_MINUTES`` goes next (lowest number first).
5. Without a due appointment, the walk-in with the lowest number goes next; without any walk-in,
   an early appointment is called rather than leaving the counter idle.
Recalls do not count as calls.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db.models import QuerySet
from django.utils import timezone

from rathaus.appointments.models import AppointmentService, Counter, Location

from .models import Visit

APPOINTMENT_EARLY_MINUTES = 5
APPOINTMENT_STREAK = 2
WALK_IN_PATIENCE_MINUTES = 15
# How far back finished visits feed the estimate when today has too few of them.
ESTIMATE_HISTORY_DAYS = 14
ESTIMATE_MIN_SAMPLES = 3


def waiting_for_counter(*, location: Location, counter: Counter, now: datetime) -> QuerySet[Visit]:
    """Waiting visits of today at ``location`` that ``counter`` can serve completely."""
    handled = counter.services.values("pk")
    return (
        Visit.objects.filter(location=location, day=timezone.localdate(now), state=Visit.State.WAITING)
        .exclude(services__in=AppointmentService.objects.exclude(pk__in=handled))
        .select_related("appointment")
    )


def _recent_calls_were_appointments(*, location: Location, now: datetime) -> bool:
    kinds = list(
        Visit.objects.filter(location=location, day=timezone.localdate(now), first_called_at__isnull=False)
        .order_by("-first_called_at", "-id")
        .values_list("kind", flat=True)[:APPOINTMENT_STREAK]
    )
    return len(kinds) == APPOINTMENT_STREAK and all(kind == Visit.Kind.APPOINTMENT for kind in kinds)


def next_visit_for(*, location: Location, counter: Counter, now: datetime) -> Visit | None:
    """The visit ``counter`` should call now by the interleaving rule, or None."""
    waiting = list(waiting_for_counter(location=location, counter=counter, now=now))
    walk_ins = sorted((visit for visit in waiting if visit.kind == Visit.Kind.WALK_IN), key=lambda v: v.number)
    appointments = sorted(
        (visit for visit in waiting if visit.kind == Visit.Kind.APPOINTMENT and visit.appointment is not None),
        key=lambda v: (v.appointment.starts_at, v.number),  # type: ignore[union-attr]
    )
    due_from = now + timedelta(minutes=APPOINTMENT_EARLY_MINUTES)
    due = [visit for visit in appointments if visit.appointment.starts_at <= due_from]  # type: ignore[union-attr]
    if due:
        patience = timedelta(minutes=WALK_IN_PATIENCE_MINUTES)
        if (
            walk_ins
            and now - walk_ins[0].arrived_at >= patience
            and _recent_calls_were_appointments(location=location, now=now)
        ):
            return walk_ins[0]
        return due[0]
    if walk_ins:
        return walk_ins[0]
    return appointments[0] if appointments else None


@dataclass(frozen=True)
class WaitEstimate:
    minutes: int
    people_ahead: int
    service_minutes: float
    counters: int
    from_history: bool


def _service_minutes(
    *, location: Location, services: Sequence[AppointmentService], now: datetime, combined: bool
) -> tuple[float, bool]:
    """Median minutes of service of finished visits with these services (today, else the last weeks)."""
    today = timezone.localdate(now)
    finished = Visit.objects.filter(
        location=location,
        state=Visit.State.FINISHED,
        services__in=services,
        service_started_at__isnull=False,
        finished_at__isnull=False,
    ).distinct()
    for since in (today, today - timedelta(days=ESTIMATE_HISTORY_DAYS)):
        spans = [
            (finished_at - started_at).total_seconds() / 60
            for started_at, finished_at in finished.filter(day__gte=since, day__lte=today).values_list(
                "service_started_at", "finished_at"
            )
            if started_at is not None and finished_at is not None
        ]
        if len(spans) >= ESTIMATE_MIN_SAMPLES:
            return float(median(spans)), True
    # No history yet: what the booking rules say the services take (all of them, or a typical one).
    durations = [service.duration_minutes for service in services] or [0]
    return float(sum(durations) if combined else median(durations)), False


def wait_estimate(
    *,
    location: Location,
    services: Sequence[AppointmentService],
    now: datetime,
    before: Visit | None = None,
    combined: bool = True,
) -> WaitEstimate:
    """Minutes a walk-in with ``services`` waits: people ahead × median service time ÷ counters serving them.

    ``before`` is the walk-in's own visit (only those ahead of it count); without it, a new arrival.
    ``combined``: the person needs all ``services``; otherwise one of them (a new arrival, any service).
    """
    service_ids = [service.pk for service in services]
    ahead = Visit.objects.filter(
        location=location,
        day=timezone.localdate(now),
        state=Visit.State.WAITING,
        services__in=service_ids,
    )
    if before is not None:
        ahead = ahead.filter(arrived_at__lt=before.arrived_at).exclude(pk=before.pk)
    people_ahead = ahead.distinct().count()
    counters = (
        Counter.objects.filter(location=location, is_active=True, services__in=service_ids).distinct().count() or 1
    )
    minutes, from_history = _service_minutes(location=location, services=services, now=now, combined=combined)
    return WaitEstimate(
        minutes=math.ceil(people_ahead * minutes / counters),
        people_ahead=people_ahead,
        service_minutes=minutes,
        counters=counters,
        from_history=from_history,
    )
