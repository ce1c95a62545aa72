"""Online payment in a real browser: the citizen goes to the sandbox gateway, pays with the
keyboard, the gateway notifies the system over HTTP and sends the browser back; the counter
officer sees the payment and takes cash for another dossier at the counter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.payments.models import PaymentRequest, Receipt
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.factories import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pay_online_then_cash_at_the_counter(
    world: World, live_server: Any, browser: Any, page: Any, settings: Any, artifacts: Path
) -> None:
    base = live_server.url
    settings.PAYMENT_GATEWAY_SECRET = "khoa-thu-nghiem-trinh-duyet"
    settings.PAYMENT_SANDBOX_ENABLED = True
    settings.PAYMENT_GATEWAY_URL = f"{base}/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"
    settings.PAYMENT_SANDBOX_IPN_URL = f"{base}/thanh-toan/vnpay/ipn/"
    w = world
    d = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake())
    d2 = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake())
    profile = CitizenFactory(user__username="dan_an")
    citizen = profile.user
    Dossier.objects.filter(pk=d.pk).update(account=citizen)

    # the citizen logs in on the portal, presses "Thanh toán trực tuyến" (the panel's form posts
    # to the start view)
    page.goto(f"{base}/cong-dan/dang-nhap/")
    page.fill("#id_identifier", profile.id_number)
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}/cong-dan/")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    resp = page.request.post(
        f"{base}/thanh-toan/ho-so/{d.pk}/truc-tuyen/",
        headers={"X-CSRFToken": token},
        max_redirects=0,
    )
    assert resp.status == 302
    page.goto(resp.headers["location"])
    assert page.inner_text("#amount") == "1.000.000 đồng"
    page.screenshot(path=str(artifacts / "20-cong-thanh-toan-thu-nghiem.png"))
    page.focus("#pay")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/thanh-toan/vnpay/ket-qua/*")
    assert "Thanh toán thành công" in page.inner_text("#payment-result")
    page.screenshot(path=str(artifacts / "21-thanh-toan-thanh-cong.png"))
    assert PaymentRequest.objects.get(dossier=d).status == "paid"
    assert Dossier.objects.get(pk=d.pk).online_payment_vnd == 1_000_000

    # the counter officer: the paid dossier, then cash for the other one
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    sp = staff.new_page()
    login(sp, base, "motcua_tinh")
    sp.goto(f"{base}/can-bo/ho-so/{d.code}/")
    assert "Đã thanh toán" in sp.inner_text("#payment")
    assert sp.locator("#staff-receipt").count() == 1
    sp.goto(f"{base}/can-bo/ho-so/{d2.code}/")
    sp.click("#payment summary")
    sp.select_option("#payment-channel", "transfer")
    sp.click("#record-payment")
    sp.wait_for_selector("#error-payment-reference")
    assert "Chưa nhập số chứng từ" in sp.inner_text("#error-payment-reference")
    assert sp.input_value("#payment-channel") == "transfer"
    sp.fill("#payment-reference", "UNC-2026-001")
    sp.click("#record-payment")
    sp.wait_for_selector(".messages")
    assert "biên lai số 0000002" in sp.inner_text(".messages")
    sp.screenshot(path=str(artifacts / "22-thu-tai-quay.png"))
    assert Receipt.objects.count() == 2
    staff.close()
