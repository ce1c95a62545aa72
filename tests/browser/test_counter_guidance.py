"""Issue 7's walk through a real browser: a counter officer meets an incomplete paper dossier,
issues Mẫu 02 at the counter, receives the completed dossier from its record, and the leader
apologises two working days before the due date (Mẫu 04). Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine

from motcua.dossiers.models import Dossier, FormType, Status
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_incomplete_intake_guidance_complete_intake_and_early_apology(
    world: World, live_server: Any, page: Any, shot: Any, artifacts: Path
) -> None:
    base = live_server.url
    docs = list(world.simple.documents.order_by("order"))
    first = docs[0]
    # a Monday morning (in the future, so that the browser keeps the session cookie)
    with time_machine.travel(at("2027-03-01 09:00"), tick=True):
        login(page, base, "motcua_tinh")
        page.goto(f"{base}/can-bo/tiep-nhan/")
        page.fill("#q", "thanh lap van phong")
        link = page.locator("#procedure-results a").first
        link.wait_for()
        link.click()
        page.wait_for_selector("#intake-form")
        page.fill("#name", "Phạm Văn Dũng")
        page.fill("#id_number", "070123000222")
        page.fill("#phone", "0911222444")
        page.fill("#email", "dung@example.vn")
        page.fill("#address", "Phường Tân Xuân, Đồng Xoài")
        page.fill("#request", "Thành lập Văn phòng công chứng Tân Xuân")
        for doc in docs[1:]:
            page.check(f"#doc_{doc.pk}_submitted")  # the first document was not brought
        page.click("button[value=receive]")

        # 1. incomplete: back on the filled form, with the message and the guidance offered
        page.wait_for_selector(".messages")
        assert "Hồ sơ chưa đầy đủ, cần hướng dẫn bổ sung (Mẫu 02)" in page.inner_text(".messages")
        assert page.input_value("#name") == "Phạm Văn Dũng"
        assert page.input_value("#email") == "dung@example.vn"
        assert page.locator("#guide").get_attribute("open") is not None
        assert page.is_checked(f"#missing input[value='{first.pk}']")
        page.fill("#guide_reason", "Thiếu đơn đề nghị thành lập có chữ ký của người nộp")
        page.locator("#guide").scroll_into_view_if_needed()
        shot("06-ho-so-chua-day-du")

        # 2. Mẫu 02 issued at the counter, recorded and printable
        page.click("#issue-guidance")
        page.wait_for_selector("#receive-completed")
        assert "Chờ người nộp hoàn thiện" in page.inner_text("#status")
        shot("07-da-huong-dan-hoan-thien")
        d = Dossier.objects.get(applicant_name="Phạm Văn Dũng")
        assert d.status == Status.NEEDS_COMPLETION and d.code is None
        assert d.supplement_requests.get().at_intake
        with page.context.expect_page() as new_page:
            page.click("#print a[href*='/mau/02/']")
        guidance = new_page.value
        guidance.wait_for_load_state()
        text = guidance.inner_text("body")
        assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
        assert first.name in text and "Phạm Văn Dũng" in text
        guidance.set_viewport_size({"width": 700, "height": 1000})
        guidance.screenshot(path=str(artifacts / "08-mau-02-tai-quay.png"), full_page=True)
        guidance.close()

    # 3. two days later the applicant is back with everything: received from the record
    with time_machine.travel(at("2027-03-03 08:30"), tick=True):
        page.reload()
        for doc in docs:
            page.check(f"#re-doc_{doc.pk}_submitted")
        page.click("#receive-completed-button")
        page.wait_for_selector(".messages")
        assert "Đang giải quyết" in page.inner_text("#status")
        assert "Đã tiếp nhận hồ sơ" in page.inner_text(".messages")
        shot("09-tiep-nhan-ho-so-da-hoan-thien")
    d.refresh_from_db()
    assert d.status == Status.IN_PROGRESS and d.code
    assert d.received_at is not None and d.due_at is not None
    # 5 working days from Wednesday 08:30: Wednesday 10 March, 08:30 (a few seconds later)
    assert at("2027-03-10 08:30") <= d.due_at < at("2027-03-10 08:35")

    # 4. the leader foresees the delay two working days before the due date: the law sets one
    # day before as the LATEST moment of the apology, not the earliest (REGULATIONS.md §2)
    with time_machine.travel(at("2027-03-08 08:30"), tick=True):
        page.context.clear_cookies()
        login(page, base, "ld_tuphap")
        page.goto(f"{base}/can-bo/ho-so/{d.code}/")
        assert page.locator("#apology").count() == 1, "chưa có mẫu xin lỗi hai ngày trước hạn"
        # two days before due the form is folded (nothing is late yet): the leader opens it
        assert page.locator("#apology").get_attribute("open") is None
        page.click("#apology summary")
        page.fill("#apology-reason", "Cần xác minh thêm hồ sơ công chứng viên")
        page.fill("#apology-new_appointment", "2027-03-15T16:00")
        shot("10-xin-loi-truoc-han")
        page.click("#apology-button")
        page.wait_for_selector(".messages")
        assert "Đã lập Phiếu xin lỗi" in page.inner_text(".messages")
        shot("11-da-xin-loi-hen-lai")
    d.refresh_from_db()
    assert d.appointment_at == at("2027-03-15 16:00")
    assert d.forms.filter(form=FormType.APOLOGY).count() == 1
