"""The demo's payments: the history's paid dossiers get their payment, receipt and the
sandbox's matching record, so that the demo day reconciles."""

from __future__ import annotations

from motcua.catalog.models import FeeItem
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.payments.demo import payments_demo_load
from motcua.payments.models import PaymentRequest, Receipt
from motcua.payments.reconcile import reconcile
from motcua.paysandbox.models import SandboxTransaction
from tests.dossiers.conftest import World, at


def test_demo_payments_reconcile(world: World) -> None:
    w = world
    FeeItem.objects.filter(procedure=w.simple).delete()
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-03-01 09:00")
    )
    Dossier.objects.filter(pk=d.pk).update(online_payment_vnd=6_203_000)
    assert payments_demo_load() == {"payments": 1, "vnd": 6_203_000}
    assert payments_demo_load() == {"payments": 0, "vnd": 0}  # idempotent
    p = PaymentRequest.objects.get(dossier=d)
    assert (p.status, p.channel, p.amount_vnd) == ("paid", "online", 6_203_000)
    assert Receipt.objects.get(payment=p).number == 1
    assert Dossier.objects.get(pk=d.pk).online_payment_vnd == 6_203_000  # unchanged
    t = SandboxTransaction.objects.get()
    # the references written in SQL are those the attempt, the sandbox and the receipt carry
    assert (p.gateway_txn_ref, p.gateway_txn_no) == (f"MC{p.pk}T1", str(13_000_000 + p.pk))
    assert t.txn_ref == p.attempts.get().txn_ref == p.gateway_txn_ref
    assert Receipt.objects.get(payment=p).reference == p.gateway_txn_no
    rows = [
        {"vnp_TxnRef": t.txn_ref, "vnp_Amount": str(t.amount), "vnp_TransactionStatus": t.status}
    ]
    r = reconcile(day=at("2022-03-01 12:00").date(), agency_ids=None, gateway_rows=rows)
    assert r.mismatches == [] and r.total_vnd == 6_203_000
