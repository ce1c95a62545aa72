"""A payment request and its receipt are the money an applicant paid one agency: another
province's administrator may not list or open those of this province's agencies in the
administration; the gateway's notifications (of every province's payments, no agency) and the
sandbox gateway's transactions only whoever keeps the installation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.payments.models import GatewayNotification, Receipt
from motcua.paysandbox.models import SandboxTransaction
from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import other_province_admin, province_admin
from tests.payments.conftest import Paying

pytestmark = pytest.mark.django_db


def _rows(paying: Paying) -> tuple[Receipt, GatewayNotification, SandboxTransaction]:
    now = timezone.now()
    receipt = Receipt.objects.create(
        payment=paying.payment,
        agency=paying.payment.agency,
        year=now.year,
        number=1,
        issued_at=now,
        dossier_code=paying.dossier.code,
        payer_name="Nguyễn Văn An",
        amount_vnd=paying.payment.amount_vnd,
        channel="counter",
    )
    note = GatewayNotification.objects.create(
        kind="ipn", received_at=now, verdict="confirmed", reason="TXN-H10-0001"
    )
    sandbox = SandboxTransaction.objects.create(
        token="t" * 20,
        tmn_code="MOTCUA01",
        txn_ref="TXN-H10-0001",
        amount=10_000_00,
        order_info="Thanh toan",
        return_url="https://motcua.example/tra-ve",
        ip="127.0.0.1",
        created_at=now,
    )
    return receipt, note, sandbox


def test_another_province_admin_cannot_reach_this_province_payments(paying: Paying) -> None:
    receipt, note, sandbox = _rows(paying)
    outsider, _ = other_province_admin("payments", "paysandbox")
    c = login(outsider)
    assert_out_of_reach(c, paying.payment, paying.dossier.code)
    assert_out_of_reach(c, receipt, "Nguyễn Văn An")
    for row in (note, sandbox):
        assert_out_of_reach(c, row, "TXN-H10-0001")


def test_own_province_admin_reads_the_payments(paying: Paying) -> None:
    receipt, note, sandbox = _rows(paying)
    admin = province_admin("qt_tinh_tt", paying.world.center, "payments", "paysandbox")
    c = login(admin)  # the installation's one province: its gateway rows too
    assert_within_reach(c, paying.payment, paying.dossier.code)
    assert_within_reach(c, receipt, "Nguyễn Văn An")
    assert_within_reach(c, note, "TXN-H10-0001")
    assert_within_reach(c, sandbox, "TXN-H10-0001")
