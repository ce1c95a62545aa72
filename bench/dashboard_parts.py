"""What the leaders' dashboard spends, part by part, in-process on a loaded database.

    .venv/bin/python bench/screens_bench.py                 # loads 1,000,000 dossiers once
    .venv/bin/motcua stats-rebuild                          # (with DATABASE_URL) the counts
    .venv/bin/python bench/dashboard_parts.py               # the parts, best of --repeat

The dashboard (``backoffice.views.reports.dashboard``) calls three reads for its period:
``reports.selectors.report``, ``reports.indices.evaluation`` and ``decision766.index766``
(the targets only for the whole province). This times each for H1 2022, for the whole province
(no restriction) and for one agency (a leader's scope), best of ``--repeat`` runs after one
warm-up, and names the daily counts' state (complete: read from them; else a scan). ``--queries``
prints each part's slowest statements.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

SERVER = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"{SERVER}/motcua_h7_screens")
    parser.add_argument("--agency", default="000.00.07.B99", help="the leader's agency (code)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.reports.aggregates import aggregates_complete
    from motcua.reports.indices import evaluation, index766
    from motcua.reports.selectors import Period, report
    from motcua.units.models import Agency

    period = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    agency = Agency.objects.get(code=args.agency)
    print(f"counts complete: {aggregates_complete()}")
    print("| scope | report ms | evaluation ms | index766 ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, ids in (("province", None), (f"agency {agency.code}", [agency.pk])):
        parts: dict[str, Callable[[], Any]] = {
            "report": lambda ids=ids: report(period, agency_ids=ids),
            "evaluation": lambda ids=ids: evaluation(period, agency_ids=ids),
            "index766": lambda ids=ids: index766(period, agency_ids=ids),
        }
        best = {}
        slowest: dict[str, list[tuple[float, str]]] = {}
        for part, fn in parts.items():
            fn()  # warm
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as q:
                    t = time.perf_counter()
                    fn()
                    times.append(1000 * (time.perf_counter() - t))
            best[part] = min(times)
            slowest[part] = sorted(
                ((float(x["time"]), x["sql"]) for x in q.captured_queries), reverse=True
            )[:3]
        print(
            f"| {name} | {best['report']:.0f} | {best['evaluation']:.0f} | {best['index766']:.0f} |"
        )
        if args.queries:
            for part, rows in slowest.items():
                for seconds, sql in rows:
                    print(f"    {part} {1000 * seconds:.0f} ms: {sql[:200]}")


if __name__ == "__main__":
    main()
