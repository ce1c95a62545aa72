"""Benchmark of the dossier import and the period report, on SQLite and PostgreSQL, beside DuckDB
computing the same table from the same CSV in the same run.

Run (from the repository root, after ./dev test has made .venv; needs `pip install duckdb`):

    .venv/bin/python bench/report_bench.py --rows 1000000 --rows 10000000

Each size: a CSV in the import layout is generated (seeded), imported with
``motcua import-dossiers`` into a fresh SQLite file and a fresh PostgreSQL database, then the
report for 2022-01-01..2022-06-30 is timed (best of 3: the seed's table alone, and the whole
JSON with agency, field and month breakdowns); DuckDB loads the CSV and computes the seed's
table with the same definitions (the same fourteen counts and sums).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MOTCUA = [sys.executable, "-m", "motcua"]
TZ = 7 * 3600
PG = "postgres://postgres@127.0.0.1:5432/motcua_bench"


def generate(path: Path, n: int, seed: int = 2022) -> None:
    """Dossiers received from July 2021 to December 2022, so that the first half of 2022 is one
    third of the table; 5% still processing; levels in the seed's proportions."""
    rng = np.random.default_rng(seed)
    lo = 1625072400  # 2021-07-01 00:00 +07:00
    hi = 1672506000  # 2023-01-01 00:00 +07:00
    received = np.sort(rng.integers(lo, hi, n))
    due = received + rng.integers(86_400, 30 * 86_400, n)
    finished = received + rng.integers(3_600, 40 * 86_400, n)
    status = rng.choice(
        ["resolved", "withdrawn", "returned", "processing"], n, p=[0.93, 0.01, 0.01, 0.05]
    )
    level = rng.choice(["province", "district", "commune"], n, p=[0.66, 0.08, 0.26])
    channel = rng.choice(["online", "counter", "postal"], n, p=[0.87, 0.11, 0.02])
    proc = rng.integers(0, 400, n)
    agency = rng.integers(0, 60, n)
    digit = rng.random(n) < 0.95
    eres = rng.random(n) < 0.2
    paid = np.where(rng.random(n) < 0.08, rng.integers(10, 20_000, n) * 1000, 0)

    def iso(ts: np.ndarray) -> np.ndarray:
        return np.datetime_as_string((ts + TZ).astype("datetime64[s]"), unit="s")

    rec_s, due_s, fin_s = iso(received), iso(due), iso(finished)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "code",
                "procedure_code",
                "agency_code",
                "level",
                "channel",
                "received_at",
                "due_at",
                "status",
                "finished_at",
                "digitized",
                "electronic_result",
                "online_payment_vnd",
            ]
        )
        for i in range(n):
            done = status[i] != "processing"
            w.writerow(
                [
                    f"BENCH-{i:08d}",
                    f"9.{proc[i]:06d}",
                    f"000.00.{agency[i]:02d}.B99",
                    level[i],
                    channel[i],
                    rec_s[i] + "+07:00",
                    due_s[i] + "+07:00",
                    status[i],
                    fin_s[i] + "+07:00" if done else "",
                    int(digit[i]),
                    int(eres[i]),
                    int(paid[i]),
                ]
            )


def run(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


TIMING = """
import json, time, datetime as dt
from motcua.reports.selectors import Period, levels_table, report
p = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
def best(fn):
    b = 1e9
    for _ in range(3):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
    return b
table = levels_table(p)
print(json.dumps({"table_s": best(lambda: levels_table(p)),
                  "full_s": best(lambda: report(p)),
                  "total": table["total"]}))
"""


def timed_report(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [*MOTCUA, "shell", "-c", TIMING], env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


DUCK_SQL = """
SELECT level,
  count(*) FILTER (WHERE received_at < TIMESTAMPTZ '{s}') AS carried_over,
  count(*) FILTER (WHERE received_at >= TIMESTAMPTZ '{s}') AS received_new,
  count(*) FILTER (WHERE received_at >= TIMESTAMPTZ '{s}' AND channel = 'online')
    AS received_online,
  count(*) FILTER (WHERE status = 'resolved' AND finished_at < TIMESTAMPTZ '{e}') AS resolved,
  count(*) FILTER (WHERE status = 'resolved' AND finished_at < TIMESTAMPTZ '{e}'
                   AND finished_at > due_at) AS resolved_late,
  count(*) FILTER (WHERE status = 'resolved' AND finished_at < TIMESTAMPTZ '{e}'
                   AND floor((epoch(finished_at) + 25200) / 86400)
                       < floor((epoch(due_at) + 25200) / 86400)) AS resolved_early,
  count(*) FILTER (WHERE status = 'withdrawn' AND finished_at < TIMESTAMPTZ '{e}') AS withdrawn,
  count(*) FILTER (WHERE status = 'returned' AND finished_at < TIMESTAMPTZ '{e}') AS returned,
  count(*) FILTER (WHERE finished_at IS NULL OR finished_at >= TIMESTAMPTZ '{e}') AS in_progress,
  count(*) FILTER (WHERE (finished_at IS NULL OR finished_at >= TIMESTAMPTZ '{e}')
                   AND due_at < TIMESTAMPTZ '{e}') AS in_progress_overdue,
  count(*) FILTER (WHERE received_at >= TIMESTAMPTZ '{s}' AND digitized = 1) AS digitized,
  count(*) FILTER (WHERE status = 'resolved' AND finished_at < TIMESTAMPTZ '{e}'
                   AND electronic_result = 1) AS electronic_results,
  count(*) FILTER (WHERE received_at >= TIMESTAMPTZ '{s}' AND online_payment_vnd > 0)
    AS online_payments,
  coalesce(sum(online_payment_vnd) FILTER (WHERE received_at >= TIMESTAMPTZ '{s}'), 0)
    AS online_payment_vnd
FROM dossiers
WHERE received_at < TIMESTAMPTZ '{e}'
  AND (finished_at IS NULL OR finished_at >= TIMESTAMPTZ '{s}')
GROUP BY level ORDER BY level
"""


def duck(path: Path) -> dict[str, object]:
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(
        "CREATE TABLE dossiers AS SELECT * FROM read_csv(?, header=true, columns={"
        "'code': 'VARCHAR', 'procedure_code': 'VARCHAR', 'agency_code': 'VARCHAR', "
        "'level': 'VARCHAR', 'channel': 'VARCHAR', 'received_at': 'TIMESTAMPTZ', "
        "'due_at': 'TIMESTAMPTZ', 'status': 'VARCHAR', 'finished_at': 'TIMESTAMPTZ', "
        "'digitized': 'INTEGER', 'electronic_result': 'INTEGER', "
        "'online_payment_vnd': 'BIGINT'})",
        [str(path)],
    )
    load = time.perf_counter() - t0
    sql = DUCK_SQL.format(s="2022-01-01 00:00:00+07", e="2022-07-01 00:00:00+07")
    best = 1e9
    rows = []
    for _ in range(3):
        t0 = time.perf_counter()
        rows = con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - t0)
    total_received = sum(r[1] + r[2] for r in rows)
    return {"load_s": load, "table_s": best, "received": total_received}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", default=[])
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    # the commands timed run from compiled modules, as installed: where PYTHONDONTWRITEBYTECODE
    # is set (this machine, CI) none is ever written and each run compiled every module again
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sizes = args.rows or [1_000_000]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv_path = Path(tmp) / f"dossiers-{n}.csv"
            t0 = time.perf_counter()
            generate(csv_path, n)
            entry: dict[str, object] = {
                "rows": n,
                "csv_mb": round(csv_path.stat().st_size / 2**20),
                "generate_s": round(time.perf_counter() - t0, 1),
            }
            dbs = [] if args.skip_sqlite else [("sqlite", f"sqlite:///{tmp}/bench-{n}.sqlite3")]
            dbs.append(("postgresql", PG))
            for name, url in dbs:
                env = {**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": tmp}
                if name == "postgresql":
                    subprocess.run(
                        [
                            "psql",
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            "-c",
                            "DROP DATABASE IF EXISTS motcua_bench",
                        ],
                        check=True,
                    )
                    subprocess.run(
                        [
                            "psql",
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            "-c",
                            "CREATE DATABASE motcua_bench",
                        ],
                        check=True,
                    )
                run([*MOTCUA, "migrate", "-v0"], env)
                run([*MOTCUA, "load-units"], env)  # agencies created by the import need a unit
                imp = run([*MOTCUA, "import-dossiers", str(csv_path)], env)
                if name == "postgresql":
                    # the steady state autovacuum keeps: statistics and the visibility map
                    subprocess.run(
                        [
                            "psql",
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            "-d",
                            "motcua_bench",
                            "-c",
                            "VACUUM ANALYZE",
                        ],
                        check=True,
                    )
                rep = timed_report(env)
                entry[name] = {
                    "import_s": round(imp, 1),
                    "table_s": round(float(rep["table_s"]), 3),  # type: ignore[arg-type]
                    "full_report_s": round(float(rep["full_s"]), 3),  # type: ignore[arg-type]
                    "received": rep["total"]["received"],
                }  # type: ignore[index]
                print(json.dumps({n: {name: entry[name]}}), flush=True)
            d = duck(csv_path)
            entry["duckdb"] = {
                "load_s": round(float(d["load_s"]), 1),  # type: ignore[arg-type]
                "table_s": round(float(d["table_s"]), 3),  # type: ignore[arg-type]
                "received": d["received"],
            }
            print(json.dumps({n: {"duckdb": entry["duckdb"]}}), flush=True)
            results.append(entry)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
