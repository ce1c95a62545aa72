"""``motcua stats-verify --from D --to D [--unit CODE] [--months]``: the report from the daily
counts against the direct scan of the dossiers (the reference); every difference on stdout,
exit code 1 when there is one."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.ops.routers import replica_reads
from motcua.reports.management.commands._args import period, unit
from motcua.reports.verify import verify


class Command(MotcuaCommand):
    help = "So sánh báo cáo tính từ số liệu tổng hợp theo ngày với báo cáo quét trực tiếp hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--unit", default="")
        parser.add_argument(
            "--months", action="store_true", help="so sánh thêm từng tháng trong kỳ"
        )

    def handle(self, *args: object, **opts: Any) -> None:
        with replica_reads():
            p = period(opts["first"], opts["last"])
            u = unit(opts["unit"])
            result = verify(p, unit=u, months=opts["months"])
        for line in result["differences"]:
            sys.stdout.write(line + "\n")
        summary = {k: v for k, v in result.items() if k != "differences"}
        summary["differences"] = len(result["differences"])
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        if result["differences"]:
            sys.exit(1)
