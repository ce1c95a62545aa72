"""The demo's online payments: the half-year history's paid dossiers (the seed's 26,600 online
land-fee payments worth 165 billion VND, scaled) get their payment, attempt, e-receipt and the
sandbox gateway's matching record, written in bulk (``motcua demo`` stays fast)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from motcua.core.text import fold
from motcua.dossiers.models import Counter, Dossier
from motcua.payments import gateway as gw
from motcua.payments.models import (
    PaymentAttempt,
    PaymentChannel,
    PaymentRequest,
    PaymentStatus,
    Receipt,
)
from motcua.paysandbox.models import SandboxStatus, SandboxTransaction

LAND_ITEMS = ("Tiền sử dụng đất", "Lệ phí trước bạ nhà, đất")
#: a demo payment's first attempt (payments.services spells an attempt "MC<id>T<n>") and the
#: gateway's transaction number: written per row in Python and for all rows in SQL from these
REF_PREFIX, REF_SUFFIX, TXN_NO_BASE = "MC", "T1", 13_000_000


def _take(scope: str, key: str, n: int) -> int:
    """Reserve ``n`` numbers of a counter at once; returns the last one."""
    table = Counter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (scope, key, value) VALUES (%s, %s, %s) "  # noqa: S608 - our table
            f"ON CONFLICT (scope, key) DO UPDATE SET value = {table}.value + %s RETURNING value",
            [scope, key, n, n],
        )
        row = cur.fetchone()
    return int(row[0]) if row else n


def _items(amount: int, land: bool) -> list[dict]:
    if not land:
        return [{"name": "Phí, lệ phí", "amount_vnd": amount}]
    fee = amount // 200 // 1000 * 1000  # lệ phí trước bạ 0,5 %
    return (
        [
            {"name": LAND_ITEMS[0], "amount_vnd": amount - fee},
            {"name": LAND_ITEMS[1], "amount_vnd": fee},
        ]
        if fee
        else [{"name": LAND_ITEMS[0], "amount_vnd": amount}]
    )


def payments_demo_load() -> dict[str, int]:
    """Idempotent: dossiers that already have a payment are skipped."""
    dossiers = list(
        Dossier.objects.filter(online_payment_vnd__gt=0, payment__isnull=True)
        .select_related("procedure__field")
        # what the payment and its receipt copy (a dossier row is wide: its form, its pauses)
        .only(
            "code",
            "received_at",
            "online_payment_vnd",
            "receiving_agency_id",
            "applicant_name",
            "applicant_id_number",
            "applicant_address",
            "procedure__field__name",
        )
        .order_by("received_at", "id")
    )
    if not dossiers:
        return {"payments": 0, "vnd": 0}
    tmn = gw.tmn_code()
    payments: list[PaymentRequest] = []
    for d in dossiers:
        received = d.received_at or timezone.now()
        land = "dat dai" in fold(d.procedure.field.name)
        payments.append(
            PaymentRequest(
                dossier=d,
                agency_id=d.receiving_agency_id,
                items=_items(d.online_payment_vnd, land),
                amount_vnd=d.online_payment_vnd,
                status=PaymentStatus.PAID,
                channel=PaymentChannel.ONLINE,
                created_at=received,
                paid_at=received + dt.timedelta(minutes=65),
                recorded_label="Cổng thanh toán",
            )
        )
    PaymentRequest.objects.bulk_create(payments, batch_size=500)  # their ids set (RETURNING)
    attempts, sandbox = [], []
    for p in payments:
        ref, no = f"{REF_PREFIX}{p.pk}{REF_SUFFIX}", f"{TXN_NO_BASE + p.pk}"
        created = p.created_at + dt.timedelta(hours=1)
        p.gateway_txn_ref, p.gateway_txn_no = ref, no
        attempts.append(
            PaymentAttempt(
                payment=p,
                txn_ref=ref,
                amount_vnd=p.amount_vnd,
                status=PaymentStatus.PAID,
                created_at=created,
                finished_at=p.paid_at,
                gateway_txn_no=no,
                bank_code="NCB",
                response_code="00",
            )
        )
        sandbox.append(
            SandboxTransaction(
                token=secrets.token_urlsafe(32),
                tmn_code=tmn,
                txn_ref=ref,
                amount=p.amount_vnd * gw.AMOUNT_FACTOR,
                order_info=f"Thanh toan phi, le phi ho so {p.dossier.code}",
                return_url="http://127.0.0.1/",
                ip="127.0.0.1",
                created_at=created,
                status=SandboxStatus.SUCCESS,
                response_code="00",
                transaction_no=no,
                pay_date=p.paid_at,
                ipn_attempts=1,
                ipn_answer='{"RspCode": "00", "Message": "Confirm Success"}',
            )
        )
    # the references in SQL from each row's id, as computed above (Django's bulk_update writes a
    # CASE of every row's value: 26,600 payments took a minute of the seed-scale demo on SQLite)
    ids = [p.pk for p in payments]
    for at in range(0, len(ids), 5000):
        PaymentRequest.objects.filter(pk__in=ids[at : at + 5000]).update(
            gateway_txn_ref=Concat(Value(REF_PREFIX), Cast("id", CharField()), Value(REF_SUFFIX)),
            gateway_txn_no=Cast(F("id") + TXN_NO_BASE, CharField()),
        )
    PaymentAttempt.objects.bulk_create(attempts, batch_size=500)
    SandboxTransaction.objects.bulk_create(sandbox, batch_size=500)
    groups: dict[tuple[int, int], list[PaymentRequest]] = defaultdict(list)
    for p in payments:
        groups[(p.agency_id, timezone.localtime(p.paid_at).year)].append(p)  # type: ignore[arg-type]
    receipts = []
    for (agency_id, year), rows in groups.items():
        last = _take("receipt", f"{agency_id}:{year}", len(rows))
        for i, p in enumerate(
            sorted(rows, key=lambda r: (r.paid_at, r.pk)), start=last - len(rows) + 1
        ):
            d = p.dossier
            receipts.append(
                Receipt(
                    payment=p,
                    agency_id=agency_id,
                    year=year,
                    number=i,
                    issued_at=p.paid_at,
                    dossier_code=d.code or "",
                    payer_name=d.applicant_name,
                    payer_id_number=d.applicant_id_number,
                    payer_address=d.applicant_address,
                    items=p.items,
                    amount_vnd=p.amount_vnd,
                    channel=PaymentChannel.ONLINE,
                    reference=p.gateway_txn_no,
                )
            )
    Receipt.objects.bulk_create(receipts, batch_size=500)
    return {"payments": len(payments), "vnd": sum(p.amount_vnd for p in payments)}
