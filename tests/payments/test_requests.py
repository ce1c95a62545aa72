"""The fees due are created with the receipt of a dossier, in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from motcua.catalog.models import FeeItem
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, Outbox
from motcua.payments.models import PaymentRequest, PaymentStatus
from tests.dossiers.conftest import World, at


def test_counter_receipt_creates_the_payment_request(world: World) -> None:
    w = world
    d = svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    p = PaymentRequest.objects.get(dossier=d)
    assert (p.amount_vnd, p.status, p.agency, p.channel) == (
        1_000_000,
        PaymentStatus.PENDING,
        w.center,
        "",
    )
    assert p.items == [{"name": "Phí thẩm định", "amount_vnd": 1_000_000}]
    row = Outbox.objects.get(dossier=d, topic="payment.requested")
    assert row.payload["amount_vnd"] == 1_000_000 and row.payload["code"] == d.code


def test_the_snapshot_keeps_the_fee_of_the_day(world: World) -> None:
    w = world
    d = svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    FeeItem.objects.filter(procedure=w.simple).update(amount_vnd=5)
    FeeItem.objects.create(procedure=w.simple, order=2, name="Lệ phí", amount_vnd=20_000)
    assert PaymentRequest.objects.get(dossier=d).amount_vnd == 1_000_000


def test_several_lines_add_up_and_free_lines_are_left_out(world: World) -> None:
    w = world
    FeeItem.objects.create(procedure=w.simple, order=2, name="Lệ phí cấp giấy", amount_vnd=50_000)
    FeeItem.objects.create(procedure=w.simple, order=3, name="Miễn phí", amount_vnd=0)
    d = svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    p = PaymentRequest.objects.get(dossier=d)
    assert p.amount_vnd == 1_050_000 and [i["name"] for i in p.items] == [
        "Phí thẩm định",
        "Lệ phí cấp giấy",
    ]


def test_no_fee_no_request(world: World) -> None:
    w = world
    FeeItem.objects.filter(procedure=w.simple).delete()
    d = svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert not PaymentRequest.objects.filter(dossier=d).exists()
    assert not Outbox.objects.filter(topic="payment.requested").exists()


def test_online_dossier_owes_from_acceptance_not_submission(world: World) -> None:
    w = world
    i = w.intake()
    d = svc.dossier_submit_online(
        applicant=i.applicant, procedure=w.simple, desk=w.center, now=at("2022-06-01 08:00")
    )
    assert not PaymentRequest.objects.filter(dossier=d).exists()
    d = svc.dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 09:00"))
    assert PaymentRequest.objects.get(dossier=d).created_at == at("2022-06-01 09:00")


def test_a_failed_receipt_leaves_no_payment_behind(world: World) -> None:
    """Same transaction: when the receipt is rolled back, so are the payment and its outbox."""
    w = world
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.dossier_receive(
            actor=w.users["counter"],
            desk=w.center,
            intake=w.intake(),
            now=at("2022-06-01 09:00"),
        )
        raise RuntimeError("boom")
    assert not Dossier.objects.exists()
    assert not PaymentRequest.objects.exists()
    assert not Outbox.objects.filter(topic__startswith="payment.").exists()


def test_guided_counter_dossier_owes_when_finally_received(world: World) -> None:
    w = world
    d = svc.counter_guidance_issue(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        missing=[{"name": "Đơn", "originals": 1, "copies": 0}],
        reason="Thiếu đơn",
        now=at("2022-06-01 09:00"),
    )
    assert not PaymentRequest.objects.filter(dossier=d).exists()
    d = svc.counter_guidance_receive(
        actor=w.users["counter"],
        dossier=d,
        checklist=w.intake().checklist,
        now=at("2022-06-02 09:00") + dt.timedelta(minutes=1),
    )
    assert PaymentRequest.objects.filter(dossier=d).count() == 1
