"""The doors: the dossier page's panel, the draft page, its posts, the admin with its preview."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.drafting.demo import drafting_demo_load
from motcua.drafting.models import DraftStatus, ResultDraft, ResultTemplate
from tests.dossiers.conftest import World
from tests.drafting.tools import FORM_DATA, docx_file, html_template, in_progress
from tests.esign_tools import certificate_for
from tests.factories import UserFactory
from tests.otp import verify_session

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    verify_session(c, user)
    return c


def test_the_specialist_drafts_from_the_dossier_page_and_the_leader_signs(world: World) -> None:
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    cv = login(w.users["specialist"])
    page = cv.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="draft-create"' in page and t.name in page
    r = cv.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk})
    dr = ResultDraft.objects.get(dossier=d)
    assert r.status_code == 302 and r["Location"] == f"/du-thao/{dr.pk}/"
    page = cv.get(f"/du-thao/{dr.pk}/").content.decode()
    assert "Trần Thị Bình" in page and 'id="draft-content"' in page
    assert 'id="draft-sign"' not in page  # a specialist does not sign
    # an invalid post: no version → 400, the typed text kept, nothing changed
    r = cv.post(f"/du-thao/{dr.pk}/", {"content": "<p>Bản sửa</p>"})
    assert r.status_code == 400 and "Bản sửa" in r.content.decode()
    r = cv.post(f"/du-thao/{dr.pk}/", {"content": "<p>Bản sửa</p>", "version": dr.version})
    assert r.status_code == 302
    dr.refresh_from_db()
    assert dr.content == "<p>Bản sửa</p>"
    assert cv.get(f"/du-thao/{dr.pk}/pdf/")["Content-Type"] == "application/pdf"
    r = cv.post(f"/du-thao/{dr.pk}/trinh-ky/", {"version": dr.version})
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SUBMITTED
    # a stale sign post is refused with a message, nothing signed
    certificate_for(w.justice)
    ld = login(w.users["leader"])
    assert 'id="draft-sign"' in ld.get(f"/du-thao/{dr.pk}/").content.decode()
    r = ld.post(f"/du-thao/{dr.pk}/ky/", {"version": dr.version - 1}, follow=True)
    assert "vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác" in r.content.decode()
    r = ld.post(f"/du-thao/{dr.pk}/ky/", {"version": dr.version})
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/"
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SIGNED and dr.document is not None
    page = ld.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="signed-results"' in page and "Đã ký số" in page


def test_staff_of_another_agency_do_not_see_the_draft(world: World) -> None:
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    cv = login(w.users["specialist"])
    cv.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk})
    dr = ResultDraft.objects.get(dossier=d)
    other = login(w.users["health"])
    assert other.get(f"/du-thao/{dr.pk}/").status_code == 404
    assert other.get(f"/du-thao/{dr.pk}/pdf/").status_code == 404
    assert other.post(f"/du-thao/{dr.pk}/ky/", {"version": dr.version}).status_code == 404
    assert other.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk}).status_code == 404
    # the counter sees the dossier but may not draft on it: 403, nothing made
    desk = login(w.users["counter"])
    page = desk.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="draft-create"' not in page
    svc_post = desk.post(f"/du-thao/{dr.pk}/", {"content": "<p>x</p>", "version": dr.version})
    assert svc_post.status_code == 403
    dr.refresh_from_db()
    assert dr.content != "<p>x</p>"
    # a template of another procedure cannot be posted
    desk_form = cv.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": 999999}, follow=True)
    assert "Mẫu kết quả không dùng cho thủ tục này" in desk_form.content.decode()


@pytest.fixture
def admin_client() -> Client:
    return login(UserFactory(username="quantri", superuser=True))


def test_the_admin_refuses_a_broken_template_with_the_reason(admin_client: Client) -> None:
    r = admin_client.post(
        "/admin/drafting/resulttemplate/add/",
        {"procedure_code": "1.000001", "name": "Hỏng", "kind": "html", "body": "{% if x %}"},
    )
    assert r.status_code == 200
    assert "Mẫu có lỗi cú pháp" in r.content.decode()
    assert not ResultTemplate.objects.exists()
    bad_docx = docx_file([[("{{ form.ho_ten ", {})], [("{% for a in b %}", {})]])
    r = admin_client.post(
        "/admin/drafting/resulttemplate/add/",
        {
            "procedure_code": "1.000001",
            "name": "Word hỏng",
            "kind": "docx",
            "file": SimpleUploadedFile("mau.docx", bad_docx),
        },
    )
    assert r.status_code == 200 and "cùng một đoạn" in r.content.decode()
    good = docx_file([[("Ông/bà {{ form.ho_ten }}", {})]])
    r = admin_client.post(
        "/admin/drafting/resulttemplate/add/",
        {
            "procedure_code": "1.000001",
            "name": "Word",
            "kind": "docx",
            "file": SimpleUploadedFile("mau.docx", good),
            "active": "on",
        },
    )
    assert r.status_code == 302
    t = ResultTemplate.objects.get()
    assert t.kind == "docx" and t.updated_by is not None
    r = admin_client.get(
        f"/admin/drafting/resulttemplate/{t.pk}/xem-truoc/",
        {"form_data": '{"ho_ten": "Phạm <b>Văn</b> Em"}'},
    )
    assert "Ông/bà Phạm &lt;b&gt;Văn&lt;/b&gt; Em" in r.content.decode()


def test_the_admin_previews_against_a_dossier(world: World, admin_client: Client) -> None:
    d = in_progress(world, FORM_DATA)
    t = html_template()
    r = admin_client.get(f"/admin/drafting/resulttemplate/{t.pk}/xem-truoc/", {"dossier": d.code})
    page = r.content.decode()
    assert r.status_code == 200 and "Trần Thị Bình" in page and d.code in page
    r = admin_client.get(f"/admin/drafting/resulttemplate/{t.pk}/xem-truoc/", {"dossier": "X"})
    assert "Không tìm thấy hồ sơ" in r.content.decode()


def test_the_demo_templates_fill_and_print(world: World) -> None:
    import datetime as dt

    from motcua.catalog.services import catalog_import_specs
    from motcua.drafting import render
    from tests.factories import procedure_spec

    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "2.000101",
                name="Cấp Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam",
                agency_code=world.justice.code,
                valid_from=dt.date(2020, 1, 1),
            ),
            procedure_spec(
                "2.000102",
                name="Cấp Giấy chứng nhận đăng ký hộ kinh doanh",
                agency_code=world.justice.code,
                valid_from=dt.date(2020, 1, 1),
            ),
        ],
        source="test",
    )
    assert drafting_demo_load() == 2
    assert drafting_demo_load() == 0  # idempotent
    d = in_progress(world, FORM_DATA)
    for t in ResultTemplate.objects.all():
        html = render.template_render(t, render.dossier_context(d))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "SỞ TƯ PHÁP" in html
        assert "[[thiếu" not in html
        assert render.draft_pdf(html).startswith(b"%PDF-")
    hkd = ResultTemplate.objects.get(procedure_code="2.000102")
    html = render.template_render(hkd, render.dossier_context(d))
    assert "Lê Thị Dung" in html  # the household members' group as table rows


def test_a_citizen_or_anonymous_visitor_gets_nothing(world: World) -> None:
    from motcua.citizens.models import CitizenProfile

    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    login(w.users["specialist"]).post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk})
    dr = ResultDraft.objects.get(dossier=d)
    citizen = UserFactory(username="cong_dan")
    CitizenProfile.objects.create(
        user=citizen, kind="person", name="Nguyễn Văn An", id_number=d.applicant_id_number
    )
    c = login(citizen)
    # /du-thao/ is a staff door (security.middleware.STAFF_PREFIXES): refused before the view
    assert c.get(f"/du-thao/{dr.pk}/").status_code == 403
    assert c.get(f"/du-thao/{dr.pk}/pdf/").status_code == 403
    anon = Client().get(f"/du-thao/{dr.pk}/")
    assert anon.status_code == 302 and "/dang-nhap/" in anon["Location"]


def test_a_docx_template_drafts_and_downloads_filled(world: World) -> None:
    import io

    from docx import Document

    from tests.drafting.tools import docx_template

    w = world
    d = in_progress(w, FORM_DATA)
    t = docx_template(
        docx_file([[("Cấp cho ", {}), ("{{ form.ho_", {"bold": True}), ("ten }}", {})]])
    )
    cv = login(w.users["specialist"])
    cv.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk})
    dr = ResultDraft.objects.get(dossier=d)
    assert "Cấp cho <b>Trần Thị Bình</b>" in dr.content
    r = cv.get(f"/du-thao/{dr.pk}/docx/")
    assert r.status_code == 200
    assert Document(io.BytesIO(r.content)).paragraphs[0].text == "Cấp cho Trần Thị Bình"


def test_the_leader_returns_the_draft_and_the_specialist_cancels_it(world: World) -> None:
    """Return with a reason (a reason is required; a missing version changes nothing), then
    cancel; each answer is the draft's page or the dossier's, with a Vietnamese message."""
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    cv = login(w.users["specialist"])
    cv.post(f"/du-thao/ho-so/{d.pk}/soan/", {"template": t.pk})
    dr = ResultDraft.objects.get(dossier=d)
    cv.post(f"/du-thao/{dr.pk}/trinh-ky/", {"version": dr.version})
    dr.refresh_from_db()
    ld = login(w.users["leader"])
    # no reason, no version: refused with the messages, nothing changed
    r = ld.post(f"/du-thao/{dr.pk}/tra-lai/", {}, follow=True)
    assert r.status_code == 200
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SUBMITTED
    r = ld.post(
        f"/du-thao/{dr.pk}/tra-lai/",
        {"reason": "Sửa lại nơi nhận", "version": dr.version},
        follow=True,
    )
    assert "Đã trả lại dự thảo" in r.content.decode()
    dr.refresh_from_db()
    assert dr.status == DraftStatus.RETURNED
    # a submit or cancel without a version changes nothing
    cv.post(f"/du-thao/{dr.pk}/trinh-ky/", {})
    cv.post(f"/du-thao/{dr.pk}/huy/", {})
    dr.refresh_from_db()
    assert dr.status == DraftStatus.RETURNED
    r = cv.post(f"/du-thao/{dr.pk}/huy/", {"version": dr.version})
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/"
    dr.refresh_from_db()
    assert dr.status == DraftStatus.CANCELLED
    # a cancelled draft cannot be signed: a message, no result
    r = ld.post(f"/du-thao/{dr.pk}/ky/", {"version": dr.version}, follow=True)
    dr.refresh_from_db()
    assert dr.status == DraftStatus.CANCELLED and dr.document is None
    # an HTML template has no Word file
    assert cv.get(f"/du-thao/{dr.pk}/docx/").status_code == 404
