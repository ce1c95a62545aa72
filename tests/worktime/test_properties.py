"""Invariants of the deadline arithmetic, and agreement with a minute-by-minute reference walk."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.core import (
    before,
    due,
    due_batch,
    due_ts,
    elapsed,
    national_calendar,
    to_ts,
)

CAL = national_calendar()
TZ = dt.timezone(dt.timedelta(hours=7))
HOLIDAYS = CAL.spec.holidays
MAKE_UP = CAL.spec.extra_working_days

starts = st.datetimes(
    min_value=dt.datetime(2021, 12, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=dt.datetime(2026, 11, 30),  # noqa: DTZ001
    timezones=st.just(TZ),
).map(lambda d: d.replace(microsecond=0))
half_days = st.integers(min_value=1, max_value=60).map(lambda n: n / 2)
pauses = st.lists(st.tuples(st.integers(0, 20 * 86400), st.integers(0, 5 * 86400)), max_size=3)


def reference_due(start: dt.datetime, days: float) -> dt.datetime:
    """Walk minute by minute (starts on whole minutes): the plain reading of the rules."""
    need = round(days * 480)
    t = start.astimezone(TZ)
    while True:
        d = t.date()
        working = (d.weekday() < 5 and d not in HOLIDAYS) or d in MAKE_UP
        minute = t.hour * 60 + t.minute
        if working and (7 * 60 <= minute < 11 * 60 + 30 or 13 * 60 + 30 <= minute < 17 * 60):
            need -= 1
            if need == 0:
                return t + dt.timedelta(minutes=1)
        t += dt.timedelta(minutes=1)


@settings(max_examples=60, deadline=None)
@given(start=starts.map(lambda d: d.replace(second=0)), days=st.sampled_from([0.5, 1, 2, 3.5]))
def test_agrees_with_minute_walk(start: dt.datetime, days: float) -> None:
    assert due(CAL, start, days) == reference_due(start, days)


@settings(max_examples=300)
@given(start=starts, a=half_days, b=half_days)
def test_due_is_monotonic_in_days(start: dt.datetime, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert due(CAL, start, lo) <= due(CAL, start, hi)


@settings(max_examples=300)
@given(start=starts, days=half_days)
def test_elapsed_of_due_is_the_budget(start: dt.datetime, days: float) -> None:
    assert elapsed(CAL, start, due(CAL, start, days)) == round(days * CAL.day_seconds)


@settings(max_examples=300)
@given(start=starts, days=half_days, ps=pauses)
def test_a_pause_never_makes_due_earlier(
    start: dt.datetime, days: float, ps: list[tuple[int, int]]
) -> None:
    s = to_ts(start)
    budget = CAL.budget_seconds(days)
    windows = [(s + off, s + off + length) for off, length in ps]
    assert due_ts(CAL, s, budget, windows) >= due_ts(CAL, s, budget)
    # and the working time outside the pauses between start and due is exactly the budget
    end = due_ts(CAL, s, budget, windows)
    pause_dt = [
        (dt.datetime.fromtimestamp(a, TZ), dt.datetime.fromtimestamp(b, TZ)) for a, b in windows
    ]
    assert elapsed(CAL, start, dt.datetime.fromtimestamp(end, TZ), pause_dt) == budget


@settings(max_examples=200)
@given(start=starts, days=half_days)
def test_due_is_inside_working_time(start: dt.datetime, days: float) -> None:
    result = due(CAL, start, days)
    assert CAL.is_working_day(result.date())
    sod = result.hour * 3600 + result.minute * 60 + result.second
    assert 7 * 3600 < sod <= 11 * 3600 + 1800 or 13 * 3600 + 1800 < sod <= 17 * 3600


@settings(max_examples=30)
@given(st.lists(st.tuples(starts, half_days), min_size=1, max_size=50))
def test_batch_equals_one_at_a_time(items: list[tuple[dt.datetime, float]]) -> None:
    s = np.array([to_ts(a) for a, _ in items], dtype=np.int64)
    b = np.array([CAL.budget_seconds(d) for _, d in items], dtype=np.int64)
    got = due_batch(CAL, s, b).tolist()
    assert got == [due_ts(CAL, int(x), int(y)) for x, y in zip(s, b, strict=True)]


@settings(max_examples=300)
@given(end=starts, days=half_days)
def test_before_leaves_exactly_the_budget(end: dt.datetime, days: float) -> None:
    start = before(CAL, end, days)
    assert start <= end
    assert elapsed(CAL, start, end) == round(days * CAL.day_seconds)
    # and it is the earliest such instant: the second before it is working time
    assert elapsed(CAL, start - dt.timedelta(seconds=1), end) == round(days * CAL.day_seconds) + 1
