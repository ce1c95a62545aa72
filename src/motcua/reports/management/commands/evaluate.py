"""``motcua evaluate --from D --to D [--unit CODE]``: Circular 01/2018 evaluation, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.ops.routers import replica_reads
from motcua.reports.indices import evaluation
from motcua.reports.management.commands._args import period, unit


class Command(MotcuaCommand):
    help = "Đánh giá giải quyết TTHC theo Thông tư 01/2018/TT-VPCP (9 chỉ số, 2/1/0 điểm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--unit", default="")

    def handle(self, *args: object, **opts: Any) -> None:
        with replica_reads():  # a streaming replica where one is configured (motcua.ops)
            self._handle(**opts)

    def _handle(self, **opts: Any) -> None:
        result = evaluation(period(opts["first"], opts["last"]), unit=unit(opts["unit"]))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
