"""``motcua otp-code USERNAME``: the TOTP code a demo leader's or administrator's app would show
now, for trying the demo without a phone. Refused when MOTCUA_ENV=production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.security.services import totp_current_code


class Command(MotcuaCommand):
    help = (
        "In mã xác thực hai bước hiện tại của một tài khoản trình diễn (không dùng khi chạy thật)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, **opts: Any) -> None:
        try:
            self.stdout.write(totp_current_code(username=opts["username"]))
        except DomainError as exc:
            self.stderr.write(f"lỗi [{exc.code}]: {exc.message}")
            raise SystemExit(2) from None
