"""``motcua stats-rebuild [--from D --to D]``: recompute the statistics' daily counts."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.reports.agg_rebuild import rebuild_aggregates, vacuum_counts
from motcua.reports.management.commands._args import fail, period


class Command(MotcuaCommand):
    help = (
        "Tính lại số liệu tổng hợp theo ngày từ hồ sơ (mọi ngày, hoặc các ngày từ --from đến --to)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", default="")
        parser.add_argument("--to", dest="last", default="")

    def handle(self, *args: object, **opts: Any) -> None:
        if bool(opts["first"]) != bool(opts["last"]):
            fail("bad_period", "cần cả --from và --to, hoặc không có cả hai")
        if opts["first"]:
            p = period(opts["first"], opts["last"])
            counts = rebuild_aggregates(p.first, p.last)
        else:
            counts = rebuild_aggregates()
        counts["vacuumed"] = vacuum_counts()
        sys.stdout.write(json.dumps(counts) + "\n")
