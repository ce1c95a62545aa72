"""Shared plumbing of the ``due`` and ``elapsed`` commands: one clear line and exit 2 on bad
input, JSON on stdout."""

from __future__ import annotations

import sys
from typing import NoReturn

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.worktime.calendars import calendar_get
from motcua.worktime.core import Calendar, WorktimeError


class WorktimeCommand(MotcuaCommand):
    def add_calendar_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--calendar",
            default=None,
            help="Mã lịch làm việc đã lưu; mặc định là lịch quốc gia dựng sẵn.",
        )
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START/END",
            help="Khoảng tạm dừng (ISO 8601), có thể lặp lại.",
        )

    def calendar(self, code: str | None) -> Calendar:
        if code:
            return calendar_get(code)
        from motcua.worktime.core import national_calendar

        return national_calendar()

    def fail(self, exc: WorktimeError | str, line: int | None = None) -> NoReturn:
        text = exc.message if isinstance(exc, WorktimeError) else exc
        code = exc.code if isinstance(exc, WorktimeError) else "bad_input"
        where = f"dòng {line}: " if line is not None else ""
        sys.stderr.write(f"lỗi [{code}]: {where}{text}\n")
        sys.exit(2)
