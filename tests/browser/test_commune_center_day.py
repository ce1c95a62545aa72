"""Issue 11 in a real browser: a day at a commune-level Public Administrative Service Center of
the two-level demo (``motcua demo --current``, Phường Đồng Xoài). The counter officer logs in and
sees the queue, receives a dossier at the counter, and one for another commune's procedure
(routed to that commune); the specialist and the leader process it, the counter returns the
result; the desk's book and the commune's statistics. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier, Status
from tests.browser.test_counter_intake import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-1"
STAFF = ("motcua.dongxoai", "cv.dongxoai", "ld.dongxoai", "motcua.bienhoa", "cv.bienhoa")


def _demo() -> Any:
    from django.contrib.auth import get_user_model

    from motcua.demo.current.load import demo_current_load

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


def _step_by(browser: Any, base: str, username: str, d: Dossier, name: str) -> None:
    """``username`` completes the dossier's active step from the dossier page."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    pg = ctx.new_page()
    login(pg, base, username)
    step = d.steps.filter(status="active").order_by("order").first()
    assert step is not None
    pg.goto(f"{base}/can-bo/ho-so/{d.code}/")
    pg.fill(f"#actions form:has(#complete-{step.pk}) textarea", "Đồng ý")
    pg.click(f"#complete-{step.pk}")
    pg.wait_for_selector(".messages")
    assert pg.locator(".messages").is_visible()
    pg.screenshot(path=_path(name))
    ctx.close()
    step.refresh_from_db()
    assert step.status == "done"


def _path(name: str) -> str:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


def test_a_day_at_a_commune_center(live_server: Any, browser: Any, page: Any, shot: Any) -> None:
    _demo()
    base = live_server.url

    # 1. the counter officer logs in: the commune center's queue -------------------------------
    login(page, base, "motcua.dongxoai")
    assert page.locator("#queue").is_visible()
    assert "Phường Đồng Xoài" in page.inner_text("body")
    assert shot("xa-01-hang-cho").exists()

    # 2. a dossier at the counter, for a commune procedure --------------------------------------
    page.goto(f"{base}/can-bo/tiep-nhan/")
    chosen = _fill_intake(page, "dang ky", "Lê Thị Cúc", "075123000111")
    assert shot("xa-02-tiep-nhan").exists()
    page.click("button[value=receive]")
    page.wait_for_selector("#status")
    assert "Đang giải quyết" in page.inner_text("#status")
    assert page.locator(".messages").is_visible()
    assert shot("xa-03-da-tiep-nhan").exists()
    d = Dossier.objects.get(applicant_name="Lê Thị Cúc")
    assert d.status == Status.IN_PROGRESS and d.receiving_agency.kind == "tt_xa"
    assert chosen.split(" ")[0] in d.procedure.name or d.procedure.code in chosen

    # 3. the commune's specialist and leader process it (the leader with a TOTP code) ----------
    while d.steps.filter(status="active").exclude(role="tra_ket_qua").exists():
        step = d.steps.filter(status="active").order_by("order").first()
        who = "cv.dongxoai" if step.role in ("chuyen_vien", "lien_thong") else "ld.dongxoai"
        _step_by(browser, base, who, d, f"xa-04-{step.order}-{step.role}")
    d.refresh_from_db()
    assert d.status == Status.RESOLVED

    # 4. the counter returns the result ---------------------------------------------------------
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    handing = d.steps.get(role="tra_ket_qua")
    page.fill(f"#actions form:has(#complete-{handing.pk}) textarea", "Trực tiếp tại quầy")
    page.click(f"#complete-{handing.pk}")
    page.wait_for_selector(".messages")
    assert page.locator(".messages").is_visible()
    assert shot("xa-05-tra-ket-qua").exists()
    d.refresh_from_db()
    assert d.returned_at is not None

    # 5. the desk's book: today's dossiers, the one just received among them -------------------
    page.goto(f"{base}/can-bo/so-theo-doi/")
    assert d.code in page.inner_text("body")
    assert shot("xa-06-so-theo-doi").exists()

    # 6. the commune's statistics, as its leader sees them --------------------------------------
    ctx = browser.new_context(viewport={"width": 1366, "height": 1200}, locale="vi-VN")
    lead = ctx.new_page()
    login(lead, base, "ld.dongxoai")
    lead.goto(f"{base}/can-bo/bao-cao/")
    lead.wait_for_selector("#levels")
    levels = lead.inner_text("#levels")
    assert "Cấp xã" in levels and "Cấp huyện" not in levels
    lead.screenshot(path=_path("xa-07-thong-ke"))
    ctx.close()
