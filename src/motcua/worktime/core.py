"""Working-time arithmetic: pure functions over an immutable working calendar.

No Django import here: this module is the heart of on-time statistics and must be usable (and
testable, and fast) on its own. Semantics (DESIGN.md "Deadline semantics"):

* Working days are Monday–Friday, minus public holidays, minus extra days off, plus make-up
  working days (a Saturday the government declares a working day).
* Working hours are intervals of the local day (default 07:00–11:30 and 13:30–17:00, 8 hours).
  One working day of a time limit is the sum of those intervals.
* ``due(start, N)`` is the instant reached after ``N × day`` of working time counted from
  ``start`` (or from the next working instant when ``start`` lies outside working time),
  skipping paused intervals. Reaching the budget exactly at the end of an interval gives that
  end (11:30, 17:00), never the next morning. ``N`` may be fractional (half days are common).
* Optionally (Civil Code Arts. 147–148 whole-day counting) the due instant is rounded up to the
  end of its working day.

How it is fast: the calendar is compiled once into a table of cumulative working seconds at the
start of every local day of its range, plus two intra-day tables (seconds since midnight →
working seconds so far, and back). ``position(t)`` — working seconds since the range start — is
then O(1) and its inverse is one binary search, so a due date costs a few table look-ups both
one at a time and vectorised over millions of rows (``due_batch``).

Resolution is one second; the zone must have a fixed offset over the calendar's range (true of
Asia/Ho_Chi_Minh since 1975), which the constructor checks.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

DAY_SECONDS: Final = 86_400
EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()

#: Default working hours of Vietnamese civil servants as most provinces set them.
DEFAULT_INTERVALS: Final[tuple[tuple[str, str], ...]] = (("07:00", "11:30"), ("13:30", "17:00"))
DEFAULT_ZONE: Final = "Asia/Ho_Chi_Minh"
DEFAULT_FIRST_YEAR: Final = 2000
DEFAULT_LAST_YEAR: Final = 2060


class WorktimeError(ValueError):
    """Bad input to the working-time arithmetic. ``code`` is stable for machines."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_hhmm(text: str) -> int:
    """'07:30' → seconds since midnight; '24:00' allowed as the end of the day."""
    try:
        hh, mm = text.strip().split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise WorktimeError("bad_time_of_day", f"Giờ không hợp lệ: {text!r} (cần HH:MM)") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m != 0):
        raise WorktimeError("bad_time_of_day", f"Giờ không hợp lệ: {text!r} (cần HH:MM)")
    return h * 3600 + m * 60


def parse_intervals(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[int, int], ...]:
    """Validate working-hour intervals: each non-empty, sorted, not overlapping."""
    out: list[tuple[int, int]] = []
    for start_text, end_text in pairs:
        start, end = parse_hhmm(start_text), parse_hhmm(end_text)
        if end <= start:
            raise WorktimeError(
                "bad_interval",
                f"Khoảng giờ làm việc {start_text}–{end_text} có giờ kết thúc "
                "không sau giờ bắt đầu",
            )
        if out and start < out[-1][1]:
            raise WorktimeError(
                "bad_interval", "Các khoảng giờ làm việc phải theo thứ tự và không chồng nhau"
            )
        out.append((start, end))
    if not out:
        raise WorktimeError("bad_interval", "Lịch làm việc cần ít nhất một khoảng giờ làm việc")
    return tuple(out)


@dataclass(frozen=True)
class CalendarSpec:
    """Everything that defines a working calendar; hashable, so compiled calendars can be cached."""

    holidays: frozenset[date] = frozenset()
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    intervals: tuple[tuple[int, int], ...] = field(
        default_factory=lambda: parse_intervals(DEFAULT_INTERVALS)
    )
    zone: str = DEFAULT_ZONE
    first_year: int = DEFAULT_FIRST_YEAR
    last_year: int = DEFAULT_LAST_YEAR
    round_to_end_of_day: bool = False
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
    # Policy carried with the calendar, read by the dossier clock, not by the arithmetic here: a
    # counter dossier received after the hand-over cut-off (15:00) has its legal time limit
    # counted from the next working morning instead of from its receipt (REGULATIONS.md §1).
    count_from_next_morning_after_cutoff: bool = False


class Calendar:
    """A compiled, immutable working calendar. Build it with :func:`compile_calendar`."""

    __slots__ = (
        "_cum",
        "_cum_np",
        "_from_sod",
        "_from_sod_np",
        "_to_sod",
        "_to_sod_np",
        "_working",
        "_working_np",
        "base_day",
        "day_seconds",
        "last_end",
        "n_days",
        "offset",
        "spec",
        "tz",
    )

    spec: CalendarSpec
    offset: int
    tz: tzinfo
    base_day: int
    n_days: int
    day_seconds: int
    last_end: int
    _working: list[bool]
    _cum: list[int]
    _from_sod: list[int]
    _to_sod: list[int]
    _working_np: NDArray[np.bool_]
    _cum_np: NDArray[np.int64]
    _from_sod_np: NDArray[np.int64]
    _to_sod_np: NDArray[np.int64]

    def __init__(self, spec: CalendarSpec) -> None:
        if spec.first_year > spec.last_year:
            raise WorktimeError("bad_range", "Năm đầu của lịch phải không sau năm cuối")
        zone = ZoneInfo(spec.zone)
        first = date(spec.first_year, 1, 1)
        last = date(spec.last_year, 12, 31)
        offsets = {
            zone.utcoffset(datetime(y, m, 15))  # noqa: DTZ001 - probing the zone itself
            for y in range(spec.first_year, spec.last_year + 1)
            for m in (1, 7)
        }
        if len(offsets) != 1:
            raise WorktimeError(
                "zone_not_fixed", f"Múi giờ {spec.zone} đổi giờ trong khoảng năm của lịch"
            )
        offset_td = offsets.pop()
        if offset_td is None:
            raise WorktimeError("zone_not_fixed", f"Không xác định được múi giờ {spec.zone}")
        set_ = object.__setattr__
        set_(self, "spec", spec)
        set_(self, "offset", int(offset_td.total_seconds()))
        set_(self, "tz", timezone(offset_td) if spec.zone != "UTC" else UTC)
        set_(self, "base_day", first.toordinal() - EPOCH_ORDINAL)
        n = last.toordinal() - first.toordinal() + 1
        set_(self, "n_days", n)

        working: list[bool] = []
        for i in range(n):
            d = date.fromordinal(first.toordinal() + i)
            if d in spec.extra_working_days:
                is_working = True
            elif d in spec.extra_days_off or d in spec.holidays:
                is_working = False
            else:
                is_working = d.weekday() not in spec.weekend
            working.append(is_working)

        day_seconds = sum(e - s for s, e in spec.intervals)
        cum = [0] * (n + 1)
        acc = 0
        for i, w in enumerate(working):
            cum[i] = acc
            if w:
                acc += day_seconds
        cum[n] = acc

        # seconds since local midnight → working seconds elapsed that day (for a working day)
        from_sod = [0] * (DAY_SECONDS + 1)
        done = 0
        k = 0
        for sod in range(DAY_SECONDS + 1):
            while k < len(spec.intervals) and sod >= spec.intervals[k][1]:
                done += spec.intervals[k][1] - spec.intervals[k][0]
                k += 1
            inside = 0
            if k < len(spec.intervals) and sod > spec.intervals[k][0]:
                inside = sod - spec.intervals[k][0]
            from_sod[sod] = done + inside
        # working seconds r (1..day_seconds) → first second of the day at which r are reached;
        # r = 0 maps to the first interval's start (used only for empty budgets).
        to_sod = [spec.intervals[0][0]] * (day_seconds + 1)
        before = 0
        for s, e in spec.intervals:
            for r in range(before + 1, before + (e - s) + 1):
                to_sod[r] = s + (r - before)
            before += e - s

        set_(self, "day_seconds", day_seconds)
        set_(self, "last_end", spec.intervals[-1][1])
        set_(self, "_working", working)
        set_(self, "_cum", cum)
        set_(self, "_from_sod", from_sod)
        set_(self, "_to_sod", to_sod)
        set_(self, "_working_np", np.array(working, dtype=np.bool_))
        set_(self, "_cum_np", np.array(cum, dtype=np.int64))
        set_(self, "_from_sod_np", np.array(from_sod, dtype=np.int64))
        set_(self, "_to_sod_np", np.array(to_sod, dtype=np.int64))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Calendar is immutable")

    def __repr__(self) -> str:
        return (
            f"Calendar({self.spec.zone}, {self.spec.first_year}–{self.spec.last_year}, "
            f"{self.day_seconds // 60} min/day)"
        )

    # ---- days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        i = day.toordinal() - EPOCH_ORDINAL - self.base_day
        if not 0 <= i < self.n_days:
            raise self._out_of_range()
        return self._working[i]

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in [first, last], both inclusive."""
        a = first.toordinal() - EPOCH_ORDINAL - self.base_day
        b = last.toordinal() - EPOCH_ORDINAL - self.base_day
        if b < a:
            return 0
        if a < 0 or b >= self.n_days:
            raise self._out_of_range()
        return (self._cum[b + 1] - self._cum[a]) // self.day_seconds

    def _out_of_range(self) -> WorktimeError:
        return WorktimeError(
            "out_of_range",
            f"Thời điểm nằm ngoài phạm vi lịch làm việc "
            f"({self.spec.first_year}–{self.spec.last_year})",
        )

    # ---- positions (working seconds since the start of the range) ---------------------------

    def position(self, ts: int) -> int:
        """Working seconds from the range start to the instant ``ts`` (Unix seconds)."""
        local = ts + self.offset
        day = local // DAY_SECONDS
        i = day - self.base_day
        if not 0 <= i < self.n_days:
            raise self._out_of_range()
        if self._working[i]:
            return self._cum[i] + self._from_sod[local - day * DAY_SECONDS]
        return self._cum[i]

    def instant(self, pos: int) -> int:
        """The first instant (Unix seconds) at which ``pos`` working seconds are reached."""
        cum = self._cum
        i = bisect.bisect_left(cum, pos) - 1
        if not 0 <= i < self.n_days:
            raise self._out_of_range()
        local = (self.base_day + i) * DAY_SECONDS + self._to_sod[pos - cum[i]]
        return local - self.offset

    def end_of_working_day(self, ts: int) -> int:
        local = ts + self.offset
        day = local // DAY_SECONDS
        return day * DAY_SECONDS + self.last_end - self.offset

    def budget_seconds(self, days: float) -> int:
        """A time limit in working days as working seconds (fractional days allowed)."""
        if not math.isfinite(days) or days <= 0:
            raise WorktimeError("bad_days", f"Số ngày làm việc phải lớn hơn 0 (nhận {days})")
        return round(days * self.day_seconds)


# ---- instants ---------------------------------------------------------------------------------


def to_ts(moment: datetime) -> int:
    """An aware datetime → Unix seconds (floor). Naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WorktimeError("naive_datetime", f"Thời điểm thiếu múi giờ: {moment.isoformat()}")
    return math.floor(moment.timestamp())


def from_ts(calendar: Calendar, ts: int) -> datetime:
    return datetime.fromtimestamp(ts, calendar.tz)


Pause = tuple[datetime, datetime]
PauseTs = tuple[int, int]


def normalise_pauses(pauses: Iterable[PauseTs]) -> list[PauseTs]:
    """Sort and merge pause intervals; refuse one whose end precedes its start."""
    items = sorted(pauses)
    merged: list[PauseTs] = []
    for start, end in items:
        if end < start:
            raise WorktimeError("bad_pause", "Khoảng tạm dừng có thời điểm kết thúc trước bắt đầu")
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def due_ts(calendar: Calendar, start: int, budget: int, pauses: Sequence[PauseTs] = ()) -> int:
    """Unix-seconds core of :func:`due`: ``budget`` working seconds from ``start``."""
    target = calendar.position(start) + budget
    if pauses:
        for p_start, p_end in normalise_pauses(pauses):
            if p_end <= start:
                continue
            p_from = calendar.position(max(p_start, start))
            if p_from >= target:
                break
            target += calendar.position(p_end) - p_from
    result = calendar.instant(target)
    if calendar.spec.round_to_end_of_day:
        result = calendar.end_of_working_day(result)
    return result


def due(calendar: Calendar, start: datetime, days: float, pauses: Sequence[Pause] = ()) -> datetime:
    """The due instant of a time limit of ``days`` working days started at ``start``."""
    budget = calendar.budget_seconds(days)
    pause_ts = [(to_ts(a), to_ts(b)) for a, b in pauses] if pauses else ()
    return datetime.fromtimestamp(due_ts(calendar, to_ts(start), budget, pause_ts), calendar.tz)


def before_ts(calendar: Calendar, end: int, budget: int, pauses: Sequence[PauseTs] = ()) -> int:
    """Unix-seconds core of :func:`before`: ``budget`` working seconds back from ``end``."""
    target = calendar.position(end) - budget
    if pauses:
        for p_start, p_end in reversed(normalise_pauses(pauses)):
            if p_start >= end:
                continue
            p_to = calendar.position(min(p_end, end))
            if p_to <= target:
                break
            target -= p_to - calendar.position(p_start)
    return calendar.instant(target)


def before(
    calendar: Calendar, end: datetime, days: float, pauses: Sequence[Pause] = ()
) -> datetime:
    """The earliest instant from which ``days`` working days remain until ``end``, skipping
    pauses: the inverse of :func:`due`, for rules such as "no later than one day before the
    deadline". When that instant ends a working day (17:00) the same amount remains until the
    next working day starts, so it reads "by 17:00 of the day before". No rounding is applied."""
    budget = calendar.budget_seconds(days)
    pause_ts = [(to_ts(a), to_ts(b)) for a, b in pauses] if pauses else ()
    return datetime.fromtimestamp(before_ts(calendar, to_ts(end), budget, pause_ts), calendar.tz)


def elapsed_ts(calendar: Calendar, start: int, end: int, pauses: Sequence[PauseTs] = ()) -> int:
    """Working seconds in [start, end] outside the pauses (0 when end precedes start)."""
    if end <= start:
        return 0
    total = calendar.position(end) - calendar.position(start)
    for p_start, p_end in normalise_pauses(pauses):
        a, b = max(p_start, start), min(p_end, end)
        if a < b:
            total -= calendar.position(b) - calendar.position(a)
    return total


def elapsed(
    calendar: Calendar, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> int:
    """Working seconds between two instants, skipping pauses."""
    pause_ts = [(to_ts(a), to_ts(b)) for a, b in pauses]
    return elapsed_ts(calendar, to_ts(start), to_ts(end), pause_ts)


def elapsed_days(
    calendar: Calendar, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> float:
    return elapsed(calendar, start, end, pauses) / calendar.day_seconds


def next_working_instant(calendar: Calendar, moment: datetime) -> datetime:
    """``moment`` itself when inside working time, else the start of the next working interval."""
    ts = to_ts(moment)
    pos = calendar.position(ts)
    nxt = calendar.instant(pos + 1) - 1
    return moment if nxt <= ts else datetime.fromtimestamp(nxt, calendar.tz)


def next_working_day_start(calendar: Calendar, moment: datetime) -> datetime:
    """The first working instant of the working day after ``moment``'s local day."""
    local_day = (to_ts(moment) + calendar.offset) // DAY_SECONDS
    i = local_day - calendar.base_day + 1
    if not 0 <= i < calendar.n_days:
        raise calendar._out_of_range()
    pos = calendar._cum[i]
    return datetime.fromtimestamp(calendar.instant(pos + 1) - 1, calendar.tz)


def due_batch(
    calendar: Calendar, starts: NDArray[np.int64], budgets: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Vectorised :func:`due_ts` without pauses: Unix seconds in, Unix seconds out."""
    starts = np.asarray(starts, dtype=np.int64)
    budgets = np.broadcast_to(np.asarray(budgets, dtype=np.int64), starts.shape)
    if budgets.size and int(budgets.min()) <= 0:
        raise WorktimeError("bad_days", "Số ngày làm việc phải lớn hơn 0")
    local = starts + calendar.offset
    day = local // DAY_SECONDS
    idx = day - calendar.base_day
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= calendar.n_days):
        raise calendar._out_of_range()
    within = np.where(
        calendar._working_np[idx], calendar._from_sod_np[local - day * DAY_SECONDS], 0
    )
    target = calendar._cum_np[idx] + within + budgets
    i = np.searchsorted(calendar._cum_np, target, side="left") - 1
    if i.size and int(i.max()) >= calendar.n_days:
        raise calendar._out_of_range()
    if calendar.spec.round_to_end_of_day:
        sod = np.full_like(i, calendar.last_end)
    else:
        sod = calendar._to_sod_np[target - calendar._cum_np[i]]
    out: NDArray[np.int64] = (calendar.base_day + i) * DAY_SECONDS + sod - calendar.offset
    return out


def positions_batch(calendar: Calendar, instants: NDArray[np.int64]) -> NDArray[np.int64]:
    """Vectorised :meth:`Calendar.position`: working seconds since the range start."""
    instants = np.asarray(instants, dtype=np.int64)
    local = instants + calendar.offset
    day = local // DAY_SECONDS
    idx = day - calendar.base_day
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= calendar.n_days):
        raise calendar._out_of_range()
    within = np.where(
        calendar._working_np[idx], calendar._from_sod_np[local - day * DAY_SECONDS], 0
    )
    out: NDArray[np.int64] = calendar._cum_np[idx] + within
    return out


def position_table(calendar: Calendar) -> list[tuple[int, int, bool]]:
    """What :func:`positions_batch` reads, for a database to compute positions itself (the
    import's fast path, ``dossiers/legacy/fast.py``): for each day of the calendar's range, its
    local day number since the epoch, the working seconds of the range before it, and whether it
    is a working day. An instant's position is then ``cum`` plus, on a working day, the sum over
    ``spec.intervals`` (sorted, not overlapping) of ``min(max(sod - start, 0), end - start)``,
    ``sod`` being its local second of the day (:func:`position_in_day`); an instant on a day
    outside the range has none."""
    days = range(calendar.base_day, calendar.base_day + calendar.n_days)
    cum = calendar._cum_np[: calendar.n_days].tolist()
    return list(zip(days, cum, calendar._working_np.tolist(), strict=True))


def position_in_day(calendar: Calendar, sod: int) -> int:
    """Working seconds of a working day elapsed at its local second ``sod``, as the sum that
    :func:`position_table` describes (equal to the table the calendar compiled)."""
    return sum(min(max(sod - s, 0), e - s) for s, e in calendar.spec.intervals)


def elapsed_batch(
    calendar: Calendar, starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Vectorised :func:`elapsed_ts` without pauses (0 where an end precedes its start)."""
    out: NDArray[np.int64] = np.maximum(
        positions_batch(calendar, ends) - positions_batch(calendar, starts), 0
    )
    return out


# ---- the national default --------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def national_holidays(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays (with observed and substituted days off) and the government's make-up
    working Saturdays, from the ``holidays`` package (country VN)."""
    import holidays as holidays_pkg  # local import: only the national default needs it

    vn = holidays_pkg.country_holidays("VN", years=range(first_year, last_year + 1))
    return frozenset(vn.keys()), frozenset(vn.weekend_workdays)


_compiled: dict[CalendarSpec, Calendar] = {}


def compile_calendar(spec: CalendarSpec) -> Calendar:
    """Compile (and memoise) a calendar: specs are values, so equal specs share one table."""
    cal = _compiled.get(spec)
    if cal is None:
        cal = Calendar(spec)
        if len(_compiled) > 64:
            _compiled.clear()
        _compiled[spec] = cal
    return cal


def national_spec(
    *,
    extra_days_off: Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
    intervals: tuple[tuple[int, int], ...] | None = None,
    round_to_end_of_day: bool = False,
    first_year: int = DEFAULT_FIRST_YEAR,
    last_year: int = DEFAULT_LAST_YEAR,
    use_national_holidays: bool = True,
    count_from_next_morning_after_cutoff: bool = False,
) -> CalendarSpec:
    if use_national_holidays:
        hol, make_up = national_holidays(first_year, last_year)
    else:
        hol, make_up = frozenset(), frozenset()
    return CalendarSpec(
        holidays=hol,
        extra_days_off=frozenset(extra_days_off),
        extra_working_days=make_up | frozenset(extra_working_days),
        intervals=intervals if intervals is not None else parse_intervals(DEFAULT_INTERVALS),
        round_to_end_of_day=round_to_end_of_day,
        first_year=first_year,
        last_year=last_year,
        count_from_next_morning_after_cutoff=count_from_next_morning_after_cutoff,
    )


@functools.lru_cache(maxsize=1)
def national_calendar() -> Calendar:
    """The built-in national default: VN public holidays, the government's swaps, default hours."""
    return compile_calendar(national_spec())


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an explicit offset → aware datetime; anything else is refused."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise WorktimeError(
            "bad_datetime", f"Thời điểm không hợp lệ: {text!r} (cần ISO 8601 có múi giờ)"
        ) from None
    if moment.tzinfo is None:
        raise WorktimeError(
            "naive_datetime", f"Thời điểm thiếu múi giờ: {text!r} (ví dụ 2022-01-28T15:00:00+07:00)"
        )
    return moment


def parse_pause(text: str) -> PauseTs:
    """'START/END' (ISO 8601 instants) → a pause in Unix seconds."""
    parts = text.split("/")
    if len(parts) != 2:
        raise WorktimeError("bad_pause", f"Khoảng tạm dừng không hợp lệ: {text!r} (cần START/END)")
    start, end = to_ts(parse_instant(parts[0])), to_ts(parse_instant(parts[1]))
    if end < start:
        raise WorktimeError(
            "bad_pause", f"Khoảng tạm dừng {text!r} có thời điểm kết thúc trước bắt đầu"
        )
    return start, end


__all__ = [
    "DEFAULT_INTERVALS",
    "Calendar",
    "CalendarSpec",
    "WorktimeError",
    "compile_calendar",
    "due",
    "due_batch",
    "due_ts",
    "elapsed",
    "elapsed_days",
    "elapsed_ts",
    "from_ts",
    "national_calendar",
    "national_spec",
    "next_working_day_start",
    "next_working_instant",
    "parse_instant",
    "parse_intervals",
    "parse_pause",
    "position_in_day",
    "position_table",
    "to_ts",
]
