#!/usr/bin/env python3
"""Timeline of the digitalisation roadmap for 50 projects: the SVG render and the full page (target < 1 s).

Two ways to run it:

- standalone (``.venv/bin/python scripts/bench_roadmap.py``): creates a throwaway test database of the
  configured kind (SQLite by default, PostgreSQL with ``DATABASE_URL``), migrates it, creates the data
  below, measures the page in process through Django's test client (the whole middleware, view and
  template stack, without a socket), prints the figures and, unless ``--no-write``, appends a dated
  section at the end of docs/performance.md;
- from ``scripts/bench.py`` (``--port`` and ``--host``): in the benchmark database, against the running
  gunicorn over HTTP; prints one line of JSON and leaves docs/performance.md to bench.py.

Data: the municipality "Roadmapstadt (Benchmark)" with an office lead (TOTP set up), roadmap settings
(capacity 120 person-days per quarter from Q1/2027) and ``--projects`` projects (default 50) with
seeded random effort, risk, volume and minutes saved, up to two dependencies each on earlier projects
two milestones each (a week after the start and a fixed date) and three phases each (Konzeption 20 %,
Umsetzung 60 %, Einführung 20 %), so the chart draws phase strips and, where a deadline is missed, its marker.

Measured, one at a time after ``--warmup`` runs, ``--runs`` times each:

  SVG render   rank the projects, schedule them, compute the Gantt geometry and render the SVG template
  full page    GET /verwaltung/roadmap/zeitplan/ as the office lead (chart, table, load per quarter)

Both must stay below 1 s at the 95th percentile (nearest rank). Exit 1 if not, unless ``--report-only``.
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

MUNICIPALITY_SLUG = "bench-roadmap"
DEFAULT_HOST = "roadmap.localhost"
LEAD_EMAIL = "bench-amtsleitung@roadmap.example.org"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TARGET_MS = 1000.0
TIMELINE_PATH = "/verwaltung/roadmap/zeitplan/"


def _summary(name: str, values: list[float]) -> dict[str, Any]:
    p95 = nearest_rank(values, 95)
    return {
        "name": name,
        "runs": len(values),
        "p50_ms": round(nearest_rank(values, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(values), 1),
        "ok": p95 < TARGET_MS,
    }


def prepare(host: str, projects: int, seed: int) -> Any:
    """The bench municipality, its office lead and ``projects`` projects (replaced on every run)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import transaction

    from rathaus.accounts.models import StaffMembership, User
    from rathaus.accounts.services import staff_membership_grant, user_create
    from rathaus.municipalities.models import HostName, Municipality, OrganisationalUnit
    from rathaus.roadmap.models import Milestone, Phase, Project, RoadmapSettings

    generator = random.Random(seed)
    with transaction.atomic():
        municipality, _created = Municipality.objects.get_or_create(
            slug=MUNICIPALITY_SLUG,
            defaults={
                "name": "Roadmapstadt (Benchmark)",
                "short_name": "Roadmapstadt",
                "ags": "08999951",
                "ars": "089990000951",
                "reference_prefix": "BR",
                "street": "Marktplatz 1",
                "postal_code": "73999",
                "city": "Roadmapstadt",
                "phone": "+49 7000 0000-0",
                "email": "rathaus@roadmap.example.org",
                "represented_by": "Bürgermeisterin (Benchmark)",
                "data_protection_officer": "Datenschutzbeauftragte, Marktplatz 1",
                "data_protection_email": "datenschutz@roadmap.example.org",
                "accessibility_contact_email": "barrierefreiheit@roadmap.example.org",
                "accessibility_statement_date": datetime.date.today(),
            },
        )
        HostName.objects.update_or_create(name=host, defaults={"municipality": municipality})
        unit, _created = OrganisationalUnit.objects.get_or_create(
            municipality=municipality,
            slug="digitalisierung",
            defaults={
                "name": "Stabsstelle Digitalisierung",
                "street": "Marktplatz 1",
                "postal_code": "73999",
                "city": "Roadmapstadt",
            },
        )
        lead = User.objects.filter(email=LEAD_EMAIL).first()
        if lead is None:
            lead = user_create(email=LEAD_EMAIL, password=None)
            staff_membership_grant(
                user=lead, municipality=municipality, role=StaffMembership.Role.OFFICE_LEAD, units=[unit]
            )
        if not Authenticator.objects.filter(user=lead, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(lead, TOTP_SECRET)
        RoadmapSettings.objects.update_or_create(
            municipality=municipality, defaults={"capacity_days": 120, "start_year": 2027, "start_quarter": 1}
        )
        Project.objects.filter(municipality=municipality).delete()
        created: list[Project] = []
        for number in range(1, projects + 1):
            project = Project.objects.create(
                municipality=municipality,
                title=f"Digitalisierungsprojekt {number:02d}",
                description="Erzeugt für den Benchmark.",
                owning_unit=unit,
                status=Project.Status.PLANNED,
                effort_days=generator.randint(10, 90),
                risk=generator.randint(1, 5),
                minutes_saved_per_case=generator.randint(0, 30),
                expected_volume=generator.randint(50, 10_000),
                legal_deadline=datetime.date(2027, 1, 1) + datetime.timedelta(days=generator.randint(0, 1500))
                if generator.random() < 0.3
                else None,
            )
            earlier = created[-10:]
            project.dependencies.set(generator.sample(earlier, k=min(len(earlier), generator.randint(0, 2))))
            Milestone.objects.create(project=project, title="Fachkonzept abgestimmt", week=generator.randint(1, 8))
            for order, (phase_title, percent) in enumerate(
                (("Konzeption", 20), ("Umsetzung", 60), ("Einführung", 20)), start=1
            ):
                Phase.objects.create(project=project, title=phase_title, order=order, effort_percent=percent)
            Milestone.objects.create(
                project=project,
                title="Einführung",
                date=datetime.date(2027, 1, 1) + datetime.timedelta(days=generator.randint(60, 1400)),
            )
            created.append(project)
    return municipality, lead


def session_cookie(user: Any) -> str:
    """A logged-in session with MFA done, as ``conftest.client_for`` makes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["account_authentication_methods"] = [{"method": "password"}, {"method": "mfa", "type": "totp"}]
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def measure_svg(municipality: Any, runs: int, warmup: int) -> tuple[dict[str, Any], int]:
    from django.template.loader import render_to_string

    from rathaus.roadmap import charts, selectors

    durations = []
    svg = ""
    for index in range(warmup + runs):
        started = time.perf_counter()
        timetable = selectors.timetable(municipality=municipality)
        svg = render_to_string("roadmap/_gantt.html", {"gantt": charts.gantt(timetable)})
        if index >= warmup:
            durations.append((time.perf_counter() - started) * 1000)
    bars = svg.count('rx="3" fill="#004B87"')
    return _summary("SVG render (schedule, geometry, template)", durations), bars


def _check_page(status: int, body: bytes, projects: int) -> None:
    if status != 200:
        raise SystemExit(f"bench_roadmap: {TIMELINE_PATH} answered {status}")
    bars = body.count(b'rx="3" fill="#004B87"')
    if bars != projects:
        raise SystemExit(f"bench_roadmap: the page shows {bars} bars, expected {projects}")


def measure_page_in_process(host: str, lead: Any, runs: int, warmup: int, projects: int) -> dict[str, Any]:
    from django.test import Client

    client = Client(HTTP_HOST=host)
    client.force_login(lead)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password"}, {"method": "mfa", "type": "totp"}]
    session.save()
    durations = []
    for index in range(warmup + runs):
        started = time.perf_counter()
        response = client.get(TIMELINE_PATH, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        _check_page(response.status_code, response.content, projects)
        if index >= warmup:
            durations.append(elapsed)
    return _summary(f"full page `GET {TIMELINE_PATH}` (in process)", durations)


def measure_page_http(port: int, host: str, lead: Any, runs: int, warmup: int, projects: int) -> dict[str, Any]:
    from django.db import connection

    cookie = session_cookie(lead)
    connection.close()
    server = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host, "Cookie": cookie, "X-Forwarded-Proto": "https", "Accept-Language": "de-DE"}
    durations = []
    for index in range(warmup + runs):
        started = time.perf_counter()
        server.request("GET", TIMELINE_PATH, headers=headers)
        response = server.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        _check_page(response.status, body, projects)
        if index >= warmup:
            durations.append(elapsed)
    return _summary(f"full page `GET {TIMELINE_PATH}` (HTTP, gunicorn)", durations)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| measurement | runs | p50 ms | p95 ms | max ms | < 1 s |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['runs']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['max_ms']:.1f} "
            f"| {'PASS' if row['ok'] else 'FAIL'} |"
        )
    return "\n".join(lines)


def write_section(result: dict[str, Any]) -> None:
    section = (
        f"\n## Roadmap timeline, {result['projects']} projects ({result['date']})\n\n"
        f"`scripts/bench_roadmap.py`: {result['machine']}. {result['projects']} projects with "
        f"{result['dependencies']} dependencies, {result['milestones']} milestones and {result['phases']} phases, "
        f"{result['planned_bars']} bars in the chart; {result['warmup']} warm-up runs, then one run at a time; "
        f"nearest-rank percentiles. Target: below 1 s.\n\n{table(result['rows'])}\n"
    )
    append_to_doc(section)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from rathaus.roadmap.models import Milestone, Phase, Project

    created_test_db = False
    if args.port is None and not args.keep_database:
        # Standalone: a throwaway database, so the projects never land in a real one.
        from django.test.utils import setup_test_environment

        setup_test_environment()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        created_test_db = True
    try:
        municipality, lead = prepare(args.host, args.projects, args.seed)
        svg, bars = measure_svg(municipality, args.runs, args.warmup)
        if args.port is None:
            page = measure_page_in_process(args.host, lead, args.runs, args.warmup, args.projects)
        else:
            page = measure_page_http(args.port, args.host, lead, args.runs, args.warmup, args.projects)
        projects = Project.objects.filter(municipality=municipality)
        result = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": machine(),
            "projects": projects.count(),
            "dependencies": Project.dependencies.through.objects.filter(from_project__in=projects).count(),
            "milestones": Milestone.objects.filter(project__in=projects).count(),
            "phases": Phase.objects.filter(project__in=projects).count(),
            "planned_bars": bars,
            "warmup": args.warmup,
            "rows": [svg, page],
            "ok": svg["ok"] and page["ok"],
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
    parser.add_argument("--projects", type=int, default=50, help="projects in the timeline (default 50)")
    parser.add_argument("--runs", type=int, default=30, help="measured runs each (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="runs before measuring (default 3)")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated projects")
    parser.add_argument("--no-write", dest="write", action="store_false", help="leave docs/performance.md alone")
    parser.add_argument("--keep-database", action="store_true", help="standalone: use the configured database itself")
    parser.add_argument("--report-only", action="store_true", help="exit 0 even when the target is missed")
    args = parser.parse_args(argv)
    if args.projects < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--projects and --runs must be at least 1, --warmup at least 0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    result = run(args)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if result["ok"] or args.report_only else 1


if __name__ == "__main__":
    sys.exit(main())
