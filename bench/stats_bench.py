"""Benchmark of the report from the daily pre-aggregates (reports/aggregates.py) on PostgreSQL,
beside the direct scan (the reference) and DuckDB's scan of the same rows, in one run.

Run (from the repository root; PostgreSQL on 127.0.0.1; ``pip install duckdb==2.0.1``):

    .venv/bin/python bench/stats_bench.py --rows 1000000

Workload: the distribution of ``report_bench.generate`` (receipt uniform July 2021 – December
2022, 93 % resolved, 1 % withdrawn, 1 % returned, 5 % open; levels 66/8/26 %, 87 % online;
400 procedures, 60 agencies), written server-side into the real ``dossiers_dossier`` table by one
``INSERT … SELECT generate_series`` (the import is not the subject here), then ``VACUUM
ANALYZE``, ``rebuild_aggregates()`` (timed), and the half-year 2022-01-01..2022-06-30 timed best
of 3: the seed's table and the full JSON (agency, field, month breakdowns), from the scan and
from the aggregates, asserted equal; DuckDB loads the same rows (exported by COPY) and computes
the table with the scan's definitions; the whole ``motcua report`` command against ``motcua
help`` (the process start-up); the hook's cost per dossier change.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = os.environ.get("STATS_BENCH_DB", "motcua_statsbench")
PG = f"postgres://postgres@127.0.0.1:5432/{DB}"
sys.path.insert(0, str(ROOT / "bench"))


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql], check=True
    )


def best(fn: Any, n: int = 3) -> float:
    b = 1e9
    for _ in range(n):
        t = time.perf_counter()
        fn()
        b = min(b, time.perf_counter() - t)
    return b


def setup_catalog() -> tuple[list[int], list[int]]:
    from decimal import Decimal

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import ProcedureSpec, StepSpec, catalog_import_specs
    from motcua.units.models import AdministrativeUnit, Agency, Level

    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("pk").first()
    Agency.objects.bulk_create(
        [
            Agency(
                code=f"000.00.{i:02d}.B99",
                name=f"Cơ quan thử {i}",
                kind="so_nganh",
                level=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)[i % 3],
                unit=province,
            )
            for i in range(60)
        ]
    )
    specs = [
        ProcedureSpec(
            code=f"9.{i:06d}",
            name=f"Thủ tục thử {i}",
            field_code=f"F{i % 40:02d}",
            field_name=f"Lĩnh vực {i % 40}",
            level=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)[i % 3],
            time_limit_days=Decimal(5),
            online_service="mot_phan",
            result="Kết quả",
            documents=[],
            fees=[],
            steps=[StepSpec("Thẩm định", "chuyen_vien", Decimal(5))],
        )
        for i in range(400)
    ]
    catalog_import_specs(actor=None, specs=specs, source="bench")
    agencies = list(
        Agency.objects.filter(code__endswith=".B99").order_by("code").values_list("pk", flat=True)
    )
    procs = list(
        Procedure.objects.filter(code__startswith="9.")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    return agencies, procs


def fill(n: int, agencies: list[int], procs: list[int]) -> float:
    """One INSERT … SELECT: every NOT NULL column gets a value, the statistical ones drawn."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'dossiers_dossier' AND is_nullable = 'NO' AND column_name <> 'id'"
        )
        required = dict(cur.fetchall())
    lo, hi = 1625072400, 1672506000
    drawn = {
        "procedure_id": f"(ARRAY{procs})[1 + (random() * 399)::int]",
        "receiving_agency_id": "r.ag",
        "processing_agency_id": "r.ag",
        "channel": "CASE WHEN r.c < 0.87 THEN 'online' WHEN r.c < 0.98 THEN 'counter' "
        "ELSE 'postal' END",
        "status": "CASE WHEN r.s < 0.93 THEN 'resolved' WHEN r.s < 0.94 THEN 'withdrawn' "
        "WHEN r.s < 0.95 THEN 'returned' ELSE 'in_progress' END",
        "level": "CASE WHEN r.l < 0.66 THEN 1 WHEN r.l < 0.74 THEN 2 ELSE 3 END",
        "digitized": "random() < 0.95",
        "electronic_result": "random() < 0.2",
        "online_payment_vnd": "CASE WHEN random() < 0.08 THEN (10 + (random() * 19990)::int) "
        "* 1000 ELSE 0 END",
        "pauses": "'[]'::jsonb",
        "form_data": "'{}'::jsonb",
    }
    defaults = {
        "boolean": "false",
        "integer": "0",
        "smallint": "0",
        "bigint": "0",
        "jsonb": "'{}'::jsonb",
        "timestamp with time zone": "now()",
    }
    cols, exprs = [], []
    for col, typ in required.items():
        cols.append(col)
        exprs.append(drawn.get(col, defaults.get(typ, "''")))
    cols += ["received_at", "due_at", "finished_at", "working_seconds"]
    exprs += [
        "r.rec",
        "r.rec + (86400 + random() * 29 * 86400) * interval '1 second'",
        "CASE WHEN r.s < 0.95 THEN r.rec + (3600 + random() * 40 * 86400) * interval '1 second' "
        "END",
        "CASE WHEN r.s < 0.93 THEN (random() * 400000)::bigint END",
    ]
    sql = (
        f"INSERT INTO dossiers_dossier ({', '.join(cols)}) "  # noqa: S608 - bench, our names
        f"SELECT {', '.join(exprs)} FROM ("
        f"  SELECT g, to_timestamp({lo} + random() * {hi - lo}) AS rec, random() AS c, "
        f"  random() AS s, random() AS l, (ARRAY{agencies})[1 + (random() * 59)::int] AS ag "
        f"  FROM generate_series(1, %s) g) r"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, [n])
    return time.perf_counter() - t0


def duck(csv_path: Path, periods: list[tuple[str, str]]) -> dict[str, Any]:
    import duckdb

    from report_bench import DUCK_SQL

    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(
        "CREATE TABLE dossiers AS SELECT * FROM read_csv(?, header=true, columns={"
        "'level': 'INTEGER', 'channel': 'VARCHAR', 'received_at': 'TIMESTAMPTZ', "
        "'due_at': 'TIMESTAMPTZ', 'status': 'VARCHAR', 'finished_at': 'TIMESTAMPTZ', "
        "'digitized': 'INTEGER', 'electronic_result': 'INTEGER', "
        "'online_payment_vnd': 'BIGINT'})",
        [str(csv_path)],
    )
    load = time.perf_counter() - t0
    out: dict[str, Any] = {"load_s": round(load, 2)}
    for start, end in periods:
        sql = DUCK_SQL.format(s=f"{start} 00:00:00+07", e=f"{end} 00:00:00+07")
        rows: list[Any] = []

        def q(sql: str = sql) -> None:
            nonlocal rows
            rows = con.execute(sql).fetchall()

        t = best(q)
        out[f"{start}..{end}"] = {
            "table_s": round(t, 4),
            "received": sum(r[1] + r[2] for r in rows),
        }
    return out


class _source:  # noqa: N801 - a context manager
    """Force the reports' source (``MOTCUA_REPORT_SOURCE``) for a block."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __enter__(self) -> None:
        from django.conf import settings

        self.old = getattr(settings, "MOTCUA_REPORT_SOURCE", "auto")
        settings.MOTCUA_REPORT_SOURCE = self.value

    def __exit__(self, *exc: object) -> None:
        from django.conf import settings

        settings.MOTCUA_REPORT_SOURCE = self.old


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-drop", action="store_true", help="reuse the database as it is")
    parser.add_argument(
        "--rebuild", action="store_true", help="with --no-drop: migrate and rebuild (timed)"
    )
    args = parser.parse_args()
    # the commands timed run from compiled modules, as installed: where PYTHONDONTWRITEBYTECODE
    # is set (this machine, CI) none is ever written and each run compiled every module again
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["DATABASE_URL"] = PG
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    out: dict[str, Any] = {
        "rows": args.rows,
        "load_average_before": [round(x, 1) for x in os.getloadavg()],
    }
    if not args.no_drop:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"CREATE DATABASE {DB}")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier
    from motcua.reports import agg_report
    from motcua.reports.agg_rebuild import rebuild_aggregates
    from motcua.reports.aggregates import aggregates_sync
    from motcua.reports.selectors import (
        Period,
        _report_from_aggregates,
        levels_table,
        report_scan,
    )
    from motcua.reports.verify import diff

    if not args.no_drop:
        call_command("migrate", verbosity=0)
        call_command("load_units", verbosity=0)
        agencies, procs = setup_catalog()
        out["insert_s"] = round(fill(args.rows, agencies, procs), 1)
        connection.close()
        psql("VACUUM ANALYZE", DB)
        t0 = time.perf_counter()
        counts = rebuild_aggregates()
        out["rebuild_s"] = round(time.perf_counter() - t0, 1)
        out["aggregate_rows"] = counts
        psql("VACUUM ANALYZE", DB)
        print(json.dumps(out), flush=True)
    if args.no_drop and args.rebuild:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        out["aggregate_rows"] = rebuild_aggregates()
        out["rebuild_s"] = round(time.perf_counter() - t0, 1)
        connection.close()
        psql("VACUUM ANALYZE", DB)
        print(json.dumps(out), flush=True)
    p = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    odd = Period(dt.date(2022, 1, 10), dt.date(2022, 6, 20))  # not whole months
    month = Period(dt.date(2022, 3, 1), dt.date(2022, 3, 31))
    week = Period(dt.date(2022, 3, 7), dt.date(2022, 3, 13))
    from motcua.reports import decision766

    def agg_full(q: Period) -> dict[str, Any]:
        return _report_from_aggregates(q, unit=None, agency_ids=None, details=True)

    for name, q in (("half_year", p), ("odd", odd), ("month", month), ("week", week)):
        scan = report_scan(q)
        agg = agg_full(q)
        r: dict[str, Any] = {
            "period": f"{q.first}..{q.last}",
            "differences": len(diff(scan, agg)),
            "received": scan["levels"]["total"]["received"],
            "agg_table_s": round(best(lambda q=q: agg_report.levels_table(q)), 4),
            "agg_full_s": round(best(lambda q=q: agg_full(q)), 4),
        }
        if name in ("half_year", "odd"):
            r["scan_table_s"] = round(best(lambda q=q: levels_table(q)), 4)
            r["scan_full_s"] = round(best(lambda q=q: report_scan(q), 2), 4)
            with _source("scan"):
                i_scan = decision766.index766(q)
                r["index766_scan_s"] = round(best(lambda q=q: decision766.index766(q), 2), 4)
            i_agg = decision766.index766(q)
            r["index766_differences"] = len(diff(i_scan, i_agg))
            r["index766_agg_s"] = round(best(lambda q=q: decision766.index766(q)), 4)
        out[name] = r
        print(json.dumps({name: r}), flush=True)
    # the hook's cost: one dossier's due instant moved and synced, 500 times, rolled back
    ids = list(Dossier.objects.filter(finished_at__isnull=True).values_list("pk", flat=True)[:500])
    with transaction.atomic():
        t0 = time.perf_counter()
        for pk in ids:
            d = Dossier.objects.get(pk=pk)
            d.due_at = d.due_at + dt.timedelta(days=3)
            aggregates_sync(d)
        out["hook_ms_per_change_incl_get"] = round(1000 * (time.perf_counter() - t0) / len(ids), 2)
        t0 = time.perf_counter()
        for pk in ids:
            Dossier.objects.get(pk=pk)
        out["get_ms"] = round(1000 * (time.perf_counter() - t0) / len(ids), 2)
        transaction.set_rollback(True)
    # the whole command against the process start-up, in the same run
    env = {**os.environ}
    py = [sys.executable, "-m", "motcua"]
    out["startup_help_s"] = round(
        best(lambda: subprocess.run([*py, "help"], env=env, check=True, capture_output=True)), 3
    )
    out["startup_report_help_s"] = round(
        best(
            lambda: subprocess.run(
                [*py, "report", "--help"], env=env, check=True, capture_output=True
            )
        ),
        3,
    )
    setup = "import django; django.setup()"
    out["startup_django_setup_s"] = round(
        best(
            lambda: subprocess.run(
                [sys.executable, "-c", setup], env=env, check=True, capture_output=True
            )
        ),
        3,
    )
    with tempfile.TemporaryDirectory() as tmp:
        target = str(Path(tmp) / "r.json")
        for name, q in (("half_year", p), ("odd", odd)):
            args_r = [*py, "report", "--from", str(q.first), "--to", str(q.last), "-o", target]
            out[f"report_command_{name}_s"] = round(
                best(lambda a=args_r: subprocess.run(a, env=env, check=True, capture_output=True)),
                3,
            )
        csv_path = Path(tmp) / "d.csv"
        with csv_path.open("w") as fh:
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    DB,
                    "-c",
                    "COPY (SELECT level, channel, received_at, due_at, status, finished_at, "
                    "digitized::int AS digitized, electronic_result::int AS electronic_result, "
                    "online_payment_vnd FROM dossiers_dossier) TO STDOUT CSV HEADER",
                ],
                check=True,
                stdout=fh,
            )
        out["duckdb"] = duck(csv_path, [("2022-01-01", "2022-07-01"), ("2022-01-10", "2022-06-21")])
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = int(cur.fetchone()[0])
        sizes = {}
        for t in ("dossiers_dossier", "reports_dailycount", "reports_dossierfacts"):
            cur.execute("SELECT pg_total_relation_size(%s)", [t])
            sizes[t] = int(cur.fetchone()[0])
        out["table_bytes"] = sizes
    out["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(out, indent=1), flush=True)


if __name__ == "__main__":
    main()
