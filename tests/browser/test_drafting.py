"""The specialist drafts the result from the procedure's template on the dossier page, edits it
and submits it; the leader signs it; the signed PDF verifies (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.models import Document, DocumentKind
from motcua.drafting.models import DraftStatus, ResultDraft
from motcua.esign.verify import verification_code, verify_pdf
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.drafting.tools import FORM_DATA, html_template, in_progress
from tests.esign_tools import certificate_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_specialist_drafts_from_the_template_and_the_leader_signs(
    world: World, live_server: Any, page: Any, browser: Any, shot: Any, artifacts: Path
) -> None:
    base = live_server.url
    d = in_progress(world, FORM_DATA)
    template = html_template()
    certificate_for(world.justice)

    login(page, base, "cv_tuphap")
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    page.select_option("#draft-template", str(template.pk))
    page.locator("#draft-create").scroll_into_view_if_needed()
    shot("drafting-01-ho-so")
    page.click("#draft-create-button")
    page.wait_for_selector("#draft-preview")
    assert "Trần Thị Bình" in page.inner_text("#draft-preview")
    assert "Lê Thị Dung" in page.inner_text("#draft-preview")  # the repeated group's rows
    content = page.input_value("#draft-content")
    page.fill("#draft-content", content + "\n<p>Nơi nhận: <b>như trên</b>.</p>")
    page.click("#draft-save")
    page.wait_for_selector(".messages")
    assert "Nơi nhận: như trên." in page.inner_text("#draft-preview")
    shot("drafting-02-du-thao")
    page.click("#draft-submit")
    page.wait_for_selector("#draft-status")
    assert "Đã trình ký" in page.inner_text("#draft-status")
    draft = ResultDraft.objects.get(dossier=d)
    assert draft.status == DraftStatus.SUBMITTED

    leader_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    leader = leader_ctx.new_page()
    try:
        login(leader, base, "ld_tuphap")
        leader.goto(f"{base}/can-bo/ho-so/{d.code}/")
        leader.click(f"#draft-{draft.pk}")
        leader.wait_for_selector("#draft-sign")
        assert "Nơi nhận: như trên." in leader.inner_text("#draft-preview")
        leader.click("#draft-sign-button")
        leader.wait_for_selector("#signed-results")
        doc = Document.objects.get(dossier=d, kind=DocumentKind.RESULT_ELECTRONIC)
        assert verification_code(doc.sha256) in leader.inner_text(".messages")
        assert "Đã ký số" in leader.inner_text("#result-drafts")
        leader.screenshot(path=str(artifacts / "drafting-03-da-ky.png"))
    finally:
        leader_ctx.close()
    with doc.file.open("rb") as fh:
        verdict = verify_pdf(fh.read(), agencies=[world.justice])
    assert verdict.valid and verdict.agency == world.justice
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED and draft.document == doc
