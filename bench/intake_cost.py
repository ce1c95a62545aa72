"""What one counter intake costs in-process: CPU ms and SQL queries, no idle machine needed.

    .venv/bin/python bench/load_bench.py --setup       # the load bench's database (demo)
    .venv/bin/python bench/intake_cost.py              # this tree
    .venv/bin/python bench/intake_cost.py --before ../main/src   # and another tree, same run

Each intake files the same body the load bench sends (bench/load/locustfile.py): every document
of the busiest counter procedure, its filled application form, a new applicant, a new
Idempotency-Key. Two paths: *API* — ``POST /api/v1/dossiers/`` through Django's test client
(middleware, token authentication, serializer, service, response); *service* —
``dossier_receive`` alone. CPU is this process's (``time.process_time``: PostgreSQL's own work is
not in it), the median over ``--n`` intakes after a warm-up; queries are counted with
``CaptureQueriesContext``. The intakes are committed, as in production. ``--before DIR`` runs the
same measurement with the code in DIR (a ``src`` directory of another checkout) first, in a
subprocess, so that both figures come from the same machine at the same moment.
``--queries`` prints one intake's statements, ``--profile`` its cProfile: the functions whose
file matches BENCH_PROFILE_FILTER (default ``motcua``; ``site-packages`` for the libraries) by
cumulative time, the first BENCH_PROFILE_TOP (default 40), then the top 25 by own time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from load_bench import BENCH_DB  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def _env(db: str) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from load_bench import env_for  # the load bench's production environment

    var = os.environ.get("MOTCUA_VAR_DIR") or str(Path(tempfile.gettempdir()) / "motcua-bench")
    ns = argparse.Namespace(db=db, var=Path(var))
    os.environ.update(env_for(ns))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    sys.path.insert(0, str(ROOT / "bench/load"))


def _fixture() -> dict[str, Any]:
    from django.db.models import Count

    from motcua.api.clients import api_client_create
    from motcua.dossiers.models import Dossier

    top = (
        Dossier.objects.filter(
            code__gt="", channel="counter", receiving_agency__receives_dossiers=True
        )
        .values("receiving_agency")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["receiving_agency"]
    )
    d = (
        Dossier.objects.filter(code__gt="", receiving_agency_id=top, channel="counter")
        .select_related("procedure", "receiving_agency")
        .order_by("-id")[0]
    )
    issued = api_client_create(
        name=f"chi-phi-tiep-nhan-{uuid.uuid4().hex[:8]}", agency=d.receiving_agency, role="mot_cua"
    )
    return {
        "token": issued.token,
        "user": issued.client.user,
        "procedure": d.procedure.code,
        "desk": d.receiving_agency.code,
        "docs": list(d.procedure.documents.values_list("order", flat=True)),
        "form": d.form_data,
    }


def _body(fx: dict[str, Any], n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": fx["procedure"],
        "desk": fx["desk"],
        "applicant": {
            "name": f"Nguyễn Văn Thử {n}",
            "id_number": f"0791{random.randrange(10**8):08d}",
            "phone": "0912345678",
            "address": "Đồng Xoài, Bình Phước",
        },
        "request": "Hồ sơ thử chi phí",
        "documents": [{"order": o, "submitted": True} for o in fx["docs"]],
    }
    if fx["form"]:
        body["form_data"] = fx["form"]
    return body


def measure(n: int, show_queries: bool, profile: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.api import intake as api_intake

    fx = _fixture()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {fx['token']}"}

    def api_once(i: int) -> tuple[float, int, Any]:
        body = _body(fx, i)
        with CaptureQueriesContext(connection) as q:
            t = time.process_time()
            r = client.post(
                "/api/v1/dossiers/",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                **auth,
            )
            cpu = time.process_time() - t
        if r.status_code != 201:
            raise SystemExit(f"intake refused: {r.status_code} {r.content[:400]!r}")
        return cpu * 1000, len(q.captured_queries), q

    def service_once(i: int) -> tuple[float, int, Any]:
        from motcua.api import serializers as s

        checked = s.DossierCreateSerializer(data=_body(fx, i))
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        with CaptureQueriesContext(connection) as q:
            t = time.process_time()
            api_intake._create(fx["user"], data)
            cpu = time.process_time() - t
        return cpu * 1000, len(q.captured_queries), q

    def backend_cpu_ms() -> float:
        """The CPU the database's server process for this connection has used (same machine)."""
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    out: dict[str, Any] = {}
    for name, once in (("api", api_once), ("service", service_once)):
        for i in range(3):  # warm-up: imports, caches, connection
            once(-i)
        cpu, queries = [], []
        db_before = backend_cpu_ms()
        for i in range(n):
            c, k, q = once(i)
            cpu.append(c)
            queries.append(k)
        out[name] = {
            "cpu_ms_median": statistics.median(cpu),
            "cpu_ms_min": min(cpu),
            "queries": statistics.median(queries),
            "db_cpu_ms": (backend_cpu_ms() - db_before) / n,
        }
        if show_queries and name == "api":
            for row in q.captured_queries:
                print("  ", row["sql"][: int(os.environ.get("BENCH_SQL_WIDTH", "160"))])
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
        prof.enable()
        for i in range(10):
            api_once(1000 + i)
        prof.disable()
        where = os.environ.get("BENCH_PROFILE_FILTER", "motcua")
        top = int(os.environ.get("BENCH_PROFILE_TOP", "40"))
        pstats.Stats(prof).sort_stats("cumulative").print_stats(where, top)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db",
        default=BENCH_DB,
    )
    parser.add_argument("--n", type=int, default=30, help="intakes per path (after 3 warm-up)")
    parser.add_argument("--before", type=Path, help="a src/ directory to measure first")
    parser.add_argument("--queries", action="store_true", help="print one API intake's SQL")
    parser.add_argument("--profile", action="store_true", help="cProfile of 10 API intakes")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows: list[tuple[str, dict[str, Any]]] = []
    if args.before:
        env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
        cmd = [sys.executable, __file__, "--db", args.db, "--n", str(args.n), "--json"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the run with {args.before} failed:\n{done.stderr[-3000:]}")
        rows.append((f"trước ({args.before})", json.loads(done.stdout.strip().splitlines()[-1])))
    _env(args.db)
    result = measure(args.n, args.queries, args.profile)
    if args.json:
        print(json.dumps(result))
        return
    rows.append(("sau (cây này)", result))
    print(f"\nChi phí một lần tiếp nhận tại quầy, trung vị của {args.n} lần (CPU tiến trình):\n")
    print(
        "| mã nguồn | đường | CPU ms (trung vị) | CPU ms (nhỏ nhất) | số truy vấn "
        "| CPU ms của PostgreSQL (trung bình) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, res in rows:
        for path, r in res.items():
            print(
                f"| {label} | {path} | {r['cpu_ms_median']:.1f} | {r['cpu_ms_min']:.1f} | "
                f"{r['queries']:.0f} | {r.get('db_cpu_ms', float('nan')):.1f} |"
            )


if __name__ == "__main__":
    main()
