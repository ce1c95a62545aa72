"""The citizen's whole journey through the real pages (issue 8, "done when").

A citizen registers, verifies the e-mail (the outbox link), logs in, finds a procedure on the
portal typed without diacritics, puts a document in the personal data store, submits the dossier
online reusing it and uploading the other one; the desk accepts it from the online queue; the
citizen pays through the sandbox gateway; the specialist and the leader process it (the leader
signs the PDF result on the dossier page), the desk returns the result; the citizen downloads the
signed result from "my dossiers", verifies its signature on the public page by uploading the
file, and rates the handling. Every stage goes through the pages; the database is checked after
each one, and a screenshot is saved as ``test-artifacts/journey-NN-<stage>.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from motcua.citizens.models import CitizenProfile
from motcua.core.text import person_name
from motcua.dossiers.models import (
    Document,
    DocumentKind,
    Dossier,
    Outbox,
    Rating,
    Status,
    StepStatus,
)
from motcua.eservices.models import DocumentReuse, StoredDocument
from motcua.payments.models import PaymentRequest, Receipt
from motcua.worktime.models import CalendarDay, DayKind, WorkCalendar
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.dossiers.test_documents import pdf_bytes
from tests.esign_tools import certificate_for, plain_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hanh-trinh-cong-dan-2026"
ID_NUMBER = "079301009876"
PHONE = {"width": 390, "height": 844}


def around_the_clock() -> None:
    """The test runs at whatever hour and day the machine is at, while a dossier reaches its
    processing agency only in working hours: the province here works around the clock, every
    day (a stored default calendar: 00:00-24:00, weekends made working days, no holidays)."""
    cal = WorkCalendar.objects.create(
        code="suot-ngay",
        name="Làm việc suốt ngày (thử nghiệm)",
        is_default=True,
        hours="00:00-24:00",
        use_national_holidays=False,
    )
    today = timezone.localdate()
    days = [today + dt.timedelta(days=n) for n in range(-7, 60)]
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=cal, date=day, kind=DayKind.WORKING)
        for day in days
        if day.weekday() >= 5
    )


def pdf(name: str, pages: int = 1) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(pages)}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """The citizen's page, on a phone-sized screen."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.mark.slow(seconds=23)  # its file is scheduled first (tests/conftest.py)
def test_the_citizens_whole_journey(
    world: World, live_server: Any, browser: Any, phone: Any, settings: Any, artifacts: Path
) -> None:
    base = live_server.url
    w = world
    # the sandbox gateway on the live server, answering over HTTP (as tests/browser/test_payments)
    settings.PAYMENT_GATEWAY_SECRET = "khoa-thu-nghiem-hanh-trinh"
    settings.PAYMENT_SANDBOX_ENABLED = True
    settings.PAYMENT_GATEWAY_URL = f"{base}/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"
    settings.PAYMENT_SANDBOX_IPN_URL = f"{base}/thanh-toan/vnpay/ipn/"
    settings.MOTCUA_PUBLIC_URL = base
    around_the_clock()
    page = phone  # the citizen's pages are used on a phone
    certificate_for(w.justice)  # the Department of Justice's signing certificate (test CA)
    procedure = w.simple  # "Thành lập Văn phòng công chứng": online (partly), fee 1.000.000 đ
    assert sum(f.amount_vnd for f in procedure.fees.all()) == 1_000_000

    def shot(n: int, stage: str, pg: Any = None) -> None:
        (pg or page).screenshot(
            path=str(artifacts / f"journey-{n:02d}-{stage}.png"), full_page=True
        )

    # 1. register ---------------------------------------------------------------------------
    page.goto(f"{base}/cong-dan/dang-ky/")
    page.check("input[name=kind][value=person]")
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_name", "Trần Thị Hạnh")
    page.fill("#id_email", "hanh@example.vn")
    page.fill("#id_phone", "0987654321")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button:has-text('Đăng ký')")
    page.wait_for_selector("text=Kiểm tra hộp thư để kích hoạt tài khoản")
    shot(1, "dang-ky")
    profile = CitizenProfile.objects.get(id_number=ID_NUMBER)
    assert profile.email_verified_at is None
    assert not profile.user.is_staff

    # 2. verify the e-mail by following the mail's link (the outbox row) ----------------------
    mail = Outbox.objects.get(topic="citizen.verify_email")
    page.goto(re.sub(r"^https?://[^/]+", base, mail.payload["link"]))
    page.click("button:has-text('Xác nhận thư điện tử')")
    page.wait_for_url(f"{base}/cong-dan/dang-nhap/")
    assert "Đã xác thực thư điện tử" in page.content()
    shot(2, "xac-thuc-thu")
    profile.refresh_from_db()
    assert profile.email_verified_at is not None

    # 3. log in with the ID number ------------------------------------------------------------
    page.fill("#id_identifier", ID_NUMBER)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}/cong-dan/")
    assert "Trần Thị Hạnh" in page.inner_text("h1")
    shot(3, "dang-nhap")
    citizen = profile.user

    # 4. find the procedure on the portal, typed without diacritics ----------------------------
    page.goto(f"{base}/")
    page.fill("#id_q", "thanh lap van phong cong chung")
    page.press("#id_q", "Enter")
    page.wait_for_selector("#procedure-results")
    link = page.locator(f"#procedure-results a[href='/thu-tuc/{procedure.pk}/']")
    assert link.count() == 1
    assert "Thành lập Văn phòng công chứng" in link.inner_text()
    shot(4, "tim-thu-tuc")
    link.click()
    page.wait_for_selector("#procedure-name")
    assert "1.000.000" in page.inner_text("#fees")
    shot(5, "thu-tuc")

    # 5. put a document in the personal data store through its page ---------------------------
    page.goto(f"{base}/dich-vu-cong/kho-du-lieu/")
    page.fill("#id_title", "Đề án thành lập")
    page.set_input_files("#id_file", files=[pdf("de-an-thanh-lap.pdf", 3)])
    page.click("button:has-text('Lưu vào kho')")
    page.wait_for_selector("text=de-an-thanh-lap.pdf")
    shot(6, "kho-du-lieu")
    stored = StoredDocument.objects.get(account=citizen)
    assert stored.title == "Đề án thành lập" and stored.reuse_count == 0

    # 6. submit online: reuse the stored document, upload the application ---------------------
    page.goto(f"{base}/thu-tuc/{procedure.pk}/")
    page.click("#submit-online")
    page.wait_for_url(f"{base}/dich-vu-cong/nop/{procedure.pk}/")
    docs = {d.name: d for d in procedure.documents.all()}
    application, plan = docs["Đơn đề nghị thành lập"], docs["Đề án thành lập"]
    # the stored document of the same name is offered already selected (prefill); pick it anyway
    assert page.input_value(f"#id_doc_{plan.pk}_stored") == str(stored.pk)
    page.select_option(f"#id_doc_{plan.pk}_stored", str(stored.pk))
    page.set_input_files(f"#id_doc_{application.pk}_file", files=[pdf("don-de-nghi.pdf", 2)])
    page.select_option("#id_desk", str(w.center.pk))
    page.fill("#id_request", "Đề nghị thành lập Văn phòng công chứng Hạnh Phúc")
    shot(7, "nop-truc-tuyen")
    page.click("button[value=submit]")
    page.wait_for_selector("#trang-thai")
    assert "chờ cán bộ kiểm tra" in page.inner_text("#trang-thai")
    shot(8, "da-nop")
    d = Dossier.objects.get(account=citizen)
    assert d.status == Status.SUBMITTED and d.procedure_id == procedure.pk
    assert d.applicant_id_number == ID_NUMBER
    assert d.documents.count() == 2
    reused = DocumentReuse.objects.get(stored=stored)
    assert reused.dossier_id == d.pk and reused.document.dossier_id == d.pk
    assert (
        reused.document.sha256 == stored.sha256 and reused.document.required_document == plan.name
    )
    assert reused.document.reused_from is None  # an item the holder uploaded, not a dossier's
    stored.refresh_from_db()
    assert stored.reuse_count == 1
    my_dossier = page.url

    # 7. the desk accepts it from the online queue --------------------------------------------
    counter_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    desk = counter_ctx.new_page()
    login(desk, base, "motcua_tinh")
    desk.goto(f"{base}/can-bo/truc-tuyen/")
    row = desk.locator("table.grid tbody tr", has_text="Trần Thị Hạnh")
    assert row.count() == 1
    shot(9, "hang-doi-truc-tuyen", desk)
    row.locator("a").click()
    desk.click("button:has-text('Tiếp nhận hồ sơ trực tuyến')")
    desk.wait_for_selector(".messages")
    d.refresh_from_db()
    assert d.status == Status.IN_PROGRESS and d.code
    assert d.code in desk.inner_text("h1")
    shot(10, "tiep-nhan", desk)
    payment = PaymentRequest.objects.get(dossier=d)
    assert payment.status == "pending" and payment.amount_vnd == 1_000_000

    # 8. the citizen pays through the sandbox gateway -----------------------------------------
    page.goto(my_dossier)
    assert page.inner_text("#payment-status") == "Chờ thanh toán"
    assert "1.000.000" in page.inner_text("#payment-amount")
    page.click("#pay-online")
    page.wait_for_selector("#amount")
    assert page.inner_text("#amount") == "1.000.000 đồng"
    shot(11, "cong-thanh-toan")
    page.click("#pay")
    page.wait_for_url(f"{base}/thanh-toan/vnpay/ket-qua/*")
    assert "Thanh toán thành công" in page.inner_text("#payment-result")
    shot(12, "thanh-toan-thanh-cong")
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.channel == "online"
    assert Receipt.objects.filter(payment=payment).count() == 1
    d.refresh_from_db()
    assert d.online_payment_vnd == 1_000_000

    # 9. the specialist appraises (the step's button on the dossier page) -----------------------
    specialist_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    spec = specialist_ctx.new_page()
    login(spec, base, "cv_tuphap")
    spec.goto(f"{base}/can-bo/ho-so/{d.code}/")
    appraisal = d.steps.get(role="chuyen_vien")
    spec.fill(f"#actions form:has(#complete-{appraisal.pk}) textarea", "Hồ sơ đủ điều kiện")
    spec.click(f"#complete-{appraisal.pk}")
    spec.wait_for_selector(".messages")
    shot(13, "tham-dinh", spec)
    appraisal.refresh_from_db()
    assert appraisal.status == StepStatus.DONE
    specialist_ctx.close()

    # 10. the leader signs the result (two-factor login), then approves -----------------------
    leader_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    lead = leader_ctx.new_page()
    login(lead, base, "ld_tuphap")
    lead.goto(f"{base}/can-bo/ho-so/{d.code}/")
    lead.click("#sign-result summary")
    lead.set_input_files(
        "#sign-result-file",
        files=[
            {
                "name": "quyet-dinh-thanh-lap.pdf",
                "mimeType": "application/pdf",
                "buffer": plain_pdf("QUYET DINH CHO PHEP THANH LAP"),
            }
        ],
    )
    lead.click("#sign-result-button")
    lead.wait_for_selector("#signed-results")
    shot(14, "ky-so-ket-qua", lead)
    result = Document.objects.get(dossier=d, kind=DocumentKind.RESULT_ELECTRONIC)
    assert result.signer == person_name(w.users["leader"]) != ""
    assert result.signed_at is not None
    d.refresh_from_db()
    assert d.electronic_result
    approval = d.steps.get(role="lanh_dao")
    lead.click(f"#complete-{approval.pk}")
    lead.wait_for_selector(".messages")
    d.refresh_from_db()
    assert d.status == Status.RESOLVED and d.returned_at is None
    shot(15, "phe-duyet", lead)
    leader_ctx.close()

    # 11. the desk returns the result -----------------------------------------------------------
    desk.goto(f"{base}/can-bo/ho-so/{d.code}/")
    handing = d.steps.get(role="tra_ket_qua")
    desk.fill(f"#actions form:has(#complete-{handing.pk}) textarea", "Trực tuyến")
    desk.click(f"#complete-{handing.pk}")
    desk.wait_for_selector(".messages")
    shot(16, "tra-ket-qua", desk)
    d.refresh_from_db()
    assert d.status == Status.RESOLVED and d.returned_at is not None
    counter_ctx.close()

    # 12. the citizen downloads the signed result from "my dossiers" -------------------------
    page.goto(f"{base}/dich-vu-cong/ho-so/")
    page.click(f"a:has-text('{d.code}')")
    page.wait_for_selector("#electronic-results")
    assert page.inner_text("#trang-thai") == "Đã có kết quả"
    assert result.signer in page.inner_text("#electronic-results")
    with page.expect_download() as dl:
        page.click("#electronic-results a[download]")
    downloaded = artifacts / "journey-ket-qua-da-ky.pdf"
    dl.value.save_as(str(downloaded))
    shot(17, "tai-ket-qua")
    assert page.inner_text("#payment-status") == "Đã thanh toán"
    receipt_href = page.locator("#receipt-download").get_attribute("href")
    receipt_pdf = page.request.get(f"{base}{receipt_href}")
    assert receipt_pdf.ok and receipt_pdf.body().startswith(b"%PDF-")
    data = downloaded.read_bytes()
    assert data.startswith(b"%PDF-")
    with result.file.open("rb") as fh:
        assert fh.read() == data

    # 13. anyone verifies the downloaded file on the public page --------------------------------
    page.goto(f"{base}/xac-thuc-ket-qua/")
    page.set_input_files("#id_file", str(downloaded))
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert "Hợp lệ" in page.inner_text("#verdict")
    assert page.inner_text("#signer") == result.signer
    assert w.justice.name in page.inner_text("#agency")
    assert d.code in page.inner_text("#issued")
    shot(18, "xac-thuc-chu-ky")

    # 14. the citizen rates the handling ------------------------------------------------------
    page.goto(my_dossier)
    page.check("#rating-form input[name=level][value=hai_long]")
    page.fill("#rating-comment", "Nộp trực tuyến thuận tiện, trả kết quả đúng hẹn")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#rating [role=status]")
    assert "Hài lòng" in page.inner_text("#rating")
    # the feedback panel beside it links to a feedback form about this dossier
    assert f"?ho_so={d.pk}" in page.locator("section.card#phan-anh a").first.get_attribute("href")
    shot(19, "danh-gia")
    rating = Rating.objects.get(dossier=d)
    assert rating.score == 5 and "thuận tiện" in rating.comment

    # the signed result is now offered in the citizen's data store, the reuse listed there
    page.goto(f"{base}/dich-vu-cong/kho-du-lieu/")
    store = page.inner_text("main")
    assert "1 lần" in store and f"hồ sơ #{d.pk}" in store
    assert StoredDocument.objects.filter(account=citizen, origin=result).count() == 1
    shot(20, "kho-du-lieu-sau")

    # the notifications of the journey, written as outbox rows in the same transactions
    topics = set(Outbox.objects.filter(dossier=d).values_list("topic", flat=True))
    assert {"dossier.submitted", "dossier.received", "payment.requested"} <= topics
    assert {"payment.confirmed", "dossier.result_ready"} <= topics
