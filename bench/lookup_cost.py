"""What one public look-up costs in-process, against the constant view: CPU ms per request.

    .venv/bin/python bench/load_bench.py --setup       # the load bench's database (demo)
    .venv/bin/python bench/lookup_cost.py              # this tree
    PYTHONPATH=<other checkout>/src .venv/bin/python bench/lookup_cost.py   # another tree

Both requests go through Django's WSGI handler with the load bench's production settings (its
middleware, its Redis cache: ``load_bench.env_for``), without gunicorn or a socket:
``POST /api/v1/lookup/`` with a stored dossier's code and ID number (each request from another
client address, under the bench's look-up limit), and ``GET /bench/ceiling/``, the constant view
(bench/load/bench_urls.py). Rounds of ``--n`` requests alternate between the two after a
warm-up round each (the first look-ups of a code fill the shared cache); CPU is this process's
(``time.process_time``: Redis's and PostgreSQL's own work is not in it). The figure to compare
between trees is the look-up's CPU in units of the constant view's, which the machine's speed
of the moment divides out. ``--profile`` prints cProfile's top of ``--n`` look-ups.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from load_bench import BENCH_DB  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=BENCH_DB, help="the bench's db (BENCH_DATABASE_URL)")
    parser.add_argument("--n", type=int, default=500, help="requests a round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from intake_cost import _env  # the load bench's production environment, its settings

    _env(args.db)
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from motcua.dossiers.models import Dossier

    rows = list(
        Dossier.objects.filter(code__gt="")
        .exclude(applicant_id_number="")
        .values_list("code", "applicant_id_number")[:200]
    )
    if not rows:
        raise SystemExit("no dossier to look up: run bench/load_bench.py --setup first")
    handler = WSGIHandler()

    def call(method: str, path: str, body: bytes = b"", ip: str = "10.0.0.1") -> int:
        status: list[int] = []
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": ip,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        response = handler(environ, lambda s, h, e=None: status.append(int(s.split()[0])))
        b"".join(response)
        response.close()
        return status[0]

    def lookup(i: int) -> int:
        code, factor = rows[i % len(rows)]
        body = json.dumps({"code": code, "factor": factor}).encode()
        return call("POST", "/api/v1/lookup/", body, f"10.{i % 250}.{(i // 250) % 250}.1")

    def ceiling(i: int) -> int:
        return call("GET", "/bench/ceiling/")

    def timed(once: Any, start: int) -> float:
        t = time.process_time()
        for i in range(start, start + args.n):
            status = once(i)
            if status != 200:
                raise SystemExit(f"{once.__name__} answered {status}")
        return (time.process_time() - t) * 1000 / args.n

    for once in (lookup, ceiling):  # warm-up: imports, connections, the shared cache
        timed(once, 0)
    ms: dict[str, list[float]] = {"ceiling": [], "lookup": []}
    for r in range(args.rounds):
        ms["ceiling"].append(timed(ceiling, 0))
        ms["lookup"].append(timed(lookup, (r + 1) * args.n))
    for name, values in ms.items():
        print(
            f"{name}: CPU ms a request, median {statistics.median(values):.3f}, "
            f"min {min(values):.3f} ({args.rounds} rounds of {args.n})"
        )
    print(
        "look-up / constant view: median "
        f"{statistics.median(ms['lookup']) / statistics.median(ms['ceiling']):.2f}, "
        f"min {min(ms['lookup']) / min(ms['ceiling']):.2f}"
    )
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile(time.process_time)
        prof.enable()
        timed(lookup, 10 * args.n)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
