"""Stored calendars (admin data) compile to the arithmetic's calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.worktime.calendars import calendar_get
from motcua.worktime.core import due, parse_instant
from motcua.worktime.models import CalendarDay, DayKind, WorkCalendar

pytestmark = pytest.mark.django_db


def test_without_stored_calendar_the_national_default_is_used() -> None:
    cal = calendar_get()
    assert cal.day_seconds == 8 * 3600
    assert not cal.is_working_day(dt.date(2022, 2, 1))  # Tết


def test_stored_default_with_extra_day_off() -> None:
    stored = WorkCalendar.objects.create(code="tinh", name="Lịch tỉnh", is_default=True)
    CalendarDay.objects.create(
        calendar=stored,
        date=dt.date(2022, 6, 2),
        kind=DayKind.OFF,
        reason="Nghỉ bù theo quyết định của tỉnh",
    )
    cal = calendar_get()
    start = parse_instant("2022-06-01T07:00:00+07:00")
    assert due(cal, start, 2) == parse_instant("2022-06-03T17:00:00+07:00")
    assert calendar_get("tinh") is cal  # compiled once, shared by content


def test_stored_hours_and_rounding() -> None:
    WorkCalendar.objects.create(
        code="gio-khac", name="Giờ khác", hours="07:30-11:30, 13:00-17:00", round_to_end_of_day=True
    )
    cal = calendar_get("gio-khac")
    start = parse_instant("2022-06-01T07:00:00+07:00")
    assert due(cal, start, 0.5) == parse_instant("2022-06-01T17:00:00+07:00")


@pytest.mark.parametrize(
    "hours", ["07:00-06:00", "7h-11h", "07:00-11:30, 11:00-17:00", "25:00-26:00"]
)
def test_bad_hours_refused(hours: str) -> None:
    cal = WorkCalendar(code="x", name="x", hours=hours)
    with pytest.raises(ValidationError):
        cal.full_clean()


def test_count_from_next_morning_is_a_stored_setting_off_by_default() -> None:
    stored = WorkCalendar.objects.create(
        code="tinh", name="Lịch tỉnh", first_year=2020, last_year=2030
    )
    assert calendar_get("tinh").spec.count_from_next_morning_after_cutoff is False
    stored.count_from_next_morning_after_cutoff = True
    stored.save(update_fields=["count_from_next_morning_after_cutoff", "updated_at"])
    assert calendar_get("tinh").spec.count_from_next_morning_after_cutoff is True
    assert calendar_get().spec.count_from_next_morning_after_cutoff is False  # national default
