"""``motcua sweep-files [--dry-run]``: remove uploaded files that no document refers to."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.dossiers.services import files_sweep


class Command(MotcuaCommand):
    help = "Xóa tệp tải lên không thuộc tài liệu nào (do giao dịch bị hủy), cũ hơn 1 giờ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: object, **opts: Any) -> None:
        self.stdout.write(json.dumps(files_sweep(dry_run=opts["dry_run"])))
