"""Issue 11 in a real browser: a day at a commune-level Public Administrative Service Center of
the two-level demo (``motcua demo --current``, Phường Đồng Xoài). The counter officer logs in and
sees the queue, receives a dossier at the counter, and one for another commune's procedure
(routed to that commune); the specialist and the leader process it, the counter returns the
result; the desk's book and the commune's statistics. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from motcua.dossiers.models import Dossier, Status
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import at
from tests.tools import coverage_paused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-1"
STAFF = ("motcua.dongxoai", "cv.dongxoai", "ld.dongxoai", "motcua.bienhoa", "cv.bienhoa")


def _demo() -> Any:
    from django.contrib.auth import get_user_model

    from motcua.demo.current.load import demo_current_load

    with coverage_paused():  # the setting; tests/demo/ measures the demo
        demo_current_load(scale=0)
    for user in get_user_model().objects.filter(username__in=STAFF):
        user.set_password(PASSWORD)
        user.save()


def _fill_intake(page: Any, query: str, name: str, idn: str) -> str:
    page.fill("#q", query)
    link = page.locator("#procedure-results a").first
    link.wait_for()
    chosen = link.inner_text()
    link.click()
    page.wait_for_selector("#intake-form")
    page.fill("#name", name)
    page.fill("#id_number", idn)
    page.fill("#phone", "0911222333")
    page.fill("#address", "Khu phố 3, Phường Đồng Xoài, tỉnh Đồng Nai")
    page.fill("#request", f"Đề nghị giải quyết thủ tục cho {name}")
    for box in page.locator("#checklist input[type=checkbox]").all():
        box.check()
    return chosen


def _path(name: str) -> str:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


class Officers:
    """One logged-in browser page per officer (a leader logs in once: the TOTP enrolment)."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base, self.pages = browser, base, {}

    def page(self, username: str) -> Any:
        if username not in self.pages:
            ctx = self.browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            pg = ctx.new_page()
            login(pg, self.base, username)
            self.pages[username] = pg
        return self.pages[username]

    def complete_active_step(self, d: Dossier, name: str) -> str:
        """The officer whose step it is completes it from the dossier page."""
        step = d.steps.filter(status="active").order_by("order").first()
        assert step is not None
        commune = "bienhoa" if "Biên Hòa" in step.agency.name else "dongxoai"
        role = "cv" if step.role in ("chuyen_vien", "lien_thong") else "ld"
        pg = self.page(f"{role}.{commune}")
        pg.goto(f"{self.base}/can-bo/ho-so/{d.code}/")
        pg.fill(f"#actions form:has(#complete-{step.pk}) textarea", "Đồng ý")
        pg.click(f"#complete-{step.pk}")
        pg.wait_for_selector(".messages")
        assert pg.locator(".messages").is_visible()
        pg.screenshot(path=_path(name))
        step.refresh_from_db()
        assert step.status == "done", pg.inner_text(".messages")
        return pg.url

    def close(self) -> None:
        for pg in self.pages.values():
            pg.context.close()


@pytest.mark.slow(seconds=45)  # its file is scheduled first (tests/conftest.py)
def test_a_day_at_a_commune_center(live_server: Any, browser: Any, page: Any, shot: Any) -> None:
    # a working morning (the officer's day; a receipt at night is handed over the next morning)
    with time_machine.travel(at("2026-03-03 08:30"), tick=True):
        _day(live_server.url, browser, page, shot)


def _day(base: str, browser: Any, page: Any, shot: Any) -> None:
    _demo()

    # 1. the counter officer logs in: the commune center's queue -------------------------------
    login(page, base, "motcua.dongxoai")
    assert page.locator("#queue").is_visible()
    assert "Phường Đồng Xoài" in page.inner_text("body")
    # a result waiting to be returned (the demo's dossier resolved by the commune)
    assert "Trả kết quả" in page.inner_text("#queue")
    assert shot("xa-01-hang-cho").exists()

    # 2. a dossier at the counter, for a procedure of the commune -------------------------------
    page.goto(f"{base}/can-bo/tiep-nhan/")
    _fill_intake(page, "dang ky", "Lê Thị Cúc", "075123000111")
    assert shot("xa-02-tiep-nhan").exists()
    page.click("button[value=receive]")
    page.wait_for_selector("#status")
    assert "Đang giải quyết" in page.inner_text("#status")
    assert page.locator(".messages").is_visible()
    assert shot("xa-03-da-tiep-nhan").exists()
    d = Dossier.objects.get(applicant_name="Lê Thị Cúc")
    assert d.status == Status.IN_PROGRESS and d.receiving_agency.kind == "tt_xa"
    assert d.processing_agency.name == "Ủy ban nhân dân Phường Đồng Xoài"

    # 3. one for another commune (the applicant lives in Biên Hòa): routed there ---------------
    page.goto(f"{base}/can-bo/tiep-nhan/")
    _fill_intake(page, "dang ky", "Trần Văn Bình", "075123000222")
    page.fill("#address", "Khu phố 1, Phường Biên Hòa, tỉnh Đồng Nai")
    page.select_option("#competent_agency", label="Ủy ban nhân dân Phường Biên Hòa")
    assert shot("xa-04-tiep-nhan-phi-dia-gioi").exists()
    page.click("button[value=receive]")
    page.wait_for_selector("#status")
    assert "Ủy ban nhân dân Phường Biên Hòa" in page.inner_text("body")
    assert page.locator(".messages").is_visible()
    assert shot("xa-05-chuyen-xa-khac").exists()
    routed = Dossier.objects.get(applicant_name="Trần Văn Bình")
    assert routed.receiving_agency == d.receiving_agency
    assert routed.processing_agency.name == "Ủy ban nhân dân Phường Biên Hòa"
    assert routed.events.filter(type="routed").exists()

    # 4. the commune's specialist and leader process the first (the leader with a TOTP code),
    #    Biên Hòa's specialist takes the routed one ---------------------------------------------
    officers = Officers(browser, base)
    try:
        _process_and_return(base, page, shot, officers, d, routed)
    finally:
        officers.close()


def _process_and_return(
    base: str, page: Any, shot: Any, officers: Officers, d: Dossier, routed: Dossier
) -> None:
    while d.steps.filter(status="active").exclude(role="tra_ket_qua").exists():
        step = d.steps.filter(status="active").order_by("order").first()
        assert step is not None
        officers.complete_active_step(d, f"xa-06-buoc-{step.order}")
    officers.complete_active_step(routed, "xa-07-xa-khac-tham-dinh")
    d.refresh_from_db()
    assert d.status == Status.RESOLVED

    # 5. the counter returns the result ---------------------------------------------------------
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    handing = d.steps.get(role="tra_ket_qua")
    page.fill(f"#actions form:has(#complete-{handing.pk}) textarea", "Trực tiếp tại quầy")
    page.click(f"#complete-{handing.pk}")
    page.wait_for_selector(".messages")
    assert page.locator(".messages").is_visible()
    assert shot("xa-08-tra-ket-qua").exists()
    d.refresh_from_db()
    assert d.returned_at is not None

    # 6. the desk's book: the day's dossiers, both received here ---------------------------------
    page.goto(f"{base}/can-bo/so-theo-doi/")
    book = page.inner_text("body")
    assert d.code in book and routed.code in book
    assert shot("xa-09-so-theo-doi").exists()

    # 7. the commune's statistics, as its leader sees them --------------------------------------
    lead = officers.page("ld.dongxoai")
    lead.set_viewport_size({"width": 1366, "height": 1200})
    lead.goto(f"{base}/can-bo/bao-cao/")
    lead.wait_for_selector("#levels")
    assert lead.locator("#levels").is_visible()
    levels = lead.inner_text("#levels")
    assert "Cấp xã" in levels and "Cấp huyện" not in levels
    lead.screenshot(path=_path("xa-10-thong-ke"))
