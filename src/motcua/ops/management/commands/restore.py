"""``motcua restore --from DIR``: a backup into a fresh database and the configured storage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.ops.backup import restore


class Command(MotcuaCommand):
    help = (
        "Khôi phục một bản sao lưu (motcua backup) vào cơ sở dữ liệu MỚI, trống (DATABASE_URL) "
        "và kho tệp đang cấu hình; kiểm tra số hồ sơ, tài liệu, tệp với bản sao lưu."
    )
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="Thư mục sao lưu")

    def handle(self, *args: object, **opts: Any) -> None:
        try:
            result = restore(source=Path(opts["source"]))
        except DomainError as exc:
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            sys.exit(2)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
