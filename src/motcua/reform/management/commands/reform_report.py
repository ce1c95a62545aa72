"""``motcua reform-report --from D --to D [--unit CODE] --format docx|json [-o FILE]``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.output import output_path, write_output
from motcua.core.text import number
from motcua.reform.report_data import build, default_province
from motcua.reform.report_docx import to_docx
from motcua.reports.management.commands._args import fail, period, unit


class Command(MotcuaCommand):
    help = "Báo cáo kết quả cải cách hành chính trong kỳ (6 tháng, năm): DOCX hoặc JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--unit", default="", help="mã tỉnh (mặc định: tỉnh có kế hoạch)")
        parser.add_argument("--format", default="json", choices=["json", "docx"])
        parser.add_argument("-o", "--output", default="")

    def handle(self, *args: object, **opts: Any) -> None:
        p = period(opts["first"], opts["last"])
        named = unit(opts["unit"])
        province = named or default_province()
        if province is None:
            fail(
                "no_province",
                "chưa có tỉnh nào trong hệ thống (chạy `motcua demo` hoặc nhập đơn vị)",
            )
        fmt = opts["format"]
        if fmt == "docx" and not opts["output"]:
            fail("output_required", "định dạng docx cần -o TỆP")
        out = output_path(opts["output"]) if opts["output"] else None
        rep = build(p, unit=province, one_stop_unit=named)
        if fmt == "json":
            text = json.dumps(rep, ensure_ascii=False, indent=1) + "\n"
            if out is None:
                self.stdout.write(text, ending="")
                return
            write_output(out, text)
        else:
            assert out is not None  # noqa: S101 - output_required is checked above
            data = to_docx(rep)
            write_output(out, data)
        self.stderr.write(f"Đã ghi {opts['output']} ({number(out.stat().st_size)} byte)")
