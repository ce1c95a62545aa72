"""``motcua backup --to DIR``: the database and the stored files, into an empty folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.ops.backup import backup


class Command(MotcuaCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (PostgreSQL: pg_dump -Fc; SQLite: bản sao nhất quán) và toàn bộ "
        "tệp đã lưu vào một thư mục trống."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, help="Thư mục đích (trống hoặc chưa có)")

    def handle(self, *args: object, **opts: Any) -> None:
        try:
            manifest = backup(to=Path(opts["to"]))
        except DomainError as exc:
            sys.stderr.write(f"lỗi [{exc.code}]: {exc.message}\n")
            sys.exit(2)
        self.stdout.write(json.dumps(manifest, ensure_ascii=False))
