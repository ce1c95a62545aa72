"""A citizen fills a procedure's electronic application form in Chromium: a repeated group
(rows added in the page), a conditional field (shown when its condition holds, required then),
a wrong value refused with the message beside its field; the filed dossier shows the data at
the counter, which accepts it; the specialist drafts the result from the procedure's template
filled with the form's data, and the leader signs it (issue 15's journey, end to end)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.eforms.services import form_definition_set
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.dossiers.test_documents import pdf_bytes
from tests.eforms.conftest import BASE
from tests.factories import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_fills_the_form_and_the_counter_sees_it(
    world: World, live_server: Any, browser: Any, artifacts: Any
) -> None:
    w = world
    form_definition_set(actor=None, procedure=w.simple, definition=copy.deepcopy(BASE))
    citizen = CitizenFactory(name="Phạm Thị Dung", id_number="079300000123")
    c = Client()
    c.force_login(citizen.user)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
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
    docs = list(w.simple.documents.all())
    pdf = [{"name": "don.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(1)}]
    try:
        page.goto(f"{base}/dich-vu-cong/nop/{w.simple.pk}/")
        page.select_option("#id_desk", str(w.center.pk))
        page.fill("#id_request", "Cấp phiếu")
        page.fill("#id_tk-full_name", "Phạm Thị Dung")
        page.fill("#id_tk-id_no", "12345")  # wrong: an ID number has 12 digits
        # the conditional field appears only for "Khác"
        other = page.locator('[data-name="purpose_other"]')
        assert other.is_hidden()
        page.select_option("#id_tk-purpose", "khac")
        assert other.is_visible()
        page.fill("#id_tk-purpose_other", "Hồ sơ du học")
        # the commune list narrows to the chosen province
        page.select_option("#id_tk-home__province", "70")
        page.select_option("#id_tk-home__commune", "25195")
        page.fill("#id_tk-home__detail", "5 Hùng Vương")
        # a repeated group: two rows, the second added in the page
        group = page.locator('[data-group="tk-members"]')
        group.locator(".eform-add").click()
        page.fill("#id_tk-members-0-name", "Lê Văn Em")
        page.select_option("#id_tk-members-0-relation", "vo_chong")
        group.locator(".eform-add").click()
        page.fill("#id_tk-members-1-name", "Lê Thị Hoa")
        page.select_option("#id_tk-members-1-relation", "con")
        page.set_input_files(f"#id_doc_{docs[0].pk}_file", files=pdf)
        page.click("button[value=submit]")
        # refused: the message beside the field, what was typed kept, nothing filed
        error = page.locator('[data-name="id_no"] .errorlist')
        error.wait_for()
        assert "12 chữ số" in error.inner_text()
        assert page.input_value("#id_tk-members-1-name") == "Lê Thị Hoa"
        assert page.locator('[data-name="purpose_other"]').is_visible()
        assert not Dossier.objects.exists()
        page.screenshot(path=str(artifacts / "eform-01-loi-canh-truong.png"), full_page=True)
        page.fill("#id_tk-id_no", "079300000123")
        page.set_input_files(f"#id_doc_{docs[0].pk}_file", files=pdf)
        page.click("button[value=submit]")
        page.wait_for_selector("#trang-thai")
        d = Dossier.objects.get(account=citizen.user)
        assert d.status == Status.SUBMITTED
        assert d.form_data["purpose_other"] == "Hồ sơ du học"
        assert [m["name"] for m in d.form_data["members"]] == ["Lê Văn Em", "Lê Thị Hoa"]
        assert "Lê Thị Hoa" in page.inner_text("#eform-data")
    finally:
        context.close()
    # the counter officer sees the filed data on the dossier page
    officer = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    staff = officer.new_page()
    try:
        login(staff, base, "motcua_tinh")
        staff.goto(f"{base}/can-bo/ho-so/{d.pk}/")
        data = staff.locator("#eform-data")
        data.wait_for()
        text = data.inner_text()
        assert "Hồ sơ du học" in text and "Lê Văn Em" in text and "Lê Thị Hoa" in text
        assert "5 Hùng Vương, Phường Tân Phú, Tỉnh Bình Phước" in text
        staff.screenshot(path=str(artifacts / "eform-02-quay-xem-to-khai.png"), full_page=True)
        pdf_url = staff.locator("#eform-pdf").get_attribute("href")
        r = staff.request.get(f"{base}{pdf_url}")
        assert r.status == 200 and r.body().startswith(b"%PDF")
        staff.click("text=Tiếp nhận hồ sơ trực tuyến")  # the desk accepts the online dossier
        staff.wait_for_selector(".messages")
        d.refresh_from_db()
        assert d.status == Status.IN_PROGRESS
    finally:
        officer.close()
    _specialist_drafts_and_leader_signs(w, d, base, browser, artifacts)


def _specialist_drafts_and_leader_signs(
    w: World, d: Dossier, base: str, browser: Any, artifacts: Any
) -> None:
    """The journey goes on: the specialist drafts the result from the procedure's template,
    filled from the citizen's form (the repeated group as a table), the leader signs it (PAdES)
    and the signed PDF verifies."""
    from motcua.dossiers.models import Document, DocumentKind
    from motcua.esign.verify import verify_pdf
    from tests.drafting.tools import html_template
    from tests.esign_tools import certificate_for

    template = html_template(
        code=w.simple.code,
        body=(
            "<p>Cấp cho: {{ form.full_name }} ({{ form.id_no }}), mục đích: "
            '{{ form.purpose_other }}</p><table border="1">{% for m in form.members %}'
            "<tr><td>{{ forloop.counter }}</td><td>{{ m.name }}</td></tr>{% endfor %}</table>"
        ),
    )
    certificate_for(w.justice)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    specialist = ctx.new_page()
    try:
        login(specialist, base, "cv_tuphap")
        specialist.goto(f"{base}/can-bo/ho-so/{d.code}/")
        specialist.select_option("#draft-template", str(template.pk))
        specialist.click("#draft-create-button")
        specialist.wait_for_selector("#draft-preview")
        preview = specialist.inner_text("#draft-preview")
        assert "Phạm Thị Dung (079300000123)" in preview and "Hồ sơ du học" in preview
        assert "Lê Văn Em" in preview and "Lê Thị Hoa" in preview
        specialist.screenshot(path=str(artifacts / "eform-04-du-thao-tu-to-khai.png"))
        specialist.click("#draft-submit")
        specialist.wait_for_selector("#draft-status")
    finally:
        ctx.close()
    from motcua.drafting.models import ResultDraft

    draft = ResultDraft.objects.get(dossier=d)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    leader = ctx.new_page()
    try:
        login(leader, base, "ld_tuphap")
        leader.goto(f"{base}/can-bo/ho-so/{d.code}/")
        leader.click(f"#draft-{draft.pk}")
        leader.wait_for_selector("#draft-sign")
        leader.click("#draft-sign-button")
        leader.wait_for_selector("#signed-results")
        leader.screenshot(path=str(artifacts / "eform-05-lanh-dao-ky.png"))
    finally:
        ctx.close()
    doc = Document.objects.get(dossier=d, kind=DocumentKind.RESULT_ELECTRONIC)
    with doc.file.open("rb") as fh:
        verdict = verify_pdf(fh.read(), agencies=[w.justice])
    assert verdict.valid and verdict.agency == w.justice


def test_admin_edits_a_form_with_live_preview(live_server: Any, page: Any, shot: Any) -> None:
    import json

    from motcua.catalog.services import catalog_import_specs
    from motcua.eforms.models import FormDefinition
    from tests.factories import UserFactory, procedure_spec
    from tests.otp import browser_second_factor

    UserFactory(username="quantri", superuser=True)
    catalog_import_specs(actor=None, specs=[procedure_spec("1.000001")], source="t")
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("input[type=submit]")
    browser_second_factor(page)
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/eforms/formdefinition/add/")
    broken = copy.deepcopy(BASE)
    broken["sections"][0]["fields"][1]["type"] = "calendar"
    page.fill("#id_definition", json.dumps(broken, ensure_ascii=False, indent=2))
    page.locator("#id_definition").press("End")  # a keystroke: htmx posts the unsaved text
    error = page.locator("#eform-preview-error", has_text="calendar")
    error.wait_for()  # the answer to this text (the page's first, empty, preview came before)
    assert "dòng" in error.inner_text() and "không được hỗ trợ" in error.inner_text()
    page.fill("#id_definition", json.dumps(BASE, ensure_ascii=False, indent=2))
    page.locator("#id_definition").press("End")
    page.locator("#eform-preview #id_tk-full_name").wait_for()
    page.locator("#eform-preview [data-eform-ready]").wait_for(state="attached")  # its script ran
    # the preview is live: the conditional field follows the choice
    assert page.locator('#eform-preview [data-name="purpose_other"]').is_hidden()
    page.select_option("#eform-preview #id_tk-purpose", "khac")
    assert page.locator('#eform-preview [data-name="purpose_other"]').is_visible()
    shot("eform-03-admin-xem-truoc")
    page.click("#id_procedure + .select2 .select2-selection")  # the admin's autocomplete
    page.fill(".select2-search__field", "thanh lap")
    page.locator(".select2-results__option", has_text="1.000001").click()
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/eforms/formdefinition/")
    assert FormDefinition.objects.get().definition["title"] == "Tờ khai thử"
