"""A counter officer receives a dossier in a real browser and prints the receipt (Mẫu 01)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.models import Dossier, Status
from tests.dossiers.conftest import World
from tests.dossiers.test_documents import pdf_bytes
from tests.otp import browser_second_factor
from tests.tools import coverage_paused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("button[type=submit]")
    browser_second_factor(page)  # leaders and administrators enrol their TOTP app
    page.wait_for_url(f"{base}/can-bo/")


def test_counter_intake_and_receipt(
    world: World, live_server: Any, page: Any, shot: Any, artifacts: Path
) -> None:
    base = live_server.url
    login(page, base, "motcua_tinh")
    page.goto(f"{base}/can-bo/tiep-nhan/")
    page.fill("#q", "thanh lap van phong")  # no diacritics
    link = page.locator("#procedure-results a").first
    link.wait_for()
    assert "Thành lập Văn phòng công chứng" in link.inner_text()
    link.click()
    page.wait_for_selector("#intake-form")
    page.fill("#name", "Lê Thị Cúc")
    page.fill("#id_number", "070123000111")
    page.fill("#phone", "0911222333")
    page.fill("#address", "Phường Tân Phú, Đồng Xoài")
    page.fill("#request", "Thành lập Văn phòng công chứng Đồng Xoài")
    for box in page.locator("#checklist input[type=checkbox]").all():
        box.check()
    page.locator("#checklist input[type=file]").first.set_input_files(
        files=[{"name": "don-de-nghi.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)}]
    )
    shot("01-tiep-nhan-ho-so")
    page.click("button[value=receive]")
    page.wait_for_selector("#status")
    assert "Đang giải quyết" in page.inner_text("#status")
    assert "Đã tiếp nhận hồ sơ" in page.inner_text(".messages")
    shot("02-trang-ho-so")
    d = Dossier.objects.get(applicant_name="Lê Thị Cúc")
    assert d.status == Status.IN_PROGRESS and d.code
    assert d.documents.get().pages == 2

    with page.context.expect_page() as new_page:
        page.click("#print-receipt")
    receipt = new_page.value
    receipt.wait_for_load_state()
    text = receipt.inner_text("body")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert d.code in text and "Lê Thị Cúc" in text
    receipt.set_viewport_size({"width": 700, "height": 1000})
    receipt.screenshot(path=str(artifacts / "03-giay-tiep-nhan.png"), full_page=True)
    printed = receipt.pdf(format="A5", print_background=True)
    assert printed.startswith(b"%PDF-")
    (artifacts / "03-giay-tiep-nhan-in.pdf").write_bytes(printed)


def test_queue_at_counter_resolution(world: World, live_server: Any, page: Any, shot: Any) -> None:
    from motcua.dossiers.services import dossier_receive

    dossier_receive(actor=world.users["counter"], desk=world.center, intake=world.intake())
    login(page, live_server.url, "cv_tuphap")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 1
    assert "Thành lập Văn phòng công chứng" in rows.first.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366  # no horizontal scrolling on a counter PC
    shot("04-hang-cho-chuyen-vien")


@pytest.mark.slow(seconds=28)  # its file is scheduled first (tests/conftest.py)
def test_dashboard_png(live_server: Any, page: Any, shot: Any) -> None:
    from motcua.demo.services import demo_load
    from tests.factories import UserFactory

    with coverage_paused():  # the setting; tests/demo/ measures the demo
        demo_load(scale=0.005)
    UserFactory(username="lanhdao_tinh", superuser=True)
    login(page, live_server.url, "lanhdao_tinh")
    page.goto(f"{live_server.url}/can-bo/bao-cao/?year=2022&kind=6")
    page.wait_for_selector("#levels")
    assert "Cấp tỉnh" in page.inner_text("#levels")
    assert page.locator("svg.chart").count() == 3
    assert "QĐ 766" in page.inner_text("#index766")
    page.set_viewport_size({"width": 1366, "height": 1400})
    shot("05-bang-dieu-khien-bao-cao")
