#!/usr/bin/env python3
"""The Mängelmelder's public map: the bounding-box query over 100,000 reports (target p95 < 50 ms).

Two ways to run it:

- standalone (``DATABASE_URL=postgres://… .venv/bin/python scripts/bench_reports.py``): creates a throwaway test
  database of the configured kind (the target is defined for PostgreSQL), migrates it, generates the reports,
  measures the selector and the GeoJSON endpoint in process through Django's test client (the whole middleware,
  view and JSON stack, without a socket), prints the figures and, unless ``--no-write``, appends a dated
  section at the end of docs/performance.md;
- from ``scripts/bench.py`` (``--port`` and ``--host``): in the benchmark database, against the running
  gunicorn over HTTP; prints one line of JSON and leaves docs/performance.md to bench.py.

Data: the municipality "Mängelstadt (Benchmark)" with one office, seven categories and ``--reports`` reports
(default 100,000) spread evenly over a 10 × 7 km box around Esslingen, created in batches with
``bulk_create``; 90 % confirmed and public, the rest unconfirmed or hidden (they must not show), a fifth of
them closed.

Measured, one request at a time after ``--warmup`` runs, ``--runs`` times each, at random positions:

  street    a map view at zoom 17 (about 0.006 × 0.003 degrees)
  district  a map view at zoom 15 (about 0.025 × 0.012 degrees)
  town      a map view at zoom 13 (about 0.1 × 0.05 degrees: nearly all reports, capped at 500 pins)

each as the selector (``selectors.reports_geojson``) and as ``GET /maengelmelder/meldungen.geojson?bbox=…``.
Target: p95 below 50 ms (nearest rank) for the street and district views; the town view is reported.
Exit 1 if missed, unless ``--report-only``.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import sys
import time
from typing import Any

from bench_common import BASE_DIR, DOC_PATH, append_to_doc, log, machine, nearest_rank

MUNICIPALITY_SLUG = "bench-maengel"
DEFAULT_HOST = "maengel.localhost"
TARGET_MS = 50.0
GEOJSON_PATH = "/maengelmelder/meldungen.geojson"
CENTER = (48.742, 9.308)
SPREAD = (0.032, 0.068)  # half height and half width of the area the reports lie in, in degrees
VIEWS = {
    "street": ("street view (zoom 17)", 0.0031, 0.0063, True),
    "district": ("district view (zoom 15)", 0.0125, 0.0250, True),
    "town": ("whole town (zoom 13)", 0.0500, 0.1000, False),
}
BATCH = 5000


def _summary(name: str, values: list[float], features: list[int], targeted: bool) -> dict[str, Any]:
    p95 = nearest_rank(values, 95)
    return {
        "name": name,
        "runs": len(values),
        "features_median": int(nearest_rank([float(value) for value in features], 50)),
        "p50_ms": round(nearest_rank(values, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(values), 1),
        "targeted": targeted,
        "ok": p95 < TARGET_MS or not targeted,
    }


def prepare(host: str, count: int, seed: int) -> Any:
    """The bench municipality with ``count`` generated reports (replaced when the count differs)."""
    from django.db import transaction
    from django.utils import timezone

    from rathaus.municipalities.models import HostName, Municipality, OrganisationalUnit
    from rathaus.reports.models import Category, Report

    generator = random.Random(seed)
    with transaction.atomic():
        municipality, _created = Municipality.objects.get_or_create(
            slug=MUNICIPALITY_SLUG,
            defaults={
                "name": "Mängelstadt (Benchmark)",
                "short_name": "Mängelstadt",
                "ags": "08999952",
                "ars": "089990000952",
                "reference_prefix": "BM",
                "street": "Marktplatz 1",
                "postal_code": "73999",
                "city": "Mängelstadt",
                "phone": "+49 7000 0000-0",
                "email": "rathaus@maengel.example.org",
                "represented_by": "Bürgermeisterin (Benchmark)",
                "data_protection_officer": "Datenschutzbeauftragte, Marktplatz 1",
                "data_protection_email": "datenschutz@maengel.example.org",
                "accessibility_contact_email": "barrierefreiheit@maengel.example.org",
                "accessibility_statement_date": datetime.date.today(),
            },
        )
        HostName.objects.update_or_create(name=host, defaults={"municipality": municipality})
        office, _created = OrganisationalUnit.objects.get_or_create(
            municipality=municipality,
            slug="bauhof",
            defaults={"name": "Bauhof", "street": "Marktplatz 1", "postal_code": "73999", "city": "Mängelstadt"},
        )
        categories = [
            Category.objects.get_or_create(
                municipality=municipality, service_code=code, defaults={"name": name, "office": office}
            )[0]
            for code, name in (
                ("strassenschaden", "Straßenschaden"),
                ("strassenbeleuchtung", "Straßenbeleuchtung"),
                ("wilder-muell", "Wilder Müll"),
                ("graffiti", "Graffiti"),
                ("gruen", "Grünflächen und Bäume"),
                ("verkehr", "Verkehrszeichen und Ampeln"),
                ("spielplaetze", "Spielplätze"),
            )
        ]
    existing = Report.objects.filter(municipality=municipality).count()
    if existing == count:
        return municipality, 0.0
    started = time.perf_counter()
    Report.objects.filter(municipality=municipality).delete()
    now = timezone.now()
    statuses = [
        Report.Status.REPORTED,
        Report.Status.CHECKING,
        Report.Status.IN_PROGRESS,
        Report.Status.PLANNED,
        Report.Status.DONE,
    ]
    created = 0
    while created < count:
        batch = []
        for _number in range(min(BATCH, count - created)):
            roll = generator.random()
            category = generator.choice(categories)
            batch.append(
                Report(
                    municipality=municipality,
                    category=category,
                    office=office,
                    status=generator.choice(statuses),
                    lat=CENTER[0] + generator.uniform(-SPREAD[0], SPREAD[0]),
                    lon=CENTER[1] + generator.uniform(-SPREAD[1], SPREAD[1]),
                    description="Erzeugt für den Benchmark.",
                    confirmed_at=None if roll < 0.05 else now,
                    is_public=not (0.05 <= roll < 0.10),
                    created_at=now - datetime.timedelta(minutes=generator.randint(0, 3 * 365 * 24 * 60)),
                )
            )
        Report.objects.bulk_create(batch, batch_size=BATCH)
        created += len(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_report" if connection.vendor == "postgresql" else "ANALYZE")
    return municipality, time.perf_counter() - started


def _boxes(view: str, runs: int, seed: int) -> list[tuple[float, float, float, float]]:
    generator = random.Random(seed + len(view))
    _label, half_lat, half_lon, _targeted = VIEWS[view]
    boxes = []
    for _number in range(runs):
        lat = CENTER[0] + generator.uniform(-SPREAD[0], SPREAD[0])
        lon = CENTER[1] + generator.uniform(-SPREAD[1], SPREAD[1])
        boxes.append((lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat))
    return boxes


def measure_selector(municipality: Any, view: str, runs: int, warmup: int, seed: int) -> dict[str, Any]:
    from rathaus.reports import geo, selectors

    durations, features = [], []
    for index, box in enumerate(_boxes(view, warmup + runs, seed)):
        started = time.perf_counter()
        data = selectors.reports_geojson(municipality=municipality, bbox=geo.BoundingBox(*box))
        elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            durations.append(elapsed)
            features.append(len(data["features"]))
    label, *_rest, targeted = VIEWS[view]
    return _summary(f"{label}: selector", durations, features, targeted)


def _bbox_query(box: tuple[float, float, float, float]) -> str:
    return GEOJSON_PATH + "?bbox=" + ",".join(f"{value:.6f}" for value in box)


def measure_endpoint(view: str, runs: int, warmup: int, seed: int, *, host: str, port: int | None) -> dict[str, Any]:
    durations, features = [], []
    if port is None:
        from django.test import Client

        client = Client(HTTP_HOST=host)

        def fetch(path: str) -> tuple[int, bytes]:
            response = client.get(path, secure=True)
            return response.status_code, response.content

        how = "in process"
    else:
        from django.db import connection

        connection.close()
        server = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Host": host, "X-Forwarded-Proto": "https", "Accept-Language": "de-DE"}

        def fetch(path: str) -> tuple[int, bytes]:
            server.request("GET", path, headers=headers)
            response = server.getresponse()
            return response.status, response.read()

        how = "HTTP, gunicorn"
    for index, box in enumerate(_boxes(view, warmup + runs, seed)):
        started = time.perf_counter()
        status, body = fetch(_bbox_query(box))
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"bench_reports: {GEOJSON_PATH} answered {status}")
        if index >= warmup:
            durations.append(elapsed)
            features.append(len(json.loads(body)["features"]))
    label, *_rest, targeted = VIEWS[view]
    return _summary(f"{label}: `GET {GEOJSON_PATH}?bbox=…` ({how})", durations, features, targeted)


def query_plan(municipality: Any) -> str:
    from django.db import connection

    from rathaus.reports import geo, selectors

    if connection.vendor != "postgresql":
        return ""
    box = _boxes("district", 1, 1)[0]
    queryset = (
        selectors.reports_public_filtered(municipality=municipality, bbox=geo.BoundingBox(*box))
        .filter(lat__isnull=False, lon__isnull=False)
        .values_list("id", "lat", "lon", "status", "category__name", "created_at")[: selectors.GEOJSON_LIMIT]
    )
    return queryset.explain()


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| measurement | runs | pins (median) | p50 ms | p95 ms | max ms | < 50 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        verdict = ("PASS" if row["ok"] else "FAIL") if row["targeted"] else "(no target)"
        lines.append(
            f"| {row['name']} | {row['runs']} | {row['features_median']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['max_ms']:.1f} | {verdict} |"
        )
    return "\n".join(lines)


def write_section(result: dict[str, Any]) -> None:
    plan = f"\nQuery plan (district view):\n\n```\n{result['plan']}\n```\n" if result["plan"] else ""
    section = (
        f"\n## Mängelmelder map, {result['reports']:,} reports ({result['date']})\n\n"
        f"`scripts/bench_reports.py`: {result['machine']}. {result['reports']:,} generated reports "
        f"({result['public']:,} public) over about 10 × 7 km, loaded in {result['load_seconds']:.0f} s; "
        f"{result['warmup']} warm-up runs, then one request at a time at random positions; nearest-rank "
        f"percentiles; at most 500 pins per answer. Target: p95 below 50 ms for street and district views.\n\n"
        f"{table(result['rows'])}\n{plan}"
    )
    append_to_doc(section)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from rathaus.reports.models import Report

    created_test_db = False
    if args.port is None and not args.keep_database:
        # Standalone: a throwaway database, so the generated reports never land in a real one.
        from django.test.utils import setup_test_environment

        setup_test_environment()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        created_test_db = True
    try:
        log(f"generating {args.reports:,} reports …")
        municipality, load_seconds = prepare(args.host, args.reports, args.seed)
        rows = []
        for view in VIEWS:
            rows.append(measure_selector(municipality, view, args.runs, args.warmup, args.seed))
            rows.append(measure_endpoint(view, args.runs, args.warmup, args.seed, host=args.host, port=args.port))
        reports = Report.objects.filter(municipality=municipality)
        result = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": machine(),
            "reports": reports.count(),
            "public": reports.filter(is_public=True, confirmed_at__isnull=False).count(),
            "load_seconds": load_seconds,
            "warmup": args.warmup,
            "rows": rows,
            "plan": query_plan(municipality),
            "ok": all(row["ok"] for row in rows),
        }
    finally:
        if created_test_db:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    log(table(result["rows"]))
    if args.port is None and args.write:
        write_section(result)
        log(f"added a section at the end of {DOC_PATH.relative_to(BASE_DIR)}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, help="measure over HTTP against gunicorn on 127.0.0.1:PORT (bench.py)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"host name of the bench municipality ({DEFAULT_HOST})")
    parser.add_argument("--reports", type=int, default=100_000, help="generated reports (default 100,000)")
    parser.add_argument("--runs", type=int, default=200, help="measured requests per view (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="requests before measuring (default 10)")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated reports")
    parser.add_argument("--no-write", dest="write", action="store_false", help="leave docs/performance.md alone")
    parser.add_argument("--keep-database", action="store_true", help="standalone: use the configured database itself")
    parser.add_argument("--report-only", action="store_true", help="exit 0 even when the target is missed")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--reports and --runs must be at least 1, --warmup at least 0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    result = run(args)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if result["ok"] or args.report_only else 1


if __name__ == "__main__":
    sys.exit(main())
