"""Daily reconciliation: what this system recorded on a day, per collecting agency, and the
online part compared with the gateway's own records of that day.

The day is a local (Asia/Ho_Chi_Minh) date. Online attempts and gateway transactions are
matched by order reference (``vnp_TxnRef``) and both belong to the day they were created;
payments count on the day they were paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.payments.models import (
    PaymentAttempt,
    PaymentChannel,
    PaymentRequest,
    PaymentStatus,
)
from motcua.units.models import Agency


@dataclass
class AgencyTotals:
    agency: Agency
    paid: int = 0
    paid_vnd: int = 0
    online: int = 0
    online_vnd: int = 0
    counter: int = 0
    counter_vnd: int = 0
    pending: int = 0
    pending_vnd: int = 0
    failed: int = 0


@dataclass
class Mismatch:
    txn_ref: str
    problem: str
    ours: str = ""
    gateway: str = ""
    agency: str = ""


@dataclass
class Reconciliation:
    day: dt.date
    rows: list[AgencyTotals]
    mismatches: list[Mismatch] = field(default_factory=list)
    gateway_checked: bool = False
    gateway_count: int = 0
    gateway_vnd: int = 0
    ours_online_count: int = 0
    ours_online_vnd: int = 0

    @property
    def total_vnd(self) -> int:
        return sum(r.paid_vnd for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "agencies": [
                {
                    "agency": r.agency.code,
                    "name": r.agency.name,
                    "paid": r.paid,
                    "paid_vnd": r.paid_vnd,
                    "online": r.online,
                    "online_vnd": r.online_vnd,
                    "counter": r.counter,
                    "counter_vnd": r.counter_vnd,
                    "pending": r.pending,
                    "pending_vnd": r.pending_vnd,
                    "failed": r.failed,
                }
                for r in self.rows
            ],
            "total_vnd": self.total_vnd,
            "gateway_checked": self.gateway_checked,
            "gateway": {"count": self.gateway_count, "vnd": self.gateway_vnd},
            "ours_online": {"count": self.ours_online_count, "vnd": self.ours_online_vnd},
            "mismatches": [m.__dict__ for m in self.mismatches],
        }


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def reconcile(
    *, day: dt.date, agency_ids: list[int] | None, gateway_rows: list[dict] | None
) -> Reconciliation:
    """Totals per agency for ``day`` and, when ``gateway_rows`` is given (the gateway's list of
    that day), every difference between the two. ``agency_ids`` None = every agency."""
    start, end = day_bounds(day)
    payments = PaymentRequest.objects.all()
    attempts = PaymentAttempt.objects.all()
    if agency_ids is not None:
        payments = payments.filter(agency_id__in=agency_ids)
        attempts = attempts.filter(payment__agency_id__in=agency_ids)
    paid = Q(status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end)
    online = paid & Q(channel=PaymentChannel.ONLINE)
    counter = paid & ~Q(channel=PaymentChannel.ONLINE)
    pending = Q(status=PaymentStatus.PENDING, created_at__gte=start, created_at__lt=end)
    sums = (
        payments.values("agency_id")
        .annotate(
            paid=Count("id", filter=paid),
            paid_vnd=Sum("amount_vnd", filter=paid, default=0),
            online=Count("id", filter=online),
            online_vnd=Sum("amount_vnd", filter=online, default=0),
            counter=Count("id", filter=counter),
            counter_vnd=Sum("amount_vnd", filter=counter, default=0),
            pending=Count("id", filter=pending),
            pending_vnd=Sum("amount_vnd", filter=pending, default=0),
        )
        .filter(Q(paid__gt=0) | Q(pending__gt=0))
    )
    failed = dict(
        attempts.filter(
            created_at__gte=start,
            created_at__lt=end,
            status__in=(PaymentStatus.FAILED, PaymentStatus.CANCELLED),
        )
        .values_list("payment__agency_id")
        .annotate(n=Count("id"))
    )
    by_agency: dict[int, dict[str, int]] = {s.pop("agency_id"): s for s in sums}
    for agency_id in failed:
        by_agency.setdefault(agency_id, {})
    agencies = Agency.objects.in_bulk(list(by_agency))
    rows = [
        AgencyTotals(agency=agencies[a], failed=failed.get(a, 0), **by_agency[a])
        for a in sorted(by_agency, key=lambda a: agencies[a].code)
    ]
    result = Reconciliation(day=day, rows=rows)
    ours = {
        a.txn_ref: a
        for a in attempts.filter(created_at__gte=start, created_at__lt=end).select_related(
            "payment__agency", "payment__dossier"
        )
    }
    result.ours_online_count = sum(1 for a in ours.values() if a.status == PaymentStatus.PAID)
    result.ours_online_vnd = sum(
        a.amount_vnd for a in ours.values() if a.status == PaymentStatus.PAID
    )
    if gateway_rows is not None:
        result.gateway_checked = True
        _compare(result, ours, gateway_rows, scoped=agency_ids is not None)
    return result


def _gateway_amount(row: dict) -> int | None:
    text = str(row.get("vnp_Amount", ""))
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text) // 100


def _compare(
    result: Reconciliation, ours: dict[str, PaymentAttempt], rows: list[dict], *, scoped: bool
) -> None:
    seen: set[str] = set()
    for row in rows:
        ref = str(row.get("vnp_TxnRef", ""))[:40]
        ok = row.get("vnp_TransactionStatus") == "00"
        amount = _gateway_amount(row)
        mine = ours.get(ref)
        if ok:
            result.gateway_count += 1 if (mine is not None or not scoped) else 0
            result.gateway_vnd += (amount or 0) if (mine is not None or not scoped) else 0
        if mine is None:
            if ok and not scoped:  # another agency's or nobody's: only the province sees it
                result.mismatches.append(
                    Mismatch(
                        ref,
                        "Cổng báo thành công, hệ thống không có giao dịch này",
                        "",
                        f"{amount} đồng",
                    )
                )
            continue
        seen.add(ref)
        agency = mine.payment.agency.name
        if ok and mine.status != PaymentStatus.PAID:
            result.mismatches.append(
                Mismatch(
                    ref,
                    "Cổng báo thành công, hệ thống chưa ghi nhận đã thanh toán",
                    mine.get_status_display(),
                    f"{amount} đồng",
                    agency,
                )
            )
        elif not ok and mine.status == PaymentStatus.PAID:
            result.mismatches.append(
                Mismatch(
                    ref,
                    "Hệ thống ghi nhận thành công, cổng báo không thành công",
                    "Đã thanh toán",
                    str(row.get("vnp_TransactionStatus", "")),
                    agency,
                )
            )
        if amount is not None and amount != mine.amount_vnd:
            result.mismatches.append(
                Mismatch(
                    ref, "Số tiền khác nhau", f"{mine.amount_vnd} đồng", f"{amount} đồng", agency
                )
            )
        if (
            ok
            and mine.status == PaymentStatus.PAID
            and (
                (mine.payment.gateway_txn_ref and mine.payment.gateway_txn_ref != mine.txn_ref)
                or mine.payment.channel != PaymentChannel.ONLINE
            )
        ):
            result.mismatches.append(
                Mismatch(
                    ref,
                    "Hồ sơ được thanh toán hai lần: cần hoàn tiền giao dịch này",
                    f"hồ sơ {mine.payment.dossier.code}",
                    f"{amount} đồng",
                    agency,
                )
            )
    for ref, mine in ours.items():
        if ref not in seen and mine.status == PaymentStatus.PAID:
            result.mismatches.append(
                Mismatch(
                    ref,
                    "Hệ thống ghi nhận thành công, cổng không có giao dịch này",
                    f"{mine.amount_vnd} đồng",
                    "",
                    mine.payment.agency.name,
                )
            )
