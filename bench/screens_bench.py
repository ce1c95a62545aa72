"""Screens at scale: the back-office pages over HTTP (gunicorn, production settings) with N
dossiers on PostgreSQL, and the plan of every query they send.

    .venv/bin/python bench/screens_bench.py                 # 1,000,000 dossiers: load, measure
    .venv/bin/python bench/screens_bench.py --reuse         # measure again on the loaded database
    .venv/bin/python bench/screens_bench.py --reuse --rows 10000000 \
        --db postgres://postgres@127.0.0.1:5432/motcua_import_bench   # the import bench's 10M
    .venv/bin/python bench/screens_bench.py --rows 100000   # smaller

Load (skipped by --reuse when the database already holds N dossiers — then only what it lacks
is added: the enrichment below when it has no steps, the counts when they are not complete —
so the import bench's database of the same file serves): the import bench's seeded
file (``report_bench.generate``: received July 2021 – December 2022, 5 % still in progress)
through ``motcua import-dossiers`` into a fresh database (default motcua_h7_screens), then, in
SQL, what a real province has and the legacy layout does not carry: an applicant name (with
diacritics) and a 12-digit ID number on every dossier (their folded form added to the search
column), one finished intake step per dossier and one active step per open dossier (half at
the receiving desk, to return the result; half at the processing agency, for a specialist).
Three staff accounts: a desk officer (mot_cua) of one agency, a leader of that agency and a
province administrator.

Measure: gunicorn as bench/load_bench.py starts it (production settings, ``bench_settings``
adding ``/bench/ceiling/``), one client logged in through the login form, ``--requests``
sequential requests per screen (each with another code / number / name): the constant view
(baseline), the desk queue (sorted by time left), search by code, by ID number, by a name typed
without diacritics, the dossier page, and the dashboard for H1 2022 (leader and province).
Then, in this process (Django test client, same database), the queries each page sends: their
number, and EXPLAIN (ANALYZE) of each one reading the dossier table; a sequential scan of the
dossier table on a list or a dossier page fails the run (exit 1). Targets (issue 10): p50 < 50
ms and p99 < 200 ms for lists and pages, dashboard < 300 ms.

The machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench/load"))

SERVER = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "Bench-" + "x" * 12  # a throwaway account on a bench database
DESK_AGENCY = "000.00.07.B99"
#: rows a page's query may read and throw away before it counts as a scan of the table
WIDE = 5000
LIST_PAGES = ("queue", "search_code", "search_id", "search_name", "dossier")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
FAMILY += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Đức", "Thanh", "Ngọc", "Quang"]
GIVEN = "Anh Bình Châu Dũng Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Nam"
GIVEN += " Ngân Nhung Oanh Phúc Phương Quân Quyên Sơn Tâm Thảo Thắng Thu Thủy Tiến Trang Trung"
GIVEN += " Tuấn Uyên Vân Việt Xuân Yến"
GIVEN_LIST = GIVEN.split()


def fold(text: str) -> str:
    from motcua.core.text import fold as f

    return f(text)


def sql_array(items: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


# ---- load ------------------------------------------------------------------------------------


def run(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [str(BIN / "motcua"), *argv], env=env, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"motcua {' '.join(argv)} failed:\n{done.stdout}{done.stderr[-3000:]}")
    return done.stdout


#: the agencies of the steps ``enrich_sql`` inserts, as the step_agencies triggers (dossiers 0016)
#: would record them: the desk's reception step, and an open dossier's current step at the desk
#: (even ids) or at the lead agency (odd ids); sorted, distinct
STEP_AGENCIES = (
    "CASE WHEN status IN ('in_progress', 'awaiting_supplement') AND id % 2 = 1"
    " AND processing_agency_id IS DISTINCT FROM receiving_agency_id"
    " THEN ARRAY[LEAST(receiving_agency_id, processing_agency_id),"
    " GREATEST(receiving_agency_id, processing_agency_id)]"
    " ELSE ARRAY[receiving_agency_id] END"
)


def enrich_sql(with_step_agencies: bool = False) -> list[str]:
    """Applicant names and ID numbers, steps: in SQL, over the whole table at once. The steps'
    agencies are written with the names (``STEP_AGENCIES``, one pass over the table), and the
    steps go in with the triggers off (``enrich``): the trigger's UPDATE of every dossier after a
    10,000,000-row INSERT took longer than the rest of the load together."""
    nf, nm, ng = len(FAMILY), len(MIDDLE), len(GIVEN_LIST)
    name = (
        f"({sql_array(FAMILY)})[1 + id % {nf}] || ' ' || ({sql_array(MIDDLE)})[1 + (id / {nf}) % "
        f"{nm}] || ' ' || ({sql_array(GIVEN_LIST)})[1 + (id / {nf * nm}) % {ng}]"
    )
    folded = (
        f"({sql_array([fold(x) for x in FAMILY])})[1 + id % {nf}] || ' ' || "
        f"({sql_array([fold(x) for x in MIDDLE])})[1 + (id / {nf}) % {nm}] || ' ' || "
        f"({sql_array([fold(x) for x in GIVEN_LIST])})[1 + (id / {nf * nm}) % {ng}]"
    )
    number = "lpad(((id * 982451653) % 999999999989)::text, 12, '0')"
    step_cols = (
        '(dossier_id, "order", "group", kind, name, role, agency_id, budget_days, status,'
        " started_at, due_at, finished_at, outcome, note, task)"
    )
    # only constants of this file are put into the SQL text
    return [
        "UPDATE dossiers_dossier SET "  # noqa: S608
        f"applicant_name = {name}, applicant_id_number = {number},"
        f" search_text = lower(code) || ' ' || {folded} || ' ' || {number}"
        + (f", step_agencies = {STEP_AGENCIES}" if with_step_agencies else ""),
        "INSERT INTO dossiers_dossierstep "  # noqa: S608
        f"{step_cols} SELECT id, 1, 0, 'planned',"
        " 'Tiếp nhận hồ sơ', 'tiep_nhan', receiving_agency_id, 0.5, 'done', received_at,"
        " received_at + interval '4 hours', received_at + interval '1 hour', 'on_time', '', ''"
        " FROM dossiers_dossier ORDER BY id",
        "INSERT INTO dossiers_dossierstep "  # noqa: S608
        f"{step_cols} SELECT id, 2, 0, 'planned',"
        " CASE WHEN id % 2 = 0 THEN 'Trả kết quả' ELSE 'Thẩm định hồ sơ' END,"
        " CASE WHEN id % 2 = 0 THEN 'tra_ket_qua' ELSE 'chuyen_vien' END,"
        " CASE WHEN id % 2 = 0 THEN receiving_agency_id ELSE processing_agency_id END,"
        " 5, 'active', received_at, due_at, NULL, '', '', ''"
        " FROM dossiers_dossier WHERE status IN ('in_progress', 'awaiting_supplement')",
    ]


def load(args: argparse.Namespace, env: dict[str, str]) -> None:
    from report_bench import generate

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"dossiers-{args.rows}.csv"
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"tệp {path.name}: tạo trong {time.perf_counter() - t:.0f} s", flush=True)
    name = args.db.rsplit("/", 1)[1]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        # a bench database on a machine whose disk other work shares: the load's many commits
        # do not wait for the WAL flush (the pages measured read; nothing here needs durability)
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    dev = {k: v for k, v in env.items() if k != "MOTCUA_ENV"}
    t = time.perf_counter()
    run(dev, "migrate", "--noinput", "-v0")
    run(dev, "load-units")
    print(f"migrate + load-units: {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    run(dev, "import-dossiers", str(path))
    print(f"import-dossiers {args.rows:,} dòng: {time.perf_counter() - t:.0f} s", flush=True)
    enrich(args.db)


def enrich(db: str) -> None:
    """Names, ID numbers and steps on the imported dossiers, then VACUUM ANALYZE."""
    with psycopg.connect(db, autocommit=True) as conn:
        # the trigram index (dossiers 0010) is built once after the update, not row by row
        trgm = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'dossier_search_trgm'"
        ).fetchone()
        conn.execute("DROP INDEX IF EXISTS dossier_search_trgm")
        kept = conn.execute(  # PostgreSQL's step_agencies column (dossiers 0016)
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'dossiers_dossier' AND column_name = 'step_agencies')"
        ).fetchone()
        with_arrays = bool(kept and kept[0])
        if with_arrays:  # the triggers off for this session's step inserts (a superuser)
            conn.execute("SET session_replication_role = replica")
        for sql in [*enrich_sql(with_arrays), *([trgm[0]] if trgm else [])]:
            t = time.perf_counter()
            conn.execute(sql)
            print(f"{sql[:60]}…: {time.perf_counter() - t:.0f} s", flush=True)
        if with_arrays:
            conn.execute("SET session_replication_role = origin")
            check_step_agencies(conn)
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE: {time.perf_counter() - t:.0f} s", flush=True)


def check_step_agencies(conn: Any, sample: int = 20_000) -> None:
    """The arrays written with the names are what the triggers would have written: the steps'
    and consultations' agencies recomputed for a sample of dossiers (the migration's own rule)."""
    bad = conn.execute(
        "SELECT count(*) FROM (SELECT id, step_agencies FROM dossiers_dossier"
        " WHERE id %% 500 = 0 LIMIT %s) d"
        " WHERE d.step_agencies IS DISTINCT FROM (SELECT array_agg(DISTINCT a ORDER BY a) FROM ("
        " SELECT agency_id AS a FROM dossiers_dossierstep WHERE dossier_id = d.id UNION ALL"
        " SELECT to_agency_id FROM dossiers_consultation WHERE dossier_id = d.id) u)",
        [sample],
    ).fetchone()[0]
    if bad:
        raise SystemExit(f"step_agencies differs from the steps for {bad} sampled dossiers")
    print(f"step_agencies: as the triggers would write them ({sample:,} sampled)", flush=True)


COMPLETE = (
    "from motcua.reports.aggregates import aggregates_complete;"
    " print(f'counts complete: {aggregates_complete()}')"
)


def has_steps(db: str) -> bool:
    with psycopg.connect(db) as conn:
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM dossiers_dossierstep)").fetchone()
    return bool(row and row[0])


# ---- Django in this process (accounts, fixtures, query plans) -------------------------------


def django_setup(env: dict[str, str]) -> None:
    # the server's second-factor policy too: the bench's leader and province administrator
    # have no TOTP device, and the query plans below open their pages in this process
    for k in ("DATABASE_URL", "MOTCUA_VAR_DIR", "MOTCUA_OTP_ROLES"):
        os.environ[k] = env[k]
    os.environ.pop("MOTCUA_ENV", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    import django

    django.setup()


def accounts() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from motcua.units.models import Agency, Membership, Role

    agency = Agency.objects.get(code=DESK_AGENCY)
    users = {}
    for username, role in (
        ("bench_motcua", Role.COUNTER),
        ("bench_lanhdao", Role.LEADER),
        ("bench_tinh", Role.PROVINCE_ADMIN),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.is_staff = True
        user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        users[role] = user
    return {"users": users, "agency": agency}


def samples(agency_id: int, n: int) -> dict[str, list[str]]:
    """Codes, ID numbers and folded names of dossiers the desk officer may see."""
    from motcua.dossiers.models import Dossier

    rows = list(
        Dossier.objects.filter(receiving_agency_id=agency_id)
        .order_by("?")
        .values_list("code", "applicant_id_number", "applicant_name")[: max(n, 20)]
    )
    names = [fold(r[2]) for r in rows]
    # a name typed as people type it: family and given name, no diacritics, lower case
    typed = [f"{x.split()[0]} {x.split()[-1]}" for x in names]
    return {
        "codes": [r[0] for r in rows],
        "ids": [r[1] for r in rows],
        "names": typed,
    }


def urls(s: dict[str, list[str]], i: int) -> dict[str, str]:
    k = i % len(s["codes"])
    q = urllib.parse.quote
    return {
        "ceiling": "/bench/ceiling/",
        "queue": "/can-bo/",
        "search_code": f"/can-bo/tim-kiem/?q={q(s['codes'][k])}",
        "search_id": f"/can-bo/tim-kiem/?q={q(s['ids'][k])}",
        "search_name": f"/can-bo/tim-kiem/?q={q(s['names'][k])}",
        "dossier": f"/can-bo/ho-so/{q(s['codes'][k])}/",
        "dashboard": "/can-bo/bao-cao/?year=2022&kind=6&n=1",
        "dashboard_tinh": "/can-bo/bao-cao/?year=2022&kind=6&n=1",
    }


def walk(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", []):
        out.extend(walk(child))
    return out


def explain(pages: dict[str, tuple[Any, str]]) -> tuple[dict[str, Any], list[str]]:
    """Every query each page sends (Django test client); EXPLAIN ANALYZE of those reading the
    dossier table; the pages whose plan scans the whole dossier table sequentially."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    report: dict[str, Any] = {}
    failures = []
    for page, (user, url) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url)
        if resp.status_code != 200:
            failures.append(f"{page}: HTTP {resp.status_code}")
        plans = []
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or 'dossiers_dossier"' not in sql:
                continue
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                data = cur.fetchone()[0]
                data = json.loads(data) if isinstance(data, str) else data
                cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
                text = "\n".join(r[0] for r in cur.fetchall())
            top = data[0]
            # a sequential scan of the dossier table, or an index walked in order while its
            # rows are filtered away by the thousand (the primary key backwards, looking for 25
            # matches); a bitmap of index hits filtered afterwards is bounded by the hits, and
            # its thrown-away rows are printed with the plan
            seq = [
                n["Node Type"]
                for n in walk(top["Plan"])
                if n.get("Relation Name") == "dossiers_dossier"
                and (
                    n["Node Type"] == "Seq Scan"
                    or (
                        n["Node Type"] == "Index Scan"
                        and n.get("Rows Removed by Filter", 0) * n.get("Actual Loops", 1) > WIDE
                    )
                )
            ]
            plans.append(
                {
                    "sql": sql,
                    "ms": top["Execution Time"],
                    "seq_scan_dossier": bool(seq),
                    "plan": text,
                }
            )
        report[page] = {
            "queries": len(ctx.captured_queries),
            "sql_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
            "dossier_plans": plans,
        }
        if page in LIST_PAGES and any(p["seq_scan_dossier"] for p in plans):
            failures.append(
                f"{page}: quét cả bảng hồ sơ (Seq Scan, hoặc duyệt chỉ mục lọc bỏ > {WIDE} dòng)"
            )
    return report, failures


# ---- HTTP --------------------------------------------------------------------------------------


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, body: str | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, url, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        for value in resp.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for k, morsel in jar.items():
                self.cookies[k] = morsel.value
        conn.close()
        return resp.status, data

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/dang-nhap/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"trang đăng nhập: HTTP {status}")
        body = urllib.parse.urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
            }
        )
        status, _ = self.request("POST", "/dang-nhap/", body)
        if status != 302:
            raise SystemExit(f"đăng nhập {username}: HTTP {status}")


def timings(
    session: Session, make: Any, n: int, check: bytes | None = None, warm: int = 1
) -> list[float]:
    # warm-up: the first request a worker serves for a screen compiles its templates and opens
    # its database connection (0.7 s once per worker): ``warm`` requests, so that every worker
    # (they take connections at random) has served the screen before the measured ones
    for _ in range(warm):
        session.request("GET", make(-1))
    out = []
    for i in range(n):
        url = make(i)
        t = time.perf_counter()
        status, body = session.request("GET", url)
        out.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"{url}: HTTP {status}")
        if check is not None and check not in body:
            raise SystemExit(f"{url}: không thấy {check!r} trong trang")
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def env_for(args: argparse.Namespace) -> dict[str, str]:
    from load_bench import env_for as load_env

    ns = argparse.Namespace(db=args.db, var=Path(args.var))
    env = load_env(ns)
    # the leader and the province administrator log in with their password here (no TOTP
    # device on a bench database); the pages behind the login are the same
    env["MOTCUA_OTP_ROLES"] = "quan_tri_co_quan"
    env["MOTCUA_CACHE_URL"] = os.environ.get("MOTCUA_CACHE_URL", "redis://127.0.0.1:6379/8")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default=f"{SERVER}/motcua_h7_screens")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "motcua-screens-bench"))
    parser.add_argument("--var", default=str(Path(tempfile.gettempdir()) / "motcua-screens-var"))
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--dashboard-requests", type=int, help="requests for each dashboard (default --requests)"
    )
    parser.add_argument("--pages", help="only these screens (comma-separated names)")
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--json", help="write the figures and plans to this file")
    parser.add_argument(
        "--load-only", action="store_true", help="load (and count) the database, measure nothing"
    )
    args = parser.parse_args()
    env = env_for(args)
    Path(args.var).mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    loaded = 0
    if args.reuse:
        try:
            with psycopg.connect(args.db) as conn:
                loaded = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        except psycopg.Error:
            loaded = 0
    if loaded != args.rows:
        load(args, env)
    elif not has_steps(args.db):  # the import bench's database: enriched here, once
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(
                f'ALTER DATABASE "{args.db.rsplit("/", 1)[1]}" SET synchronous_commit = off'
            )
        enrich(args.db)
    dev = {k: v for k, v in env.items() if k != "MOTCUA_ENV"}
    run(dev, "migrate", "--noinput", "-v0")  # a migration added since the load
    if "counts complete: True" not in run(dev, "shell", "-c", COMPLETE):
        t = time.perf_counter()  # the dashboards read the counts (as after an installation)
        run(dev, "stats-rebuild")
        print(f"stats-rebuild: {time.perf_counter() - t:.0f} s", flush=True)
    if args.load_only:
        return
    django_setup(dev)
    acc = accounts()
    users = acc["users"]
    from motcua.units.models import Role

    s = samples(acc["agency"].pk, args.requests)
    if not (Path(args.var) / "static/staticfiles.json").exists():  # minutes on a busy machine
        run(env, "collectstatic", "--noinput", "-v0")
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(ROOT / "bench/load"),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
    }
    log = Path(args.var) / "server.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    results: dict[str, list[float]] = {}
    try:
        desk, leader, tinh = Session(args.port), Session(args.port), Session(args.port)
        for _ in range(300):
            try:
                desk.request("GET", "/bench/ceiling/")
                break
            except OSError:
                time.sleep(0.2)
        desk.login("bench_motcua")
        leader.login("bench_lanhdao")
        tinh.login("bench_tinh")
        n = args.requests
        plan = [
            ("ceiling", desk, None),
            ("queue", desk, b'id="queue"'),
            ("search_code", desk, None),
            ("search_id", desk, None),
            ("search_name", desk, None),
            ("dossier", desk, None),
            ("dashboard", leader, None),
            ("dashboard_tinh", tinh, None),
        ]
        wanted = set(args.pages.split(",")) if args.pages else None
        for page, session, check in plan:
            if wanted is not None and page not in wanted and page != "ceiling":
                continue
            count = n
            if page.startswith("dashboard") and args.dashboard_requests:
                count = args.dashboard_requests

            def make(i: int, page: str = page) -> str:
                return urls(s, i)[page]

            try:
                results[page] = timings(session, make, count, check, warm=5 * args.workers)
            except SystemExit as exc:  # a refused page: said, and the other pages go on
                print(f"{page}: {exc}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    who = {
        "queue": users[Role.COUNTER],
        "search_code": users[Role.COUNTER],
        "search_id": users[Role.COUNTER],
        "search_name": users[Role.COUNTER],
        "dossier": users[Role.COUNTER],
        "dashboard": users[Role.LEADER],
        "dashboard_tinh": users[Role.PROVINCE_ADMIN],
    }
    first = urls(s, 0)
    plans, failures = explain({p: (u, first[p]) for p, u in who.items() if p in results})
    load_after = os.getloadavg()[0]
    print(
        f"\n{args.rows:,} hồ sơ, {args.workers} gunicorn workers, {n} yêu cầu tuần tự mỗi trang, "
        f"{os.cpu_count()} lõi, tải {load_before:.1f} → {load_after:.1f} (máy dùng chung)\n"
    )
    print("| trang | p50 ms | p99 ms | max ms | truy vấn | SQL ms | quét tuần tự bảng hồ sơ |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for page, values in results.items():
        info = plans.get(page, {})
        seq = any(p["seq_scan_dossier"] for p in info.get("dossier_plans", []))
        print(
            f"| {page} | {statistics.median(values):.0f} | {pct(values, 0.99):.0f} | "
            f"{max(values):.0f} | {info.get('queries', '—')} | {info.get('sql_ms', '—')} | "
            f"{'CÓ' if seq else 'không' if info else '—'} |"
        )
    for page, info in plans.items():
        for p in info["dossier_plans"]:
            print(f"\n-- {page}: {p['ms']:.1f} ms\n{p['sql'][:400]}\n{p['plan']}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"rows": args.rows, "results": results, "plans": plans}, indent=1)
        )
    if failures:
        print("\nTHẤT BẠI: " + "; ".join(failures))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
