"""``motcua payments-reconcile --date YYYY-MM-DD``: the day's payments per collecting agency,
compared with the gateway's own list of that day. Exit 0 when everything matches, 1 when
differences are listed, 2 on an error (bad date, gateway unreachable or badly signed)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from motcua.core.command import MotcuaCommand
from motcua.core.text import number, vnd
from motcua.payments import gateway as gw
from motcua.payments.forms import ReconcileForm
from motcua.payments.reconcile import reconcile


class Command(MotcuaCommand):
    help = "Đối soát thanh toán trong một ngày với cổng thanh toán."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="Ngày đối soát, YYYY-MM-DD")
        parser.add_argument(
            "--no-gateway", action="store_true", help="Chỉ tổng hợp, không truy vấn cổng"
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")

    def _fail(self, code: str, message: str) -> None:
        self.stderr.write(f"lỗi [{code}]: {message}")
        raise SystemExit(2)

    def handle(self, *args: object, **opts: Any) -> None:
        form = ReconcileForm({"ngay": opts["date"]})
        if not form.is_valid():
            self._fail("bad_date", " ".join(form.messages()))
        day: dt.date = form.cleaned_data["ngay"]
        rows = None
        if not opts["no_gateway"]:
            try:
                rows = gw.list_transactions(day, now=timezone.now())
            except gw.GatewayError as exc:
                self._fail(exc.code, exc.message)
        result = reconcile(day=day, agency_ids=None, gateway_rows=rows)
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"Đối soát thanh toán ngày {day:%d/%m/%Y}")
            for r in result.rows:
                self.stdout.write(
                    f"  {r.agency.code} {r.agency.name}: đã thu {number(r.paid)} khoản, "
                    f"{vnd(r.paid_vnd)} (trực tuyến {number(r.online)}, tại quầy "
                    f"{number(r.counter)}); chờ {number(r.pending)}; không thành công "
                    f"{number(r.failed)}"
                )
            self.stdout.write(f"  Tổng đã thu: {vnd(result.total_vnd)}")
            if result.gateway_checked:
                self.stdout.write(
                    f"  Cổng thanh toán: {number(result.gateway_count)} giao dịch thành công, "
                    f"{vnd(result.gateway_vnd)}; hệ thống: {number(result.ours_online_count)}, "
                    f"{vnd(result.ours_online_vnd)}"
                )
                for m in result.mismatches:
                    self.stdout.write(
                        f"  CHÊNH LỆCH {m.txn_ref}: {m.problem} (hệ thống: {m.ours or '—'}; "
                        f"cổng: {m.gateway or '—'}) {m.agency}"
                    )
                if not result.mismatches:
                    self.stdout.write("  Khớp: không có chênh lệch.")
        if result.mismatches:
            raise SystemExit(1)
