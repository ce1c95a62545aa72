"""The payment gateway protocol (VNPay 2.1.0 style), both directions, and the merchant's client.

Payment request: the citizen's browser is redirected to ``PAYMENT_GATEWAY_URL`` with ``vnp_*``
parameters and ``vnp_SecureHash`` = HMAC-SHA512(secret, the parameters sorted by name, each
``name=quote_plus(value)``, joined by ``&``). The gateway answers twice with the same kind of
signed parameters: the browser comes back to the return URL, and the gateway's server calls the
IPN URL. Amounts travel ×100 (``vnp_Amount=1500000`` is 15.000 đồng), as VNPay does.

The query API (reconciliation) is a signed JSON POST; its hash is HMAC-SHA512 over the values
joined by ``|`` in a fixed order, as VNPay's ``querydr`` does. ``list`` is this project's
command for a whole day's transactions (docs/payments.md); a real gateway adapter replaces it
with one ``querydr`` per order.

Everything here is pure protocol: no database. The sandbox gateway (``motcua.paysandbox``)
speaks the same protocol with the same functions on the other side of the shared secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.conf import settings

from motcua.core.errors import DomainError
from motcua.core.text import json_loads

VERSION = "2.1.0"
VN = dt.timezone(dt.timedelta(hours=7))  # the gateway's dates are GMT+7, yyyyMMddHHmmss
AMOUNT_FACTOR = 100
MAX_PARAMS = 40
MAX_VALUE = 512

#: The IPN answers (VNPay's RspCode convention).
RSP_OK = ("00", "Confirm Success")
RSP_NOT_FOUND = ("01", "Order not found")
RSP_ALREADY = ("02", "Order already confirmed")
RSP_AMOUNT = ("04", "Invalid amount")
RSP_CHECKSUM = ("97", "Invalid Checksum")
RSP_OTHER = ("99", "Unknown error")

#: vnp_ResponseCode values the sandbox and the services use.
SUCCESS = "00"
CUSTOMER_CANCELLED = "24"


class GatewayError(DomainError):
    code = "gateway_error"


def secret() -> str:
    """The shared secret: ``PAYMENT_GATEWAY_SECRET``, else one generated once into the var dir
    (demo and development; production refuses to start without the setting)."""
    configured = getattr(settings, "PAYMENT_GATEWAY_SECRET", "")
    if configured:
        return str(configured)
    path = Path(settings.VAR_DIR) / "payment-gateway-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def tmn_code() -> str:
    return str(settings.PAYMENT_GATEWAY_TMN_CODE)


def hash_data(params: Mapping[str, str]) -> str:
    """The string that is signed: every ``vnp_`` parameter but the hash itself, sorted by name."""
    pairs = sorted(
        (k, v)
        for k, v in params.items()
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
    )
    return "&".join(f"{k}={urllib.parse.quote_plus(str(v))}" for k, v in pairs)


def hmac512(key: str, data: str) -> str:
    # surrogatepass: a JSON body may carry a lone surrogate (\ud800), which strict UTF-8 cannot
    # encode (a 500 before the signature was even compared); it signs to a hash no partner's
    # matches, and every other text is encoded as before
    return hmac.new(key.encode(), data.encode("utf-8", "surrogatepass"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], key: str | None = None) -> dict[str, str]:
    """The parameters with their ``vnp_SecureHash``."""
    out = {k: str(v) for k, v in params.items() if k not in ("vnp_SecureHash",)}
    out["vnp_SecureHash"] = hmac512(key or secret(), hash_data(out))
    return out


def verify(params: Mapping[str, str], key: str | None = None) -> bool:
    given = str(params.get("vnp_SecureHash", ""))
    if not given or not given.isascii():
        return False
    expected = hmac512(key or secret(), hash_data(params))
    return hmac.compare_digest(expected, given.lower())


def url_with(base: str, params: Mapping[str, str]) -> str:
    """``base`` + the signed parameters, encoded exactly as they were signed."""
    query = hash_data(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
    return f"{base}{'&' if '?' in base else '?'}{query}"


def flat(query: Mapping[str, object] | Iterable[tuple[str, str]]) -> dict[str, str] | None:
    """A QueryDict (or pairs) as one value per name, or None when it cannot be a gateway's
    message: a name given twice, too many names, a value too long or holding a NUL."""
    items: list[tuple[str, str]]
    if hasattr(query, "lists"):
        items = []
        for k, values in query.lists():  # type: ignore[union-attr]
            if len(values) != 1:
                return None
            items.append((k, values[0]))
    elif isinstance(query, Mapping):
        items = [(str(k), v) for k, v in query.items()]  # type: ignore[misc]
    else:
        items = list(query)
    if len(items) > MAX_PARAMS:
        return None
    out: dict[str, str] = {}
    for k, v in items:
        if not isinstance(v, str) or len(k) > 64 or len(v) > MAX_VALUE or "\x00" in k + v:
            return None
        out[k] = v
    return out


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S")


def parse_stamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN)
    except (ValueError, TypeError):
        return None


def payment_url(
    *,
    txn_ref: str,
    amount_vnd: int,
    order_info: str,
    return_url: str,
    ip: str,
    now: dt.datetime,
    expire_minutes: int = 15,
) -> str:
    """Where to send the citizen's browser to pay ``amount_vnd`` for order ``txn_ref``."""
    params = sign(
        {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": tmn_code(),
            "vnp_Amount": str(amount_vnd * AMOUNT_FACTOR),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip or "127.0.0.1",
            "vnp_CreateDate": stamp(now),
            "vnp_ExpireDate": stamp(now + dt.timedelta(minutes=expire_minutes)),
        }
    )
    return url_with(str(settings.PAYMENT_GATEWAY_URL), params)


#: Fields only a payment request carries: an answer of the gateway never does.
REQUEST_ONLY_FIELDS = frozenset(
    {"vnp_Command", "vnp_ReturnUrl", "vnp_IpAddr", "vnp_CreateDate", "vnp_CurrCode", "vnp_Locale"}
)


def is_answer(params: dict[str, str]) -> bool:
    """The gateway's answer about a transaction (IPN or return): a two-digit vnp_ResponseCode and
    no request's field. A payment request is signed with the same secret and rule, so its
    signature verifies too: replayed as an answer it must be told apart by its shape."""
    code = params.get("vnp_ResponseCode", "")
    return (
        len(code) == 2
        and code.isascii()
        and code.isdigit()
        and not REQUEST_ONLY_FIELDS & params.keys()
    )


# ---- the query API (JSON, pipe-joined hash) ----------------------------------------------------

LIST_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
)
LIST_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TransactionDate",
    "vnp_Transactions",
)


def _pipe(body: Mapping[str, object], fields: Iterable[str]) -> str:
    parts = []
    for f in fields:
        v = body.get(f, "")
        parts.append(v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=True))
    return "|".join(parts)


def sign_json(body: dict[str, object], fields: Iterable[str], key: str | None = None) -> dict:
    return {**body, "vnp_SecureHash": hmac512(key or secret(), _pipe(body, fields))}


def verify_json(body: Mapping[str, object], fields: Iterable[str], key: str | None = None) -> bool:
    given = body.get("vnp_SecureHash")
    if not isinstance(given, str) or not given or not given.isascii():
        return False
    return hmac.compare_digest(hmac512(key or secret(), _pipe(body, fields)), given.lower())


def list_transactions(day: dt.date, *, now: dt.datetime, timeout: float = 20) -> list[dict]:
    """The gateway's transactions created on ``day`` (GMT+7), verified; GatewayError when the
    gateway cannot be reached or its answer is not signed with the shared secret."""
    body = sign_json(
        {
            "vnp_RequestId": secrets.token_hex(8),
            "vnp_Version": VERSION,
            "vnp_Command": "list",
            "vnp_TmnCode": tmn_code(),
            "vnp_TransactionDate": day.strftime("%Y%m%d"),
            "vnp_CreateDate": stamp(now),
            "vnp_IpAddr": "127.0.0.1",
        },
        LIST_REQUEST_FIELDS,
    )
    url = str(settings.PAYMENT_GATEWAY_API_URL)
    if not url.startswith(("http://", "https://")):
        raise GatewayError("Địa chỉ API của cổng thanh toán không hợp lệ", code="gateway_url")
    req = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            answer = json_loads(resp.read(5_000_000).decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GatewayError(
            f"Không truy vấn được cổng thanh toán: {exc}", code="gateway_unreachable"
        ) from None
    if not isinstance(answer, dict) or not verify_json(answer, LIST_RESPONSE_FIELDS):
        raise GatewayError("Trả lời của cổng thanh toán sai chữ ký", code="gateway_bad_signature")
    if answer.get("vnp_ResponseCode") != "00":
        raise GatewayError(
            f"Cổng thanh toán từ chối truy vấn: {answer.get('vnp_Message', '')}",
            code="gateway_refused",
        )
    rows = answer.get("vnp_Transactions")
    if not isinstance(rows, list):
        raise GatewayError("Trả lời của cổng thanh toán không hợp lệ", code="gateway_bad_answer")
    return [r for r in rows if isinstance(r, dict)]
