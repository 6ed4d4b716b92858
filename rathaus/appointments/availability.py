"""Free times, computed on demand from opening hours minus the appointments that hold time.

Nothing is precomputed or cached: one query fetches the times already taken at a location in the
asked window, a few small ones fetch counters, opening periods, closures and fair-release windows,
and the rest is integer bit masks: taken time is marked per counter by 5-minute grains (the same grain
the database claims, ``GRAIN_MINUTES``), and free starts are picked on the location's grid of
``slot_minutes``. Times are handled as whole minutes since the epoch, which keeps the inner loops cheap
and free of time zone arithmetic.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, Func
from django.utils import timezone

from rathaus.municipalities.models import Municipality

from .models import (
    GRAIN_MINUTES,
    Appointment,
    AppointmentService,
    Closure,
    Counter,
    Location,
    LotteryWindow,
    OpeningPeriod,
)


@dataclass(frozen=True)
class BookingItem:
    """One service of a requested appointment and how many times it is needed."""

    service: AppointmentService
    quantity: int = 1


class EpochMinute(Func):
    """Whole minutes since the epoch, computed by the database: far cheaper to fetch than datetimes."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60) AS bigint)"
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        # Four percent signs: the template is %-formatted once here and once more by the SQLite backend.
        return self.as_sql(compiler, connection, template="(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / 60)")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=32)
def public_holidays(year: int) -> frozenset[date]:
    """Baden-Württemberg's public holidays of ``year``."""
    return frozenset(holidays.country_holidays("DE", subdiv="BW", years=year).keys())


def appointment_minutes(items: Iterable[BookingItem]) -> int:
    return sum(item.service.duration_minutes * item.quantity for item in items)


def units_needed(*, location: Location, items: Sequence[BookingItem]) -> int:
    """How many consecutive time units of ``location`` the appointment takes (at least one)."""
    return max(1, math.ceil(appointment_minutes(items) / location.slot_minutes))


def epoch_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def from_epoch_minute(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=local_zone())


def booking_window(*, location: Location, now: datetime | None = None, staff: bool = False) -> tuple[date, date]:
    """First and last day that may be booked: online from ``booking_min_days`` ahead, staff from today."""
    today = timezone.localdate(now or timezone.now(), local_zone())
    first = today if staff else today + timedelta(days=location.booking_min_days)
    return first, today + timedelta(days=location.booking_max_days)


def online_counter_ids(counter_ids: Sequence[int], walk_in_share: int) -> list[int]:
    """The counters open to online booking: the last share of the ordered counters is kept for walk-ins."""
    held_back = round(len(counter_ids) * walk_in_share / 100)
    return list(counter_ids[: len(counter_ids) - held_back])


GRAINS_PER_BUCKET = 24 * 60 // GRAIN_MINUTES


@lru_cache(maxsize=256)
def _grid_mask(step: int, count: int) -> int:
    """Bits 0, ``step``, 2 × ``step`` … (``count`` of them): the grains on which an appointment may start."""
    mask = 0
    for index in range(count):
        mask |= 1 << (index * step)
    return mask


@dataclass
class Plan:
    """Everything needed to answer "which times are free" for one location, request and window.

    Busy time is kept per counter as bit masks of 5-minute grains (``GRAIN_MINUTES``), one integer per
    1440 minutes from ``base`` (local midnight of the first day): bit ``i`` of bucket ``b`` is the grain
    starting ``b`` days and ``5 × i`` minutes after ``base``. Marking is by interval, every grain of an
    appointment, so time booked on another grid (before ``slot_minutes`` or an opening time changed)
    blocks every start that would overlap it.
    """

    location: Location
    slot: int
    units: int
    counter_ids: list[int]
    periods: dict[int, list[tuple[time, time]]]
    closed_days: set[date]
    first_day: date
    last_day: date
    not_before: int
    base: int = 0
    busy: dict[int, dict[int, int]] = field(default_factory=dict)

    def is_open(self, day: date) -> bool:
        if day < self.first_day or day > self.last_day or day in self.closed_days:
            return False
        if self.location.closed_on_public_holidays and day in public_holidays(day.year):
            return False
        return bool(self.periods.get(day.weekday()))

    def mark_busy(self, counter_id: int, first_grain: int, end_grain: int) -> None:
        """Mark the grains ``first_grain`` … ``end_grain`` − 1 (counted from ``base``) of a counter as taken."""
        buckets = self.busy.get(counter_id)
        if buckets is None:
            return
        first = max(first_grain, 0)
        while first < end_grain:
            bucket, offset = divmod(first, GRAINS_PER_BUCKET)
            length = min(end_grain - first, GRAINS_PER_BUCKET - offset)
            buckets[bucket] = buckets.get(bucket, 0) | (((1 << length) - 1) << offset)
            first += length

    def busy_mask(self, counter_id: int, first_minute: int, grains: int) -> int:
        """The taken grains of a counter from ``first_minute`` on, as bits 0 … ``grains`` − 1."""
        buckets = self.busy.get(counter_id)
        if not buckets:
            return 0
        bucket, offset = divmod((first_minute - self.base) // GRAIN_MINUTES, GRAINS_PER_BUCKET)
        mask = buckets.get(bucket, 0) >> offset
        covered = GRAINS_PER_BUCKET - offset
        while covered < grains:
            bucket += 1
            mask |= buckets.get(bucket, 0) << covered
            covered += GRAINS_PER_BUCKET
        return mask & ((1 << grains) - 1)

    def free_masks(self, day: date) -> list[tuple[int, dict[int, int]]]:
        """Per opening period of ``day``: its first minute and, per counter, a bit mask of the free starts.

        Bit ``i`` stands for the start ``5 × i`` minutes after opening; only grains on the location's grid
        are ever set, and only where all grains of the appointment from there are free. Whole periods are
        handled with a few integer operations instead of a loop per unit, which keeps a 60-day month view
        in the low milliseconds.
        """
        result: list[tuple[int, dict[int, int]]] = []
        if not self.counter_ids or not self.is_open(day):
            return result
        zone = local_zone()
        step = self.slot // GRAIN_MINUTES
        needed = self.units * step
        for opens, closes in self.periods[day.weekday()]:
            # Opening times are whole grains (the configuration refuses others); round inwards to be safe.
            first = -(-epoch_minute(datetime.combine(day, opens, tzinfo=zone)) // GRAIN_MINUTES) * GRAIN_MINUTES
            grains = (epoch_minute(datetime.combine(day, closes, tzinfo=zone)) - first) // GRAIN_MINUTES
            unit_count = grains // step
            if unit_count < self.units:
                continue
            allowed = _grid_mask(step, unit_count - self.units + 1)
            if self.not_before > first:
                allowed &= ~((1 << -((first - self.not_before) // GRAIN_MINUTES)) - 1)
            if not allowed:
                continue
            all_free = (1 << grains) - 1
            masks: dict[int, int] = {}
            for counter_id in self.counter_ids:
                free = all_free & ~self.busy_mask(counter_id, first, grains)
                valid, run = free, 1
                # After this, bit i is set when grains i … i + needed − 1 are all free (doubling the run).
                while run < needed:
                    shift = min(run, needed - run)
                    valid &= valid >> shift
                    run += shift
                valid &= allowed
                if valid:
                    masks[counter_id] = valid
            if masks:
                result.append((first, masks))
        return result

    def count_of_day(self, day: date) -> int:
        """How many start times of ``day`` are free on at least one counter."""
        count = 0
        for _first, masks in self.free_masks(day):
            union = 0
            for mask in masks.values():
                union |= mask
            count += union.bit_count()
        return count

    def starts_of_day(self, day: date) -> dict[int, list[int]]:
        """Free start minutes of ``day``, each with the counters (in order) on which it is free."""
        result: dict[int, list[int]] = {}
        for first, masks in self.free_masks(day):
            for counter_id, mask in masks.items():
                while mask:
                    lowest = mask & -mask
                    result.setdefault(first + (lowest.bit_length() - 1) * GRAIN_MINUTES, []).append(counter_id)
                    mask ^= lowest
        return dict(sorted(result.items()))


def _eligible_counters(location: Location, service_ids: set[int], staff: bool) -> list[int]:
    rows = (
        Counter.objects.filter(location=location, is_active=True)
        .order_by("position", "id")
        .values_list("id", "services")
    )
    ordered: list[int] = []
    handled: dict[int, set[int]] = {}
    for counter_id, service_id in rows:
        if counter_id not in handled:
            ordered.append(counter_id)
            handled[counter_id] = set()
        if service_id is not None:
            handled[counter_id].add(service_id)
    usable = ordered if staff else online_counter_ids(ordered, location.walk_in_share)
    return [counter_id for counter_id in usable if service_ids <= handled[counter_id]]


def plan_load(
    *,
    location: Location,
    items: Sequence[BookingItem],
    first_day: date,
    last_day: date,
    now: datetime | None = None,
    staff: bool = False,
    ignore_fair_release: bool = False,
    exclude_appointment_id: int | None = None,
) -> Plan:
    """Fetch what availability of ``location`` between two days needs, with a handful of queries."""
    now = now or timezone.now()
    window_first, window_last = booking_window(location=location, now=now, staff=staff)
    first_day, last_day = max(first_day, window_first), min(last_day, window_last)
    service_ids = {item.service.pk for item in items}
    plan = Plan(
        location=location,
        slot=location.slot_minutes,
        units=units_needed(location=location, items=items),
        counter_ids=_eligible_counters(location, service_ids, staff) if items else [],
        periods={},
        closed_days=set(),
        first_day=first_day,
        last_day=last_day,
        not_before=epoch_minute(now) + 1,
    )
    if first_day > last_day or not plan.counter_ids:
        return plan
    for weekday, opens, closes in OpeningPeriod.objects.filter(location=location).values_list(
        "weekday", "opens", "closes"
    ):
        plan.periods.setdefault(weekday, []).append((opens, closes))
    for periods in plan.periods.values():
        periods.sort()
    closures = Closure.objects.filter(location=location, first_day__lte=last_day, last_day__gte=first_day)
    fair_release: list[tuple[date, date]] = []
    if not staff and not ignore_fair_release:
        fair_release = list(
            LotteryWindow.objects.filter(
                location=location,
                service_id__in=service_ids,
                state=LotteryWindow.State.COLLECTING,
                first_day__lte=last_day,
                last_day__gte=first_day,
            ).values_list("first_day", "last_day")
        )
    for closed_first, closed_last in [*closures.values_list("first_day", "last_day"), *fair_release]:
        day = max(closed_first, first_day)
        while day <= min(closed_last, last_day):
            plan.closed_days.add(day)
            day += timedelta(days=1)
    zone = local_zone()
    window_start = datetime.combine(first_day, time.min, tzinfo=zone)
    window_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    plan.base = epoch_minute(window_start)
    plan.busy = {counter_id: {} for counter_id in plan.counter_ids}
    for counter_id, first_grains, end_grains in _taken_by_counter(
        location=location,
        counter_ids=plan.counter_ids,
        window_start=window_start,
        window_end=window_end,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
    ):
        buckets = plan.busy[counter_id]
        for first, end in zip(first_grains, end_grains, strict=True):
            # The common case inline (tens of thousands of rows): an appointment inside one bucket.
            bucket, offset = divmod(first, GRAINS_PER_BUCKET)
            length = end - first
            if first < 0 or offset + length > GRAINS_PER_BUCKET:
                plan.mark_busy(counter_id, first, end)
            else:
                buckets[bucket] = buckets.get(bucket, 0) | (((1 << length) - 1) << offset)
    return plan


def _taken_by_counter(
    *,
    location: Location,
    counter_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    exclude_appointment_id: int | None,
) -> Iterable[tuple[int, Sequence[int], Sequence[int]]]:
    """Per counter, the appointments that hold time in the window, as grains counted from ``window_start``.

    Each appointment gives its first grain (rounded down) and its end grain (rounded up, exclusive). On
    PostgreSQL one row per counter with two integer arrays computed by the database: a month view over a busy
    location reads tens of thousands of appointments, and a Python row and datetime per appointment was most
    of its time.
    """
    base_seconds = int(window_start.timestamp())
    grain_seconds = GRAIN_MINUTES * 60
    if connection.vendor == "postgresql":
        # date_part gives double precision, several times cheaper than EXTRACT's numeric; exact for whole seconds.
        # A hold whose time ran out counts as free; its claims go when someone takes the time. Without an
        # appointment to leave out, every column the query reads is in appt_location_start_idx, so PostgreSQL can
        # answer it from that index alone (the id is not in it).
        excluded = "AND id <> %s" if exclude_appointment_id is not None else ""
        sql = f"""
            SELECT counter_id,
                   array_agg(CAST(FLOOR((date_part('epoch', starts_at) - %s) / %s) AS integer)),
                   array_agg(CAST(CEIL((date_part('epoch', ends_at) - %s) / %s) AS integer))
            FROM {connection.ops.quote_name(Appointment._meta.db_table)}
            WHERE location_id = %s AND starts_at >= %s AND starts_at < %s AND counter_id = ANY(%s)
              AND state = ANY(%s)
              AND NOT (state = %s AND hold_expires_at IS NOT NULL AND hold_expires_at <= %s)
              {excluded}
            GROUP BY counter_id
        """  # noqa: S608 (the table name comes from the model, every value is a parameter)
        parameters: list[Any] = [
            base_seconds,
            grain_seconds,
            base_seconds,
            grain_seconds,
            location.pk,
            window_start,
            window_end,
            counter_ids,
            [str(state) for state in Appointment.ACTIVE_STATES],
            str(Appointment.State.HELD),
            now,
        ]
        if exclude_appointment_id is not None:
            parameters.append(exclude_appointment_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
    taken = (
        Appointment.objects.filter(
            location=location,
            starts_at__gte=window_start,
            starts_at__lt=window_end,
            counter_id__in=counter_ids,
            state__in=Appointment.ACTIVE_STATES,
        )
        .exclude(state=Appointment.State.HELD, hold_expires_at__lte=now)
        .order_by()
    )
    if exclude_appointment_id is not None:
        taken = taken.exclude(pk=exclude_appointment_id)
    grouped: dict[int, tuple[list[int], list[int]]] = {}
    base_minute = base_seconds // 60
    for counter_id, start_minute, end_minute in taken.values_list(
        "counter_id", EpochMinute("starts_at"), EpochMinute("ends_at")
    ):
        firsts, ends = grouped.setdefault(counter_id, ([], []))
        firsts.append((start_minute - base_minute) // GRAIN_MINUTES)
        ends.append(-((base_minute - end_minute) // GRAIN_MINUTES))
    return [(counter_id, firsts, ends) for counter_id, (firsts, ends) in grouped.items()]


def days_with_free_times(
    *,
    location: Location,
    items: Sequence[BookingItem],
    first_day: date,
    last_day: date,
    now: datetime | None = None,
    staff: bool = False,
    ignore_fair_release: bool = False,
    exclude_appointment_id: int | None = None,
) -> dict[date, int]:
    """Each day between ``first_day`` and ``last_day`` with at least one free start time, and how many it has.

    ``exclude_appointment_id``: that appointment's own time counts as free (moving it); ``ignore_fair_release``:
    days held back for a draw are open (an appointment won in that draw).
    """
    plan = plan_load(
        location=location,
        items=items,
        first_day=first_day,
        last_day=last_day,
        now=now,
        staff=staff,
        ignore_fair_release=ignore_fair_release,
        exclude_appointment_id=exclude_appointment_id,
    )
    result: dict[date, int] = {}
    day = plan.first_day
    while day <= plan.last_day:
        count = plan.count_of_day(day)
        if count:
            result[day] = count
        day += timedelta(days=1)
    return result


def free_times(
    *,
    location: Location,
    items: Sequence[BookingItem],
    day: date,
    now: datetime | None = None,
    staff: bool = False,
    ignore_fair_release: bool = False,
    exclude_appointment_id: int | None = None,
) -> list[datetime]:
    """The free start times of one day, in local time (the options as for ``days_with_free_times``)."""
    plan = plan_load(
        location=location,
        items=items,
        first_day=day,
        last_day=day,
        now=now,
        staff=staff,
        ignore_fair_release=ignore_fair_release,
        exclude_appointment_id=exclude_appointment_id,
    )
    return [from_epoch_minute(minute) for minute in plan.starts_of_day(day)]


def locations_for(*, municipality: Municipality, items: Sequence[BookingItem]) -> list[Location]:
    """Active locations with at least one active counter that handles every requested service."""
    service_ids = {item.service.pk for item in items}
    locations = list(Location.objects.filter(municipality=municipality, is_active=True).order_by("position", "name"))
    handled: dict[int, dict[int, set[int]]] = {}
    for location_id, counter_id, service_id in Counter.objects.filter(
        location__in=locations, is_active=True
    ).values_list("location_id", "id", "services"):
        counter_services = handled.setdefault(location_id, {}).setdefault(counter_id, set())
        if service_id is not None:
            counter_services.add(service_id)
    return [
        location
        for location in locations
        if any(service_ids <= services for services in handled.get(location.pk, {}).values())
    ]


def first_free_times(
    *,
    municipality: Municipality,
    items: Sequence[BookingItem],
    now: datetime | None = None,
    limit: int = 5,
) -> list[tuple[Location, datetime]]:
    """The earliest free times at any location of ``municipality`` ("erster freier Termin überall")."""
    now = now or timezone.now()
    found: list[tuple[Location, int]] = []
    for location in locations_for(municipality=municipality, items=items):
        first_day, last_day = booking_window(location=location, now=now)
        plan = plan_load(location=location, items=items, first_day=first_day, last_day=last_day, now=now)
        day, of_location = plan.first_day, 0
        while day <= plan.last_day and of_location < limit:
            for minute in plan.starts_of_day(day):
                found.append((location, minute))
                of_location += 1
                if of_location >= limit:
                    break
            day += timedelta(days=1)
    found.sort(key=lambda pair: (pair[1], pair[0].position, pair[0].pk))
    return [(location, from_epoch_minute(minute)) for location, minute in found[:limit]]
