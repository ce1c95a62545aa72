"""``motcua due``: the due instant of a time limit in working days, as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
from django.core.management.base import CommandParser

from motcua.worktime.core import (
    Calendar,
    WorktimeError,
    due_batch,
    due_ts,
    from_ts,
    parse_instant,
    parse_pause,
    to_ts,
)
from motcua.worktime.management.commands._cli import WorktimeCommand


def _parse_days(value: Any) -> float:
    if isinstance(value, bool):
        raise WorktimeError("bad_days", f"Số ngày không hợp lệ: {value!r}")
    try:
        days = float(value)
    except (TypeError, ValueError):
        raise WorktimeError("bad_days", f"Số ngày không hợp lệ: {value!r}") from None
    if not days > 0 or days != days or days == float("inf"):
        raise WorktimeError("bad_days", f"Số ngày làm việc phải lớn hơn 0 (nhận {value!r})")
    return days


class Command(WorktimeCommand):
    help = (
        "Tính hạn giải quyết: --start ISO --days N [--pause START/END ...]; "
        "hoặc --batch đọc từng dòng JSON {start, days, pauses} từ stdin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="Thời điểm bắt đầu, ISO 8601 có múi giờ")
        parser.add_argument("--days", help="Số ngày làm việc (> 0, có thể lẻ như 0.5)")
        parser.add_argument("--batch", action="store_true", help="Đọc JSON lines từ stdin")
        self.add_calendar_arguments(parser)

    def handle(self, *args: object, **opts: Any) -> None:
        try:
            calendar = self.calendar(opts["calendar"])
        except WorktimeError as exc:
            self.fail(exc)
        if opts["batch"]:
            if opts["start"] or opts["days"] or opts["pause"]:
                self.fail("--batch không dùng cùng --start, --days, --pause")
            self.batch(calendar)
            return
        if not opts["start"] or opts["days"] is None:
            self.fail("cần --start và --days (hoặc --batch)")
        try:
            start = to_ts(parse_instant(opts["start"]))
            budget = calendar.budget_seconds(_parse_days(opts["days"]))
            pauses = [parse_pause(p) for p in opts["pause"]]
            result = due_ts(calendar, start, budget, pauses)
        except WorktimeError as exc:
            self.fail(exc)
        self.stdout.write(json.dumps({"due": from_ts(calendar, result).isoformat()}))

    def batch(self, calendar: Calendar) -> None:
        """All lines are checked before anything is written: a bad line writes nothing."""
        starts: list[int] = []
        budgets: list[int] = []
        paused: dict[int, list[tuple[int, int]]] = {}
        for n, raw in enumerate(sys.stdin, start=1):
            if not raw.strip():
                self.fail("dòng trống", n)
            try:
                item = json.loads(raw)
                if not isinstance(item, dict):
                    raise WorktimeError("bad_line", "mỗi dòng phải là một đối tượng JSON")
                if "start" not in item or "days" not in item:
                    raise WorktimeError("bad_line", "thiếu trường start hoặc days")
                starts.append(to_ts(parse_instant(str(item["start"]))))
                budgets.append(calendar.budget_seconds(_parse_days(item["days"])))
                pauses = item.get("pauses") or []
                if not isinstance(pauses, list):
                    raise WorktimeError("bad_pause", "pauses phải là một danh sách START/END")
                if pauses:
                    paused[n - 1] = [parse_pause(str(p)) for p in pauses]
            except json.JSONDecodeError:
                self.fail("không phải JSON hợp lệ", n)
            except WorktimeError as exc:
                self.fail(exc, n)
        try:
            dues = due_batch(
                calendar, np.array(starts, dtype=np.int64), np.array(budgets, dtype=np.int64)
            ).tolist()
            for i, pauses_ts in paused.items():
                dues[i] = due_ts(calendar, starts[i], budgets[i], pauses_ts)
        except WorktimeError as exc:
            self.fail(exc)
        write = self.stdout.write
        for value in dues:
            write(json.dumps({"due": from_ts(calendar, value).isoformat()}))
