"""``motcua par-template-load [--tep FILE] [--nap-de]``: load the PAR criteria trees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from motcua.core.command import MotcuaCommand
from motcua.core.errors import DomainError
from motcua.reform.par_templates import problems, shipped, template_load


class Command(MotcuaCommand):
    help = "Nạp bộ tiêu chí Chỉ số CCHC (mặc định: các bộ kèm theo hệ thống)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tep", help="tệp JSON một bộ tiêu chí (xem docs/reform-index.md)")
        parser.add_argument(
            "--nap-de",
            action="store_true",
            help="nạp đè bộ cùng mã khi bộ đó chưa có kết quả đánh giá",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts.get("tep"):
            try:
                items = [json.loads(Path(opts["tep"]).read_text("utf-8"))]
            except (OSError, ValueError) as exc:
                raise CommandError(f"Không đọc được tệp {opts['tep']}: {exc}") from None
        else:
            items = shipped()
        for data in items:
            try:
                t, created = template_load(data, replace=opts["nap_de"])
            except DomainError as exc:
                raise CommandError(exc.message) from None
            state = "đã nạp" if created else "đã có, giữ nguyên"
            self.stdout.write(
                f"{t.code}: {state} — {t.name}, {t.criteria.count()} dòng, "
                f"tối đa {t.max_total().normalize():f} điểm"
            )
            for p in problems(t):
                self.stdout.write(f"  cảnh báo: {p}")
