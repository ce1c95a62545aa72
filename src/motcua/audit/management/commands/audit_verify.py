"""``motcua audit-verify``: check the whole audit chain; exit 1 at the first bad entry.

Run it from cron (daily) and alert on a non-zero exit; docs/audit.md."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandParser

from motcua.audit.events import events_verify
from motcua.audit.services import audit_verify
from motcua.core.command import MotcuaCommand


class Command(MotcuaCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký kiểm toán; báo mục hỏng đầu tiên, mã thoát 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument(
            "--no-events",
            action="store_true",
            help="Không đối chiếu nhật ký sự kiện hồ sơ với chuỗi (chỉ kiểm tra chuỗi)",
        )

    def handle(self, *args: object, **opts: Any) -> None:
        verdict = audit_verify()
        events = None
        if verdict.ok and not opts["no_events"]:
            events = events_verify()
        if opts["json"]:
            out = asdict(verdict)
            out["events"] = asdict(events) if events is not None else None
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            if verdict.ok:
                self.stdout.write(verdict.line())
            if events is not None and events.ok:
                self.stdout.write(events.line())
        for bad in (verdict, events):
            if bad is not None and not bad.ok:
                sys.stderr.write(bad.line() + "\n")
                sys.exit(1)
