"""``motcua sync-portal``: deliver pending status changes to the national public-service portal
(in order per dossier, retried with back-off; docs/national-portal.md)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from motcua.core.command import MotcuaCommand
from motcua.integrations.portal import PortalNotConfigured, portal_sync


class Command(MotcuaCommand):
    help = "Đồng bộ trạng thái hồ sơ lên Cổng Dịch vụ công quốc gia (theo thứ tự từng hồ sơ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=1000, help="Tối đa số yêu cầu gửi mỗi lượt (mặc định 1000)"
        )
        parser.add_argument(
            "--loop", type=float, default=0, help="Lặp lại sau mỗi N giây (0 = chạy một lần)"
        )

    def handle(self, *args: object, **opts: Any) -> None:
        if opts["limit"] < 1:
            raise CommandError("--limit phải lớn hơn 0")
        while True:
            try:
                counts = portal_sync(limit=opts["limit"])
            except PortalNotConfigured as exc:
                raise CommandError(
                    f"{exc}: đặt MOTCUA_PORTAL_URL (và MOTCUA_PORTAL_TOKEN) rồi chạy lại"
                ) from None
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
            if not opts["loop"]:
                return
            time.sleep(opts["loop"])
