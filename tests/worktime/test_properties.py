"""Invariants of the deadline arithmetic, and agreement with a minute-by-minute reference walk."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.core import (
    before,
    compile_calendar,
    due,
    due_batch,
    due_ts,
    elapsed,
    national_calendar,
    national_spec,
    position_in_day,
    position_table,
    positions_batch,
    to_ts,
)

CAL = national_calendar()
TZ = dt.timezone(dt.timedelta(hours=7))


def _days(*spans: tuple[int, int, int, int]) -> frozenset[dt.date]:
    """(year, month, first day, last day) spans of weekdays off."""
    return frozenset(
        dt.date(y, m, d) for y, m, first, last in spans for d in range(first, last + 1)
    )


# The weekdays off of civil servants, written out from the Labour Code 2019 Art. 112 and the
# Government's yearly notices (Tết, 30/4–1/5, 2/9, and the days given in lieu of a holiday that
# falls on a weekend), independently of the calendar under test.
HOLIDAYS = _days(
    (2022, 1, 3, 3),  # 1/1 fell on Saturday
    (2022, 1, 31, 31),  # Tết Nhâm Dần: 31/1 – 4/2
    (2022, 2, 1, 4),
    (2022, 4, 11, 11),  # Giỗ Tổ Hùng Vương fell on Sunday 10/4
    (2022, 5, 2, 3),  # 30/4 and 1/5 fell on the weekend
    (2022, 9, 1, 2),
    (2023, 1, 2, 2),  # 1/1 fell on Sunday
    (2023, 1, 20, 20),  # Tết Quý Mão: 20/1 – 26/1
    (2023, 1, 23, 26),
    (2023, 5, 1, 3),  # Giỗ Tổ 29/4 (Sat), 30/4 (Sun), 1/5: off 1/5 – 3/5
    (2023, 9, 1, 1),  # 2/9 fell on Saturday: 1/9 and 4/9
    (2023, 9, 4, 4),
    (2024, 1, 1, 1),
    (2024, 2, 8, 9),  # Tết Giáp Thìn: 8/2 – 14/2
    (2024, 2, 12, 14),
    (2024, 4, 18, 18),  # Giỗ Tổ
    (2024, 4, 29, 30),  # 29/4 off in exchange for Saturday 4/5
    (2024, 5, 1, 1),
    (2024, 9, 2, 3),
    (2025, 1, 1, 1),
    (2025, 1, 27, 31),  # Tết Ất Tỵ: 27/1 – 31/1
    (2025, 4, 7, 7),  # Giỗ Tổ
    (2025, 4, 30, 30),
    (2025, 5, 1, 2),  # 2/5 off in exchange for Saturday 26/4
    (2025, 9, 1, 2),
    (2026, 1, 1, 1),
    (2026, 2, 16, 20),  # Tết Bính Ngọ: 16/2 – 20/2
    (2026, 4, 27, 27),  # Giỗ Tổ fell on Sunday 26/4
    (2026, 4, 30, 30),
    (2026, 5, 1, 1),
    (2026, 8, 31, 31),  # off in exchange for Saturday 22/8
    (2026, 9, 1, 2),
)
MAKE_UP = frozenset({dt.date(2024, 5, 4), dt.date(2025, 4, 26), dt.date(2026, 8, 22)})

starts = st.datetimes(
    min_value=dt.datetime(2021, 12, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    # the walk of 3.5 days from the last start stays before the next day off the table above
    # does not list (24/11/2026, Ngày Văn hóa Việt Nam)
    max_value=dt.datetime(2026, 11, 15),  # noqa: DTZ001
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


def test_the_reference_table_is_the_calendars_days_off() -> None:
    """Every weekday of the range is a working day for the calendar under test exactly when the
    hand-written table says so (the walk above samples; this checks each day)."""
    day = dt.date(2021, 12, 1)
    disagree = []
    while day <= dt.date(2026, 11, 20):
        expected = (day.weekday() < 5 and day not in HOLIDAYS) or day in MAKE_UP
        if CAL.is_working_day(day) != expected:
            disagree.append(day)
        day += dt.timedelta(days=1)
    assert disagree == []


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


# working hours as sorted, non-overlapping intervals of the day (seconds), one to three of them
_bounds = st.lists(st.integers(0, 86_400), min_size=2, max_size=6, unique=True).map(sorted)
interval_sets = _bounds.filter(lambda b: len(b) % 2 == 0).map(
    lambda b: tuple((b[i], b[i + 1]) for i in range(0, len(b), 2))
)


@settings(max_examples=60, deadline=None)
@given(
    intervals=interval_sets,
    instants=st.lists(
        st.integers(to_ts(dt.datetime(2021, 1, 1, tzinfo=TZ)), 1_700_000_000), max_size=40
    ),
)
def test_the_position_table_gives_the_calendars_positions(
    intervals: tuple[tuple[int, int], ...], instants: list[int]
) -> None:
    """What the import's fast path computes in SQL (``position_table``, ``position_in_day``)
    equals ``positions_batch`` for any working hours and any instant of the range."""
    cal = compile_calendar(national_spec(intervals=intervals))
    table = {day: (cum, working) for day, cum, working in position_table(cal)}
    for ts in instants:
        local = ts + cal.offset
        cum, working = table[local // 86_400]
        by_table = cum + (position_in_day(cal, local % 86_400) if working else 0)
        assert by_table == int(positions_batch(cal, np.array([ts], dtype=np.int64))[0])
