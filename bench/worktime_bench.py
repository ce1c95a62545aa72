"""Benchmark of the working-time engine: 1,000,000 due dates, batch and one at a time, beside
numpy.busday_offset on the same starts at day granularity (the baseline), in the same run.

Run:  taskset -c 0 .venv/bin/python bench/worktime_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time

import numpy as np

from motcua.worktime.core import (
    DAY_SECONDS,
    CalendarSpec,
    compile_calendar,
    due,
    due_batch,
    due_ts,
    national_calendar,
)


def best_of(repeats: int, fn):  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--scalar-n", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.n

    t0 = time.perf_counter()
    cal = national_calendar()
    compile_s = time.perf_counter() - t0

    rng = np.random.default_rng(2022)
    lo = int(dt.datetime(2022, 1, 1, tzinfo=cal.tz).timestamp())
    hi = int(dt.datetime(2025, 12, 31, tzinfo=cal.tz).timestamp())
    starts = rng.integers(lo, hi, n, dtype=np.int64)
    days = rng.choice(np.array([0.5, 1, 3, 5, 7, 10, 15, 20, 30]), n)
    budgets = np.round(days * cal.day_seconds).astype(np.int64)

    batch_s = best_of(args.repeats, lambda: due_batch(cal, starts, budgets))

    m = args.scalar_n
    s_list = starts[:m].tolist()
    b_list = budgets[:m].tolist()
    d_list = days[:m].tolist()
    dts = [dt.datetime.fromtimestamp(s, cal.tz) for s in s_list]

    def scalar_ts() -> None:
        for s, b in zip(s_list, b_list, strict=True):
            due_ts(cal, s, b)

    def scalar_dt() -> None:
        for s, d in zip(dts, d_list, strict=True):
            due(cal, s, d)

    scalar_ts_s = best_of(args.repeats, scalar_ts)
    scalar_dt_s = best_of(args.repeats, scalar_dt)

    # baseline: numpy.busday_offset, whole days only (no hours, no lunch break, no pauses)
    local_days = ((starts + cal.offset) // DAY_SECONDS).astype("datetime64[D]")
    whole = np.ceil(days).astype(np.int64)
    holidays = np.array(sorted(cal.spec.holidays), dtype="datetime64[D]")
    bdc = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    numpy_s = best_of(
        args.repeats, lambda: np.busday_offset(local_days, whole, roll="forward", busdaycal=bdc)
    )

    # the two agree on the day for whole-day budgets started at 07:00, on a calendar without
    # the make-up Saturdays numpy's weekmask cannot express
    plain = compile_calendar(CalendarSpec(holidays=cal.spec.holidays))
    k = 100_000
    at7 = starts[:k] - (starts[:k] + cal.offset) % DAY_SECONDS + 7 * 3600
    ours = due_batch(plain, at7, whole[:k] * plain.day_seconds)
    ours_day = ((ours + plain.offset) // DAY_SECONDS).astype("datetime64[D]")
    theirs = np.busday_offset(local_days[:k], whole[:k] - 1, roll="forward", busdaycal=bdc)
    agree = float(np.mean(ours_day == theirs))

    result = {
        "machine": f"{platform.machine()} {platform.python_version()} numpy {np.__version__}",
        "n": n,
        "compile_calendar_s": round(compile_s, 3),
        "batch_per_s": round(n / batch_s),
        "one_at_a_time_ts_per_s": round(m / scalar_ts_s),
        "one_at_a_time_datetime_per_s": round(m / scalar_dt_s),
        "numpy_busday_offset_per_s": round(n / numpy_s),
        "day_agreement_with_numpy": agree,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
