"""The secondary staff pages over HTTP: counter refusal, printed forms, exports, and who sees what
on the online queue, the tracking book, the reports and the drill-down."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.models import Dossier, IssuedForm, Status
from motcua.dossiers.services import ApplicantData, dossier_submit_online, step_complete
from motcua.units.models import Role
from tests.backoffice.test_views import login, receive
from tests.dossiers.conftest import World, at, member
from tests.factories import UserFactory

PERIOD = {"from": "2022-06-01", "to": "2022-06-30"}


@pytest.fixture
def w(world: World) -> World:
    world.users["province_admin"] = member(
        UserFactory(username="qt_tinh"), world.center, Role.PROVINCE_ADMIN
    )
    return world


def refusal_form(w: World, desk: int, reasons: str) -> dict[str, object]:
    return {
        "desk": desk,
        "procedure": w.simple.pk,
        "action": "refuse",
        "kind": "person",
        "name": "Phạm Thị Dung",
        "id_number": "070555666777",
        "request": "Thành lập VPCC",
        "refuse_reasons": reasons,
    }


# ---- counter refusal (Mẫu 03 at the desk) --------------------------------------------------------


def test_counter_refusal_records_the_dossier_and_prints_mau_03(w: World) -> None:
    c = login(w.users["counter"])
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = c.post("/can-bo/tiep-nhan/", refusal_form(w, w.center.pk, "Không thuộc thẩm quyền"))
    d = Dossier.objects.get(applicant_name="Phạm Thị Dung")
    assert (d.status, d.code, d.receiving_agency) == (Status.REFUSED, None, w.center)
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.pk}/mau/03/"
    assert [str(m) for m in get_messages(r.wsgi_request)] == [
        "Đã lập Phiếu từ chối tiếp nhận (Mẫu 03)."
    ]
    form = d.forms.get()
    assert (form.form, form.number, form.year) == ("03", 1, 2022)
    page = c.get(r["Location"]).content.decode()
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in page
    assert "Không thuộc thẩm quyền" in page and "Phạm Thị Dung" in page


def test_counter_refusal_without_reasons_records_nothing(w: World) -> None:
    c = login(w.users["counter"])
    r = c.post(
        "/can-bo/tiep-nhan/",
        refusal_form(w, w.center.pk, "  "),
        HTTP_REFERER="/can-bo/tiep-nhan/",
    )
    # the page comes back (400) with what was typed and the message next to the reasons
    assert r.status_code == 400
    assert [str(m) for m in get_messages(r.wsgi_request)] == [
        "Thông tin nhập chưa hợp lệ, vui lòng sửa các mục được đánh dấu."
    ]
    page = r.content.decode()
    assert '<p class="field-error" id="error-refuse_reasons">Phải nêu rõ lý do từ chối</p>' in page
    assert 'value="Phạm Thị Dung"' in page and 'value="070555666777"' in page
    assert Dossier.objects.count() == 0 and IssuedForm.objects.count() == 0


def test_counter_refusal_wrong_role_and_other_desk(w: World) -> None:
    # a specialist has no desk: 403, nothing recorded
    r = login(w.users["specialist"]).post(
        "/can-bo/tiep-nhan/", refusal_form(w, w.center.pk, "Không thuộc thẩm quyền")
    )
    assert r.status_code == 403
    assert Dossier.objects.count() == 0
    # the commune counter naming the provincial desk is refused with a message next to the desk,
    # the typed data kept; nothing is recorded at either desk
    r = login(w.users["commune_counter"]).post(
        "/can-bo/tiep-nhan/", refusal_form(w, w.center.pk, "Không thuộc thẩm quyền")
    )
    assert r.status_code == 400
    assert [str(m) for m in get_messages(r.wsgi_request)] == [
        "Nơi tiếp nhận: lựa chọn không tồn tại.",
        "Thông tin nhập chưa hợp lệ, vui lòng sửa các mục được đánh dấu.",
    ]
    page = r.content.decode()
    assert 'value="Phạm Thị Dung"' in page
    assert Dossier.objects.count() == 0 and IssuedForm.objects.count() == 0


# ---- printed forms ---------------------------------------------------------------------------


def test_print_form_unknown_or_not_issued_is_404(w: World) -> None:
    d = receive(w)
    c = login(w.users["counter"])
    assert c.get(f"/can-bo/ho-so/{d.pk}/mau/99/").status_code == 404  # no such form
    assert c.get(f"/can-bo/ho-so/{d.pk}/mau/04/").status_code == 404  # no apology issued
    assert c.get(f"/can-bo/ho-so/{d.pk}/mau/05/", {"pdf": 1}).status_code == 404
    assert c.get(f"/can-bo/ho-so/{d.pk}/mau/01/").status_code == 200


def test_print_form_so_picks_this_dossiers_form_only(w: World) -> None:
    a = receive(w, "2022-06-01 09:00")
    b = receive(w, "2022-06-01 10:00")
    own = a.forms.get(form="01")
    other = b.forms.get(form="01")
    assert (own.number, other.number) == (1, 2)
    c = login(w.users["counter"])
    page = c.get(f"/can-bo/ho-so/{a.pk}/mau/01/", {"so": own.pk}).content.decode()
    assert "Số: 1/2022" in page and a.code in page
    # the number of another dossier's receipt is ignored: this dossier's own receipt is shown
    page = c.get(f"/can-bo/ho-so/{a.pk}/mau/01/", {"so": other.pk}).content.decode()
    assert "Số: 1/2022" in page and "Số: 2/2022" not in page
    assert b.code not in page
    page = c.get(f"/can-bo/ho-so/{a.pk}/mau/01/", {"so": "abc"}).content.decode()
    assert "Số: 1/2022" in page


# ---- the online queue -----------------------------------------------------------------------


def submit(w: World, name: str, desk: object) -> Dossier:
    return dossier_submit_online(
        applicant=ApplicantData(name, "070111222333"),
        procedure=w.inter if desk == w.commune_desk else w.simple,
        desk=desk,  # type: ignore[arg-type]
        now=at("2022-06-01 09:00"),
    )


def test_online_queue_shows_only_the_officers_desks(w: World) -> None:
    submit(w, "Hồ Văn Tỉnh", w.center)
    submit(w, "Đỗ Thị Xã", w.commune_desk)
    center = login(w.users["counter"]).get("/can-bo/truc-tuyen/").content.decode()
    assert "Hồ Văn Tỉnh" in center and "Đỗ Thị Xã" not in center
    commune = login(w.users["commune_counter"]).get("/can-bo/truc-tuyen/").content.decode()
    assert "Đỗ Thị Xã" in commune and "Hồ Văn Tỉnh" not in commune
    # the lead agency's specialist sees the dossier page, but is no desk: the queue is empty
    spec = login(w.users["specialist"]).get("/can-bo/truc-tuyen/").content.decode()
    assert "Không có hồ sơ trực tuyến nào đang chờ." in spec
    counter_queue = login(w.users["counter"]).get("/can-bo/").content.decode()
    assert "1 hồ sơ trực tuyến chờ tiếp nhận" in counter_queue


# ---- the tracking book --------------------------------------------------------------------------


def test_tracking_book_pdf_lists_the_desks_dossiers(w: World) -> None:
    d = receive(w)
    r = login(w.users["counter"]).get("/can-bo/so-theo-doi/", {"year": 2022, "pdf": 1})
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'inline; filename="so-theo-doi-2022.pdf"'
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    flat = " ".join(text.split())
    assert "SỔ THEO DÕI HỒ SƠ" in flat and "Năm 2022" in flat
    assert d.code in flat.replace(" ", "")  # a long code may wrap inside its cell
    assert "Nguyễn Văn An" in flat


def test_tracking_book_is_the_officers_own_desk(w: World) -> None:
    receive(w)
    commune = login(w.users["commune_counter"])
    page = commune.get("/can-bo/so-theo-doi/", {"year": 2022, "desk": w.center.pk})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{w.commune_desk.pk}" selected>Bộ phận Một cửa phường Tân Phú' in body
    assert f'value="{w.center.pk}"' not in body
    assert "Nguyễn Văn An" not in body and "Chưa có hồ sơ." in body
    assert login(w.users["specialist"]).get("/can-bo/so-theo-doi/").status_code == 403
    assert login(w.users["outsider"]).get("/can-bo/so-theo-doi/").status_code == 403


# ---- reports: exports, drill-down, scope --------------------------------------------------------


def late_dossier(w: World) -> Dossier:
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-10 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-10 10:00"))
    return d


def agencies_in_xlsx(content: bytes) -> set[str]:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Theo cơ quan"] if "Theo cơ quan" in wb.sheetnames else wb.worksheets[1]
    return {str(row[1]) for row in ws.iter_rows(values_only=True) if row[1]}


def test_xlsx_export_is_scoped_to_the_leaders_agencies(w: World) -> None:
    late_dossier(w)
    mine = login(w.users["leader"]).get("/can-bo/bao-cao/tai-ve/xlsx/", PERIOD)
    assert mine["Content-Disposition"] == 'attachment; filename="bao-cao-20220601-20220630.xlsx"'
    assert w.justice.code in agencies_in_xlsx(mine.content)
    other = login(w.users["district_leader"]).get("/can-bo/bao-cao/tai-ve/xlsx/", PERIOD)
    assert other.status_code == 200
    assert w.justice.code not in agencies_in_xlsx(other.content)
    assert login(w.users["counter"]).get("/can-bo/bao-cao/tai-ve/xlsx/").status_code == 403


def test_docx_export(w: World) -> None:
    late_dossier(w)
    r = login(w.users["leader"]).get("/can-bo/bao-cao/tai-ve/docx/", PERIOD)
    assert r["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao-20220601-20220630.docx"'
    text = "\n".join(p.text for p in Docx(io.BytesIO(r.content)).paragraphs)
    assert "TỪ 01/06/2022 ĐẾN 30/06/2022 TRÊN ĐỊA BÀN TỈNH BÌNH PHƯỚC" in text
    # one provincial dossier, received in June and resolved late (10/6 against 8/6)
    assert (
        "Cấp tỉnh: tiếp nhận 1 hồ sơ (1 hồ sơ tiếp nhận mới và 0 hồ sơ từ các kỳ trước chuyển "
        "sang). Kết quả: 1 hồ sơ đã giải quyết (trong đó giải quyết trễ hạn 1 hồ sơ chiếm "
        "100,00%), 0 hồ sơ đang giải quyết."
    ) in text
    assert login(w.users["counter"]).get("/can-bo/bao-cao/tai-ve/docx/").status_code == 403


def test_drill_down_for_another_agencys_leader_lists_nothing(w: World) -> None:
    d = late_dossier(w)
    mine = login(w.users["leader"]).get("/can-bo/bao-cao/chi-tiet/on_time/", PERIOD)
    assert d.code in mine.content.decode()
    other = login(w.users["district_leader"]).get("/can-bo/bao-cao/chi-tiet/on_time/", PERIOD)
    assert other.status_code == 200
    assert d.code not in other.content.decode()


def test_province_administrator_sees_the_province_and_acts_on_nothing(w: World) -> None:
    d = late_dossier(w)
    admin = login(w.users["province_admin"])
    assert admin.get(f"/can-bo/ho-so/{d.code}/").status_code == 200
    assert d.code in admin.get("/can-bo/bao-cao/chi-tiet/on_time/", PERIOD).content.decode()
    assert w.justice.code in agencies_in_xlsx(
        admin.get("/can-bo/bao-cao/tai-ve/xlsx/", PERIOD).content
    )
    assert (
        "Nguyễn Văn An" in admin.get("/can-bo/tim-kiem/", {"q": "nguyen van an"}).content.decode()
    )
    # an administrator of a district sees nothing of the province's departments
    district_admin = member(UserFactory(username="qt_huyen"), w.district_desk, Role.PROVINCE_ADMIN)
    other = login(district_admin)
    assert other.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    assert d.code not in other.get("/can-bo/bao-cao/chi-tiet/on_time/", PERIOD).content.decode()


def test_a_user_with_no_membership_sees_nothing(w: World) -> None:
    d = receive(w)
    submit(w, "Hồ Văn Tỉnh", w.center)
    c = login(w.users["outsider"])
    assert "Không có hồ sơ nào đang chờ bạn xử lý." in c.get("/can-bo/").content.decode()
    assert (
        "Không có hồ sơ trực tuyến nào đang chờ." in c.get("/can-bo/truc-tuyen/").content.decode()
    )
    found = c.get("/can-bo/tim-kiem/", {"q": "nguyen"}).content.decode()
    assert "Nguyễn Văn An" not in found
    assert c.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    assert c.get(f"/can-bo/ho-so/{d.pk}/mau/01/").status_code == 404
    assert c.get("/can-bo/tiep-nhan/").status_code == 403
    assert c.get("/can-bo/so-theo-doi/").status_code == 403
    assert c.get("/can-bo/bao-cao/").status_code == 403
    assert c.get("/can-bo/bao-cao/tai-ve/xlsx/").status_code == 403
    assert c.get("/can-bo/bao-cao/chi-tiet/on_time/").status_code == 403
    assert d.documents.count() == 0
