"""``motcua postal-fake-operator --port 8099``: the fake postal operator for the demo (the same
VNPost-style protocol the tests use, ``postal.fakeoperator``). Point the site at it with
MOTCUA_POSTAL_URL=http://127.0.0.1:8099 and the same MOTCUA_POSTAL_SECRET; move a shipment on
with ``curl -X POST …/_fake/advance -d '{"ItemCode": "…", "StatusId": 50}'``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.postal.fakeoperator import FakeOperator


class Command(MotcuaCommand):
    help = "Chạy máy chủ bưu chính giả lập (thử nghiệm, trình diễn) trên 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8099)

    def handle(self, *args: object, **opts: Any) -> None:
        secret = getattr(settings, "MOTCUA_POSTAL_SECRET", "")
        if not secret:
            self.stderr.write("lỗi [postal_not_configured]: cần đặt MOTCUA_POSTAL_SECRET")
            raise SystemExit(2)
        fake = FakeOperator(
            secret=secret, token=getattr(settings, "MOTCUA_POSTAL_TOKEN", ""), port=opts["port"]
        )
        self.stdout.write(f"Bưu chính giả lập: {fake.url} (Ctrl+C để dừng)")
        try:
            fake.serve_forever()
        except KeyboardInterrupt:
            fake.down()
