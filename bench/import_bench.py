"""Benchmark of ``motcua import-dossiers``: time and peak memory against a plain COPY.

Run (from the repository root, after ./dev test has made .venv; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/import_bench.py --rows 100000 --rows 1000000 --rows 3000000

Each size: a seeded CSV in the import layout (``report_bench.generate``, kept in --dir so that
later runs reuse it), then, for each database (PostgreSQL always, SQLite unless
--skip-sqlite): a fresh database (``migrate``, ``load-units``), the baseline — a plain
``COPY … FROM STDIN (FORMAT csv, HEADER)`` of the same file into a table of twelve text columns,
the median of three, each after a ``CHECKPOINT`` (PostgreSQL; on SQLite, the csv module's rows
with ``executemany`` into such a table in one transaction) — then, after a checkpoint, the
import, timed on the wall clock as one command, its peak resident
memory taken from the kernel (``wait4``'s ``ru_maxrss`` of the child process), and the dossier
count checked. Prints one JSON line per measurement; the load average before and after each
size goes with it (the machine is shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_bench import generate

MOTCUA = [sys.executable, "-m", "motcua"]
SERVER = "postgres://postgres@127.0.0.1:5432"
COLUMNS = (
    "code, procedure_code, agency_code, level, channel, received_at, due_at, status,"
    " finished_at, digitized, electronic_result, online_payment_vnd"
)
TEXT_TABLE = f"CREATE TABLE plain_copy ({', '.join(c + ' text' for c in COLUMNS.split(', '))})"


#: Starts the measured command and reports its peak RSS. A child's ``ru_maxrss`` counts the
#: memory of the process it was forked from (Linux records the old address space's high-water
#: mark at exec): measured straight from this script, which generated the file and ran the COPY,
#: an import of 170 MB showed 652 MB. Forked from this small interpreter instead, it is the
#: command's own peak (within the wrapper's ~10 MB).
PEAK = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "sys.stderr.write(f'\\npeak_kb={usage.ru_maxrss}\\n')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and the peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    secs = time.perf_counter() - t0
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed ({proc.returncode}): {err[-2000:]}")
    peak = [line for line in err.splitlines() if line.startswith("peak_kb=")]
    return secs, int(peak[-1].split("=")[1]) // 1024


def compiled_modules() -> None:
    """The commands measured run as installed: from compiled modules. Where the environment
    sets PYTHONDONTWRITEBYTECODE (this machine's does, as CI's), no module's compiled form is
    ever written, and every command compiled every module it imports, each run — over a second
    of an import's time (``./dev`` unsets it for the same reason)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def warm_up(work: Path, skip_pg: bool) -> None:
    """One import of one row, on a throwaway database, before anything is timed: the modules
    the measured commands import are compiled now, not in the first measurement."""
    row = (
        "code,procedure_code,agency_code,level,channel,received_at,due_at,status,finished_at,"
        "digitized,electronic_result,online_payment_vnd\n"
        "WARM-1,9.000001,000.00.01.B99,province,online,2022-01-03T08:00:00+07:00,"
        "2022-01-05T08:00:00+07:00,resolved,2022-01-04T08:00:00+07:00,1,0,0\n"
    )
    path = work / "warm-up.csv"
    path.write_text(row, encoding="ascii")
    if skip_pg:
        file = work / "warm-up.sqlite3"
        file.unlink(missing_ok=True)
        url = f"sqlite:///{file}"
    else:
        url = fresh_pg("motcua_import_warm_up")
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": str(work)}
    for command in (["migrate", "-v0"], ["load-units"], ["import-dossiers", str(path)]):
        timed([*MOTCUA, *command], env)
    if not skip_pg:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute('DROP DATABASE "motcua_import_warm_up"')


def fresh_pg(name: str) -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def copy_pg(url: str, path: Path) -> float:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS plain_copy")
        cur.execute(TEXT_TABLE)
        conn.commit()
        t0 = time.perf_counter()
        with (
            path.open("rb") as fh,
            cur.copy(f"COPY plain_copy ({COLUMNS}) FROM STDIN (FORMAT csv, HEADER)") as copy,
        ):
            while block := fh.read(1 << 20):
                copy.write(block)
        conn.commit()
        secs = time.perf_counter() - t0
        cur.execute("DROP TABLE plain_copy")
        conn.commit()
    return secs


def checkpoint() -> None:
    """Dirty pages written out before a measurement, so that none of the previous one's (the
    database just made, the COPY before) is flushed during it (the server's superuser)."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute("CHECKPOINT")


def copy_sqlite(db: Path, path: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute(TEXT_TABLE)
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh, conn:
        reader = csv.reader(fh)
        next(reader)
        conn.executemany(f"INSERT INTO plain_copy VALUES ({', '.join('?' * 12)})", reader)  # noqa: S608
    secs = time.perf_counter() - t0
    conn.execute("DROP TABLE plain_copy")
    conn.close()
    return secs


def count(env: dict[str, str]) -> int:
    out = subprocess.run(
        [
            *MOTCUA,
            "shell",
            "-c",
            "from motcua.dossiers.models import Dossier; print(Dossier.objects.count())",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", default=[])
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "motcua-import-bench"))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--db-name", default="motcua_import_bench", help="the PostgreSQL database to recreate"
    )
    parser.add_argument(
        "--old",
        action="store_true",
        help="also time the import as it was before streaming (tests/reports/legacy_reference.py)",
    )
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    compiled_modules()
    warm_up(work, args.skip_pg)
    for n in args.rows or [100_000]:
        path = work / f"dossiers-{n}.csv"
        if not path.exists():
            t0 = time.perf_counter()
            generate(path, n)
            print(json.dumps({"rows": n, "generate_s": round(time.perf_counter() - t0, 1)}))
        dbs = [] if args.skip_pg else ["postgresql"]
        dbs += [] if args.skip_sqlite else ["sqlite"]
        for db in dbs:
            runs = [("streaming", [*MOTCUA, "import-dossiers", str(path)])]
            if args.old:
                runs.append(("before", [*MOTCUA, "shell", "-c", OLD.format(path=str(path))]))
            for label, command in runs:  # each on a fresh database, baseline in the same state
                load_before = os.getloadavg()[0]
                if db == "postgresql":
                    url = fresh_pg(args.db_name)
                    # the median of three: one COPY took from 1.5 to 3.4 s in runs minutes
                    # apart (2026-12-01), each after a checkpoint
                    baselines = []
                    for _ in range(3):
                        checkpoint()
                        baselines.append(copy_pg(url, path))
                    baseline = statistics.median(baselines)
                    print(json.dumps({"baseline_runs_s": [round(b, 2) for b in baselines]}))
                else:
                    file = work / f"bench-{n}.sqlite3"
                    file.unlink(missing_ok=True)
                    url = f"sqlite:///{file}"
                    baseline = copy_sqlite(file, path)
                env = {**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": str(work)}
                timed([*MOTCUA, "migrate", "-v0"], env)
                timed([*MOTCUA, "load-units"], env)
                if db == "postgresql":  # the import starts as the COPY did: nothing to flush
                    checkpoint()
                measure(n, db, label, command, env, path, baseline, load_before)


OLD = (
    "import sys; sys.path.insert(0, '.');"
    " from tests.reports.legacy_reference import import_dossiers;"
    " import_dossiers({path!r})"
)


def measure(
    n: int,
    db: str,
    label: str,
    command: list[str],
    env: dict[str, str],
    path: Path,
    baseline: float,
    load_before: float,
) -> None:
    secs, rss = timed(command, env)
    stored = count(env)
    assert stored == n, (stored, n)
    print(
        json.dumps(
            {
                "rows": n,
                "db": db,
                "import": label,
                "csv_mb": round(path.stat().st_size / 2**20),
                "baseline_s": round(baseline, 2),
                "import_s": round(secs, 1),
                "ratio": round(secs / baseline, 1),
                "rows_per_s": round(n / secs),
                "peak_rss_mb": rss,
                "load_before": round(load_before, 1),
                "load_after": round(os.getloadavg()[0], 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
