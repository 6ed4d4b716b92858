"""What the sub-benchmarks (run by scripts/bench.py in the benchmark database) share."""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE_PREFIX = "rathaus_bench_"


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
