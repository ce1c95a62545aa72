"""Load: gunicorn + PostgreSQL under locust, phase by phase, on this machine.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load_bench.py --setup      # a fresh database with the demo province
    .venv/bin/python bench/load_bench.py              # the phases, a Markdown table at the end

Phases (each ``--duration`` seconds, ``--users`` closed-loop users with no think time, after a
warm-up): *ceiling* (a plain Django view returning a constant, through the same gunicorn,
middleware and production settings), *lookup* (a dossier by its code through the API, as the
public look-up page will), *search* (catalog search without diacritics), *intake* (a counter
dossier filed through the API: validation, code, due date, events, outbox, in one transaction)
and *mixed* (6 look-ups : 3 searches : 1 intake). A phase's "% of ceiling" is its rate over the
ceiling measured next to it: with the ceiling on both sides (``--phases
ceiling,lookup,ceiling``) their mean. The database is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/motcua_bench); the server listens on --port.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHASES = ("ceiling", "lookup", "lookuppage", "search", "intake", "mixed")


#: the bench's database, for every script of bench/ that reads it (``--db`` overrides it)
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")


def env_for(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.db,
            "MOTCUA_VAR_DIR": str(args.var),
            "MOTCUA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DEBUG": "0",
            "MOTCUA_SSL_REDIRECT": "0",  # plain http on the loopback: no proxy in front here
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
            # the other settings production requires (README, deploy/motcua.env.example)
            "MOTCUA_AUDIT_KEY": secrets.token_urlsafe(48),
            "MOTCUA_PUBLIC_URL": "http://127.0.0.1",
            "PAYMENT_GATEWAY_SECRET": secrets.token_urlsafe(48),
            # counters shared by the workers (look-up limit, lockout): Redis, as deploy/ sets
            "MOTCUA_CACHE_URL": os.environ.get("MOTCUA_CACHE_URL", "redis://127.0.0.1:6379/9"),
            # the look-up limit per client address is a guard against guessing; every locust
            # user comes from 127.0.0.1, so it is raised for the benchmark only
            "MOTCUA_LOOKUP_RATE": "100000000/600",
        }
    )
    return env


def motcua(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [str(BIN / "motcua"), *argv], env=env, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"motcua {' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def setup(args: argparse.Namespace, env: dict[str, str]) -> None:
    name = args.db.rsplit("/", 1)[1]
    admin = args.db.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    t = time.perf_counter()
    # the demo is built as `./dev demo` builds it (its signed results trust the demo CA, which
    # production's trust roots rightly refuse); the server then runs with production settings
    demo_env = {k: v for k, v in env.items() if k != "MOTCUA_ENV"}
    motcua(demo_env, "migrate", "--noinput", "-v0")
    motcua(demo_env, "demo")
    print(f"setup: migrate + demo in {time.perf_counter() - t:.0f} s")


def fixtures(env: dict[str, str]) -> dict[str, str]:
    """Codes to look up, an intake's procedure and desk, and a fresh API key for that desk."""
    code = (
        "import json; from django.db.models import Count;"
        "from motcua.dossiers.models import Dossier;"
        "top = Dossier.objects.filter(code__gt='', channel='counter',"
        " receiving_agency__receives_dossiers=True).values('receiving_agency')"
        ".annotate(n=Count('id')).order_by('-n')[0]['receiving_agency'];"
        "mine = Dossier.objects.filter(code__gt='', receiving_agency_id=top);"
        "d = mine.filter(channel='counter').select_related('procedure', 'receiving_agency')"
        ".order_by('-id')[0];"
        "codes = ['|'.join(p) for p in mine.values_list('code', 'applicant_id_number')[:500]];"
        "docs = list(d.procedure.documents.values_list('order', flat=True));"
        "from django.utils import timezone; from motcua.dossiers.models import Counter;"
        "from motcua.dossiers.services.intake import MAX_CODES_A_DAY;"
        "used = Counter.objects.filter(scope='dossier_code',"
        " key=f'{top}:{timezone.localdate():%y%m%d}').values_list('value', flat=True).first();"
        "print(json.dumps({'codes': codes, 'procedure': d.procedure.code,"
        " 'desk': d.receiving_agency.code, 'docs': docs, 'form': d.form_data,"
        " 'left': MAX_CODES_A_DAY - (used or 0)}))"
    )
    # the last line: `shell` first says how many objects it imported
    found = json.loads(motcua(env, "shell", "-c", code).strip().splitlines()[-1])
    issued = json.loads(
        motcua(
            env,
            "api-client",
            "create",
            "--name",
            f"tai-thu-{int(time.time())}",
            "--agency",
            found["desk"],
            "--role",
            "mot_cua",
        )
    )
    return {
        "BENCH_CODES_LEFT": str(found["left"]),
        "BENCH_TOKEN": issued["token"],
        "BENCH_CODES": ",".join(found["codes"]),
        "BENCH_PROCEDURE": found["procedure"],
        "BENCH_DESK": found["desk"],
        "BENCH_DOCS": ",".join(str(o) for o in found["docs"]),
        # the procedure's electronic application form as that dossier filled it (eforms)
        "BENCH_FORM": json.dumps(found["form"]),
    }


def ceiling_for(results: list[dict], i: int) -> float:
    """The ceiling a phase's rate is a share of: the mean of the nearest ceiling phases before
    and after it (``--phases ceiling,lookup,ceiling``: the machine's speed can move by a fifth
    between two phases, BENCHMARKS.md), or the one there is; 0 without any."""
    before = [r["rate"] for r in results[:i] if r["name"] == "ceiling"]
    after = [r["rate"] for r in results[i + 1 :] if r["name"] == "ceiling"]
    if results[i]["name"] == "ceiling":
        return float(results[i]["rate"])
    near = before[-1:] + after[:1]
    return sum(near) / len(near) if near else 0.0


def wait_up(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - http to 127.0.0.1
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def run_phase(args: argparse.Namespace, env: dict[str, str], phase: str, out: Path) -> list[dict]:
    prefix = out / phase
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench/load/locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(args.users),
        "-r",
        str(args.users),
        "-t",
        f"{args.duration}s",
        "--tags",
        phase,
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(prefix),
        "--loglevel",
        "ERROR",
    ]
    done = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)
    (out / f"{phase}.log").write_text(done.stdout + done.stderr)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Name"] != "Aggregated"]
    return [
        {
            "phase": phase,
            "name": r["Name"],
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "rate": float(r["Requests/s"]),
            "p50": float(r["50%"]),
            "p99": float(r["99%"]),
        }
        for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db",
        default=BENCH_DB,
    )
    parser.add_argument("--var", type=Path, default=Path(tempfile.gettempdir()) / "motcua-bench")
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--setup", action="store_true", help="(re)create the database first")
    args = parser.parse_args()
    env = env_for(args)
    if args.setup:
        setup(args, env)
        return
    motcua(env, "collectstatic", "--noinput", "-v0")
    env.update(fixtures(env))
    # every intake takes the desk's next dossier code of the day, of MAX_CODES_A_DAY (9,999:
    # the code's four digits), after which the intake is refused (400 code_exhausted) — a
    # phase at the target rate (100/s) needs 100 a second of its length
    wanted = 100 * args.duration
    if {"intake", "mixed"} & set(args.phases.split(",")) and int(env["BENCH_CODES_LEFT"]) < wanted:
        raise SystemExit(
            f"the bench's desk has {env['BENCH_CODES_LEFT']} dossier codes left today, an intake "
            f"phase of {args.duration} s may need {wanted}: run --setup first"
        )
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        # the bench's settings module, then whatever the caller put first (another tree's src,
        # to load the code before a change through the same gunicorn)
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT / "bench/load"), os.environ.get("PYTHONPATH", "")) if p
        ),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
    }
    out = ROOT / "bench/results/load"
    out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
        ],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=open(out / "server.log", "w"),  # noqa: SIM115 - open while the server runs
    )
    results: list[dict] = []
    try:
        wait_up(f"http://127.0.0.1:{args.port}/bench/ceiling/")
        for phase in args.phases.split(","):
            results.extend(run_phase(args, env, phase, out))
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"\n{args.workers} gunicorn workers, {args.users} users, {args.duration} s a phase, "
        f"{os.cpu_count()} cores\n"
    )
    print("| phase | request | requests | errors | rate (/s) | % of ceiling | p50 ms | p99 ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for i, r in enumerate(results):
        ceiling = ceiling_for(results, i)
        share = f"{100 * r['rate'] / ceiling:.0f}%" if ceiling else "—"
        r["ceiling"] = ceiling
        print(
            f"| {r['phase']} | {r['name']} | {r['requests']} | {r['failures']} | "
            f"{r['rate']:.1f} | {share} | {r['p50']:.0f} | {r['p99']:.0f} |"
        )
    (out / "summary.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
