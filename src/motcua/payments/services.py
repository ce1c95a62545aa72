"""Payments: the fees due when a dossier is received, online payment through the gateway,
payments at the counter, the e-receipt.

Each write is one transaction: the payment rows, the dossier's statistics column
(``Dossier.online_payment_vnd``, read by the reports), the receipt, the outbox row and the audit
row together. A gateway notification that cannot be trusted (signature, merchant, amount, order)
changes nothing but its own log row (``GatewayNotification``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.deferred import insert
from motcua.core.errors import IllegalTransition, NotFound, ValidationFailed
from motcua.core.text import nfc, person_name
from motcua.dossiers.access import require_role
from motcua.dossiers.models import Channel, Dossier, Outbox, Status
from motcua.payments import gateway as gw
from motcua.payments.models import (
    GatewayNotification,
    NotificationKind,
    PaymentAttempt,
    PaymentChannel,
    PaymentRequest,
    PaymentStatus,
    Receipt,
    Verdict,
)
from motcua.reports.aggregates import aggregates_sync
from motcua.units.models import Role

log = logging.getLogger(__name__)

#: A dossier in these statuses may still be paid for.
PAYABLE_STATUSES = (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT, Status.RESOLVED)
#: ... and, when its request was made at submission (prepayment), before it is received.
PREPAYABLE_STATUSES = (Status.SUBMITTED, Status.NEEDS_COMPLETION)
OPEN_PAYMENT = (PaymentStatus.PENDING, PaymentStatus.FAILED)


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed("Thời điểm thiếu múi giờ", code="naive_datetime")
    return moment


def _outbox(topic: str, p: PaymentRequest, at: dt.datetime, **payload: Any) -> None:
    insert(  # at the end of the dossier's operation, when inside one (core.deferred)
        Outbox(
            topic=topic,
            dossier=p.dossier,
            created_at=at,
            payload={
                "code": p.dossier.code,
                "status": p.dossier.status,
                "amount_vnd": p.amount_vnd,
                "items": p.items,
                **payload,
            },
        )
    )


def _lock(payment: PaymentRequest) -> PaymentRequest:
    # of=("self",): lock the payment row only, never the dossier or the agency joined to it
    return (
        PaymentRequest.objects.select_for_update(of=("self",))
        .select_related("dossier", "agency")
        .get(pk=payment.pk)
    )


# ---- the fees due ------------------------------------------------------------------------------


def _fee_lines(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "amount_vnd": int(f.amount_vnd)}
        for f in dossier.procedure.fees.order_by("order")
        if f.amount_vnd > 0
    ]


def _request_fees(
    dossier: Dossier, at: dt.datetime, *, fresh: bool = False, **payload: Any
) -> PaymentRequest | None:
    """The one place that creates a payment request: the procedure's fee lines as they are now,
    owed to the receiving desk, with its ``payment.requested`` outbox row. Nothing when the fees
    add up to 0 or the dossier already has a request (one request per dossier; ``fresh``: the
    dossier was written in this transaction, so it has none)."""
    fees = _fee_lines(dossier)
    total = sum(f["amount_vnd"] for f in fees)
    if total <= 0 or (not fresh and PaymentRequest.objects.filter(dossier=dossier).exists()):
        return None
    p = PaymentRequest.objects.create(
        dossier=dossier,
        agency=dossier.receiving_agency,
        items=fees,
        amount_vnd=total,
        created_at=at,
    )
    _outbox("payment.requested", p, at, **payload)
    return p


def payment_request_for_received(
    *, dossier: Dossier, actor: Any, at: dt.datetime, fresh: bool = False
) -> PaymentRequest | None:
    """Called by ``dossiers.services`` inside the transaction that receives a dossier: the
    procedure's fee lines as they are now, owed to the receiving desk. A procedure without fees
    (or whose fees add up to 0) creates nothing; a dossier that already has one (prepayment at
    submission) keeps it. ``fresh``: received at the counter in this transaction (no request
    can exist: no statement to ask)."""
    return _request_fees(dossier, at, fresh=fresh)


def payment_request_for_submitted(
    *, dossier: Dossier, actor: Any, at: dt.datetime
) -> PaymentRequest | None:
    """Called by ``dossier_submit_online`` inside the submission's transaction: for a procedure
    that requires prepayment (``Procedure.prepayment``) the fees are owed from the submission,
    so the applicant may pay before the desk checks the dossier. Other procedures, and
    procedures without fees, create nothing here (their fees come at receipt)."""
    if not dossier.procedure.prepayment or dossier.channel != Channel.ONLINE:
        return None
    return _request_fees(dossier, at, prepayment=True)


def payment_request_void_unreceived(
    *, dossier: Dossier, actor: Any, at: dt.datetime, reason: str
) -> PaymentRequest | None:
    """Called by ``dossiers.services`` when an online submission ends without being received
    (refused at intake, taken back by the applicant): an UNPAID prepayment request is cancelled
    (nothing is owed for a dossier that was never received; a gateway success arriving later is
    recorded as a double payment to refund). A request already PAID is left as it is: the refund
    is made outside the system by the collecting agency (docs/payments.md)."""
    p = (
        PaymentRequest.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .filter(dossier=dossier)
        .first()
    )
    if p is None or p.status not in OPEN_PAYMENT:
        return None
    p.status = PaymentStatus.CANCELLED
    p.note = nfc(reason).strip()[:500]
    p.save(update_fields=["status", "note"])
    _outbox("payment.cancelled", p, at, reason=p.note)
    audit_record(
        actor=actor,
        action="payment.cancel",
        object_type="PaymentRequest",
        object_id=p.pk,
        after={"dossier": dossier.pk, "reason": p.note},
    )
    return p


# ---- online: start -----------------------------------------------------------------------------


def _citizen_owns(user: Any, dossier: Dossier) -> bool:
    from motcua.citizens.access import citizen_of

    return citizen_of(user) is not None and dossier.account_id == user.pk


@transaction.atomic
def payment_start_online(
    *, user: Any, payment: PaymentRequest, now: dt.datetime | None = None
) -> PaymentAttempt:
    """A new attempt (its own ``vnp_TxnRef``) for the citizen who filed the dossier."""
    at = _now(now)
    p = _lock(payment)
    if not _citizen_owns(user, p.dossier):
        raise NotFound("Không tìm thấy khoản thanh toán", code="payment_not_found")
    if p.status == PaymentStatus.PAID:
        raise IllegalTransition("Hồ sơ này đã được thanh toán", code="already_paid")
    if p.status == PaymentStatus.CANCELLED:
        raise IllegalTransition("Khoản thanh toán đã bị hủy", code="payment_cancelled")
    if p.dossier.status not in PAYABLE_STATUSES and not (
        p.dossier.status in PREPAYABLE_STATUSES and p.is_prepayment
    ):
        raise IllegalTransition(
            "Không thể thanh toán hồ sơ ở trạng thái này", code="dossier_not_payable"
        )
    n = p.attempts.count() + 1
    attempt = PaymentAttempt.objects.create(
        payment=p, txn_ref=f"MC{p.pk}T{n}", amount_vnd=p.amount_vnd, created_at=at
    )
    if p.status != PaymentStatus.PENDING:
        p.status = PaymentStatus.PENDING
        p.save(update_fields=["status"])
    return attempt


def start_url(attempt: PaymentAttempt, *, return_url: str, ip: str, now: dt.datetime) -> str:
    p = attempt.payment
    # a prepayment is made before the dossier has its code: the order names the submission
    code = p.dossier.code or f"nop truc tuyen {p.dossier.pk}"
    return gw.payment_url(
        txn_ref=attempt.txn_ref,
        amount_vnd=attempt.amount_vnd,
        order_info=f"Thanh toan phi, le phi ho so {code}",
        return_url=return_url,
        ip=ip,
        now=now,
    )


# ---- online: the gateway's answer --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    verdict: str
    rsp: tuple[str, str]
    attempt: PaymentAttempt | None
    notification: GatewayNotification

    @property
    def answer(self) -> dict[str, str]:
        return {"RspCode": self.rsp[0], "Message": self.rsp[1]}


def _issue_receipt(p: PaymentRequest, at: dt.datetime, reference: str) -> Receipt:
    from motcua.dossiers.services._tx import counter_next

    year = timezone.localtime(at).year
    d = p.dossier
    return Receipt.objects.create(
        payment=p,
        agency=p.agency,
        year=year,
        number=counter_next("receipt", f"{p.agency_id}:{year}"),
        issued_at=at,
        dossier_code=d.code or "",
        payer_name=d.applicant_name,
        payer_id_number=d.applicant_id_number,
        payer_address=d.applicant_address,
        items=p.items,
        amount_vnd=p.amount_vnd,
        channel=p.channel,
        reference=reference,
    )


def _mark_paid(
    p: PaymentRequest,
    *,
    at: dt.datetime,
    channel: str,
    actor: Any,
    label: str,
    reference: str,
    **fields: str,
) -> Receipt:
    p.status = PaymentStatus.PAID
    p.channel = channel
    p.paid_at = at
    p.recorded_by = actor if getattr(actor, "pk", None) else None
    p.recorded_label = label
    for k, v in fields.items():
        setattr(p, k, v)
    p.save(
        update_fields=[
            "status",
            "channel",
            "paid_at",
            "recorded_by",
            "recorded_label",
            *fields,
        ]
    )
    if channel == PaymentChannel.ONLINE:
        # the statistics column of the reports (online payments, Decision 766 index)
        Dossier.objects.filter(pk=p.dossier_id).update(
            online_payment_vnd=F("online_payment_vnd") + p.amount_vnd
        )
        aggregates_sync(Dossier.objects.get(pk=p.dossier_id))  # the daily counts follow
    receipt = _issue_receipt(p, at, reference)
    _outbox(
        "payment.confirmed",
        p,
        at,
        channel=channel,
        receipt=receipt.label,
        paid_at=at.isoformat(),
    )
    audit_record(
        actor=actor,
        action="payment.paid",
        object_type="PaymentRequest",
        object_id=p.pk,
        after={
            "dossier": p.dossier.code,
            "amount_vnd": p.amount_vnd,
            "channel": channel,
            "receipt": receipt.label,
            "reference": reference,
        },
        label=label,
    )
    return receipt


def _log(
    kind: str,
    params: dict[str, str],
    remote_addr: str,
    at: dt.datetime,
    verdict: str,
    rsp: tuple[str, str],
    reason: str = "",
    attempt: PaymentAttempt | None = None,
) -> Outcome:
    row = GatewayNotification.objects.create(
        kind=kind,
        received_at=at,
        params=params,
        remote_addr=remote_addr[:64],
        verdict=verdict,
        reason=reason[:500],
        rsp_code=rsp[0],
        attempt=attempt,
    )
    return Outcome(verdict, rsp, attempt, row)


def _amount(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


@transaction.atomic
def gateway_notification_process(
    *,
    kind: str,
    params: dict[str, str] | None,
    remote_addr: str = "",
    now: dt.datetime | None = None,
) -> Outcome:
    """The gateway's signed answer about one attempt (the IPN, or the browser's return, both
    verified the same way). Idempotent: a notification about an attempt already settled changes
    nothing and answers "02 Order already confirmed". Logged in every case."""
    at = _now(now)
    if kind not in NotificationKind.values:
        raise ValueError(kind)
    if params is None:
        return _log(kind, {}, remote_addr, at, Verdict.BAD_REQUEST, gw.RSP_OTHER, "tham số trùng")
    if not gw.verify(params):
        return _log(
            kind, params, remote_addr, at, Verdict.BAD_SIGNATURE, gw.RSP_CHECKSUM, "sai chữ ký"
        )
    if params.get("vnp_TmnCode") != gw.tmn_code():
        return _log(kind, params, remote_addr, at, Verdict.WRONG_MERCHANT, gw.RSP_OTHER)
    if not gw.is_answer(params):
        # the payment request the citizen's browser carries is signed by the same secret and
        # rule: replayed here it verified, and was taken for a failure that closed the attempt
        return _log(
            kind, params, remote_addr, at, Verdict.BAD_REQUEST, gw.RSP_OTHER, "không phải kết quả"
        )
    amount = _amount(params.get("vnp_Amount", ""))
    attempt = (
        PaymentAttempt.objects.select_for_update(of=("self",))
        .select_related("payment__dossier", "payment__agency")
        .filter(txn_ref=params.get("vnp_TxnRef", ""))
        .first()
    )
    if attempt is None:
        return _log(kind, params, remote_addr, at, Verdict.UNKNOWN_ORDER, gw.RSP_NOT_FOUND)
    if amount is None or amount != attempt.amount_vnd * gw.AMOUNT_FACTOR:
        return _log(
            kind,
            params,
            remote_addr,
            at,
            Verdict.WRONG_AMOUNT,
            gw.RSP_AMOUNT,
            f"số tiền cổng báo {params.get('vnp_Amount', '')[:20]}, cần "
            f"{attempt.amount_vnd * gw.AMOUNT_FACTOR}",
            attempt,
        )
    if attempt.status != PaymentStatus.PENDING:
        return _log(kind, params, remote_addr, at, Verdict.DUPLICATE, gw.RSP_ALREADY, "", attempt)
    code = params.get("vnp_ResponseCode", "")
    succeeded = code == gw.SUCCESS and params.get("vnp_TransactionStatus", "00") == gw.SUCCESS
    attempt.finished_at = at
    attempt.response_code = code[:4]
    attempt.gateway_txn_no = params.get("vnp_TransactionNo", "")[:40]
    attempt.bank_code = params.get("vnp_BankCode", "")[:20]
    p = _lock(attempt.payment)
    if not succeeded:
        attempt.status = (
            PaymentStatus.CANCELLED if code == gw.CUSTOMER_CANCELLED else PaymentStatus.FAILED
        )
        attempt.save()
        if (
            p.status == PaymentStatus.PENDING
            and not p.attempts.filter(status=PaymentStatus.PENDING).exists()
        ):
            p.status = PaymentStatus.FAILED
            p.save(update_fields=["status"])
        return _log(
            kind, params, remote_addr, at, Verdict.FAILED, gw.RSP_OK, f"mã {code[:4]}", attempt
        )
    attempt.status = PaymentStatus.PAID
    attempt.save()
    if p.status == PaymentStatus.PAID or p.status == PaymentStatus.CANCELLED:
        # money received twice (another attempt, or at the counter): kept for the refund
        return _log(
            kind,
            params,
            remote_addr,
            at,
            Verdict.DOUBLE_PAYMENT,
            gw.RSP_OK,
            "hồ sơ đã được thanh toán trước đó; cần hoàn tiền",
            attempt,
        )
    _mark_paid(
        p,
        at=at,
        channel=PaymentChannel.ONLINE,
        actor=None,
        label="Cổng thanh toán",
        reference=attempt.gateway_txn_no or attempt.txn_ref,
        gateway_txn_ref=attempt.txn_ref,
        gateway_txn_no=attempt.gateway_txn_no,
    )
    return _log(kind, params, remote_addr, at, Verdict.CONFIRMED, gw.RSP_OK, "", attempt)


# ---- at the counter ----------------------------------------------------------------------------


@transaction.atomic
def payment_record_counter(
    *,
    actor: Any,
    payment: PaymentRequest,
    channel: str,
    reference: str = "",
    now: dt.datetime | None = None,
) -> Receipt:
    """Cash or a bank transfer taken by the counter officer of the collecting desk."""
    at = _now(now)
    p = _lock(payment)
    require_role(actor, p.agency, Role.COUNTER)
    if channel not in (PaymentChannel.CASH, PaymentChannel.TRANSFER):
        raise ValidationFailed("Hình thức thanh toán không hợp lệ", code="bad_channel")
    reference = nfc(reference).strip()
    if channel == PaymentChannel.TRANSFER and not reference:
        raise ValidationFailed("Cần số chứng từ chuyển khoản", code="reference_required")
    if p.status not in OPEN_PAYMENT:
        raise IllegalTransition(
            f"Không thể thu: khoản thanh toán đang ở trạng thái '{p.get_status_display()}'",
            code="payment_not_open",
        )
    return _mark_paid(
        p,
        at=at,
        channel=channel,
        actor=actor,
        label=person_name(actor),
        reference=reference,
        transfer_ref=reference[:100],
    )


@transaction.atomic
def payment_cancel(
    *, actor: Any, payment: PaymentRequest, reason: str, now: dt.datetime | None = None
) -> PaymentRequest:
    """The counter officer cancels fees not owed (e.g. exemption, dossier withdrawn)."""
    _now(now)
    p = _lock(payment)
    require_role(actor, p.agency, Role.COUNTER)
    reason = nfc(reason).strip()
    if not reason:
        raise ValidationFailed("Phải nêu rõ lý do hủy", code="reason_required")
    if p.status not in OPEN_PAYMENT:
        raise IllegalTransition(
            f"Không thể hủy: khoản thanh toán đang ở trạng thái '{p.get_status_display()}'",
            code="payment_not_open",
        )
    p.status = PaymentStatus.CANCELLED
    p.note = reason[:500]
    p.recorded_by = actor
    p.recorded_label = person_name(actor)
    p.save(update_fields=["status", "note", "recorded_by", "recorded_label"])
    audit_record(
        actor=actor,
        action="payment.cancel",
        object_type="PaymentRequest",
        object_id=p.pk,
        after={"dossier": p.dossier.code, "reason": p.note},
    )
    return p
