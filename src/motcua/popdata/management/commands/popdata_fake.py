"""``motcua popdata-fake``: the fake national population database on this machine, for the demo
(docs/popdata.md). Point the site at it with MOTCUA_POPDATA_BACKEND=…HttpBackend and the URLs
it prints; make it fail with ``POST /_control {"mode": "error"}`` (or slow, …) or stop it."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from motcua.core.command import MotcuaCommand
from motcua.popdata.fake import MODES, FakePopulationDb


class Command(MotcuaCommand):
    help = "Chạy máy chủ giả lập CSDL quốc gia về dân cư (chỉ dùng để trình diễn, thử nghiệm)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument("--client-id", default="motcua")
        parser.add_argument("--client-secret", default="")
        parser.add_argument("--mode", default="ok", choices=MODES)

    def handle(self, *args: Any, **opts: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không chạy máy chủ giả lập khi chạy thật.")
        fake = FakePopulationDb(
            client_id=opts["client_id"],
            client_secret=opts["client_secret"] or None,
            port=opts["port"],
        )
        fake.mode = opts["mode"]
        self.stdout.write(
            "Máy chủ giả lập CSDL quốc gia về dân cư đang chạy. Cấu hình trang web:\n"
            f"  MOTCUA_POPDATA_BACKEND=motcua.popdata.backends.HttpBackend\n"
            f"  MOTCUA_POPDATA_TOKEN_URL={fake.token_url}\n"
            f"  MOTCUA_POPDATA_URL={fake.verify_url}\n"
            f"  MOTCUA_POPDATA_CLIENT_ID={fake.client_id}\n"
            f"  MOTCUA_POPDATA_CLIENT_SECRET={fake.client_secret}\n"
            f'Đổi chế độ: curl -X POST {fake.base_url}/_control -d \'{{"mode": "error"}}\' '
            f"({', '.join(MODES)}). Dừng: Ctrl+C."
        )
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            fake.serve_forever()
