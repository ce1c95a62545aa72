"""A citizen submits a dossier online on a phone-sized screen, then follows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from tests.dossiers.conftest import World
from tests.dossiers.test_documents import pdf_bytes
from tests.factories import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_online_submission_on_a_phone(
    world: World, live_server: Any, browser: Any, artifacts: Any
) -> None:
    citizen = CitizenFactory(name="Phạm Thị Dung", id_number="079300000123")
    c = Client()
    c.force_login(citizen.user)
    base = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": c.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{base}/dich-vu-cong/nop/{world.simple.pk}/")
        assert "Phạm Thị Dung" in page.inner_text("main")
        # mobile first: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.select_option("#id_desk", str(world.center.pk))
        page.fill("#id_request", "Đề nghị thành lập văn phòng công chứng")
        docs = list(world.simple.documents.all())
        page.set_input_files(
            f"#id_doc_{docs[0].pk}_file",
            files=[{"name": "don.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(1)}],
        )
        page.click("button[value=submit]")
        page.wait_for_selector("#trang-thai")
        assert "chờ cán bộ kiểm tra" in page.inner_text("#trang-thai")
        page.screenshot(path=str(artifacts / "citizen-01-ho-so-da-nop.png"), full_page=True)
        d = Dossier.objects.get(account=citizen.user)
        assert d.status == Status.SUBMITTED and d.documents.count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
