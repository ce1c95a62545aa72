"""The gateway protocol: signatures as VNPay computes them, the door's parsing, the receipt's
amount in words."""

from __future__ import annotations

import hashlib
import hmac

from django.http import QueryDict

from motcua.payments import gateway as gw
from motcua.payments.receipts import amount_in_words
from tests.payments.conftest import SECRET, sign


def test_signature_matches_an_independent_computation() -> None:
    params = {
        "vnp_Amount": "100000000",
        "vnp_OrderInfo": "Thanh toan phi ho so 000.01.01.H10-260101-0001",
        "vnp_ReturnUrl": "https://motcua.example/thanh-toan/vnpay/ket-qua/",
        "vnp_TxnRef": "MC1T1",
        "vnp_TmnCode": "MOTCUA01",
    }
    # sorted by name, values quote_plus-encoded (spaces as +, / and : escaped)
    data = (
        "vnp_Amount=100000000&vnp_OrderInfo=Thanh+toan+phi+ho+so+000.01.01.H10-260101-0001"
        "&vnp_ReturnUrl=https%3A%2F%2Fmotcua.example%2Fthanh-toan%2Fvnpay%2Fket-qua%2F"
        "&vnp_TmnCode=MOTCUA01&vnp_TxnRef=MC1T1"
    )
    assert gw.hash_data(params) == data
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert gw.sign(params, SECRET)["vnp_SecureHash"] == expected == sign(params)["vnp_SecureHash"]
    assert gw.verify(sign(params), SECRET)
    assert gw.verify({**sign(params), "vnp_SecureHashType": "HmacSHA512"}, SECRET)
    # upper-case hex (as VNPay sends it) verifies too
    upper = {**sign(params), "vnp_SecureHash": sign(params)["vnp_SecureHash"].upper()}
    assert gw.verify(upper, SECRET)


def test_any_change_breaks_the_signature() -> None:
    good = sign({"vnp_Amount": "100", "vnp_TxnRef": "A"})
    assert not gw.verify({**good, "vnp_Amount": "1000"}, SECRET)
    assert not gw.verify({**good, "vnp_Extra": "x"}, SECRET)
    assert not gw.verify(good, SECRET + "x")
    assert not gw.verify({k: v for k, v in good.items() if k != "vnp_SecureHash"}, SECRET)
    assert not gw.verify({**good, "vnp_SecureHash": ""}, SECRET)


def test_the_door_refuses_what_cannot_be_a_gateway_message() -> None:
    assert gw.flat(QueryDict("vnp_A=1&vnp_A=2")) is None  # a name twice
    assert gw.flat(QueryDict("vnp_A=" + "x" * 600)) is None  # too long
    assert gw.flat(QueryDict("vnp_A=%00")) is None  # NUL
    assert gw.flat(QueryDict("&".join(f"k{i}=1" for i in range(50)))) is None
    assert gw.flat(QueryDict("vnp_A=1&vnp_B=%C4%91")) == {"vnp_A": "1", "vnp_B": "đ"}


def test_payment_url_carries_the_amount_times_100(settings: object) -> None:
    import datetime as dt

    from django.http import QueryDict as Q

    url = gw.payment_url(
        txn_ref="MC9T1",
        amount_vnd=1_500_000,
        order_info="Thanh toan",
        return_url="http://testserver/thanh-toan/vnpay/ket-qua/",
        ip="127.0.0.1",
        now=dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC),
    )
    params = gw.flat(Q(url.split("?", 1)[1]))
    assert params is not None
    assert params["vnp_Amount"] == "150000000"
    assert params["vnp_CreateDate"] == "20260101090000"  # GMT+7
    assert gw.verify(params)


def test_amount_in_words() -> None:
    assert amount_in_words(1_000_000) == "Một triệu đồng"
    assert amount_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert amount_in_words(105_000) == "Một trăm linh năm nghìn đồng"
    assert amount_in_words(21_000) == "Hai mươi mốt nghìn đồng"
    assert amount_in_words(15_000) == "Mười lăm nghìn đồng"
    assert amount_in_words(2_005_000_000) == "Hai tỷ không trăm linh năm triệu đồng"
    assert amount_in_words(0) == "Không đồng"
