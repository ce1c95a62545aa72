"""Hand-checked due dates around Tết 2022, weekends, the lunch break and after-hours receipt."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.core import (
    CalendarSpec,
    WorktimeError,
    before,
    compile_calendar,
    due,
    elapsed,
    national_calendar,
    national_spec,
    next_working_day_start,
    next_working_instant,
    parse_instant,
)

CAL = national_calendar()


def t(text: str) -> dt.datetime:
    return parse_instant(text)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # the example: Friday before Tết 2022 (31/1–4/2 off), 3 working days
        ("2022-01-28T15:00:00+07:00", 3, "2022-02-09T15:00:00+07:00"),
        # a full day from the first minute ends at the end of that day, not the next morning
        ("2022-01-28T07:00:00+07:00", 1, "2022-01-28T17:00:00+07:00"),
        # half a day (4 h) from 07:00
        ("2022-01-28T07:00:00+07:00", 0.5, "2022-01-28T11:00:00+07:00"),
        # 4.5 h from 07:00 ends exactly at the end of the morning, not at 13:30
        ("2022-01-28T07:00:00+07:00", 0.5625, "2022-01-28T11:30:00+07:00"),
        # received before opening: counts from 07:00
        ("2022-01-28T05:45:00+07:00", 0.5, "2022-01-28T11:00:00+07:00"),
        # received in the lunch break: counts from 13:30
        ("2022-01-28T12:10:00+07:00", 1, "2022-02-07T11:30:00+07:00"),
        # received after hours on Friday: the clock starts Monday after Tết
        ("2022-01-28T17:30:00+07:00", 1, "2022-02-07T17:00:00+07:00"),
        # Saturday receipt (online) counts from Monday 07:00
        ("2022-03-05T09:00:00+07:00", 2, "2022-03-08T17:00:00+07:00"),
        # across the Hùng Kings day observed on Monday 11/4/2022
        ("2022-04-08T10:00:00+07:00", 1, "2022-04-12T10:00:00+07:00"),
        # 30/4 and 1/5 2022 fell on a weekend: 2 and 3 May were days off
        ("2022-04-29T16:00:00+07:00", 1, "2022-05-04T16:00:00+07:00"),
        # quarter-day precision inside the afternoon
        ("2022-06-01T14:00:00+07:00", 0.25, "2022-06-01T16:00:00+07:00"),
        # the 2026 swap: Saturday 22/8 is a working day, Monday 31/8 is off
        ("2026-08-21T13:30:00+07:00", 1, "2026-08-22T11:30:00+07:00"),
        ("2026-08-28T07:00:00+07:00", 2, "2026-09-03T17:00:00+07:00"),
        # a start given in UTC is the same instant
        ("2022-01-28T08:00:00+00:00", 3, "2022-02-09T15:00:00+07:00"),
    ],
)
def test_due_hand_checked(start: str, days: float, expected: str) -> None:
    assert due(CAL, t(start), days).isoformat() == expected


def test_half_day_budget_across_lunch() -> None:
    # 10:00 + 4 hours: 1.5 h before lunch, 2.5 h after → 16:00
    assert due(CAL, t("2022-06-01T10:00:00+07:00"), 0.5) == t("2022-06-01T16:00:00+07:00")


def test_pause_spanning_nights_moves_due_by_paused_working_time() -> None:
    start = t("2022-06-01T08:00:00+07:00")  # Wednesday
    base = due(CAL, start, 3)
    assert base == t("2022-06-06T08:00:00+07:00")  # Fri end → Mon 08:00
    # paused from Thursday 15:00 to Monday 09:00: 2 h Thu + 8 h Fri + 2 h Mon = 12 h of work
    pause = (t("2022-06-02T15:00:00+07:00"), t("2022-06-06T09:00:00+07:00"))
    assert due(CAL, start, 3, [pause]) == t("2022-06-07T14:00:00+07:00")
    # the paused working time is not counted as elapsed
    end = due(CAL, start, 3, [pause])
    assert elapsed(CAL, start, end, [pause]) == 3 * 8 * 3600


def test_pause_entirely_outside_working_time_changes_nothing() -> None:
    start = t("2022-06-01T08:00:00+07:00")
    night = (t("2022-06-01T18:00:00+07:00"), t("2022-06-02T06:30:00+07:00"))
    assert due(CAL, start, 2, [night]) == due(CAL, start, 2)


def test_overlapping_pauses_count_once() -> None:
    start = t("2022-06-01T07:00:00+07:00")
    a = (t("2022-06-01T08:00:00+07:00"), t("2022-06-01T10:00:00+07:00"))
    b = (t("2022-06-01T09:00:00+07:00"), t("2022-06-01T11:00:00+07:00"))
    assert due(CAL, start, 1, [a, b]) == due(CAL, start, 1, [(a[0], b[1])])


def test_pause_before_start_is_ignored() -> None:
    start = t("2022-06-01T07:00:00+07:00")
    before = (t("2022-05-30T07:00:00+07:00"), t("2022-05-31T17:00:00+07:00"))
    assert due(CAL, start, 1, [before]) == due(CAL, start, 1)


def test_elapsed_examples() -> None:
    assert elapsed(CAL, t("2022-01-28T07:00:00+07:00"), t("2022-01-28T17:00:00+07:00")) == 28800
    # Friday 16:00 → Monday after Tết 08:00 = 1 h + 1 h
    assert elapsed(CAL, t("2022-01-28T16:00:00+07:00"), t("2022-02-07T08:00:00+07:00")) == 7200
    assert elapsed(CAL, t("2022-01-29T08:00:00+07:00"), t("2022-01-30T08:00:00+07:00")) == 0


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        # one working day before Wednesday 09:00 is Tuesday 09:00
        ("2022-06-08T09:00:00+07:00", 1, "2022-06-07T09:00:00+07:00"),
        # before a due instant at the end of a day: 17:00 of the working day before
        ("2022-06-08T17:00:00+07:00", 1, "2022-06-07T17:00:00+07:00"),
        # Monday after Tết 2022 (31/1–4/2 off), 08:00: one working day back is Friday 28/1 08:00
        ("2022-02-07T08:00:00+07:00", 1, "2022-01-28T08:00:00+07:00"),
        # half a day back across lunch: 14:30 − 4 h = 08:30
        ("2022-06-08T14:30:00+07:00", 0.5, "2022-06-08T08:30:00+07:00"),
        # from outside working time (Saturday) back to Thursday 17:00
        ("2022-06-04T10:00:00+07:00", 1, "2022-06-02T17:00:00+07:00"),
    ],
)
def test_before_hand_checked(end: str, days: float, expected: str) -> None:
    assert before(CAL, t(end), days).isoformat() == expected


def test_before_skips_pauses() -> None:
    end = t("2022-06-08T09:00:00+07:00")
    # paused Tuesday 10:00–12:00 (1.5 h of work): one working day of clock time before Wednesday
    # 09:00 then starts 1.5 h earlier, Tuesday 07:30
    pause = (t("2022-06-07T10:00:00+07:00"), t("2022-06-07T12:00:00+07:00"))
    assert before(CAL, end, 1, [pause]) == t("2022-06-07T07:30:00+07:00")
    assert elapsed(CAL, t("2022-06-07T07:30:00+07:00"), end, [pause]) == 8 * 3600
    # a pause after the end changes nothing
    later = (t("2022-06-09T07:00:00+07:00"), t("2022-06-10T07:00:00+07:00"))
    assert before(CAL, end, 1, [later]) == t("2022-06-07T09:00:00+07:00")


def test_round_to_end_of_day_option() -> None:
    cal = compile_calendar(national_spec(round_to_end_of_day=True))
    assert due(cal, t("2022-06-01T08:00:00+07:00"), 0.5) == t("2022-06-01T17:00:00+07:00")
    assert due(cal, t("2022-01-28T15:00:00+07:00"), 3) == t("2022-02-09T17:00:00+07:00")


def test_extra_days_off_and_make_up_days() -> None:
    off = dt.date(2022, 6, 2)
    working_saturday = dt.date(2022, 6, 4)
    cal = compile_calendar(
        national_spec(extra_days_off=[off], extra_working_days=[working_saturday])
    )
    start = t("2022-06-01T07:00:00+07:00")
    # Wed, (Thu off), Fri, Sat worked → 3 days end on Saturday 17:00
    assert due(cal, start, 3) == t("2022-06-04T17:00:00+07:00")
    assert not cal.is_working_day(off)
    assert cal.is_working_day(working_saturday)


def test_custom_hours() -> None:
    spec = CalendarSpec(
        intervals=((7 * 3600 + 30 * 60, 11 * 3600 + 30 * 60), (13 * 3600, 17 * 3600))
    )
    cal = compile_calendar(spec)
    assert cal.day_seconds == 8 * 3600
    assert due(cal, t("2022-06-01T07:00:00+07:00"), 0.5) == t("2022-06-01T11:30:00+07:00")


def test_next_working_instant_and_day() -> None:
    assert next_working_instant(CAL, t("2022-01-28T18:00:00+07:00")) == t(
        "2022-02-07T07:00:00+07:00"
    )
    inside = t("2022-01-28T09:15:00+07:00")
    assert next_working_instant(CAL, inside) == inside
    assert next_working_day_start(CAL, t("2022-01-28T15:30:00+07:00")) == t(
        "2022-02-07T07:00:00+07:00"
    )


@pytest.mark.parametrize("days", [0, -1, float("nan"), float("inf")])
def test_bad_days_refused(days: float) -> None:
    with pytest.raises(WorktimeError) as exc:
        due(CAL, t("2022-06-01T07:00:00+07:00"), days)
    assert exc.value.code == "bad_days"


def test_naive_datetime_refused() -> None:
    with pytest.raises(WorktimeError) as exc:
        due(CAL, dt.datetime(2022, 6, 1, 7), 1)  # noqa: DTZ001 - the point of the test
    assert exc.value.code == "naive_datetime"


def test_pause_end_before_start_refused() -> None:
    start = t("2022-06-01T07:00:00+07:00")
    with pytest.raises(WorktimeError) as exc:
        due(CAL, start, 1, [(t("2022-06-02T07:00:00+07:00"), t("2022-06-01T07:00:00+07:00"))])
    assert exc.value.code == "bad_pause"


def test_out_of_range_refused() -> None:
    with pytest.raises(WorktimeError) as exc:
        due(CAL, t("1990-06-01T07:00:00+07:00"), 1)
    assert exc.value.code == "out_of_range"


def test_calendar_is_immutable() -> None:
    with pytest.raises(AttributeError):
        CAL.offset = 0  # type: ignore[misc]
