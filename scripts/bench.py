#!/usr/bin/env python3
"""Load test of the production configuration on this machine (``make bench``).

Creates a throwaway PostgreSQL database on 127.0.0.1, prepares it like a real installation
(DJANGO_ENV=production, database cache, demo municipalities, collected static files), starts
gunicorn on a free local port and measures with wrk:

  ceiling                       GET /healthz            a trivial view through the whole middleware stack
  start page                    GET /                   Esslingen's start page (host esslingen.localhost)
  start page, rendered          GET /                   the same, bypassing the anonymous page cache
  service detail page           GET /leistungen/<slug>/ a service description of Esslingen's catalogue
  service detail page, rendered GET /leistungen/<slug>/ the same, bypassing the anonymous page cache
  login page                    GET /konto/login/       the allauth login form

Before the server starts, scripts/bench_search.py adds 10,000 generated services in a municipality of
their own to the database and times the catalogue search over them (in process, no HTTP).

Last, scripts/bench_cases.py generates 1,000,000 cases over 50 offices in a municipality of their own
(PostgreSQL COPY) and times the first page of the office inbox (filtered by state and sorted by due date;
filtered by assignee) and the case page for a logged-in clerk against the same gunicorn.

After the wrk scenarios, scripts/bench_applications.py gives an Esslingen service a six-page online
application with a required upload and drives complete submission journeys (start, six pages with a
200 KB file, check, submit, confirmation) over HTTP against the same gunicorn from separate
load-generator processes, first as browsers with JavaScript (htmx: each post answered by the next page),
then as browsers without (each post answered by a redirect and its GET), checks that the database holds exactly one submission per confirmed
journey, profiles the server CPU per step, and times the receipt PDFs of queued submissions in one
worker-like process.

Prints req/s and p50/p95/p99 latencies per page, the search timings and the journey figures, checks
the targets (start page and service detail page at least 50 % of the ceiling's req/s, start page p99
below 100 ms at 32 connections, search p95 below 20 ms, at least 50 complete application journeys per
second, none lost) and, unless --no-write, adds a dated section to docs/performance.md. Everything it
starts is stopped and the database dropped at the end, also on failure or Ctrl-C.

Exit codes: 0 done (targets may have failed, unless --strict), 1 a target failed with --strict,
2 the benchmark itself failed (setup, pre-check, non-2xx responses), 130 interrupted.

Standard library only; Django, gunicorn and psycopg run in subprocesses of the project's venv.
"""

import argparse
import dataclasses
import datetime
import html
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DOC_PATH = BASE_DIR / "docs" / "performance.md"

BIND_HOST = "127.0.0.1"
SITE_HOST = "esslingen.localhost"
DEFAULT_PG_URL_BASE = "postgres://postgres@127.0.0.1:5432"
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}

# The one server configuration the numbers in docs/performance.md refer to.
GUNICORN_WORKERS = 2
GUNICORN_WORKER_CLASS = "sync"

# Targets, defined at 32 connections.
TARGET_CONNECTIONS = 32
TARGET_SHARE_OF_CEILING = 0.50
TARGET_P99_MS = 100.0
TARGET_SEARCH_P95_MS = 20.0
# Complete online-application journeys (six pages, a 200 KB upload) per second on PostgreSQL.
TARGET_JOURNEYS_PER_SECOND = 50.0
# Office inbox and case page over 1,000,000 generated cases, one request at a time.
TARGET_CASES_P95_MS = 100.0
CASES_HOST = "vorgaenge.localhost"

# Setup steps must finish in these many seconds, or the run fails.
STEP_TIMEOUTS = {"migrate": 300, "createcachetable": 60, "load_demo_data": 120, "collectstatic": 300}
SEARCH_BENCH_TIMEOUT = 900
APPLICATIONS_BENCH_TIMEOUT = 900
CASES_BENCH_TIMEOUT = 1800
JOURNEY_START_RATE = "1000000/h"
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 15
# Warn when the CPUs are busier than this before the run.
BUSY_WARNING = 0.15

# Environment variables the settings read; inherited values would make runs differ between machines.
_SETTINGS_ENV = {
    "DJANGO_ENV",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "SESSION_COOKIE_AGE",
    "DEFAULT_FROM_EMAIL",
    "MFA_TOTP_ISSUER",
    "LOG_LEVEL",
}
_SETTINGS_ENV_PREFIXES = ("RATHAUS_", "SECURE_", "EMAIL_")

# wrk prints no p95; this hook prints the percentiles from wrk's own latency histogram (microseconds).
WRK_LUA = """\
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH p50_us=%.0f p95_us=%.0f p99_us=%.0f requests=%d duration_us=%d status_errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration, summary.errors.status))
end
"""

DOC_METHOD_START = "<!-- bench:method:start - generated by scripts/bench.py, edits inside are overwritten -->"
DOC_METHOD_END = "<!-- bench:method:end -->"
DOC_RESULTS_MARKER = "<!-- bench:results - newest first, scripts/bench.py adds a section below this line -->"


class BenchError(Exception):
    """The benchmark could not be run or its numbers are not valid."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    expect: str  # text the page must contain before it is measured
    description: str
    cookie: str = ""  # sent with every request of this scenario

    def resolve(self, values: dict[str, str]) -> "Scenario":
        """The scenario with ``{slug}`` and ``{name}`` (HTML-escaped) filled in, known only once the data is loaded."""
        escaped = {key: html.escape(value) for key, value in values.items()}
        return dataclasses.replace(self, path=self.path.format(**values), expect=self.expect.format(**escaped))


SCENARIOS = [
    Scenario("ceiling", "/healthz", "ok", "trivial Django view through the full middleware stack"),
    Scenario("start page", "/", "Esslingen am Neckar", "Esslingen's start page, anonymous (as visitors get it)"),
    Scenario(
        "start page, rendered",
        "/",
        "Esslingen am Neckar",
        "the same page rendered every time: a (non-existent) session cookie bypasses the anonymous page cache",
        cookie="sessionid=bench-no-such-session",
    ),
    Scenario(
        "service detail page",
        "/leistungen/{slug}/",
        "{name}",
        "the first published service of Esslingen's demo catalogue by slug, anonymous (as visitors get it)",
    ),
    Scenario(
        "service detail page, rendered",
        "/leistungen/{slug}/",
        "{name}",
        "the same page rendered every time: a (non-existent) session cookie bypasses the anonymous page cache",
        cookie="sessionid=bench-no-such-session",
    ),
    Scenario("login page", "/konto/login/", 'name="password"', "allauth login form, anonymous"),
]


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)
    distribution_ms: dict[str, float] = field(default_factory=dict)  # wrk's 50/75/90/99 %


@dataclass(frozen=True)
class Options:
    duration: int
    connections: int
    threads: int
    warmup: int
    gunicorn_threads: int
    pg_url_base: str
    write: bool
    strict: bool
    verbose: bool
    journeys: bool = True
    cases: bool = True
    appointments: bool = True
    roadmap: bool = True
    reports: bool = True
    case_count: int = 1_000_000
    case_requests: int = 200
    journey_duration: int = 30
    journey_warmup: int = 5
    journey_processes: int = 2
    journey_threads: int = 4
    upload: str = "pdf"

    @property
    def worker_class(self) -> str:
        return "gthread" if self.gunicorn_threads else GUNICORN_WORKER_CLASS

    def gunicorn_summary(self) -> str:
        threads = f", {self.gunicorn_threads} threads each" if self.gunicorn_threads else ""
        return f"{GUNICORN_WORKERS} {self.worker_class} workers{threads}"

    def wrk_summary(self) -> str:
        return f"wrk -t{self.threads} -c{self.connections} -d{self.duration}s --latency after a {self.warmup} s warm-up"

    def journey_summary(self) -> str:
        users = self.journey_processes * self.journey_threads
        return (
            f"{users} simulated citizens ({self.journey_processes} load-generator processes × {self.journey_threads} "
            f"threads), {self.journey_duration} s after a {self.journey_warmup} s warm-up, {self.upload.upper()} upload"
        )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _project_python() -> str:
    venv_python = BASE_DIR / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def _run(argv: list[str], *, env: dict[str, str] | None = None, timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{' '.join(argv[:3])} … did not finish within {timeout:.0f} s") from error


# --- PostgreSQL -------------------------------------------------------------------------------------------------

_PG_SNIPPET = """\
import sys
import psycopg
from psycopg import sql
action, url, name = sys.argv[1:4]
with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
    if action == "create":
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    elif action == "drop":
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    else:
        print(conn.execute("SHOW server_version").fetchone()[0])
"""


def _pg(python: str, action: str, pg_url_base: str, name: str = "") -> str:
    result = _run([python, "-c", _PG_SNIPPET, action, f"{pg_url_base}/postgres", name], timeout=60)
    if result.returncode != 0:
        raise BenchError(f"PostgreSQL {action} {name} failed:\n{_tail(result.stderr)}")
    return result.stdout.strip()


def _check_pg_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"} or parts.hostname not in LOCAL_DB_HOSTS:
        raise BenchError(f"--pg-url must be postgres://…@127.0.0.1:<port>, not {url!r}")
    if parts.path not in {"", "/"}:
        raise BenchError(f"--pg-url names the server only, without a database: {url!r}")
    return url.rstrip("/")


# --- Django and gunicorn ----------------------------------------------------------------------------------------


def _django_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _SETTINGS_ENV and not key.startswith(_SETTINGS_ENV_PREFIXES)
    }
    alphabet = string.ascii_letters + string.digits + "-_"
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            # Uploads and receipts of the journeys go to the run's own folder, not into the project's media/.
            "MEDIA_ROOT": str(media_root),
            "PRIVATE_MEDIA_ROOT": str(media_root / "private"),
            # All simulated citizens come from 127.0.0.1; the per-address limit on starting applications is
            # still checked on every start, but set high enough not to refuse them.
            "RATHAUS_APPLICATION_START_RATE": JOURNEY_START_RATE,
            "ALLOWED_HOSTS": f"127.0.0.1,localhost,{SITE_HOST},{CASES_HOST},roadmap.localhost,maengel.localhost",
            "SECURE_SSL_REDIRECT": "false",
            # Nothing measured sends mail; if something did, it must not leave the machine.
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _manage(python: str, env: dict[str, str], log_dir: Path, *args: str) -> None:
    step = args[0]
    started = time.monotonic()
    print(f"  manage.py {' '.join(args)} …", end="", flush=True)
    result = _run([python, "manage.py", *args], env=env, timeout=STEP_TIMEOUTS[step])
    (log_dir / f"{step}.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        print(" failed")
        raise BenchError(f"manage.py {step} failed (exit {result.returncode}):\n{_tail(result.stdout + result.stderr)}")
    print(f" {time.monotonic() - started:.1f} s")


def _sub_benchmark(python: str, argv: list[str], env: dict[str, str], log_dir: Path, timeout: float) -> dict[str, Any]:
    """Run one of the sub-benchmark scripts; the last line of its output is its result as JSON."""
    script = Path(argv[0]).name
    result = _run([python, *argv], env=env, timeout=timeout)
    (log_dir / script.replace(".py", ".log")).write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        print(" failed")
        raise BenchError(f"{script} failed (exit {result.returncode}):\n{_tail(result.stdout + result.stderr)}")
    try:
        outcome: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        print(" failed")
        raise BenchError(f"could not read {script}'s result:\n{_tail(result.stdout)}") from error
    return outcome


def _search_benchmark(python: str, env: dict[str, str], log_dir: Path) -> dict[str, Any]:
    """Run scripts/bench_search.py in the benchmark database."""
    started = time.monotonic()
    print("  scripts/bench_search.py (10,000 services, search timings) …", end="", flush=True)
    search = _sub_benchmark(python, [str(BASE_DIR / "scripts" / "bench_search.py")], env, log_dir, SEARCH_BENCH_TIMEOUT)
    print(f" {time.monotonic() - started:.1f} s: {search['count']:,} queries, p95 {float(search['p95_ms']):.1f} ms")
    return search


def _logged_since(log: Path, position: int) -> dict[str, int]:
    """Server errors gunicorn logged after ``position`` (bytes) of its log."""
    with log.open("rb") as log_file:
        log_file.seek(position)
        return server_errors(log_file.read().decode("utf-8", "replace"))


def _applications_benchmark(
    python: str, env: dict[str, str], log_dir: Path, port: int, server_pid: int, options: Options, javascript: bool
) -> dict[str, Any]:
    """Run scripts/bench_applications.py against the running gunicorn; its last line of output is JSON.

    With ``javascript`` the simulated browsers post as htmx does (each step answered by the next page), else as a
    browser without JavaScript (each post answered by a redirect and its GET; one receipt only, timed above)."""
    started = time.monotonic()
    print(
        f"online application {'with' if javascript else 'without'} JavaScript: {options.journey_warmup} s warm-up, "
        f"{options.journey_duration} s of journeys, profile, receipts …",
        end="",
        flush=True,
    )
    argv = [str(BASE_DIR / "scripts" / "bench_applications.py")]
    argv += ["--port", str(port), "--host", SITE_HOST, "--server-pid", str(server_pid)]
    argv += ["--processes", str(options.journey_processes), "--threads", str(options.journey_threads)]
    argv += ["--warmup", str(options.journey_warmup), "--duration", str(options.journey_duration)]
    argv += ["--upload", options.upload]
    if not javascript:
        argv += ["--without-javascript", "--receipts", "1"]
    applications = _sub_benchmark(python, argv, env, log_dir, APPLICATIONS_BENCH_TIMEOUT + options.journey_duration)
    rate = float(applications["journeys_per_second"])
    print(
        f" {time.monotonic() - started:.1f} s: {rate:.1f} journeys/s, {applications['errors']} failed, "
        f"{applications['receipts']['per_second']:.1f} receipts/s per worker process"
    )
    return applications


def _cases_benchmark(python: str, env: dict[str, str], log_dir: Path, port: int, options: Options) -> dict[str, Any]:
    """Run scripts/bench_cases.py against the running gunicorn; it checks no targets itself (--report-only)."""
    started = time.monotonic()
    print(
        f"office inbox and case page: {options.case_count:,} generated cases, "
        f"{options.case_requests} requests per page …",
        end="",
        flush=True,
    )
    argv = [str(BASE_DIR / "scripts" / "bench_cases.py"), "--port", str(port), "--host", CASES_HOST]
    argv += ["--cases", str(options.case_count), "--requests", str(options.case_requests), "--report-only"]
    cases = _sub_benchmark(python, argv, env, log_dir, CASES_BENCH_TIMEOUT)
    worst = max(row["p95_ms"] for row in cases["scenarios"])
    print(f" {time.monotonic() - started:.1f} s: worst p95 {worst:.1f} ms")
    return cases


def _appointments_benchmark(python: str, env: dict[str, str], log_dir: Path, port: int) -> dict[str, str]:
    """Run scripts/bench_appointments.py (availability over 100,000 appointments, release storm); its table as text."""
    started = time.monotonic()
    print("appointments: 100,000 generated appointments, availability timings, release storm …", end="", flush=True)
    argv = [str(BASE_DIR / "scripts" / "bench_appointments.py"), "--port", str(port), "--host", SITE_HOST]
    outcome = _sub_benchmark(python, [*argv, "--report-only"], env, log_dir, 900)
    storm = outcome["storm"]
    print(
        f" {time.monotonic() - started:.1f} s: availability p95 {outcome['availability']['p95_ms']:.1f} ms, "
        f"storm {storm['held']} held of {storm['slots']}"
    )
    summary = (
        f"{outcome['load']['appointments']:,} generated appointments (COPY, {outcome['load']['total_seconds']:.0f} s); "
        f"release storm: {storm['attempts']:,} hold attempts from {storm['clients']} clients on {storm['slots']} free "
        f"slots in {storm['wall_seconds']:.1f} s."
    )
    return {"appointments_table": outcome["table"], "appointments_summary": summary}


def _roadmap_benchmark(python: str, env: dict[str, str], log_dir: Path, port: int) -> None:
    """Run scripts/bench_roadmap.py (timeline of 50 projects, SVG and page below 1 s) and print its figures."""
    print("roadmap timeline: 50 projects …", end="", flush=True)
    argv = [str(BASE_DIR / "scripts" / "bench_roadmap.py"), "--port", str(port), "--report-only"]
    outcome = _sub_benchmark(python, argv, env, log_dir, 600)
    print(" " + "; ".join(f"{row['name']} p95 {row['p95_ms']:.1f} ms" for row in outcome["rows"]))


def _reports_benchmark(python: str, env: dict[str, str], log_dir: Path, port: int) -> None:
    """Run scripts/bench_reports.py (the public map's bounding-box query over 100,000 reports) and print its figures."""
    print("Mängelmelder map: 100,000 generated reports …", end="", flush=True)
    argv = [str(BASE_DIR / "scripts" / "bench_reports.py"), "--port", str(port), "--report-only"]
    outcome = _sub_benchmark(python, argv, env, log_dir, 900)
    print(" " + "; ".join(f"{row['name']} p95 {row['p95_ms']:.1f} ms" for row in outcome["rows"]))


def cases_table(cases: dict[str, Any]) -> str:
    lines = [
        "| page | request | requests | p50 ms | p95 ms | max ms |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in cases["scenarios"]:
        lines.append(
            f"| {row['name']} | `GET {row['path']}` | {row['count']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['max_ms']:.1f} |"
        )
    return "\n".join(lines)


def cases_summary(cases: dict[str, Any]) -> str:
    load = cases.get("load") or {}
    loaded = (
        f"written with COPY in {load.get('total_seconds', 0):.0f} s ({load.get('cases_seconds', 0):.0f} s cases, "
        f"{load.get('events', 0):,} events of the measured office in {load.get('events_seconds', 0):.0f} s, ANALYZE "
        f"{load.get('analyze_seconds', 0):.0f} s; foreign keys {load.get('foreign_key_checks', '?')})"
        if load
        else "reused from an earlier run"
    )
    return (
        f"{cases['cases']:,} generated cases over {cases['offices']} offices, {loaded}. The measured office has "
        f"{cases['office_cases']:,} cases, {cases['office_in_progress']:,} of them in Bearbeitung, "
        f"{cases['office_assigned_to_clerk']:,} assigned to the logged-in clerk. One request at a time after "
        f"{cases['warmup']} warm-up requests per page; nearest-rank percentiles."
    )


_LOGGED_ERROR = re.compile(r'"message": "Internal Server Error: [^"]*".*?(?:psycopg\.errors\.(\w+)|$)')


def server_errors(log_text: str) -> dict[str, int]:
    """Internal server errors in gunicorn's log (JSON lines), by PostgreSQL error where there is one."""
    counts: dict[str, int] = {}
    for line in log_text.splitlines():
        found = _LOGGED_ERROR.search(line)
        if found:
            kind = found.group(1) or "other"
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((BIND_HOST, 0))
        return int(sock.getsockname()[1])


def _gunicorn_command(python: str, port: int, options: Options) -> list[str]:
    beside_python = Path(python).parent / "gunicorn"
    executable = str(beside_python) if beside_python.exists() else shutil.which("gunicorn")
    if not executable:
        raise BenchError("gunicorn is not installed (pip install -r requirements.txt)")
    argv = [executable, "config.wsgi:application", "--workers", str(GUNICORN_WORKERS)]
    argv += ["--bind", f"{BIND_HOST}:{port}", "--worker-class", options.worker_class]
    if options.gunicorn_threads:
        argv += ["--threads", str(options.gunicorn_threads)]
    return argv


def _fetch(port: int, path: str, cookie: str = "", timeout: float = 10) -> tuple[int, str, str]:
    """Status, Location header and body of GET ``path`` for the benchmark's host name."""
    conn = http.client.HTTPConnection(BIND_HOST, port, timeout=timeout)
    headers = {"Host": SITE_HOST}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{_tail(log.read_text(errors='replace'))}")
        try:
            if _fetch(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {SERVER_START_TIMEOUT} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn (arbiter and its workers: the process group we started) gracefully, then by force."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=SERVER_STOP_TIMEOUT)
    except ProcessLookupError:
        pass


def _precheck(port: int, scenarios: list[Scenario]) -> None:
    """Every page answers 200 with its own content: otherwise we would measure error pages."""
    for scenario in scenarios:
        status, location, body = _fetch(port, scenario.path, scenario.cookie)
        if status != 200:
            where = f" (redirect to {location})" if location else ""
            raise BenchError(f"pre-check: GET {scenario.path} for {SITE_HOST} answered {status}{where}:\n{body[:500]}")
        if scenario.expect not in body:
            raise BenchError(f"pre-check: GET {scenario.path} answered 200 but without {scenario.expect!r}")
        print(
            f"  GET {scenario.path:<26} {'(cookie) ' if scenario.cookie else ''}200, {len(body.encode()):>6} bytes, contains {scenario.expect!r}"
        )


# --- wrk --------------------------------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _wrk(url: str, seconds: int, options: Options, lua: Path | None, cookie: str = "") -> str:
    argv = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds}s", "-H", f"Host: {SITE_HOST}"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    if lua is not None:
        argv += ["--latency", "-s", str(lua)]
    argv.append(url)
    result = _run(argv, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(argv)} failed (exit {result.returncode}):\n{_tail(result.stdout + result.stderr)}")
    return result.stdout


def parse_wrk(scenario: Scenario, output: str) -> Result:
    """Numbers from wrk's text output plus the BENCH line printed by the Lua hook."""
    hook = re.search(r"^BENCH (.+)$", output, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if hook is None or rps is None:
        raise BenchError(f"could not read wrk's output for {scenario.name}:\n{output}")
    values = {key: float(value) for key, value in (pair.split("=") for pair in hook.group(1).split())}
    distribution = {
        f"p{percent}": float(number) * _UNIT_MS[unit]
        for percent, number, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = {}
    if sockets:
        socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
    return Result(
        scenario=scenario,
        rps=float(rps.group(1)),
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        requests=int(values["requests"]),
        non_2xx_3xx=max(int(non_2xx.group(1)) if non_2xx else 0, int(values["status_errors"])),
        socket_errors={key: value for key, value in socket_errors.items() if value},
        distribution_ms=distribution,
    )


# --- report -----------------------------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def results_table(results: list[Result]) -> str:
    ceiling = results[0].rps
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | % of ceiling req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        share = _percent(r.rps / ceiling) if ceiling else "–"
        lines.append(
            f"| {r.scenario.name} (`{r.scenario.path}`) | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} "
            f"| {r.p99_ms:.1f} | {share} |"
        )
    return "\n".join(lines)


_QUERY_KINDS = {
    "word": 'single word ("Hund", "Genehmigung"; 20 % specialist words)',
    "two words": 'two words ("Gewerbe Anmeldung")',
    "prefix": 'prefix while typing ("Geneh")',
    "word form": 'other word form ("anmelden", "Genehmigungen")',
    "search term": 'search term ("Perso", "Kita")',
    "typo": 'typo, trigram fallback ("Genehmigugn")',
    "not in catalogue": 'word no service has ("Schwimmbad")',
}


def search_table(search: dict[str, Any]) -> str:
    """Timings of ``service_ids_matching``: all queries, then per kind of query."""
    lines = [
        "| queries | count | p50 ms | p95 ms | p99 ms | max ms | with results |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [("**all**", search), *((_QUERY_KINDS.get(kind, kind), row) for kind, row in search["kinds"].items())]
    for label, row in rows:
        lines.append(
            f"| {label} | {row['count']:,} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['max_ms']:.1f} | {_percent(row['share_with_results'])} |"
        )
    return "\n".join(lines)


def search_summary(search: dict[str, Any]) -> str:
    typo = search["kinds"].get("typo", {})
    return (
        f"{search['services']:,} generated services in one municipality: `bulk_create` {search['create_seconds']:.1f} s, "
        f"`services_index_bulk` {search['index_seconds']:.1f} s ({search['search_entries']:,} search entries, "
        f"{search['vocabulary_words']:,} words of vocabulary), `VACUUM ANALYZE` {search['vacuum_seconds']:.1f} s. "
        f"{search['count']:,} timed queries after {search['warmup']} warm-up queries; "
        f"{typo.get('count', 0)} typos, {search['typo_corrected']} of them answered through the trigram fallback. "
        f"EXPLAIN ANALYZE: the GIN indexes on the documents are {'used' if search['gin_index_used'] else 'NOT used'} "
        f"for {_plan(search, 'typical')}, the trigram index on the vocabulary "
        f"{'is used' if search['trigram_index_used'] else 'is not used'} for {_plan(search, 'typo')}; "
        f"a word most texts contain: {_plan(search, 'broad')}."
    )


def _plan(search: dict[str, Any], name: str) -> str:
    """How a query's statements read the search entries, e.g. '"Antrag" (Seq Scan, 5,481 rows, 24.1 ms)'."""
    plan = search.get("plans", {}).get(name, {})
    entries = "; then ".join(plan.get("entries", [])) or "no plan"
    return f'"{plan.get("query", name)}" ({entries})'


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def applications_steps_table(applications: dict[str, Any]) -> str:
    """Per step of the journey: latency under load, and alone with the server's CPU time and SQL statements."""
    lines = [
        "| step | request | p50 ms | p95 ms | alone ms | gunicorn CPU ms | PostgreSQL CPU ms | SQL |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step, alone in zip(applications["steps"], applications["profile"]["steps"], strict=True):
        lines.append(
            f"| {step['name']} | `{step['method']} {step['path']}` | {_ms(step['p50_ms'])} | {_ms(step['p95_ms'])} "
            f"| {alone['latency_ms']:.1f} | {alone['web_cpu_ms']:.1f} | {alone['db_cpu_ms']:.1f} "
            f"| {alone['queries'] if alone['queries'] is not None else '–'} |"
        )
    profile = applications["profile"]
    lines.append(
        f"| **whole journey** | {applications['requests_per_journey']} requests | "
        f"{_ms(applications['journey_p50_ms'])} | {_ms(applications['journey_p95_ms'])} | {profile['latency_ms']:.0f} "
        f"| {profile['web_cpu_ms']:.0f} | {profile['db_cpu_ms']:.0f} | {profile['queries']} |"
    )
    return "\n".join(lines)


def _failures(applications: dict[str, Any]) -> str:
    check = applications["verification"]
    total = check["journeys_completed"] + applications["errors"]
    text = f"{applications['errors']} of {total:,}"
    if applications["error_kinds"]:
        text += ": " + ", ".join(f"{kind} ×{count}" for kind, count in applications["error_kinds"].items())
    logged = applications.get("server_errors") or {}
    if logged:
        text += "; server log: " + ", ".join(f"{kind} ×{count}" for kind, count in logged.items())
    return text


def _database_check(applications: dict[str, Any]) -> str:
    check = applications["verification"]
    text = (
        f"{check['submissions_in_db']:,} submissions for {check['journeys_completed']:,} confirmed journeys: "
        f"{check['missing_in_db']} missing, {check['unconfirmed_in_db']} unconfirmed, "
        f"{check['duplicate_confirmations']} confirmed twice, {check['submissions_with_upload']:,} with their file"
    )
    return ("OK, " if check["ok"] else "WRONG, ") + text


def applications_totals_table(applications: dict[str, Any], ceiling_rps: float) -> str:
    cpu = applications["cpu"]
    profile = applications["profile"]
    receipts = applications["receipts"]
    rows = [
        (
            f"completed journeys/s (target ≥ {TARGET_JOURNEYS_PER_SECOND:.0f})",
            f"**{applications['journeys_per_second']:.1f}** ({applications['journeys']:,} in "
            f"{applications['duration']} s)",
        ),
        (
            f"requests/s ({applications['requests_per_journey']} per journey)",
            f"{applications['requests_per_second']:,.0f} ({_percent(applications['requests_per_second'] / ceiling_rps)} "
            "of the ceiling)"
            if ceiling_rps
            else f"{applications['requests_per_second']:,.0f}",
        ),
        ("ceiling of this run (`GET /healthz`)", f"{ceiling_rps:,.0f} req/s"),
        (
            "receipts/s per worker process",
            f"**{receipts['per_second']:.1f}** ({receipts['count']} receipts one after another: p50 "
            f"{receipts['p50_ms']:.0f} ms, p95 {receipts['p95_ms']:.0f} ms each, "
            f"{_percent(receipts['render_share'])} of it rendering the PDF; {receipts['pdf_kilobytes_mean']:.0f} KB "
            "per PDF)",
        ),
        (
            "server CPU per journey, one journey at a time",
            f"{profile['web_cpu_ms']:.0f} ms gunicorn + {profile['db_cpu_ms']:.0f} ms PostgreSQL, "
            f"{profile['queries']} SQL statements; load generator {profile['client_cpu_ms']:.0f} ms",
        ),
        (
            "CPUs during the measurement",
            f"{_percent(cpu['busy'])} busy: gunicorn {_percent(cpu['gunicorn'])}, PostgreSQL "
            f"{_percent(cpu['postgresql'])}, load generator {_percent(cpu['load_generator'])}, other "
            f"{_percent(cpu['other'])}",
        ),
        ("failed journeys", _failures(applications)),
        ("database check", _database_check(applications)),
    ]
    plain = applications.get("without_javascript")
    if plain:
        rows.append(
            (
                "the same journeys without JavaScript (each post answered by a redirect and its GET)",
                f"**{plain['journeys_per_second']:.1f}**/s, {plain['requests_per_journey']} requests per journey; one "
                f"at a time {plain['profile']['web_cpu_ms']:.0f} ms gunicorn + {plain['profile']['db_cpu_ms']:.0f} ms "
                f"PostgreSQL, {plain['profile']['queries']} SQL statements; failed {_failures(plain)}; "
                f"{_database_check(plain)}",
            )
        )
    lines = ["| measure | value |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)


def applications_analysis(applications: dict[str, Any], ceiling_rps: float) -> str:
    """Where the time goes, from the numbers of this run."""
    profile = applications["profile"]
    cpu = applications["cpu"]
    cpus = cpu["cpus"]
    steps = profile["steps"]
    requests = applications["requests_per_journey"]
    per_journey = profile["web_cpu_ms"] + profile["db_cpu_ms"]
    rate = applications["journeys_per_second"]
    met = rate >= TARGET_JOURNEYS_PER_SECOND
    if not per_journey:
        return "No profile: the journey could not be timed one at a time."
    bound = cpus * 1000 / per_journey
    needed = cpus * 1000 / TARGET_JOURNEYS_PER_SECOND
    ceiling_ms = cpus * 1000 / ceiling_rps if ceiling_rps else 0.0
    costs = sorted((step["web_cpu_ms"] + step["db_cpu_ms"] for step in steps), reverse=True)
    costly = sorted(steps, key=lambda step: step["web_cpu_ms"] + step["db_cpu_ms"], reverse=True)[:3]
    gets = [step["web_cpu_ms"] + step["db_cpu_ms"] for step in steps if step["method"] == "GET"]
    posts = [step["web_cpu_ms"] + step["db_cpu_ms"] for step in steps if step["method"] == "POST"]
    spread = costs[0] < 2 * costs[len(costs) // 2]
    with_client = cpus * 1000 / (per_journey + profile["client_cpu_ms"])
    parts = [
        f"**{'Target met' if met else 'Target missed'}:** {rate:.1f} complete journeys/s, "
        f"{_percent(rate / TARGET_JOURNEYS_PER_SECOND)} of {TARGET_JOURNEYS_PER_SECOND:.0f}/s.",
        f"One journey at a time, gunicorn spends {profile['web_cpu_ms']:.0f} ms and PostgreSQL "
        f"{profile['db_cpu_ms']:.0f} ms of CPU on a journey ({profile['queries']} SQL statements), "
        f"{per_journey / requests:.1f} ms per request, where a request to the ceiling costs about "
        f"{ceiling_ms:.1f} ms. With nothing else running, {cpus} CPUs can therefore complete at most "
        f"{bound:.0f} journeys/s; {TARGET_JOURNEYS_PER_SECOND:.0f}/s needs at most {needed:.0f} ms per journey "
        f"({needed / requests:.1f} ms per request), {per_journey / needed:.1f} times less than now.",
        "The costliest steps: "
        + ", ".join(
            f"{step['name']} ({step['web_cpu_ms'] + step['db_cpu_ms']:.1f} ms, {step['queries']} SQL)"
            for step in costly
        )
        + f". Page views (GET) cost {sum(gets) / len(gets):.1f} ms on average, answers (POST) "
        f"{sum(posts) / len(posts):.1f} ms"
        + (
            ": the cost is spread over all steps; the gap lies in what every request does (middleware, loading "
            "the draft, rendering a full page or saving it), not in one step."
            if spread
            else ": one step dominates."
        ),
        f"With the load generator's {profile['client_cpu_ms']:.0f} ms per journey on the same CPUs the bound "
        f"is {with_client:.0f}/s; the run reached {_percent(rate / with_client)} of it with the CPUs "
        f"{_percent(cpu['busy'])} busy (other work on the machine: {_percent(cpu['other'])}).",
    ]
    if cpu["busy"] < 0.85:
        parts.append(
            "The CPUs were not saturated: requests also waited for something other than CPU, such as row locks "
            "in PostgreSQL" + ("; see the failed journeys and the server log." if applications["errors"] else ".")
        )
    return " ".join(parts)


def applications_section(
    applications: dict[str, Any], ceiling_rps: float, stamp: str, facts: dict[str, str], options: Options
) -> str:
    upload = applications["upload"]
    return (
        "#### Online-Antrag: vollständige Einreichung\n\n"
        f"{stamp}; {facts['cpus']} CPUs ({facts['cpu_model']}), PostgreSQL {facts['postgresql']}; the same gunicorn "
        f"as above ({options.gunicorn_summary()}); {options.journey_summary()}; no worker running (submissions "
        f"queue in the database task backend). Form: {applications['pages']} pages on "
        f'"{applications["form"]["name"]}" of Esslingen, upload `{upload["file_name"]}` ({upload["bytes"]:,} bytes, '
        f"{upload['content_type']}). Target: at least {TARGET_JOURNEYS_PER_SECOND:.0f} complete journeys per second; "
        "receipt PDFs are rendered by the worker and reported per worker process.\n\n"
        f"{applications_steps_table(applications)}\n\n"
        f"{applications_totals_table(applications, ceiling_rps)}\n\n"
        f"{applications_analysis(applications, ceiling_rps)}\n"
    )


def check_targets(
    results: list[Result],
    search: dict[str, Any],
    applications: dict[str, Any] | None,
    options: Options,
    cases: dict[str, Any] | None = None,
) -> list[tuple[str, bool, str]]:
    by_name = {r.scenario.name: r for r in results}
    ceiling, start, detail = by_name["ceiling"], by_name["start page"], by_name["service detail page"]
    share = start.rps / ceiling.rps if ceiling.rps else 0.0
    detail_share = detail.rps / ceiling.rps if ceiling.rps else 0.0
    search_p95 = float(search["p95_ms"])
    targets = [
        (
            f"start page req/s ≥ {_percent(TARGET_SHARE_OF_CEILING)} of ceiling",
            share >= TARGET_SHARE_OF_CEILING,
            _percent(share),
        ),
        (f"start page p99 < {TARGET_P99_MS:.0f} ms", start.p99_ms < TARGET_P99_MS, f"{start.p99_ms:.1f} ms"),
        (
            f"service detail req/s ≥ {_percent(TARGET_SHARE_OF_CEILING)} of ceiling",
            detail_share >= TARGET_SHARE_OF_CEILING,
            _percent(detail_share),
        ),
        (
            f"catalogue search p95 < {TARGET_SEARCH_P95_MS:.0f} ms ({search['services']:,} services, PostgreSQL)",
            search_p95 < TARGET_SEARCH_P95_MS,
            f"{search_p95:.1f} ms",
        ),
    ]
    if applications is not None:
        rate = float(applications["journeys_per_second"])
        runs = [applications, *([applications["without_javascript"]] if "without_javascript" in applications else [])]
        targets += [
            (
                f"application journeys ≥ {TARGET_JOURNEYS_PER_SECOND:.0f}/s (six pages, 200 KB upload, PostgreSQL; "
                "browsers with JavaScript)",
                rate >= TARGET_JOURNEYS_PER_SECOND,
                f"{rate:.1f}/s",
            ),
            (
                "every journey completes, one submission each (no loss, no duplicates), with and without JavaScript",
                all(run["errors"] == 0 and bool(run["verification"]["ok"]) for run in runs),
                "; ".join(
                    f"{run['errors']} failed, {run['verification']['submissions_in_db']:,} submissions for "
                    f"{run['verification']['journeys_completed']:,} confirmations"
                    for run in runs
                ),
            ),
        ]
    if cases is not None:
        targets += [
            (
                f"{row['name']} p95 < {TARGET_CASES_P95_MS:.0f} ms ({cases['cases']:,} cases, PostgreSQL)",
                float(row["p95_ms"]) < TARGET_CASES_P95_MS,
                f"{float(row['p95_ms']):.1f} ms",
            )
            for row in cases["scenarios"]
        ]
    return targets


def targets_text(targets: list[tuple[str, bool, str]], options: Options) -> list[str]:
    lines = [f"{'PASS' if ok else 'FAIL'}  {label} (measured {value})" for label, ok, value in targets]
    if options.connections != TARGET_CONNECTIONS:
        lines.append(
            f"note: the targets are defined at {TARGET_CONNECTIONS} connections; this run used {options.connections}"
        )
    return lines


def _cpu_busy(seconds: float = 2.0) -> float | None:
    """Share of all CPUs busy during ``seconds`` (from /proc/stat): other work on the machine skews the numbers."""

    def sample() -> tuple[int, int]:
        values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values[:8]), idle

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total > 0 else None


def _first_line(argv: list[str], *, any_exit_code: bool = False) -> str:
    try:
        result = subprocess.run(argv, cwd=BASE_DIR, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[0].strip() if (result.returncode == 0 or any_exit_code) and lines else ""


def machine_facts(python: str, pg_version: str) -> dict[str, str]:
    cpus = _first_line(["nproc"]) or str(len(os.sched_getaffinity(0)))
    model = platform.processor() or "unknown"
    memory = "unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        if found := re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE):
            model = found.group(1).strip()
        if found := re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE):
            memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    probe = (
        "import platform, django, gunicorn; print(platform.python_version(), django.__version__, gunicorn.__version__)"
    )
    versions = _first_line([python, "-c", probe]).split()
    python_version, django_version, gunicorn_version = [*versions, "?", "?", "?"][:3]
    commit = _first_line(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if commit != "unknown" and _first_line(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " (with uncommitted changes)"
    return {
        "cpus": cpus,
        "cpu_model": model,
        "memory": memory,
        "kernel": platform.release(),
        "python": python_version,
        "django": django_version,
        "gunicorn": gunicorn_version,
        "postgresql": pg_version,
        "wrk": (_first_line(["wrk", "-v"], any_exit_code=True).split(" [")[0].removeprefix("wrk ") or "?"),
        "commit": commit,
    }


def method_section(facts: dict[str, str], options: Options) -> str:
    scenarios = "\n".join(f"| {s.name} | `GET {s.path.format(slug='<slug>')}` | {s.description} |" for s in SCENARIOS)
    return f"""{DOC_METHOD_START}
## Method

`make bench` (the same as `.venv/bin/python scripts/bench.py`) measures the production configuration
end to end on the machine it runs on:

1. It creates a throwaway PostgreSQL database `rathaus_bench_<pid>` on 127.0.0.1 and drops it at the end,
   also on failure or Ctrl-C.
2. With `DJANGO_ENV=production`, a random 50-character `SECRET_KEY`, `DATABASE_CONN_MAX_AGE=60`,
   `SECURE_SSL_REDIRECT=false` and no `REDIS_URL` (so the cache is the `rathaus_cache` database table, as
   in a production installation without Redis) it runs `migrate`, `createcachetable`, `load_demo_data`
   (without demo accounts) and `collectstatic --noinput` (into `staticfiles/`, the fixed `STATIC_ROOT`).
3. It runs `scripts/bench_search.py` in the same environment (see "Catalogue search" below), which also
   names the service of the detail page scenarios: Esslingen's first published service by slug.
4. It starts `gunicorn config.wsgi:application --workers {GUNICORN_WORKERS} --worker-class {GUNICORN_WORKER_CLASS}
   --bind 127.0.0.1:<free port>` and waits for `/healthz`.
5. It checks that every page answers 200 with its own content for the host `{SITE_HOST}` (the start page
   must show Esslingen, the detail page the service's name), then, per scenario, runs wrk for {options.warmup} s to warm up and
   `wrk -t{options.threads} -c{options.connections} -d{options.duration}s --latency -H "Host: {SITE_HOST}"` to measure.
   req/s is wrk's "Requests/sec"; p50, p95 and p99 come from wrk's latency histogram through a `done()`
   Lua hook, because wrk prints no p95. Any response outside 2xx/3xx makes the run fail.
6. It runs `scripts/bench_applications.py` against the same gunicorn (see "Online application" below;
   `--no-journeys` skips it). Uploads and receipts go to a folder of the run (`MEDIA_ROOT`,
   `PRIVATE_MEDIA_ROOT`), removed at the end.

| scenario | request | what it is |
| --- | --- | --- |
{scenarios}

The ceiling is the most a page can reach in this setup: everything except the page's own work
(the municipality middleware lets probe paths through without looking up the host name).

**Catalogue search.** `scripts/bench_search.py` creates the municipality Benchstadt with 10,000 generated
services: German names from administrative actions, subjects and qualifiers ("Parkausweis beantragen
für Anwohnerinnen und Anwohner", "Genehmigung für Sondernutzung"), teasers, short and full texts,
prerequisites, documents and procedures from sentence templates with a long tail of 2,700 specialist
compounds, and search terms per subject ("Perso", "Kita"); the same for the same seed. It saves them
with `bulk_create`, indexes them with `search.services_index_bulk` and runs `VACUUM ANALYZE` on the
search tables (as autovacuum would after such an import). Then, after 50 warm-up queries, it times
2,000 calls of `search.service_ids_matching(municipality=…, query=…, language="de")` in process with
`time.perf_counter` (normalising the words in Python plus the database round trips; no HTTP, no
rendering): a quarter single words, a fifth two words, prefixes as typed, other word forms, search
terms, 10 % typos (one letter swapped, left out, doubled or replaced inside a word: the trigram
fallback) and 5 % words that no service has. Percentiles are nearest-rank. The script also runs
`EXPLAIN ANALYZE` on a typical query and a typo query and reports whether the GIN indexes are used.

**Online application.** `scripts/bench_applications.py` gives Esslingen's service "Sondernutzung
öffentlicher Verkehrsflächen" a six-page online application through `services.form_create` and
`services.form_publish` (the definition lives in the script): the applicant (text fields, e-mail, phone), the
address, the kind of use (a choice and a text area), place and dates (with a cross-field rule), the area (a
number, yes/no) and a required upload (PDF, JPEG or PNG, at most 10 MB). Load-generator processes of their
own (`http.client`, one thread per simulated citizen, a fresh cookie jar per journey, the CSRF token from
each form, `X-Forwarded-Proto: https` as from the TLS proxy of an installation; as they all come from
127.0.0.1, `RATHAUS_APPLICATION_START_RATE` is {JOURNEY_START_RATE}, so the per-address limit is checked but does not
refuse them) run complete journeys, first as browsers with JavaScript do: `GET` the start page, `POST`
"Antrag starten" as htmx does (`HX-Request`), answered by page 1 with its address in `HX-Push-Url`; per page
`POST` its answers with `aktion=weiter`, answered by the next page (after the last, by the check page);
`POST` the declaration, answered by the confirmation: 9 requests. Then, for the same time, as browsers
without JavaScript: every post answered by a redirect and its `GET`, 17 requests. Each page is posted
as its form says: `multipart/form-data` on the page with the file, urlencoded elsewhere. Every answer is
checked (status, redirect target or pushed address, content); a journey with an unexpected answer counts as
failed. The file is a one-page
PDF of about 200 KB, generated the same way every time (a 150 dpi greyscale scan of a site plan,
Flate-compressed), because a scanned document is what such an application typically gets and a PDF is
stored byte for byte after a structural check; `--upload jpeg` sends a 200 KB photo-like JPEG instead, which
the server decodes and re-encodes without metadata (about 25 ms of CPU more per upload). Journeys that end
within the {options.journey_duration} s after a {options.journey_warmup} s warm-up are counted; per step, p50 and p95 are
the latencies of the requests that ended in that window (nearest rank). Afterwards the script checks that
the database holds exactly one submission (with its file) per confirmed journey, profiles 20 journeys one
at a time (per step: latency, CPU time of the gunicorn workers and of this database's PostgreSQL backends
from `/proc/<pid>/schedstat`, SQL statements counted in process with Django's test client), and, as no worker
runs during the measurement (submissions queue in the database task backend), runs
`processing.submission_process_steps` (receipt PDF/A-3, confirmation e-mail to the locmem backend, hand-off
records) for 30 queued submissions in one process: receipts per second per worker process. The CPU shares
during the measurement come from `/proc/stat` and the processes' CPU times. The journeys use the same
gunicorn as the other scenarios ({GUNICORN_WORKERS} {GUNICORN_WORKER_CLASS} workers unless `--gunicorn-threads`).

**Office inbox and case page.** `scripts/bench_cases.py` creates the municipality "Vorgangsstadt
(Benchmark)" under the host name `{CASES_HOST}` with 50 offices, four services and case types per office and
eight clerks per office, and generates {options.case_count:,} cases (`--cases`) over the offices, the measured
office (the first) with twice the average share: received over the last three years, with states by age
(recent cases mostly eingegangen or in Bearbeitung, some Rückfrage; cases older than two months almost all
abgeschlossen, about 3 % zurückgezogen, a few left open), decision and closing dates (median about 8 days),
due dates, channels, applicants and, for most cases, one of the office's clerks as assignee. The rows are
generated in Python with a fixed seed and written with PostgreSQL `COPY` (psycopg `cursor.copy`) in one
transaction, foreign-key triggers off during the load where the role may (`session_replication_role =
replica`; the rows are consistent by construction), then the history of the measured office's cases (receipt,
assignment, each workflow step) the same way, then `ANALYZE`. The first clerk of the measured office is
logged in as the tests do it (a database session with password and TOTP as its authentication methods; the
account has a TOTP authenticator). One request at a time against the same gunicorn, after 10 warm-up
requests per page, {options.case_requests} requests (`--case-requests`) each of: the first inbox page
filtered by state "in Bearbeitung" and sorted by due date (`?status=in_bearbeitung&sortierung=frist`), the
first inbox page filtered by assignee (`?zustaendig=ich`), and the case page of a different random case of
the office for each request. Every response must be 200 with an office reference (inbox) or the case's own
reference (case page). p50, p95 (nearest rank) and max per page.

**Targets** at {TARGET_CONNECTIONS} connections: the start page and the service detail page reach at least
{_percent(TARGET_SHARE_OF_CEILING)} of the ceiling's req/s, the start page with p99 below {TARGET_P99_MS:.0f} ms; the catalogue
search answers with p95 below {TARGET_SEARCH_P95_MS:.0f} ms over 10,000 services on PostgreSQL; at least
{TARGET_JOURNEYS_PER_SECOND:.0f} complete application journeys per second on this machine, every journey completes and the
database holds one submission per confirmed journey; the first page of the filtered and sorted inbox, of the
inbox filtered by assignee and the case page each with p95 below {TARGET_CASES_P95_MS:.0f} ms over {options.case_count:,} cases. The script prints PASS or
FAIL per target and exits 0 either way, unless `--strict`. Flags: `--duration`, `--connections`, `--threads`, `--warmup`,
`--gunicorn-threads N` (gthread instead of sync workers, for comparisons), `--journey-duration`, `--journey-warmup`,
`--journey-processes`, `--journey-threads`, `--upload pdf|jpeg`, `--no-journeys`, `--cases N`, `--case-requests N`,
`--no-cases`, `--no-write` (leave this file alone).

Read the numbers as relative, not as capacity: wrk or the load generators, gunicorn and PostgreSQL share
the same CPUs, and only anonymous visitors are measured. Compare runs made on the same machine.

Machine of the latest run: {facts["cpus"]} CPUs ({facts["cpu_model"]}), {facts["memory"]} memory, Linux
{facts["kernel"]}; Python {facts["python"]}, Django {facts["django"]}, PostgreSQL {facts["postgresql"]},
gunicorn {facts["gunicorn"]}, wrk {facts["wrk"]}.
{DOC_METHOD_END}"""


def result_section(
    results: list[Result],
    search: dict[str, Any],
    applications: dict[str, Any] | None,
    targets: list[tuple[str, bool, str]],
    facts: dict[str, str],
    options: Options,
    cases: dict[str, Any] | None = None,
) -> str:
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    target_lines = "\n".join(f"- {line.replace('  ', ': ', 1)}" for line in targets_text(targets, options))
    notes = [
        f"- {r.scenario.name}: socket errors {', '.join(f'{k} {v}' for k, v in r.socket_errors.items())}"
        for r in results
        if r.socket_errors
    ]
    return (
        f"### {stamp}\n\n"
        f"{facts['cpus']} CPUs ({facts['cpu_model']}), {facts['memory']}; Python {facts['python']}, "
        f"Django {facts['django']}, PostgreSQL {facts['postgresql']}; gunicorn {facts['gunicorn']} with "
        f"{options.gunicorn_summary()}; {options.wrk_summary()}; commit {facts['commit']}; "
        f"CPUs {facts.get('busy', 'unknown')} busy before the run.\n\n"
        f"{results_table(results)}\n\n"
        f"Catalogue search ({search['services']:,} services, PostgreSQL):\n\n{search_table(search)}\n\n"
        f"{search_summary(search)}\n\n"
        + (applications_section(applications, results[0].rps, stamp, facts, options) + "\n" if applications else "")
        + (
            f"#### Vorgänge: Posteingang und Vorgangsseite\n\n{cases_summary(cases)}\n\n{cases_table(cases)}\n\n"
            if cases
            else ""
        )
        + (
            f"#### Termine: Verfügbarkeit und Freigabe-Ansturm\n\n{facts['appointments_summary']}\n\n"
            f"{facts['appointments_table']}\n\n"
            if facts.get("appointments_table")
            else ""
        )
        + f"{target_lines}\n"
        + ("\n".join(notes) + "\n" if notes else "")
    )


def update_doc(existing: str | None, method: str, result: str) -> str:
    """The method section refreshed and ``result`` put first under "## Results"; other text stays."""
    if existing is None:
        return f"# Performance\n\n{method}\n\n## Results\n\n{DOC_RESULTS_MARKER}\n\n{result}"
    text = existing
    block = re.compile(r"<!-- bench:method:start.*?-->.*?<!-- bench:method:end -->", re.DOTALL)
    if block.search(text):
        text = block.sub(lambda _match: method, text, count=1)
    elif title := re.search(r"^# .*$", text, re.MULTILINE):
        text = f"{text[: title.end()]}\n\n{method}\n\n{text[title.end() :].lstrip(chr(10))}"
    else:
        text = f"{method}\n\n{text}"
    marker = re.search(r"^<!-- bench:results.*-->$", text, re.MULTILINE)
    heading = re.search(r"^## Results[ \t]*$", text, re.MULTILINE)
    if marker:
        position = marker.end()
    elif heading:
        text = f"{text[: heading.end()]}\n\n{DOC_RESULTS_MARKER}{text[heading.end() :]}"
        position = heading.end() + 2 + len(DOC_RESULTS_MARKER)
    else:
        text = f"{text.rstrip()}\n\n## Results\n\n{DOC_RESULTS_MARKER}"
        position = len(text)
    rest = text[position:].lstrip("\n")
    return f"{text[:position]}\n\n{result}" + (f"\n{rest}" if rest else "")


# --- main -------------------------------------------------------------------------------------------------------


def measure(
    options: Options, python: str, work_dir: Path
) -> tuple[list[Result], dict[str, Any], dict[str, Any] | None, dict[str, Any] | None, dict[str, str]]:
    database = f"rathaus_bench_{os.getpid()}"
    server: subprocess.Popen[bytes] | None = None
    created = False
    media_root = work_dir / "media"
    try:
        pg_version = _pg(python, "version", options.pg_url_base)
        print(f"PostgreSQL {pg_version}: creating database {database}")
        created = True  # set before, so that an interrupted CREATE is cleaned up too (DROP … IF EXISTS)
        _pg(python, "create", options.pg_url_base, database)
        env = _django_env(f"{options.pg_url_base}/{database}", media_root)
        _manage(python, env, work_dir, "migrate", "--noinput", "-v0")
        _manage(python, env, work_dir, "createcachetable")
        _manage(python, env, work_dir, "load_demo_data")
        _manage(python, env, work_dir, "collectstatic", "--noinput", "-v0")
        search = _search_benchmark(python, env, work_dir)
        service = search.get("esslingen_service")
        if not service or not service.get("slug"):
            raise BenchError(
                "Esslingen has no published service after load_demo_data: no page for the detail scenarios"
            )
        scenarios = [scenario.resolve({"slug": service["slug"], "name": service["name"]}) for scenario in SCENARIOS]

        port = _free_port()
        argv = _gunicorn_command(python, port, options)
        log = work_dir / "gunicorn.log"
        print(f"starting {' '.join([Path(argv[0]).name, *argv[1:]])}")
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                argv, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_until_up(server, port, log)
        _precheck(port, scenarios)

        lua = work_dir / "percentiles.lua"
        lua.write_text(WRK_LUA, encoding="utf-8")
        results = []
        for scenario in scenarios:
            url = f"http://{BIND_HOST}:{port}{scenario.path}"
            print(
                f"{scenario.name}: {options.warmup} s warm-up, {options.duration} s measurement …", end="", flush=True
            )
            if options.warmup:
                _wrk(url, options.warmup, options, None, scenario.cookie)
            output = _wrk(url, options.duration, options, lua, scenario.cookie)
            (work_dir / f"wrk-{scenario.name.replace(' ', '-')}.txt").write_text(output, encoding="utf-8")
            result = parse_wrk(scenario, output)
            print(f" {result.rps:,.0f} req/s, p99 {result.p99_ms:.1f} ms")
            if options.verbose:
                print(output)
            if result.socket_errors:
                print(f"  warning: socket errors {result.socket_errors}")
            if result.non_2xx_3xx:
                raise BenchError(
                    f"{scenario.name}: {result.non_2xx_3xx} of {result.requests} responses were not 2xx/3xx; "
                    f"the numbers are not valid. Last lines of the server log:\n"
                    f"{_tail(log.read_text(errors='replace'), lines=5)}"
                )
            results.append(result)
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited during {scenario.name}:\n{_tail(log.read_text(errors='replace'))}")
        applications = None
        if options.journeys:
            log_before = log.stat().st_size
            applications = _applications_benchmark(python, env, work_dir, port, server.pid, options, javascript=True)
            applications["server_errors"] = _logged_since(log, log_before)
            log_before = log.stat().st_size
            plain = _applications_benchmark(python, env, work_dir, port, server.pid, options, javascript=False)
            plain["server_errors"] = _logged_since(log, log_before)
            applications["without_javascript"] = plain
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited during the journeys:\n{_tail(log.read_text(errors='replace'))}")
        cases = None
        if options.cases:
            cases = _cases_benchmark(python, env, work_dir, port, options)
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited during the case pages:\n{_tail(log.read_text(errors='replace'))}")
        facts = machine_facts(python, pg_version)
        if options.appointments:
            facts.update(_appointments_benchmark(python, env, work_dir, port))
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited during the appointments:\n{_tail(log.read_text(errors='replace'))}")
        if options.roadmap:
            _roadmap_benchmark(python, env, work_dir, port)
        if options.reports:
            _reports_benchmark(python, env, work_dir, port)
        return results, search, applications, cases, facts
    finally:
        # A second Ctrl-C or SIGTERM must not leave gunicorn running or the database behind.
        previous_handlers = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        if server is not None:
            _stop(server)
        # Thousands of uploaded files and receipts; the logs stay for a failed run, the files do not.
        shutil.rmtree(media_root, ignore_errors=True)
        if created:
            try:
                _pg(python, "drop", options.pg_url_base, database)
                print(f"dropped database {database}")
            except BenchError as error:
                print(f"warning: could not drop database {database}: {error}", file=sys.stderr)
        for sig, handler in previous_handlers.items():
            signal.signal(sig, handler)


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--connections", type=int, default=TARGET_CONNECTIONS, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario (default 2)")
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=0,
        metavar="N",
        help="use gthread workers with N threads instead of sync workers (for comparisons only)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PG_URL_BASE", DEFAULT_PG_URL_BASE),
        help=f"PostgreSQL server on this machine, without database (default $PG_URL_BASE or {DEFAULT_PG_URL_BASE})",
    )
    write = parser.add_mutually_exclusive_group()
    write.add_argument("--write", dest="write", action="store_true", default=True, help="update docs (default)")
    write.add_argument("--no-write", dest="write", action="store_false", help="leave docs/performance.md alone")
    parser.add_argument(
        "--journey-duration", type=int, default=30, help="seconds of measured application journeys (default 30)"
    )
    parser.add_argument("--journey-warmup", type=int, default=5, help="seconds of journeys before (default 5)")
    parser.add_argument(
        "--journey-processes", type=int, default=2, help="load-generator processes for the journeys (default 2)"
    )
    parser.add_argument(
        "--journey-threads", type=int, default=4, help="simulated citizens per load-generator process (default 4)"
    )
    parser.add_argument(
        "--upload", choices=["pdf", "jpeg"], default="pdf", help="the journeys' 200 KB file: pdf (default) or jpeg"
    )
    parser.add_argument("--no-journeys", action="store_true", help="skip the online-application journeys")
    parser.add_argument(
        "--cases", type=int, default=1_000_000, help="generated cases for the inbox and case page (default 1,000,000)"
    )
    parser.add_argument(
        "--case-requests", type=int, default=200, help="measured requests per inbox and case page (default 200)"
    )
    parser.add_argument("--no-cases", action="store_true", help="skip the inbox and case page over generated cases")
    parser.add_argument(
        "--no-appointments", action="store_true", help="skip appointment availability and the release storm"
    )
    parser.add_argument("--no-roadmap", action="store_true", help="skip the roadmap timeline of 50 projects")
    parser.add_argument(
        "--no-reports", action="store_true", help="skip the Mängelmelder map's bounding-box query over 100,000 reports"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's full output")
    args = parser.parse_args(argv)
    for name in ("duration", "connections", "threads", "journey_duration", "journey_processes", "journey_threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0 or args.gunicorn_threads < 0 or args.journey_warmup < 0:
        parser.error("--warmup, --journey-warmup and --gunicorn-threads cannot be negative")
    if args.threads > args.connections:
        parser.error("wrk needs at least as many connections as threads")
    try:
        pg_url_base = _check_pg_url(args.pg_url)
    except BenchError as error:
        parser.error(str(error))
    return Options(
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        warmup=args.warmup,
        gunicorn_threads=args.gunicorn_threads,
        pg_url_base=pg_url_base,
        write=args.write,
        strict=args.strict,
        verbose=args.verbose,
        journeys=not args.no_journeys,
        cases=not args.no_cases,
        appointments=not args.no_appointments,
        roadmap=not args.no_roadmap,
        reports=not args.no_reports,
        case_count=args.cases,
        case_requests=args.case_requests,
        journey_duration=args.journey_duration,
        journey_warmup=args.journey_warmup,
        journey_processes=args.journey_processes,
        journey_threads=args.journey_threads,
        upload=args.upload,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    python = _project_python()
    busy = _cpu_busy()
    if busy is not None and busy > BUSY_WARNING:
        print(f"warning: the CPUs were {_percent(busy)} busy before the run; other work will lower the numbers")
    work_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-"))
    budget = len(SCENARIOS) * (options.warmup + options.duration)
    if options.journeys:
        # Start-up of the load generators, the last journeys, the profile and the receipts: about 30 s.
        budget += 2 * (options.journey_warmup + options.journey_duration + 30)  # with and without JavaScript
    if options.cases:
        # Generating and loading the cases (about 2 minutes for a million), then the requests one at a time.
        budget += options.case_count // 8000 + options.case_requests * 3 // 5
    print(
        f"Rathaus benchmark: {options.gunicorn_summary()}, {options.wrk_summary()}"
        + (f"; application journeys: {options.journey_summary()}" if options.journeys else "")
        + f" (about {budget} s of load, after about a minute of setup and search timings)"
    )
    try:
        results, search, applications, cases, facts = measure(options, python, work_dir)
    except BenchError as error:
        print(f"\nbench: FAILED: {error}\nlogs: {work_dir}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\nbench: interrupted; logs: {work_dir}", file=sys.stderr)
        return 130
    shutil.rmtree(work_dir, ignore_errors=True)
    facts["busy"] = _percent(busy) if busy is not None else "unknown"

    targets = check_targets(results, search, applications, options, cases)
    print()
    print(results_table(results))
    print()
    print(f"Catalogue search ({search['services']:,} services, PostgreSQL):")
    print(search_table(search))
    print()
    print(search_summary(search))
    print()
    if applications is not None:
        print(f"Online application, complete submission journey ({options.journey_summary()}):")
        print(applications_steps_table(applications))
        print()
        print(applications_totals_table(applications, results[0].rps))
        print()
        print(applications_analysis(applications, results[0].rps))
        print()
    if cases is not None:
        print(f"Office inbox and case page ({cases['cases']:,} generated cases, PostgreSQL):")
        print(cases_table(cases))
        print()
        print(cases_summary(cases))
        print()
    if facts.get("appointments_table"):
        print(f"Appointments ({facts['appointments_summary']}):")
        print(facts["appointments_table"])
        print()
    print("\n".join(targets_text(targets, options)))
    if options.write:
        DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
        existing = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else None
        section = result_section(results, search, applications, targets, facts, options, cases)
        updated = update_doc(existing, method_section(facts, options), section)
        DOC_PATH.write_text(updated, encoding="utf-8")
        print(f"\nwrote {DOC_PATH.relative_to(BASE_DIR)}")
    return 1 if options.strict and not all(ok for _label, ok, _value in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
