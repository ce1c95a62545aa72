"""The leader signs a result in a real browser; anyone verifies it on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.models import Document, DocumentKind
from motcua.esign.verify import verification_code
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.esign.test_pages import ready
from tests.esign_tools import plain_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_signs_and_the_public_verifies(
    world: World, live_server: Any, page: Any, shot: Any, artifacts: Path
) -> None:
    base = live_server.url
    d = ready(world)
    login(page, base, "ld_tuphap")
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    page.click("#sign-result summary")
    page.set_input_files(
        "#sign-result-file",
        files=[{"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": plain_pdf()}],
    )
    shot("esign-01-ky-so")
    page.click("#sign-result-button")
    page.wait_for_selector("#signed-results")
    doc = Document.objects.get(dossier=d, kind=DocumentKind.RESULT_ELECTRONIC)
    code = verification_code(doc.sha256)
    assert code in page.inner_text(".messages")

    public = page.context.browser.new_context(viewport={"width": 375, "height": 740})
    phone = public.new_page()
    try:
        phone.goto(f"{base}/xac-thuc-ket-qua/")
        # keyboard only: the code field is reached by its label, the form sent with Enter
        phone.get_by_label("Mã xác thực").focus()
        phone.keyboard.type(code)
        phone.keyboard.press("Enter")
        phone.wait_for_selector("#verdict")
        assert "Hợp lệ" in phone.inner_text("#verdict")
        assert world.justice.name in phone.inner_text("#agency")
        assert d.code in phone.inner_text("#issued")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, f"the page scrolls sideways on a phone ({width}px)"
        phone.screenshot(path=str(artifacts / "esign-02-xac-thuc-dien-thoai.png"), full_page=True)
    finally:
        public.close()
