#!/usr/bin/env python3
"""Appointments under load: availability over 100,000 existing appointments, and a release storm.

Run by scripts/bench.py in its throwaway PostgreSQL database (after the demo data is loaded, with gunicorn
running); standalone: ``DJANGO_SETTINGS_MODULE=config.settings DATABASE_URL=postgres://…/rathaus_bench_x
python scripts/bench_appointments.py [--port N]``.

(a) Availability. In the municipality of ``--host`` it creates the location "Bürgerbüro (Benchmark)"
(20 counters, a quarter held back for walk-ins, 10-minute units, open Monday to Friday 7:30–18:30) and a second
location, and writes 100,000 appointments of one or two units with PostgreSQL COPY: confirmed ones over the next
65 days at the measured location (about 85 % of its capacity taken), completed ones over the past 90 days there,
and the rest at the second location; their items and slot claims follow with INSERT … SELECT. Then it times
booking-core's ``days_with_free_times`` for the measured location over 60 days in process (``--runs`` times
after a warm-up), and, given ``--port``, the booking API's ``GET /api/v1/appointments/availability/days/``
(the whole booking window of 60 days) over HTTP, one request at a time. Target: p95 below 30 ms.

(b) Release storm. A location with 4 counters and 25 start times on one day, 100 free slots in all, gets
2,000 hold attempts (``appointment_hold``, channel online, each with its own e-mail address) from
``--processes`` processes × ``--threads`` threads with their own database connections, all released at once;
each start time is asked for 80 times, in random order. The result must be exactly 100 held appointments
and no counter and time claimed twice. Latency per attempt, p50 and p95, successful or refused.

The last line of output is the result as JSON (as the other sub-benchmarks); the figures are printed as a
Markdown table before it. Exit 1 when a target is missed, unless --report-only.
"""

import argparse
import http.client
import json
import multiprocessing
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from bench_common import log, nearest_rank, require_bench_database, run_in_django

BIND_HOST = "127.0.0.1"
DEFAULT_HOST = "esslingen.localhost"
TARGET_AVAILABILITY_P95_MS = 30.0
APPOINTMENTS = 100_000
FUTURE_SHARE = 0.33
PAST_SHARE = 0.40
COUNTERS = 20
SLOT_MINUTES = 10
OPENS, CLOSES = clock(7, 30), clock(18, 30)
STORM_ATTEMPTS = 2_000
STORM_COUNTERS = 4
STORM_TIMES = 25
CODE_PREFIX = "BA"
REQUEST_TIMEOUT = 60
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rathaus-bench-appointments/1"


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(nearest_rank(values, 50), 1),
        "p95_ms": round(nearest_rank(values, 95), 1),
        "max_ms": round(max(values), 1) if values else 0.0,
        "mean_ms": round(statistics.mean(values), 1) if values else 0.0,
    }


# --- setup ----------------------------------------------------------------------------------------------


def _open_days(first: date, last: date) -> list[date]:
    from rathaus.appointments.availability import public_holidays

    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in public_holidays(day.year):
            days.append(day)
        day += timedelta(days=1)
    return days


def prepare(host: str) -> dict[str, Any]:
    """The bench locations, counters and bookable service in the municipality of ``host`` (created once)."""
    from django.db import transaction

    from rathaus.appointments.models import AppointmentService, Counter, Location, OpeningPeriod
    from rathaus.catalogue.models import Service
    from rathaus.municipalities.models import HostName, OrganisationalUnit

    municipality = HostName.objects.select_related("municipality").get(name=host).municipality
    with transaction.atomic():
        unit = OrganisationalUnit.objects.filter(municipality=municipality).order_by("pk").first()
        if unit is None:
            raise SystemExit(f"bench_appointments: {municipality.slug} has no organisational unit")
        service, _created = Service.objects.get_or_create(
            municipality=municipality,
            slug="benchmark-termin",
            defaults={"name": "Termin (Benchmark)", "appointment_available": True, "is_published": False},
        )
        appointment_service, _created = AppointmentService.objects.get_or_create(
            service=service, defaults={"municipality": municipality, "duration_minutes": 10, "max_quantity": 4}
        )
        locations = {}
        for slug, name, counters, share in (
            ("benchmark-buergerbuero", "Bürgerbüro (Benchmark)", COUNTERS, 25),
            ("benchmark-nebenstelle", "Nebenstelle (Benchmark)", COUNTERS // 2, 25),
            ("benchmark-sturm", "Freigabe (Benchmark)", STORM_COUNTERS, 0),
        ):
            location, _created = Location.objects.get_or_create(
                municipality=municipality,
                slug=slug,
                defaults={
                    "unit": unit,
                    "name": name,
                    "street": "Marktplatz 1",
                    "postal_code": "73728",
                    "city": "Esslingen am Neckar",
                    "slot_minutes": SLOT_MINUTES,
                    "booking_min_days": 1,
                    "booking_max_days": 60,
                    "walk_in_share": share,
                    "position": 900,
                },
            )
            for number in range(location.counters.count(), counters):
                counter = Counter.objects.create(location=location, name=f"Platz {number + 1}", position=number)
                counter.services.set([appointment_service])
            if slug != "benchmark-sturm" and not location.opening_periods.exists():
                OpeningPeriod.objects.bulk_create(
                    OpeningPeriod(location=location, weekday=weekday, opens=OPENS, closes=CLOSES)
                    for weekday in range(5)
                )
            locations[slug] = location
    return {"municipality": municipality, "service": appointment_service, "locations": locations}


def _slots(location: Any, days: list[date], rng: random.Random) -> list[tuple[int, datetime, int]]:
    """Candidate appointments (counter, start, units) packed densely onto every counter of every day."""
    from django.utils import timezone

    counter_ids = list(location.counters.order_by("position", "id").values_list("id", flat=True))
    units_per_day = (CLOSES.hour * 60 + CLOSES.minute - OPENS.hour * 60 - OPENS.minute) // SLOT_MINUTES
    zone = timezone.get_default_timezone()
    found = []
    for day in days:
        opens = datetime.combine(day, OPENS, tzinfo=zone)
        for counter_id in counter_ids:
            unit = 0
            while unit < units_per_day:
                length = 1 if rng.random() < 0.5 or unit == units_per_day - 1 else 2
                found.append((counter_id, opens + timedelta(minutes=unit * SLOT_MINUTES), length))
                unit += length
    return found


def generate(setup: dict[str, Any], seed: int) -> dict[str, Any]:
    """Write the 100,000 appointments with COPY, then their items and claims; returns counts and timings."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg import sql

    from rathaus.appointments.models import GRAIN_MINUTES, Appointment, AppointmentItem, SlotClaim

    rng = random.Random(seed)
    municipality, service = setup["municipality"], setup["service"]
    measured, other = setup["locations"]["benchmark-buergerbuero"], setup["locations"]["benchmark-nebenstelle"]
    today = timezone.localdate()
    future_days = _open_days(today, today + timedelta(days=65))
    past_days = _open_days(today - timedelta(days=90), today - timedelta(days=1))
    future_count = int(APPOINTMENTS * FUTURE_SHARE)
    past_count = int(APPOINTMENTS * PAST_SHARE)
    plan = [
        (measured, rng.sample(_slots(measured, future_days, rng), future_count), Appointment.State.CONFIRMED),
        (measured, rng.sample(_slots(measured, past_days, rng), past_count), Appointment.State.COMPLETED),
    ]
    rest = APPOINTMENTS - future_count - past_count
    other_slots = _slots(other, past_days + future_days, rng)
    plan.append((other, rng.sample(other_slots, min(rest, len(other_slots))), Appointment.State.CONFIRMED))
    units_per_day = (CLOSES.hour * 60 + CLOSES.minute - OPENS.hour * 60 - OPENS.minute) // SLOT_MINUTES
    capacity = len(future_days) * COUNTERS * units_per_day
    table = Appointment._meta.db_table
    columns = [
        "uuid", "municipality_id", "location_id", "counter_id", "code", "starts_at", "ends_at", "state", "channel",
        "name", "email", "phone", "language", "created_at", "confirmed_at", "cancel_reason", "emails_sent",
    ]  # fmt: skip
    now = datetime.now(UTC)
    timings: dict[str, Any] = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        # A second run starts from scratch; the foreign keys do not cascade in the database.
        for dependent in (AppointmentItem._meta.db_table, SlotClaim._meta.db_table):
            raw.execute(
                sql.SQL(
                    "DELETE FROM {} WHERE appointment_id IN (SELECT id FROM {} WHERE location_id = ANY(%s))"
                ).format(sql.Identifier(dependent), sql.Identifier(table)),
                [[measured.pk, other.pk]],
            )
        raw.execute(
            sql.SQL("DELETE FROM {} WHERE location_id = ANY(%s)").format(sql.Identifier(table)),
            [[measured.pk, other.pk]],
        )
        index = 0
        with raw.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )) as copy:  # fmt: skip
            for location, slots, state in plan:
                for counter_id, starts_at, length in slots:
                    index += 1
                    copy.write_row(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            municipality.pk,
                            location.pk,
                            counter_id,
                            f"{CODE_PREFIX}{index:08d}",
                            starts_at,
                            starts_at + timedelta(minutes=length * SLOT_MINUTES),
                            state,
                            Appointment.Channel.ONLINE,
                            f"Testperson {index}",
                            f"bench-termin-{index}@example.org",
                            "",
                            "de",
                            now,
                            now,
                            "",
                            "[]",
                        )
                    )
        timings["copy_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        raw.execute(
            sql.SQL(
                "INSERT INTO {items} (appointment_id, service_id, quantity) "
                "SELECT id, %s, 1 FROM {table} WHERE location_id = ANY(%s)"
            ).format(items=sql.Identifier(AppointmentItem._meta.db_table), table=sql.Identifier(table)),
            [service.pk, [measured.pk, other.pk]],
        )
        raw.execute(
            sql.SQL(
                "INSERT INTO {claims} (counter_id, starts_at, appointment_id) "
                "SELECT a.counter_id, unit, a.id FROM {table} a, "
                "generate_series(a.starts_at, a.ends_at - make_interval(mins => %s), make_interval(mins => %s)) unit "
                "WHERE a.location_id = ANY(%s) AND a.state = ANY(%s)"
            ).format(claims=sql.Identifier(SlotClaim._meta.db_table), table=sql.Identifier(table)),
            # Claims are 5-minute grains (services.slot_claims_for); the bench's local 10-minute grid is on them.
            [GRAIN_MINUTES, GRAIN_MINUTES, [measured.pk, other.pk], list(Appointment.ACTIVE_STATES)],
        )
        timings["items_and_claims_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        for model in (Appointment, AppointmentItem, SlotClaim):
            # VACUUM as well: the availability query is answered from the covering index only once the
            # visibility map knows the freshly copied pages.
            cursor.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(model._meta.db_table)).as_string(None))
    return {
        "appointments": index,
        "measured_future": future_count,
        "measured_past": past_count,
        "other_location": len(plan[2][1]),
        "measured_capacity_units": capacity,
        "claims": SlotClaim.objects.filter(counter__location__in=[measured, other]).count(),
        **timings,
    }


# --- (a) availability -----------------------------------------------------------------------------------


def measure_in_process(setup: dict[str, Any], runs: int, warmup: int) -> dict[str, Any]:
    import cProfile
    import io
    import pstats

    from django.db import connection, reset_queries
    from django.utils import timezone

    from rathaus.appointments.availability import BookingItem, days_with_free_times

    location = setup["locations"]["benchmark-buergerbuero"]
    items = [BookingItem(service=setup["service"], quantity=1)]
    first = timezone.localdate()
    last = first + timedelta(days=60)
    timings = []
    days: dict[date, int] = {}
    for number in range(warmup + runs):
        started = time.perf_counter()
        days = days_with_free_times(location=location, items=items, first_day=first, last_day=last)
        elapsed = (time.perf_counter() - started) * 1000
        if number >= warmup:
            timings.append(elapsed)
    # Where the time goes: one profiled call, and the SQL of one call with its own durations.
    profiler = cProfile.Profile()
    profiler.enable()
    days_with_free_times(location=location, items=items, first_day=first, last_day=last)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(12)
    connection.force_debug_cursor = True
    reset_queries()
    days_with_free_times(location=location, items=items, first_day=first, last_day=last)
    queries = [{"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"][:160]} for query in connection.queries]
    connection.force_debug_cursor = False
    return {
        **_stats(timings),
        "days_with_free_times": len(days),
        "free_start_times": sum(days.values()),
        "profile": stream.getvalue(),
        "queries": queries,
        "ok": nearest_rank(timings, 95) < TARGET_AVAILABILITY_P95_MS,
    }


def measure_http(setup: dict[str, Any], port: int, host: str, runs: int, warmup: int) -> dict[str, Any]:
    location = setup["locations"]["benchmark-buergerbuero"]
    path = f"/api/v1/appointments/availability/days/?location={location.slug}&items={setup['service'].pk}:1"
    connection = http.client.HTTPConnection(BIND_HOST, port, timeout=REQUEST_TIMEOUT)
    headers = {"Host": host, "User-Agent": USER_AGENT, "Accept": "application/json", "X-Forwarded-Proto": "https"}
    timings = []
    body = b""
    for number in range(warmup + runs):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"bench_appointments: GET {path} answered {response.status}: {body[:300]!r}")
        if number >= warmup:
            timings.append(elapsed)
    connection.close()
    return {
        **_stats(timings),
        "path": path,
        "days": len(json.loads(body)),
        "ok": nearest_rank(timings, 95) < TARGET_AVAILABILITY_P95_MS,
    }


# --- (b) release storm ----------------------------------------------------------------------------------


def _storm_day() -> date:
    from django.utils import timezone

    return _open_days(timezone.localdate() + timedelta(days=2), timezone.localdate() + timedelta(days=20))[0]


def storm_prepare(setup: dict[str, Any]) -> list[str]:
    """Empty the storm location and open it for exactly 25 start times on one day: 100 free slots."""
    from django.db import transaction
    from django.utils import timezone

    from rathaus.appointments.models import Appointment, OpeningPeriod

    location = setup["locations"]["benchmark-sturm"]
    day = _storm_day()
    with transaction.atomic():
        Appointment.objects.filter(location=location).delete()
        OpeningPeriod.objects.filter(location=location).delete()
        closes = (datetime.combine(day, clock(8, 0)) + timedelta(minutes=STORM_TIMES * SLOT_MINUTES)).time()
        OpeningPeriod.objects.create(location=location, weekday=day.weekday(), opens=clock(8, 0), closes=closes)
    zone = timezone.get_default_timezone()
    first = datetime.combine(day, clock(8, 0), tzinfo=zone)
    return [(first + timedelta(minutes=number * SLOT_MINUTES)).isoformat() for number in range(STORM_TIMES)]


def _storm_worker(args: tuple[int, list[tuple[int, str]], int, float, int, int]) -> list[tuple[float, str]]:
    """One load-generator process: ``threads`` threads, each with its own connection, from ``go_at`` on."""
    _municipality_id, attempts, threads, go_at, location_id, service_id = args
    from django.db import connection

    from rathaus.appointments.availability import BookingItem
    from rathaus.appointments.models import AppointmentService, Location
    from rathaus.appointments.services import BookingRefused, appointment_hold

    connection.close()  # never share the parent's connection
    location = Location.objects.select_related("municipality").get(pk=location_id)
    items = [BookingItem(service=AppointmentService.objects.get(pk=service_id), quantity=1)]
    connection.close()
    results: list[tuple[float, str]] = []
    lock = threading.Lock()
    queue = list(attempts)

    def run() -> None:
        from django.db import connection as thread_connection

        while True:
            with lock:
                if not queue:
                    break
                number, moment = queue.pop()
            delay = go_at - time.time()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            try:
                appointment_hold(
                    municipality=location.municipality,
                    location=location,
                    items=items,
                    starts_at=datetime.fromisoformat(moment),
                    name=f"Sturm {number}",
                    email=f"sturm-{number}@example.org",
                )
                outcome = "held"
            except BookingRefused:
                outcome = "refused"
            except Exception as error:  # noqa: BLE001 - any other failure is counted, not hidden
                outcome = f"error: {type(error).__name__}: {error}"[:200]
            with lock:
                results.append(((time.perf_counter() - started) * 1000, outcome))
        thread_connection.close()

    workers = [threading.Thread(target=run) for _number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def measure_storm(setup: dict[str, Any], processes: int, threads: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from rathaus.appointments.models import Appointment, SlotClaim

    times = storm_prepare(setup)
    location = setup["locations"]["benchmark-sturm"]
    attempts = [(number, times[number % len(times)]) for number in range(STORM_ATTEMPTS)]
    random.Random(seed).shuffle(attempts)
    shares = [attempts[index::processes] for index in range(processes)]
    connection.close()
    go_at = time.time() + 3.0  # every process is up and connected before the first attempt
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        parts = pool.map(
            _storm_worker,
            [(setup["municipality"].pk, share, threads, go_at, location.pk, setup["service"].pk) for share in shares],
        )
    wall = time.time() - go_at
    results = [row for part in parts for row in part]
    held = Appointment.objects.filter(location=location, state=Appointment.State.HELD)
    duplicates = (
        SlotClaim.objects.filter(counter__location=location)
        .values("counter_id", "starts_at")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .count()
    )
    errors = sorted({outcome for _ms, outcome in results if outcome.startswith("error")})
    latencies = [ms for ms, _outcome in results]
    held_count = held.count()
    return {
        "attempts": len(results),
        "slots": STORM_COUNTERS * STORM_TIMES,
        "held": held_count,
        "held_reported": sum(1 for _ms, outcome in results if outcome == "held"),
        "refused": sum(1 for _ms, outcome in results if outcome == "refused"),
        "errors": errors[:5],
        "error_count": sum(1 for _ms, outcome in results if outcome.startswith("error")),
        "double_claims": duplicates,
        "clients": processes * threads,
        "wall_seconds": round(max(wall, 0.0), 2),
        **_stats(latencies),
        "held_p95_ms": round(nearest_rank([ms for ms, outcome in results if outcome == "held"], 95), 1),
        "ok": held_count == STORM_COUNTERS * STORM_TIMES and duplicates == 0 and not errors,
    }


# --- output ---------------------------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    rows = [
        "| measurement | runs | p50 ms | p95 ms | max ms | result | target |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    local = result["availability"]
    rows.append(
        f"| availability, 60 days, in process (`days_with_free_times`) | {local['count']} | {local['p50_ms']:.1f} "
        f"| {local['p95_ms']:.1f} | {local['max_ms']:.1f} | {local['days_with_free_times']} days, "
        f"{local['free_start_times']:,} free start times | p95 < 30 ms: {'PASS' if local['ok'] else 'FAIL'} |"
    )
    remote = result.get("availability_http")
    if remote:
        rows.append(
            f"| availability, booking window, HTTP (`GET /api/v1/appointments/availability/days/`) | {remote['count']} "
            f"| {remote['p50_ms']:.1f} | {remote['p95_ms']:.1f} | {remote['max_ms']:.1f} | {remote['days']} days "
            f"| p95 < 30 ms: {'PASS' if remote['ok'] else 'FAIL'} |"
        )
    storm = result["storm"]
    rows.append(
        f"| release storm, `appointment_hold` ({storm['clients']} concurrent clients) | {storm['attempts']:,} "
        f"| {storm['p50_ms']:.1f} | {storm['p95_ms']:.1f} | {storm['max_ms']:.1f} | {storm['held']} held of "
        f"{storm['slots']} slots, {storm['refused']:,} refused, {storm['double_claims']} claimed twice, "
        f"{storm['error_count']} errors | exactly {storm['slots']}: {'PASS' if storm['ok'] else 'FAIL'} |"
    )
    return "\n".join(rows)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    # Holds queue a confirmation e-mail; the storm measures the booking, not the mail server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    require_bench_database("bench_appointments", any_database=args.any_database, leaves_behind="100,000 appointments")
    setup = prepare(args.host)
    log(f"generating {APPOINTMENTS:,} appointments (seed {args.seed}) …")
    started = time.perf_counter()
    load = generate(setup, args.seed)
    load["total_seconds"] = round(time.perf_counter() - started, 1)
    log(f"generated: {load}")
    availability = measure_in_process(setup, args.runs, args.warmup)
    log(f"availability in process: p50 {availability['p50_ms']} ms, p95 {availability['p95_ms']} ms")
    log(availability["profile"])
    for query in availability["queries"]:
        log(f"  {query['ms']:>6} ms  {query['sql']}")
    result: dict[str, Any] = {"load": load, "availability": availability, "seed": args.seed}
    if args.port:
        result["availability_http"] = measure_http(setup, args.port, args.host, args.runs, args.warmup)
        log(f"availability over HTTP: p95 {result['availability_http']['p95_ms']} ms")
    log(f"release storm: {STORM_ATTEMPTS:,} attempts from {args.processes} × {args.threads} clients …")
    result["storm"] = measure_storm(setup, args.processes, args.threads, args.seed)
    log(f"release storm: {result['storm']}")
    result["ok"] = (
        availability["ok"]
        and result["storm"]["ok"]
        and ("availability_http" not in result or result["availability_http"]["ok"])
    )
    result["table"] = table(result)
    log("")
    log(result["table"])
    availability.pop("profile")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port of a running gunicorn on 127.0.0.1 (HTTP timing)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"host name of the municipality ({DEFAULT_HOST})")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated data")
    parser.add_argument("--runs", type=int, default=200, help="measured availability calls (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="calls before measuring (default 10)")
    parser.add_argument("--processes", type=int, default=4, help="storm load-generator processes (default 4)")
    parser.add_argument("--threads", type=int, default=16, help="storm threads per process (default 16)")
    parser.add_argument("--report-only", action="store_true", help="exit 0 even when a target is missed")
    parser.add_argument("--any-database", action="store_true", help="also run on a database not named rathaus_bench_…")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.processes < 1 or args.threads < 1:
        parser.error("--runs, --processes and --threads must be at least 1")
    outcome: dict[str, Any] = {}

    def run_and_keep(parsed: argparse.Namespace) -> dict[str, Any]:
        outcome.update(run(parsed))
        return outcome

    status = run_in_django(parser, args, run_and_keep)
    if status == 0 and not outcome.get("ok") and not args.report_only:
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
