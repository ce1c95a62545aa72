"""The sandbox gateway's side of the protocol: accept a signed payment request, let the "bank
customer" pay or cancel, answer the merchant twice (signed IPN over HTTP, signed return URL),
and list a day's transactions for reconciliation.

It checks what a real gateway checks (signature, merchant code, amount, unique order
reference) and keeps its own records (``SandboxTransaction``). The HTTP call to the merchant's
IPN URL is made after the transaction's own row is committed, never inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import DomainError, IllegalTransition, ValidationFailed
from motcua.payments import gateway as gw
from motcua.paysandbox.models import SandboxStatus, SandboxTransaction


class SandboxRefused(DomainError):
    code = "sandbox_refused"


def _http_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def txn_open(
    params: dict[str, str] | None, *, now: dt.datetime | None = None
) -> SandboxTransaction:
    """A payment request from a merchant's redirect, checked as the gateway checks it."""
    at = now or timezone.now()
    if params is None or not gw.verify(params):
        raise SandboxRefused("Sai chữ ký (mã lỗi 97)", code="97")
    if params.get("vnp_TmnCode") != gw.tmn_code():
        raise SandboxRefused("Mã đơn vị không tồn tại (mã lỗi 02)", code="02")
    if params.get("vnp_Command") != "pay" or params.get("vnp_CurrCode", "VND") != "VND":
        raise SandboxRefused("Yêu cầu không hợp lệ (mã lỗi 03)", code="03")
    amount = params.get("vnp_Amount", "")
    ref = params.get("vnp_TxnRef", "")
    if not (amount.isascii() and amount.isdigit()) or not 0 < int(amount) < 10**15:
        raise SandboxRefused("Số tiền không hợp lệ (mã lỗi 04)", code="04")
    if not ref or len(ref) > 40:
        raise SandboxRefused("Mã giao dịch không hợp lệ (mã lỗi 03)", code="03")
    return_url = params.get("vnp_ReturnUrl", "")
    if not _http_url(return_url):
        raise SandboxRefused("Địa chỉ quay về không hợp lệ (mã lỗi 03)", code="03")
    expire = gw.parse_stamp(params.get("vnp_ExpireDate", ""))
    if expire is not None and expire < at:
        raise SandboxRefused("Giao dịch đã quá thời gian chờ thanh toán (mã lỗi 11)", code="11")
    existing = SandboxTransaction.objects.filter(tmn_code=gw.tmn_code(), txn_ref=ref).first()
    if existing is not None:
        if existing.status == SandboxStatus.PENDING and existing.amount == int(amount):
            return existing
        raise SandboxRefused("Giao dịch đã tồn tại (mã lỗi 94)", code="94")
    try:
        with transaction.atomic():
            return SandboxTransaction.objects.create(
                token=secrets.token_urlsafe(32),
                tmn_code=gw.tmn_code(),
                txn_ref=ref,
                amount=int(amount),
                order_info=params.get("vnp_OrderInfo", "")[:255],
                return_url=return_url,
                ip=params.get("vnp_IpAddr", "")[:64],
                created_at=at,
            )
    except IntegrityError:
        raise SandboxRefused("Giao dịch đã tồn tại (mã lỗi 94)", code="94") from None


def result_params(t: SandboxTransaction) -> dict[str, str]:
    """The signed answer about ``t`` (the same for the IPN and the return URL)."""
    params = {
        "vnp_TmnCode": t.tmn_code,
        "vnp_Amount": str(t.amount),
        "vnp_BankCode": t.bank_code,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": t.order_info,
        "vnp_TransactionNo": t.transaction_no or "0",
        "vnp_ResponseCode": t.response_code,
        "vnp_TransactionStatus": t.status,
        "vnp_TxnRef": t.txn_ref,
        "vnp_PayDate": gw.stamp(t.pay_date or t.created_at),
    }
    if t.status == SandboxStatus.SUCCESS:
        params["vnp_BankTranNo"] = f"VNP{t.transaction_no}"
    return gw.sign(params)


@transaction.atomic
def txn_decide(*, token: str, pay: bool, now: dt.datetime | None = None) -> SandboxTransaction:
    at = now or timezone.now()
    t = SandboxTransaction.objects.select_for_update().filter(token=token).first()
    if t is None:
        raise ValidationFailed("Không tìm thấy giao dịch", code="not_found")
    if t.status != SandboxStatus.PENDING:
        raise IllegalTransition("Giao dịch đã được xử lý", code="already_done")
    t.status = SandboxStatus.SUCCESS if pay else SandboxStatus.FAILED
    t.response_code = gw.SUCCESS if pay else gw.CUSTOMER_CANCELLED
    t.transaction_no = f"{14_000_000 + t.pk}"
    t.pay_date = at
    t.save(update_fields=["status", "response_code", "transaction_no", "pay_date"])
    return t


def ipn_send(t: SandboxTransaction, *, timeout: float = 10) -> str:
    """The server-to-server notification (HTTP GET, as VNPay does) to the merchant's IPN URL;
    the answer (or the error) is kept on the transaction."""
    url = str(settings.PAYMENT_SANDBOX_IPN_URL)
    if not _http_url(url):
        answer = "địa chỉ IPN không hợp lệ"
    else:
        target = gw.url_with(url, result_params(t))
        try:
            with urllib.request.urlopen(target, timeout=timeout) as resp:  # noqa: S310 - http(s)
                answer = resp.read(2000).decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as exc:
            answer = f"lỗi: {exc}"
    SandboxTransaction.objects.filter(pk=t.pk).update(
        ipn_attempts=t.ipn_attempts + 1, ipn_answer=answer[:500]
    )
    return answer


def return_url(t: SandboxTransaction) -> str:
    return gw.url_with(t.return_url, result_params(t))


def api_answer(body: object, *, now: dt.datetime | None = None) -> dict:
    """The query API: ``list`` of a day's transactions, signed; errors answered signed too."""
    at = now or timezone.now()
    base: dict[str, object] = {
        "vnp_ResponseId": secrets.token_hex(8),
        "vnp_Command": "list",
        "vnp_TmnCode": gw.tmn_code(),
        "vnp_TransactionDate": "",
        "vnp_Transactions": [],
    }

    def answer(code: str, message: str, **extra: object) -> dict:
        return gw.sign_json(
            {**base, "vnp_ResponseCode": code, "vnp_Message": message, **extra},
            gw.LIST_RESPONSE_FIELDS,
        )

    if not isinstance(body, dict) or not all(
        isinstance(body.get(f, ""), str) for f in gw.LIST_REQUEST_FIELDS
    ):
        return answer("03", "Invalid request format")
    if not gw.verify_json(body, gw.LIST_REQUEST_FIELDS):
        return answer("97", "Invalid Checksum")
    if body.get("vnp_TmnCode") != gw.tmn_code():
        return answer("02", "Merchant is not valid")
    if body.get("vnp_Command") != "list":
        return answer("03", "Command not supported")
    try:
        day = dt.date.fromisoformat(str(body.get("vnp_TransactionDate")))
        start = dt.datetime.combine(day, dt.time(0), tzinfo=gw.VN)
        end = start + dt.timedelta(days=1)
        start.astimezone(dt.UTC)  # 0001-01-01 GMT+7 is before the first UTC instant
    except (ValueError, OverflowError):  # and 9999-12-31 has no next midnight
        return answer("03", "Invalid date")
    rows = SandboxTransaction.objects.filter(
        tmn_code=gw.tmn_code(), created_at__gte=start, created_at__lt=end
    ).order_by("created_at", "id")
    del at
    return answer(
        "00",
        "Success",
        vnp_TransactionDate=day.strftime("%Y%m%d"),
        vnp_Transactions=[
            {
                "vnp_TxnRef": t.txn_ref,
                "vnp_Amount": str(t.amount),
                "vnp_TransactionNo": t.transaction_no,
                "vnp_TransactionStatus": t.status,
                "vnp_CreateDate": gw.stamp(t.created_at),
                "vnp_PayDate": gw.stamp(t.pay_date) if t.pay_date else "",
                "vnp_BankCode": t.bank_code,
            }
            for t in rows
        ],
    )
