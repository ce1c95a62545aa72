"""The desk officer's name search in-process, on the screens bench's database: N names of the
desk's own dossiers typed as people type them (family and given name, no diacritics), each
searched once through ``dossier_search`` (the first page); the median, the 99th percentile, the
slowest and a few named pairs (a two-letter family name with a given name common in the
province and rare at the desk).

    .venv/bin/python bench/screens_bench.py --load-only          # the 1M database, once
    .venv/bin/python bench/name_search.py                        # this tree
    PYTHONPATH=<other tree>/src .venv/bin/python bench/name_search.py   # another, same run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screens_bench import SERVER

NAMED = ("vu oanh", "vu nam", "vu hoa", "le hoa", "ly hoa", "do hoa", "tran hoa", "nguyen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"{SERVER}/motcua_h7_screens")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    import django

    django.setup()
    from motcua.core.text import fold
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import dossier_search
    from motcua.units.models import Role
    from screens_bench import accounts

    made = accounts()
    user, agency = made["users"][Role.COUNTER], made["agency"]
    rows = list(
        Dossier.objects.filter(receiving_agency=agency)
        .exclude(applicant_name="")
        .order_by("pk")
        .values_list("applicant_name", flat=True)[:20000]
    )
    random.seed(7)
    typed = [f"{fold(x).split()[0]} {fold(x).split()[-1]}" for x in random.sample(rows, args.n)]

    def once(q: str) -> float:
        t = time.perf_counter()
        list(dossier_search(user, q, limit=26))
        return (time.perf_counter() - t) * 1000

    once(typed[0])  # the connection, the caches
    timed = sorted(((once(q), q) for q in typed), reverse=True)
    ms = sorted(t for t, _ in timed)
    print(
        f"{args.n} names: median {statistics.median(ms):.0f} ms,"
        f" p99 {ms[int(0.99 * len(ms)) - 1]:.0f} ms, slowest {ms[-1]:.0f} ms"
    )
    print("slowest: " + ", ".join(f"{q!r} {t:.0f}" for t, q in timed[:5]))
    print("named: " + ", ".join(f"{q!r} {once(q):.0f}" for q in NAMED))


if __name__ == "__main__":
    main()
