#!/usr/bin/env python3
"""Office inbox and case page over HTTP with a million generated cases (run by ``scripts/bench.py``).

Runs in the environment of the benchmark's throwaway PostgreSQL database (``DJANGO_SETTINGS_MODULE``,
``DATABASE_URL`` and the rest from the environment, as for ``manage.py``), while a gunicorn serves
``--host`` on ``--port``:

1. creates the municipality "Vorgangsstadt (Benchmark)" served under ``--host`` with 50 offices, four
   services and case types per office, and eight clerks per office (accounts without password);
2. generates ``--cases`` cases (default 1,000,000) spread over the offices (the measured office, the
   first, gets twice the average share), received over the last three years, with states that
   depend on the age of the case (recent ones open, old ones closed or withdrawn, a few stuck),
   decision and closing dates, due dates, channels, applicants and clerks, and writes them with
   PostgreSQL ``COPY`` (psycopg ``cursor.copy``); then the history (case events) of the measured
   office's cases the same way, and ``ANALYZE``. Cases already there in the same number
   are reused, otherwise the municipality's cases are deleted and generated again;
3. logs in the first clerk of the measured office as the tests do (a database session with password
   and TOTP as authentication methods; the account has a TOTP authenticator), and measures, one
   request at a time after ``--warmup`` requests, ``--requests`` requests of each page:

   a. the first page of the inbox filtered by state "in Bearbeitung" and sorted by due date,
   b. the first page of the inbox filtered by assignee (the clerk's own cases),
   c. the case page of random cases of the office (a different case for each request);

   every response must be 200 and show what it should (a reference of the office; the case's own);
4. prints a table (stderr) and one line of JSON (stdout); exits 1 when a page misses p95 < 100 ms,
   unless ``--report-only`` (bench.py checks the targets itself).

Refuses to run on SQLite or on a database whose name does not start with ``rathaus_bench_``
(unless ``--any-database``): it leaves a million cases behind.
"""

import argparse
import http.client
import math
import random
import re
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench_common import log as _log
from bench_common import nearest_rank as _percentile
from bench_common import require_bench_database, run_in_django

BIND_HOST = "127.0.0.1"
MUNICIPALITY_SLUG = "bench-vorgaenge"
DEFAULT_HOST = "vorgaenge.localhost"
OFFICES = 50
SERVICES_PER_OFFICE = 4
CLERKS_PER_OFFICE = 8
YEARS = 3
TARGET_P95_MS = 100.0
REQUEST_TIMEOUT = 60
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rathaus-bench-cases/1"
CLERK_EMAIL = "bench-sachbearbeitung-01-1@vorgaenge.example.org"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

SERVICE_NAMES = [
    "Genehmigung",
    "Bescheinigung",
    "Erlaubnis",
    "Auskunft",
    "Anmeldung",
    "Zuschuss",
    "Ausnahme",
    "Zulassung",
]
GIVEN_NAMES = ["Anna", "Mehmet", "Sophie", "Lukas", "Elif", "Jonas", "Marie", "Paul", "Zeynep", "Felix", "Ida", "Emil"]
FAMILY_NAMES = ["Müller", "Schmidt", "Yılmaz", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Kaya", "Maier"]
ASCII = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "ı": "i"})
STREETS = ["Pliensaustraße", "Ritterstraße", "Berliner Straße", "Mülberger Straße", "Obertorstraße", "Hafenmarkt"]
POSTAL_CODES = ["73728", "73730", "73732", "73733", "73734"]
CHANNELS = [("online", 55), ("telefon", 10), ("brief", 12), ("schalter", 15), ("email", 6), ("assistiert", 2)]
OUTCOMES = [("bewilligt", 80), ("teilweise_bewilligt", 8), ("abgelehnt", 12)]
# State shares by the age of the case in days: (younger than, [(state, weight), ...]).
STATES_BY_AGE: list[tuple[float, list[tuple[str, float]]]] = [
    (2, [("eingegangen", 85), ("in_bearbeitung", 15)]),
    (
        14,
        [
            ("eingegangen", 25),
            ("in_bearbeitung", 50),
            ("rueckfrage", 10),
            ("entschieden", 10),
            ("abgeschlossen", 3),
            ("zurueckgezogen", 2),
        ],
    ),
    (
        60,
        [
            ("eingegangen", 3),
            ("in_bearbeitung", 17),
            ("rueckfrage", 5),
            ("entschieden", 15),
            ("abgeschlossen", 57),
            ("zurueckgezogen", 3),
        ],
    ),
    (
        math.inf,
        [
            ("in_bearbeitung", 0.3),
            ("rueckfrage", 0.2),
            ("entschieden", 0.5),
            ("abgeschlossen", 96),
            ("zurueckgezogen", 3),
        ],
    ),
]
TRANSITIONS = {
    "eingegangen": [],
    "in_bearbeitung": [("bearbeitung_beginnen", "eingegangen", "in_bearbeitung")],
    "rueckfrage": [
        ("bearbeitung_beginnen", "eingegangen", "in_bearbeitung"),
        ("rueckfrage", "in_bearbeitung", "rueckfrage"),
    ],
    "entschieden": [
        ("bearbeitung_beginnen", "eingegangen", "in_bearbeitung"),
        ("entscheiden", "in_bearbeitung", "entschieden"),
    ],
    "abgeschlossen": [
        ("bearbeitung_beginnen", "eingegangen", "in_bearbeitung"),
        ("entscheiden", "in_bearbeitung", "entschieden"),
        ("abschliessen", "entschieden", "abgeschlossen"),
    ],
    "zurueckgezogen": [("zurueckziehen", "eingegangen", "zurueckgezogen")],
}


def _pick(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([value for value, _weight in choices], weights=[weight for _value, weight in choices])[0]


# --- setup ------------------------------------------------------------------------------------------


@dataclass
class Office:
    unit_id: int
    case_types: list[tuple[int, int, int]]  # case type id, service id, processing days
    clerk_ids: list[int]


def prepare(host: str) -> tuple[Any, list[Office], Any]:
    """The bench municipality with its offices, services, case types and clerks (created once)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import transaction

    from rathaus.accounts.models import StaffMembership, User
    from rathaus.accounts.services import staff_membership_grant, user_create
    from rathaus.cases.models import CaseType
    from rathaus.catalogue.models import Service
    from rathaus.municipalities.models import HostName, Municipality, OrganisationalUnit

    with transaction.atomic():
        municipality, _created = Municipality.objects.get_or_create(
            slug=MUNICIPALITY_SLUG,
            defaults={
                "name": "Vorgangsstadt (Benchmark)",
                "short_name": "Vorgangsstadt",
                "ags": "08999950",
                "ars": "089990000950",
                "reference_prefix": "BV",
                "street": "Marktplatz 1",
                "postal_code": "73999",
                "city": "Vorgangsstadt",
                "phone": "+49 7000 0000-0",
                "email": "rathaus@vorgaenge.example.org",
                "represented_by": "Bürgermeisterin (Benchmark)",
                "data_protection_officer": "Datenschutzbeauftragte, Marktplatz 1",
                "data_protection_email": "datenschutz@vorgaenge.example.org",
                "accessibility_contact_email": "barrierefreiheit@vorgaenge.example.org",
                "accessibility_statement_date": date.today(),
            },
        )
        HostName.objects.update_or_create(name=host, defaults={"municipality": municipality})
        offices = []
        for number in range(1, OFFICES + 1):
            unit, _created = OrganisationalUnit.objects.get_or_create(
                municipality=municipality,
                slug=f"amt-{number:02d}",
                defaults={
                    "name": f"Amt {number:02d}",
                    "kind": OrganisationalUnit.Kind.DEPARTMENT,
                    "street": "Marktplatz 1",
                    "postal_code": "73999",
                    "city": "Vorgangsstadt",
                },
            )
            case_types = []
            for position in range(SERVICES_PER_OFFICE):
                name = f"{SERVICE_NAMES[(number + position) % len(SERVICE_NAMES)]} {number:02d}-{position + 1}"
                service, _created = Service.objects.get_or_create(
                    municipality=municipality, slug=f"leistung-{number:02d}-{position + 1}", defaults={"name": name}
                )
                service.responsible_units.add(unit)
                case_type, _created = CaseType.objects.get_or_create(
                    service=service,
                    defaults={
                        "municipality": municipality,
                        "responsible_unit": unit,
                        "processing_days": (5, 10, 20, 30)[position],
                    },
                )
                case_types.append((case_type.pk, service.pk, case_type.processing_days))
            clerk_ids = []
            for position in range(1, CLERKS_PER_OFFICE + 1):
                email = f"bench-sachbearbeitung-{number:02d}-{position}@vorgaenge.example.org"
                user = User.objects.filter(email=email).first() or user_create(
                    email=email, password=None, given_name=GIVEN_NAMES[position], family_name=f"Amt{number:02d}"
                )
                if not StaffMembership.objects.filter(user=user, municipality=municipality).exists():
                    staff_membership_grant(
                        user=user, municipality=municipality, role=StaffMembership.Role.CLERK, units=[unit]
                    )
                clerk_ids.append(user.pk)
            offices.append(Office(unit_id=unit.pk, case_types=case_types, clerk_ids=clerk_ids))
        clerk = User.objects.get(email=CLERK_EMAIL)
        if not Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(clerk, TOTP_SECRET)
    return municipality, offices, clerk


# --- data -------------------------------------------------------------------------------------------


def _default_row(fields: list[Any]) -> list[Any]:
    """Defaults of every column, for the fields this script does not set (added by later migrations)."""
    from psycopg.types.json import Jsonb

    row = []
    for field in fields:
        value = field.get_default() if field.has_default() else None
        row.append(Jsonb(value) if isinstance(value, (dict, list)) else value)
    return row


class CaseGenerator:
    """Cases as rows for COPY, the same for the same seed."""

    def __init__(self, municipality_id: int, offices: list[Office], count: int, seed: int, now: datetime) -> None:
        from rathaus.cases.models import Case

        self.rng = random.Random(seed)
        self.municipality_id = municipality_id
        self.offices = offices
        self.count = count
        self.now = now
        self.fields = list(Case._meta.concrete_fields)
        self.columns = [field.column for field in self.fields]
        self.index = {field.attname: position for position, field in enumerate(self.fields)}
        self.template = _default_row(self.fields)
        # The measured office (the first) gets twice the share of each other office.
        self.weights = [2.0] + [1.0] * (len(offices) - 1)
        self.sequence: dict[int, int] = {}
        self.measured: list[tuple[str, str, int | None, datetime, datetime | None, datetime | None]] = []

    def rows(self) -> Any:
        rng = self.rng
        span = YEARS * 365 * 86400
        # Sorted, so that references count up with the date within each year.
        offsets = sorted(rng.random() * span for _ in range(self.count))
        start = self.now - timedelta(seconds=span)
        office_indexes = rng.choices(range(len(self.offices)), weights=self.weights, k=self.count)
        set_ = self.index
        for offset, office_index in zip(offsets, office_indexes, strict=True):
            office = self.offices[office_index]
            received_at = start + timedelta(seconds=offset)
            age_days = (self.now - received_at).total_seconds() / 86400
            state = _pick(rng, next(shares for limit, shares in STATES_BY_AGE if age_days < limit))
            case_type_id, service_id, processing_days = rng.choices(office.case_types, weights=(50, 25, 15, 10))[0]
            decided_at = closed_at = paused_at = None
            outcome = ""
            if state in ("entschieden", "abgeschlossen"):
                days = min(rng.lognormvariate(math.log(8), 0.7), age_days * 0.9)
                decided_at = received_at + timedelta(days=days)
                outcome = _pick(rng, OUTCOMES)  # type: ignore[arg-type]
                if state == "abgeschlossen":
                    closed_at = min(decided_at + timedelta(days=rng.uniform(0.1, 10)), self.now)
            elif state == "zurueckgezogen":
                closed_at = received_at + timedelta(days=min(rng.uniform(0.5, 20), age_days * 0.9))
            elif state == "rueckfrage":
                paused_at = received_at + timedelta(days=min(rng.uniform(0.5, 5), age_days * 0.9))
            open_case = state in ("eingegangen", "in_bearbeitung", "rueckfrage")
            assigned = rng.random() < (0.8 if open_case else 0.95) and state != "eingegangen"
            assignee_id = rng.choice(office.clerk_ids) if assigned else None
            year = received_at.year
            self.sequence[year] = self.sequence.get(year, 0) + 1
            given = rng.choice(GIVEN_NAMES)
            family = rng.choice(FAMILY_NAMES)
            case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            row = list(self.template)
            row[set_["id"]] = case_id
            row[set_["municipality_id"]] = self.municipality_id
            row[set_["case_type_id"]] = case_type_id
            row[set_["service_id"]] = service_id
            row[set_["unit_id"]] = office.unit_id
            row[set_["reference"]] = f"BV-{year}-{self.sequence[year]:07d}"
            row[set_["channel"]] = _pick(rng, CHANNELS)  # type: ignore[arg-type]
            row[set_["applicant_name"]] = f"{given} {family}"
            row[set_["applicant_email"]] = f"{given}.{family}{rng.randrange(1000)}@example.org".lower().translate(ASCII)
            row[set_["applicant_phone"]] = f"0711 {rng.randrange(1000000, 9999999)}"
            row[set_["applicant_address"]] = (
                f"{rng.choice(STREETS)} {rng.randrange(1, 150)}, {rng.choice(POSTAL_CODES)} Esslingen am Neckar"
            )
            row[set_["description"]] = "Antrag mit den üblichen Unterlagen."
            row[set_["state"]] = state
            row[set_["outcome"]] = outcome
            row[set_["assignee_id"]] = assignee_id
            row[set_["received_at"]] = received_at
            row[set_["due_date"]] = received_at.date() + timedelta(days=processing_days * 7 // 5)
            row[set_["paused_at"]] = paused_at
            row[set_["paused_working_days"]] = 0
            row[set_["needs_attention"]] = state == "in_bearbeitung" and rng.random() < 0.03
            row[set_["decided_at"]] = decided_at
            row[set_["closed_at"]] = closed_at
            row[set_["updated_at"]] = self.now
            if office_index == 0:
                self.measured.append(
                    (str(case_id), state, assignee_id, received_at, decided_at, closed_at or paused_at)
                )
            yield row

    def event_rows(self) -> Any:
        """The history of the measured office's cases: receipt, assignment and each workflow step."""
        from psycopg.types.json import Jsonb

        rng = random.Random(self.rng.random())
        for case_id, state, assignee_id, received_at, decided_at, last in self.measured:
            yield (case_id, "eingegangen", None, True, "", "eingegangen", "", Jsonb({"channel": "online"}), received_at)
            moment = received_at
            if assignee_id is not None:
                moment = received_at + timedelta(hours=rng.uniform(0.2, 8))
                yield (case_id, "zugewiesen", assignee_id, False, "", "", "", Jsonb({"assignee": assignee_id}), moment)
            for key, source, target in TRANSITIONS[state]:
                if key == "entscheiden" and decided_at is not None:
                    moment = decided_at
                elif key in ("abschliessen", "zurueckziehen", "rueckfrage") and last is not None:
                    moment = last
                else:
                    moment = moment + timedelta(hours=rng.uniform(1, 30))
                actor = None if key == "zurueckziehen" else assignee_id
                yield (case_id, "status", actor, True, source, target, "", Jsonb({"transition": key}), moment)


def generate(municipality: Any, offices: list[Office], count: int, seed: int) -> dict[str, Any]:
    """Delete the municipality's cases and write ``count`` new ones with COPY; returns timings."""
    from django.db import DatabaseError, connection, transaction
    from psycopg import sql

    from rathaus.cases.models import Case, CaseEvent

    now = datetime.now(UTC)
    generator = CaseGenerator(municipality.pk, offices, count, seed, now)
    case_table = Case._meta.db_table
    event_table = CaseEvent._meta.db_table
    event_columns = ["case_id", "kind", "actor_id", "public", "state_from", "state_to", "text", "data", "created_at"]
    timings: dict[str, Any] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        raw.execute(
            sql.SQL("DELETE FROM {} WHERE case_id IN (SELECT id FROM {} WHERE municipality_id = %s)").format(
                sql.Identifier(event_table), sql.Identifier(case_table)
            ),
            [municipality.pk],
        )
        raw.execute(
            sql.SQL("DELETE FROM {} WHERE municipality_id = %s").format(sql.Identifier(case_table)), [municipality.pk]
        )
        timings["delete_seconds"] = round(time.perf_counter() - started, 1)
        # Generated rows are consistent by construction; skipping the foreign-key triggers during the
        # load (superuser only) halves its time. Without the right the load just takes longer.
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
            timings["foreign_key_checks"] = "skipped during the load"
        except DatabaseError:
            timings["foreign_key_checks"] = "checked (no superuser)"
        started = time.perf_counter()
        with raw.copy(f"COPY {case_table} ({', '.join(generator.columns)}) FROM STDIN") as copy:
            for row in generator.rows():
                copy.write_row(row)
        timings["cases_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        events = 0
        with raw.copy(f"COPY {event_table} ({', '.join(event_columns)}) FROM STDIN") as copy:
            for event in generator.event_rows():
                copy.write_row(event)
                events += 1
        timings["events_seconds"] = round(time.perf_counter() - started, 1)
        timings["events"] = events
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {case_table}")
        cursor.execute(f"ANALYZE {event_table}")
    timings["analyze_seconds"] = round(time.perf_counter() - started, 1)
    return timings


# --- login and HTTP -----------------------------------------------------------------------------------


def session_cookie(user: Any) -> str:
    """A logged-in session with MFA done, as ``conftest.client_for`` makes it (password, then TOTP)."""
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


class Browser:
    def __init__(self, port: int, host: str, cookie: str) -> None:
        self.port = port
        self.host = host
        self.cookie = cookie
        self.connection = http.client.HTTPConnection(BIND_HOST, port, timeout=REQUEST_TIMEOUT)

    def get(self, path: str) -> tuple[int, bytes, float]:
        headers = {
            "Host": self.host,
            "User-Agent": USER_AGENT,
            "Accept": "text/html",
            "Accept-Language": "de-DE,de;q=0.9",
            "X-Forwarded-Proto": "https",
            "Cookie": self.cookie,
        }
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        return response.status, body, (time.perf_counter() - started) * 1000


@dataclass
class Scenario:
    name: str
    description: str
    paths: list[tuple[str, bytes]]  # path, text the page must contain


def scenarios(unit_id: int, clerk_id: int, count: int, seed: int) -> list[Scenario]:
    from rathaus.cases.models import Case

    inbox = "/verwaltung/vorgaenge/"
    office = Case.objects.filter(unit_id=unit_id)
    sample = list(office.order_by("?").values_list("pk", "reference")[:count])
    random.Random(seed).shuffle(sample)
    return [
        Scenario(
            "inbox, state filter, sorted by due date",
            "first page of the inbox: state in Bearbeitung, sorted by due date",
            [(f"{inbox}?status=in_bearbeitung&sortierung=frist", b"BV-")],
        ),
        Scenario(
            "inbox, assignee filter",
            "first page of the inbox: the clerk's own cases (newest first)",
            [(f"{inbox}?zustaendig=ich", b"BV-")],
        ),
        Scenario(
            "case page",
            "the case page of a random case of the office, a different one each request",
            [(f"{inbox}{pk}/", reference.encode()) for pk, reference in sample],
        ),
    ]


def measure(browser: Browser, scenario: Scenario, requests: int, warmup: int) -> dict[str, Any]:
    timings = []
    for number in range(warmup + requests):
        path, expect = scenario.paths[number % len(scenario.paths)]
        status, body, elapsed = browser.get(path)
        if status != 200:
            hint = " ".join(re.sub(rb"<[^>]+>", b" ", body[:2000]).decode("utf-8", "replace").split())[:300]
            raise SystemExit(f"bench_cases: GET {path} answered {status}: {hint}")
        if expect not in body:
            raise SystemExit(f"bench_cases: GET {path} answered 200 without {expect.decode()!r}")
        if number >= warmup:
            timings.append(elapsed)
    return {
        "name": scenario.name,
        "description": scenario.description,
        "path": scenario.paths[0][0] if len(scenario.paths) == 1 else "/verwaltung/vorgaenge/<uuid>/",
        "count": len(timings),
        "p50_ms": round(_percentile(timings, 50), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "mean_ms": round(statistics.mean(timings), 1),
        "ok": _percentile(timings, 95) < TARGET_P95_MS,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| page | request | requests | p50 ms | p95 ms | max ms | target p95 < 100 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result["scenarios"]:
        lines.append(
            f"| {row['name']} | `GET {row['path']}` | {row['count']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['max_ms']:.1f} | {'PASS' if row['ok'] else 'FAIL'} |"
        )
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from rathaus.cases.models import Case

    require_bench_database("bench_cases", any_database=args.any_database, leaves_behind="a million cases")
    municipality, offices, clerk = prepare(args.host)
    existing = Case.objects.filter(municipality=municipality).count()
    reused = existing == args.cases and not args.regenerate
    timings: dict[str, Any] = {}
    if reused:
        _log(f"reusing the {existing:,} cases of {municipality.slug}")
    else:
        _log(f"generating {args.cases:,} cases over {len(offices)} offices (seed {args.seed}) …")
        started = time.perf_counter()
        timings = generate(municipality, offices, args.cases, args.seed)
        timings["total_seconds"] = round(time.perf_counter() - started, 1)
        _log(f"generated and loaded: {timings}")
    office = offices[0]
    office_cases = Case.objects.filter(unit_id=office.unit_id)
    counts = {
        "office_cases": office_cases.count(),
        "office_in_progress": office_cases.filter(state="in_bearbeitung").count(),
        "office_assigned_to_clerk": office_cases.filter(assignee_id=clerk.pk).count(),
    }
    _log(f"measured office: {counts}")
    cookie = session_cookie(clerk)
    pages = scenarios(office.unit_id, clerk.pk, args.requests, args.seed)
    connection.close()
    browser = Browser(args.port, args.host, cookie)
    rows = []
    for scenario in pages:
        row = measure(browser, scenario, args.requests, args.warmup)
        _log(f"{row['name']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, max {row['max_ms']} ms")
        rows.append(row)
    result = {
        "cases": args.cases,
        "offices": len(offices),
        "seed": args.seed,
        "reused": reused,
        "load": timings,
        **counts,
        "requests": args.requests,
        "warmup": args.warmup,
        "target_p95_ms": TARGET_P95_MS,
        "scenarios": rows,
        "ok": all(row["ok"] for row in rows),
    }
    _log("")
    _log(table(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True, help="port of the running gunicorn on 127.0.0.1")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"host name of the bench municipality ({DEFAULT_HOST})")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated data")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="requests per page before measuring (default 10)")
    parser.add_argument("--regenerate", action="store_true", help="generate the cases even if the count matches")
    parser.add_argument("--report-only", action="store_true", help="exit 0 even when a target is missed")
    parser.add_argument("--any-database", action="store_true", help="also run on a database not named rathaus_bench_…")
    args = parser.parse_args(argv)
    if args.cases < OFFICES * 10 or args.requests < 1 or args.warmup < 0:
        parser.error(f"--cases must be at least {OFFICES * 10}, --requests at least 1")
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
