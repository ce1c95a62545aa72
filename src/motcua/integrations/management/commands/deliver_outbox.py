"""``motcua deliver-outbox``: send pending notifications (run by cron, Celery beat or a loop)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.integrations.services import outbox_deliver


class Command(MotcuaCommand):
    help = "Gửi các thông báo đang chờ trong hộp thư đi (e-mail, SMS), gửi lại khi lỗi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, default=0, help="Lặp lại sau mỗi N giây (0 = chạy một lần)"
        )

    def handle(self, *args: object, **opts: Any) -> None:
        while True:
            self.stdout.write(json.dumps(outbox_deliver(), ensure_ascii=False))
            if not opts["loop"]:
                return
            time.sleep(opts["loop"])
