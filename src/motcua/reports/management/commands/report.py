"""``motcua report --from D --to D [--unit CODE] [--format json|xlsx|docx|bieu06] [-o FILE]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.text import number
from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
from motcua.reports.indices import index766, targets_vs_actual
from motcua.reports.management.commands._args import fail, period, unit
from motcua.reports.selectors import report


class Command(BaseCommand):
    help = "Báo cáo kết quả giải quyết TTHC trong kỳ (JSON, XLSX có Biểu 06, DOCX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--unit", default="")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "docx", "bieu06"])
        parser.add_argument("-o", "--output", default="")

    def handle(self, *args: object, **opts: Any) -> None:
        p = period(opts["first"], opts["last"])
        u = unit(opts["unit"])
        fmt = opts["format"]
        if fmt != "json" and not opts["output"]:
            fail("output_required", f"định dạng {fmt} cần -o TỆP")
        rep = report(p, unit=u)
        if fmt == "json":
            rep["index766"] = index766(p, unit=u)
            rep["targets"] = targets_vs_actual(p)
            text = json.dumps(rep, ensure_ascii=False, indent=1)
            if opts["output"]:
                Path(opts["output"]).write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
            return
        data = to_docx(rep) if fmt == "docx" else to_xlsx(rep, bieu06_rows(rep))
        Path(opts["output"]).write_bytes(data)
        self.stderr.write(f"Đã ghi {opts['output']} ({number(len(data))} byte)")
