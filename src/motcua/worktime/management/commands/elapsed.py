"""``motcua elapsed``: working minutes between two instants, skipping pauses, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from motcua.worktime.core import WorktimeError, elapsed_ts, parse_instant, parse_pause, to_ts
from motcua.worktime.management.commands._cli import WorktimeCommand


class Command(WorktimeCommand):
    help = "Số phút làm việc giữa hai thời điểm: --start ISO --end ISO [--pause START/END ...]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        self.add_calendar_arguments(parser)

    def handle(self, *args: object, **opts: Any) -> None:
        try:
            calendar = self.calendar(opts["calendar"])
            start = to_ts(parse_instant(opts["start"]))
            end = to_ts(parse_instant(opts["end"]))
            if end < start:
                raise WorktimeError("bad_range", "Thời điểm kết thúc trước thời điểm bắt đầu")
            pauses = [parse_pause(p) for p in opts["pause"]]
            seconds = elapsed_ts(calendar, start, end, pauses)
        except WorktimeError as exc:
            self.fail(exc)
        minutes: float = seconds // 60 if seconds % 60 == 0 else round(seconds / 60, 2)
        self.stdout.write(json.dumps({"working_minutes": minutes}))
