"""What an application form pays to know the kept address choices are still good, at a national
deployment's size: the units table's version row (``units/migrations/0004_units_version.py``,
read by ``eforms.forms._units_version``) against the table fingerprint it replaced (one
aggregate over the whole units table), on PostgreSQL, alternated in one run.

    .venv/bin/python bench/units_version.py              # builds its database, then measures
    .venv/bin/python bench/units_version.py --reuse      # measures on the database built before

The database holds what a national deployment holds: the current two-level structure (34
provinces, 3,321 communes, loaded from ``vietnam-provinces`` as ``motcua`` loads it), the 63
provinces of 2022 with Bình Phước's districts and communes, and 10,000 more communes ended on
30 June 2025 standing for the rest of the country's history. Each statement is run ``--n``
times through Django's connection, alternated; the figures are the client's wall time per
statement (median, 99th percentile) and PostgreSQL's own execution time (EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screens_bench import SERVER  # the benches' PostgreSQL server

ROOT = Path(__file__).resolve().parent.parent
NAME = "motcua_bench_units"
HISTORY = 10_000

OLD = (
    "SELECT COUNT(id), MAX(id), MAX(valid_from), MAX(valid_to), COUNT(valid_from), "
    "COUNT(valid_to), MIN(valid_to) FROM units_administrativeunit"
)
NEW = "SELECT token FROM units_version WHERE id = 1"


def _build(url: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        admin.execute(f'CREATE DATABASE "{NAME}"')
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": tempfile.mkdtemp()}
    subprocess.run([str(ROOT / ".venv/bin/motcua"), "migrate", "-v0"], env=env, check=True)


def _fill() -> None:
    from motcua.units.models import AdministrativeUnit
    from motcua.units.services import divisions_2022_load, divisions_current_load

    divisions_2022_load(actor=None)
    divisions_current_load(actor=None)
    province = AdministrativeUnit.objects.filter(level=1, valid_to__isnull=False).first()
    ended = dt.date(2025, 6, 30)
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code=f"h{i:05d}",
                name=f"Xã Lịch Sử {i}",
                kind="xa",
                level=3,
                parent=province,
                valid_to=ended,
            )
            for i in range(HISTORY)
        ],
        batch_size=2000,
    )


def _time(sql: str) -> float:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql)
        cur.fetchone()
    return (time.perf_counter() - start) * 1e6


def _server_ms(sql: str) -> float:
    from django.db import connection

    runs = []
    with connection.cursor() as cur:
        for _ in range(50):
            cur.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            runs.append(cur.fetchone()[0][0]["Execution Time"])
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--reuse", action="store_true", help="measure the database built before")
    args = parser.parse_args()
    url = f"{SERVER}/{NAME}"
    if not args.reuse:
        _build(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MOTCUA_VAR_DIR", tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    import django

    django.setup()
    from motcua.units.models import AdministrativeUnit

    if not args.reuse:
        _fill()
    rows = AdministrativeUnit.objects.count()
    for sql in (OLD, NEW) * 50:  # warm-up
        _time(sql)
    old, new = [], []
    for _ in range(args.n):
        old.append(_time(OLD))
        new.append(_time(NEW))
    print(f"{rows} units; {args.n} of each statement, alternated; PostgreSQL at {SERVER}")
    print("| statement | median µs | p99 µs | PostgreSQL execution ms (median of 50) |")
    print("|---|---:|---:|---:|")
    for label, sql, times in (
        ("table fingerprint (before)", OLD, old),
        ("version row (after)", NEW, new),
    ):
        q = statistics.quantiles(times, n=100)
        print(f"| {label} | {statistics.median(times):.0f} | {q[98]:.0f} | {_server_ms(sql):.3f} |")


if __name__ == "__main__":
    main()
