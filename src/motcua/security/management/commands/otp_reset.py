"""``motcua otp-reset USERNAME``: remove a staff member's TOTP devices (lost phone); their next
login enrols a new app. Audited (``otp.reset``, by the server's operator)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.security.services import totp_reset


class Command(MotcuaCommand):
    help = "Đặt lại xác thực hai bước của một cán bộ (mất điện thoại)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            self.stderr.write(f"lỗi [not_found]: không có tài khoản {opts['username']}")
            raise SystemExit(2)
        try:
            count = totp_reset(actor=None, user=user)
        except DomainError as exc:
            self.stderr.write(f"lỗi [{exc.code}]: {exc.message}")
            raise SystemExit(2) from None
        self.stdout.write(f"Đã gỡ {count} thiết bị xác thực của {user.get_username()}.")
