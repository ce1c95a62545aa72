"""``motcua postal-poll``: ask the postal operator for the statuses of the open shipments and
record them (the in-process fallback of the Celery task ``motcua.postal_poll``)."""

from __future__ import annotations

import json
from typing import Any

from motcua.core.command import MotcuaCommand
from motcua.postal.services import shipments_poll


class Command(MotcuaCommand):
    help = "Tra cứu trạng thái các bưu gửi đang chuyển và cập nhật hồ sơ."

    def handle(self, *args: object, **opts: Any) -> None:
        counts = shipments_poll()
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
