"""Payments tests: the lifecycle world of tests/dossiers, a citizen who filed a received
dossier of a procedure with a 1.000.000 đồng fee, and a fixed shared secret."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.payments.models import PaymentRequest
from tests.dossiers.conftest import World, world  # noqa: F401 - the fixture, reused
from tests.factories import CitizenFactory

SECRET = "khoa-bi-mat-thu-nghiem-0123456789abcdef"
TMN = "MOTCUA01"


def sign(params: dict[str, str], secret: str = SECRET) -> dict[str, str]:
    """VNPay's signing, written out independently of motcua.payments.gateway."""
    data = "&".join(
        f"{k}={urllib.parse.quote_plus(v)}"
        for k, v in sorted(params.items())
        if k.startswith("vnp_") and k != "vnp_SecureHash"
    )
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return {**params, "vnp_SecureHash": digest}


def gateway_answer(txn_ref: str, amount_vnd: int, code: str = "00", **over: str) -> dict[str, str]:
    params = {
        "vnp_TmnCode": TMN,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan",
        "vnp_TransactionNo": "14000001",
        "vnp_ResponseCode": code,
        "vnp_TransactionStatus": "00" if code == "00" else "02",
        "vnp_TxnRef": txn_ref,
        "vnp_PayDate": "20260101090000",
    }
    params.update(over)
    return sign(params)


@pytest.fixture(autouse=True)
def _gateway_settings(settings: Any) -> None:
    settings.PAYMENT_GATEWAY_SECRET = SECRET
    settings.PAYMENT_GATEWAY_TMN_CODE = TMN
    settings.PAYMENT_SANDBOX_ENABLED = True


@dataclass
class Paying:
    world: World
    dossier: Dossier
    payment: PaymentRequest
    citizen: Any  # the user
    client: Client  # logged in as the citizen


@pytest.fixture
def paying(world: World) -> Paying:  # noqa: F811 - the fixture imported above
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=timezone.now()
    )
    citizen = CitizenFactory().user
    Dossier.objects.filter(pk=d.pk).update(account=citizen)
    d.refresh_from_db()
    client = Client()
    client.force_login(citizen)
    return Paying(w, d, PaymentRequest.objects.get(dossier=d), citizen, client)
