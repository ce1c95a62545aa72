"""``motcua morning-warnings``: write today's warnings to officers and leaders (cron or beat)."""

from __future__ import annotations

import json
from typing import Any

from motcua.core.command import MotcuaCommand
from motcua.ops.services import morning_warnings


class Command(MotcuaCommand):
    help = (
        "Ghi thư cảnh báo buổi sáng (hồ sơ đến hạn trong ngày làm việc tới, quá hạn, cần văn bản "
        "xin lỗi) cho cán bộ xử lý và lãnh đạo; gửi bằng `motcua deliver-outbox`."
    )

    def handle(self, *args: object, **opts: Any) -> None:
        self.stdout.write(json.dumps(morning_warnings(), ensure_ascii=False))
