"""``motcua report --from D --to D [--unit CODE] [--format json|xlsx|docx|bieu06] [-o FILE]``."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.output import output_path, write_output
from motcua.core.text import number
from motcua.ops.routers import replica_reads
from motcua.reports.aggregates import one_reading
from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
from motcua.reports.indices import evaluation, index766, targets_vs_actual
from motcua.reports.management.commands._args import fail, period, unit
from motcua.reports.selectors import report, report_units


class Command(MotcuaCommand):
    help = "Báo cáo kết quả giải quyết TTHC trong kỳ (JSON, XLSX có Biểu 06, DOCX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--unit", default="")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "docx", "bieu06"])
        parser.add_argument("-o", "--output", default="")
        # two-level local government (issue 11): per receiving desk too; abolished agencies'
        # rows merged into their successors
        parser.add_argument("--by-desk", action="store_true")
        parser.add_argument("--roll-up", action="store_true")

    def handle(self, *args: object, **opts: Any) -> None:
        # a streaming replica where one is configured (motcua.ops); the report and the index
        # share their largest read (aggregates.one_reading)
        with replica_reads(), one_reading():
            self._handle(**opts)

    def _handle(self, **opts: Any) -> None:
        p = period(opts["first"], opts["last"])
        u = unit(opts["unit"])
        fmt = opts["format"]
        if fmt != "json" and not opts["output"]:
            fail("output_required", f"định dạng {fmt} cần -o TỆP")
        out = output_path(opts["output"]) if opts["output"] else None
        rep = report(p, unit=u, by_desk=opts["by_desk"], roll_up=opts["roll_up"])
        if fmt == "json":
            rep["index766"] = index766(p, unit=u)
            rep["targets"] = targets_vs_actual(p)
            text = json.dumps(rep, ensure_ascii=False, indent=1)
            if out is not None:
                write_output(out, text + "\n")
            else:
                sys.stdout.write(text + "\n")
            return
        if fmt == "docx":
            data = to_docx(rep)
        else:
            reporting, receiving = report_units(u)
            data = to_xlsx(
                rep,
                bieu06_rows(rep),
                reporting_unit=reporting,
                receiving_unit=receiving,
                evaluation=evaluation(p, unit=u),
            )
        assert out is not None  # noqa: S101 - output_required is checked above
        write_output(out, data)
        self.stderr.write(f"Đã ghi {opts['output']} ({number(len(data))} byte)")
