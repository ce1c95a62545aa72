"""Two parts of a counter intake's CPU, in-process: the API's answer (one dossier's detail
through ``DossierDetailSerializer``) with its fields built afresh for each instance, as DRF's
ModelSerializer does, and kept once per process (``ReadSerializer``); and the application form
of the bench's procedure, built from its definition and cleaned (``form_data_clean``).

    .venv/bin/python bench/load_bench.py --setup       # the load bench's database (demo)
    .venv/bin/python bench/intake_parts.py [--n 300] [--rounds 3]
    PYTHONPATH=<other checkout>/src .venv/bin/python bench/intake_parts.py   # another tree

CPU is this process's (``time.process_time``), the median of ``--n`` calls, for each of
``--rounds`` alternated rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from load_bench import BENCH_DB  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent


def _median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db",
        default=BENCH_DB,
    )
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import intake_cost

    intake_cost._env(args.db)
    import django

    django.setup()
    from motcua.api import serializers as s
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.eforms.services import form_data_clean

    fx = intake_cost._fixture()
    d = (
        Dossier.objects.filter(code__gt="")
        .select_related("procedure", "receiving_agency", "processing_agency")
        .prefetch_related("steps__agency", "steps__handler", "events__agency")
        .order_by("-id")
        .first()
    )
    procedure = Procedure.objects.filter(code=fx["procedure"]).order_by("-id").first()

    def rebuilt() -> object:
        getattr(s, "_BUILT", {}).clear()  # what DRF's ModelSerializer does for every instance
        return s.DossierDetailSerializer(d).data

    def kept() -> object:
        return s.DossierDetailSerializer(d).data

    def form() -> object:
        return form_data_clean(procedure, fx["form"])

    print("| round | detail, fields rebuilt ms | detail, fields kept ms | form cleaned ms |")
    print("| ---: | ---: | ---: | ---: |")
    for r in range(1, args.rounds + 1):
        a, b, c = (_median_ms(f, args.n) for f in (rebuilt, kept, form))
        print(f"| {r} | {a:.2f} | {b:.2f} | {c:.2f} |")


if __name__ == "__main__":
    main()
