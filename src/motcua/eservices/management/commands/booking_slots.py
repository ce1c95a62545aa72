"""motcua booking-slots --desk <code> [--week-of YYYY-MM-DD]: a week of counter-visit slots of a
desk from its weekly templates (SlotTemplate), on its working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from motcua.core.command import MotcuaCommand
from motcua.eservices import services as svc
from motcua.units.models import Agency


class Command(MotcuaCommand):
    help = "Tạo khung giờ đặt lịch nộp hồ sơ của một tuần từ mẫu khung giờ của nơi tiếp nhận"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--desk", required=True, help="mã nơi tiếp nhận (QCVN 102)")
        parser.add_argument("--week-of", default="", help="một ngày trong tuần (YYYY-MM-DD)")

    def handle(self, *args: Any, **opts: Any) -> None:
        desk = Agency.objects.filter(code=opts["desk"], receives_dossiers=True).first()
        if desk is None:
            raise CommandError(f"lỗi [not_a_desk]: không có nơi tiếp nhận mã {opts['desk']}")
        try:
            week = (
                dt.date.fromisoformat(opts["week_of"])
                if opts["week_of"]
                else timezone.localdate() + dt.timedelta(days=7)
            )
        except ValueError:
            raise CommandError("lỗi [bad_date]: ngày phải có dạng YYYY-MM-DD") from None
        with transaction.atomic():
            n = svc.slots_generate(actor=None, desk=desk, week_of=week)
        self.stdout.write(f"Đã tạo {n} khung giờ cho {desk.name}.")
