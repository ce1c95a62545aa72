"""``motcua audit-verify``: check the whole audit chain; exit 1 at the first bad entry.

Run it from cron (daily) and alert on a non-zero exit; docs/audit.md."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.audit.services import audit_verify


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký kiểm toán; báo mục hỏng đầu tiên, mã thoát 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")

    def handle(self, *args: object, **opts: Any) -> None:
        verdict = audit_verify()
        if opts["json"]:
            self.stdout.write(json.dumps(asdict(verdict), ensure_ascii=False))
        elif verdict.ok:
            self.stdout.write(verdict.line())
        if not verdict.ok:
            sys.stderr.write(verdict.line() + "\n")
            sys.exit(1)
