"""The same IPN delivered several times at once (gateways retry; an attacker replays): one
confirmation, one receipt, one outbox row. The counter and the IPN at once: the dossier is paid
once and the other money is flagged. On PostgreSQL (row locks are real there)."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier, Outbox
from motcua.payments import services as svc
from motcua.payments.models import GatewayNotification, PaymentStatus, Receipt
from tests.dossiers.test_concurrency import run_parallel
from tests.payments.conftest import Paying, gateway_answer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers; the parallel tests run on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_parallel_replays_confirm_once(paying: Paying) -> None:
    a = svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    params = gateway_answer(a.txn_ref, 1_000_000)
    results = run_parallel(
        6, lambda i: svc.gateway_notification_process(kind="ipn", params=params).answer["RspCode"]
    )
    assert sorted(results) == ["00", "02", "02", "02", "02", "02"]
    assert Receipt.objects.count() == 1
    assert Outbox.objects.filter(topic="payment.confirmed").count() == 1
    assert Dossier.objects.get(pk=paying.dossier.pk).online_payment_vnd == 1_000_000
    assert GatewayNotification.objects.count() == 6


def test_counter_and_gateway_at_once(paying: Paying) -> None:
    a = svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    params = gateway_answer(a.txn_ref, 1_000_000)
    counter = paying.world.users["counter"]

    def act(i: int) -> object:
        if i == 0:
            return svc.gateway_notification_process(kind="ipn", params=params).verdict
        return svc.payment_record_counter(actor=counter, payment=paying.payment, channel="cash")

    run_parallel(2, act)
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.PAID
    assert Receipt.objects.count() == 1
    verdict = GatewayNotification.objects.get().verdict
    assert verdict == ("confirmed" if paying.payment.channel == "online" else "double_payment")
