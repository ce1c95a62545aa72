"""From stored calendars to compiled ones. Reads only; the arithmetic is in ``core``."""

from __future__ import annotations

from django.conf import settings

from motcua.worktime.core import (
    Calendar,
    CalendarSpec,
    WorktimeError,
    compile_calendar,
    national_calendar,
    national_spec,
    parse_intervals,
)
from motcua.worktime.models import CalendarDay, DayKind, WorkCalendar, split_hours

_by_content: dict[tuple[object, ...], Calendar] = {}


def calendar_spec(
    calendar: WorkCalendar, days: list[tuple[object, str]] | None = None
) -> CalendarSpec:
    if days is None:
        days = list(CalendarDay.objects.filter(calendar=calendar).values_list("date", "kind"))
    return national_spec(
        extra_days_off=[d for d, k in days if k == DayKind.OFF],  # type: ignore[misc]
        extra_working_days=[d for d, k in days if k == DayKind.WORKING],  # type: ignore[misc]
        intervals=parse_intervals(split_hours(calendar.hours)),
        round_to_end_of_day=calendar.round_to_end_of_day,
        first_year=calendar.first_year,
        last_year=calendar.last_year,
        use_national_holidays=calendar.use_national_holidays,
        count_from_next_morning_after_cutoff=calendar.count_from_next_morning_after_cutoff,
    )


def calendar_get(code: str | None = None) -> Calendar:
    """The compiled calendar named ``code``; without a code the stored default, or the built-in
    national default when no calendar is stored. Compiled tables are memoised by content."""
    code = code or settings.MOTCUA_DEFAULT_CALENDAR
    if code:
        stored = WorkCalendar.objects.filter(code=code).first()
        if stored is None:
            raise WorktimeError("unknown_calendar", f"Không có lịch làm việc mã {code!r}")
    else:
        stored = WorkCalendar.objects.filter(is_default=True).first()
        if stored is None:
            return national_calendar()
    return calendar_compiled(stored)


def calendar_compiled(stored: WorkCalendar) -> Calendar:
    """The compiled calendar of a stored calendar row already read (``calendar_get`` reads it by
    its code first): one small query per call; the tables are rebuilt only when the content
    changed."""
    days = sorted(CalendarDay.objects.filter(calendar=stored).values_list("date", "kind"))
    key = (
        stored.pk,
        stored.updated_at,
        stored.hours,
        stored.round_to_end_of_day,
        stored.use_national_holidays,
        stored.count_from_next_morning_after_cutoff,
        stored.first_year,
        stored.last_year,
        tuple(days),
    )
    cal = _by_content.get(key)
    if cal is None:
        if len(_by_content) > 64:
            _by_content.clear()
        cal = compile_calendar(calendar_spec(stored, days))  # type: ignore[arg-type]
        _by_content[key] = cal
    return cal
