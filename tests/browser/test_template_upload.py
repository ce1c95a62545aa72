"""A province administrator uploads a procedure's Word result template through /admin/, in a
real browser: a template with a placeholder tag left open is refused next to the file field with
the reason in Vietnamese, nothing stored; a good one is saved, under its own name with .docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.services import catalog_import_specs
from motcua.drafting.models import ResultTemplate
from tests.drafting.tools import docx_file
from tests.factories import UserFactory, procedure_spec
from tests.otp import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_uploads_a_word_template_and_a_broken_one_is_refused(
    live_server: Any, page: Any, shot: Any, tmp_path: Path
) -> None:
    UserFactory(username="quantri", superuser=True)
    catalog_import_specs(actor=None, specs=[procedure_spec("1.000001")], source="t")
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("input[type=submit]")
    browser_second_factor(page)
    page.wait_for_url(f"{base}/admin/")

    broken = tmp_path / "mau-hong.docx"
    broken.write_bytes(docx_file([[("Ông/bà {% if applicant_name %}{{ applicant_name }}", {})]]))
    page.goto(f"{base}/admin/drafting/resulttemplate/add/")
    page.fill("#id_procedure_code", "1.000001")
    page.fill("#id_name", "Giấy chứng nhận")
    page.select_option("#id_kind", "docx")
    page.set_input_files("#id_file", str(broken))
    page.click("input[name=_save]")
    error = page.locator(".field-file .errorlist")
    error.wait_for()
    assert "cùng một đoạn văn" in error.inner_text()  # the tag must close in its paragraph
    shot("template-upload-01-refused")
    assert ResultTemplate.objects.count() == 0

    good = tmp_path / "giay-chung-nhan.docx.html"  # a name that is not a .docx's
    good.write_bytes(
        docx_file(
            [
                [("GIẤY CHỨNG NHẬN", {"bold": True, "center": True})],
                [("Cấp cho ông/bà: {{ applicant_name }}", {})],
            ]
        )
    )
    page.set_input_files("#id_file", str(good))
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/drafting/resulttemplate/")
    assert "Giấy chứng nhận" in page.inner_text("#result_list")
    shot("template-upload-02-saved")
    saved = ResultTemplate.objects.get()
    assert saved.kind == "docx" and saved.file.name.endswith("/giay-chung-nhan.docx.html.docx")
