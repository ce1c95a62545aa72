"""``motcua esign-init``: create the demo certificate authority (once) under MOTCUA_ESIGN_DIR."""

from __future__ import annotations

import json
from typing import Any

from motcua.core.command import MotcuaCommand
from motcua.esign.services import esign_init


class Command(MotcuaCommand):
    help = (
        "Tạo CA trình diễn (chỉ dùng thử, không dùng thật) trong thư mục MOTCUA_ESIGN_DIR nếu "
        "chưa có; in dấu vân tay của chứng thư gốc."
    )

    def handle(self, *args: object, **opts: Any) -> None:
        self.stdout.write(json.dumps(esign_init(), ensure_ascii=False))
