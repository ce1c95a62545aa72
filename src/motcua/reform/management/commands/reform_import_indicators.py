"""``motcua reform-import-indicators FILE.xlsx``: indicator values, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import ImportFailed
from motcua.reform.plan_import import indicators_import


class Command(MotcuaCommand):
    help = (
        "Nhập giá trị chỉ tiêu cải cách hành chính từ tệp Excel (hoặc tất cả, hoặc không dòng nào)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: object, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            sys.stderr.write(f"lỗi [file_not_found]: không có tệp {path}\n")
            sys.exit(2)
        try:
            n = indicators_import(actor=None, data=path.read_bytes())
        except ImportFailed as exc:
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            for line, reason in exc.details or []:
                sys.stderr.write(f"  dòng {line}: {reason}\n")
            sys.exit(2)
        self.stdout.write(f"Đã nhập {n} giá trị chỉ tiêu.")
