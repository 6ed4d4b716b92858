"""What the sub-benchmarks (run by scripts/bench.py in the benchmark database) share."""

import json
import math
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE_PREFIX = "rathaus_bench_"
DOC_PATH = BASE_DIR / "docs" / "performance.md"


def log(message: str) -> None:
    """Progress goes to stderr: stdout's last line is the JSON result for scripts/bench.py."""
    print(message, file=sys.stderr, flush=True)


def nearest_rank(values: list[float], percent: float) -> float:
    """Nearest-rank percentile of ``values`` (sorted or not); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def machine() -> str:
    """CPU, Python, Django and database of this run, for the sections a sub-benchmark writes itself."""
    from django import get_version
    from django.db import connection

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{os.cpu_count()} vCPU ({model or platform.machine()}); Python {platform.python_version()}, "
        f"Django {get_version()}, {connection.vendor} database; load average {load:.1f} at the start "
        "(the machine is shared)"
    )


def append_to_doc(section: str) -> None:
    with DOC_PATH.open("a", encoding="utf-8") as document:
        document.write(section)


def require_bench_database(name: str, *, any_database: bool, leaves_behind: str) -> None:
    """Stop unless Django talks to a throwaway PostgreSQL benchmark database (or the caller insists)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(f"{name}: needs PostgreSQL, not {connection.vendor}")
    database = str(connection.settings_dict["NAME"])
    if not database.startswith(BENCH_DATABASE_PREFIX) and not any_database:
        raise SystemExit(
            f"{name}: database {database!r} is not a benchmark database ({BENCH_DATABASE_PREFIX}…); "
            f"it would keep {leaves_behind}. Pass --any-database if that is what you want."
        )


def run_in_django(parser: Any, args: Any, run: Callable[[Any], dict[str, Any]]) -> int:
    """Set Django up from the environment, run the benchmark, print its result as the last line of JSON."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        parser.error("DJANGO_SETTINGS_MODULE is not set; run this in the environment of manage.py")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    print(json.dumps(run(args), ensure_ascii=False), flush=True)
    return 0
