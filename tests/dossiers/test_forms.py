"""The legal forms: filled from the dossier, numbered, A5/A4, PDF with real Vietnamese text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.dossiers import forms
from motcua.dossiers.models import Dossier, FormType
from motcua.dossiers.selectors import tracking_book
from motcua.dossiers.services import (
    ApplicantData,
    ParallelTask,
    apology_issue,
    counter_refuse,
    dossier_dispatch_parallel,
    dossier_receive,
    dossier_return_unresolved,
    dossier_withdraw,
    step_complete,
    supplement_request,
)
from tests.backoffice.test_views import login
from tests.dossiers.conftest import World, at

A5 = (419.5, 595.3)  # points
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def text_of(pdf: bytes) -> tuple[str, tuple[float, float], int]:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    size = (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return text, size, len(reader.pages)


def receive(w: World, when: str) -> Dossier:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when))


def test_receipt_pdf_is_a5_with_vietnamese_text(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    doc = forms.build(d, FormType.RECEIPT)
    assert doc.paper == "A5"
    assert doc.number == "Số: 1/2022"
    pdf = forms.render_pdf(doc)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "mau-01-giay-tiep-nhan.pdf").write_bytes(pdf)
    text, size, _ = text_of(pdf)
    assert size == A5
    for needle in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Nguyễn Văn An",
        "070123456789",
        "000.01.01.H10-220601-0001",
        "09 giờ 00 phút, ngày 01/06/2022",
        "09 giờ 00 phút, ngày 08/06/2022",
        "5 ngày làm việc",
        "Đơn đề nghị thành lập",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert needle in text, needle


def test_every_form_builds_and_numbers_run_per_agency_and_year(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        reason="Thiếu giấy tờ",
        items=[{"name": "Bản sao CCCD", "originals": 0, "copies": 1}],
        now=at("2022-06-02 09:00"),
    )
    text, _, _ = text_of(forms.render_pdf(forms.build(d, FormType.SUPPLEMENT)))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Bản sao CCCD" in text

    e = receive(w, "2022-06-01 10:00")
    apology_issue(
        actor=w.users["leader"],
        dossier=e,
        reason="Chờ kết quả xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    text, _, _ = text_of(forms.render_pdf(forms.build(e, FormType.APOLOGY)))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "17 giờ 00 phút, ngày 10/06/2022" in text

    f = receive(w, "2022-06-01 11:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=f, reason="Người nộp xin rút", now=at("2022-06-02 11:00")
    )
    text, _, _ = text_of(forms.render_pdf(forms.build(f, FormType.STOP)))
    assert "dừng giải quyết" in text

    r = counter_refuse(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        reasons="Không thuộc thẩm quyền",
        now=at("2022-06-03 09:00"),
    )
    text, _, _ = text_of(forms.render_pdf(forms.build(r, FormType.REFUSAL)))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text and "Không thuộc thẩm quyền" in text

    receipts = [forms.build(x, FormType.RECEIPT).number for x in (d, e, f)]
    assert receipts == ["Số: 1/2022", "Số: 2/2022", "Số: 3/2022"]
    # another agency keeps its own sequence in the same year...
    commune = dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(w.inter),
        now=at("2022-06-01 09:30"),
    )
    assert forms.build(commune, FormType.RECEIPT).number == "Số: 1/2022"
    # ...and the provincial desk starts again at 1 in the next year, then carries on
    next_year = [receive(w, "2023-01-03 09:00"), receive(w, "2023-01-03 10:00")]
    assert [forms.build(x, FormType.RECEIPT).number for x in next_year] == [
        "Số: 1/2023",
        "Số: 2/2023",
    ]
    late_2022 = receive(w, "2022-12-30 16:00")
    assert forms.build(late_2022, FormType.RECEIPT).number == "Số: 4/2022"
    with pytest.raises(LookupError):
        forms.build(d, FormType.APOLOGY)


def test_control_sheet_rows_per_hand_over(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-08 10:00"))
    doc = forms.control_sheet(d)
    table = next(b for b in doc.blocks if isinstance(b, forms.Table))
    assert len(table.rows) == 3  # receipt, appraisal (late), leader (in progress)
    assert table.rows[1][4:7] == ["", "", "X"]  # appraisal: early | on time | late
    assert "Đang xử lý" in table.rows[2][7]
    text, size, _ = text_of(forms.render_pdf(doc))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert size == A5


def test_tracking_book_a4_continuous(world: World) -> None:
    w = world
    for h in range(9, 12):
        receive(w, f"2022-06-01 {h:02d}:00")
    rows = list(tracking_book(w.center.pk, 2022))
    assert [r.book_number for r in rows] == [1, 2, 3]
    doc = forms.tracking_book(w.center, 2022, rows)
    pdf = forms.render_pdf(doc)
    (ARTIFACTS / "mau-06-so-theo-doi.pdf").write_bytes(pdf)
    text, size, _ = text_of(pdf)
    assert size == (841.9, 595.3)  # A4 landscape
    assert "SỔ THEO DÕI HỒ SƠ" in text


# ---- issue 7: forms by regime, letterhead, copies, columns, literal text, paper ----------------


def titles(pdf: bytes) -> str:
    return text_of(pdf)[0]


def apologise(w: World, d: Dossier, when: str, new: str) -> None:
    apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Chờ kết quả xác minh",
        new_appointment=at(new),
        now=at(when),
    )


def test_a_2022_dossier_prints_the_2018_set(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    assert forms.regime_for(d) == forms.Regime.R2018
    sheet = forms.control_sheet(d)
    assert sheet.form_label == "Mẫu số 05"
    text = titles(forms.render_pdf(sheet))
    assert "Mẫu số 05" in text and "Mẫu số 06" not in text
    book = forms.tracking_book(w.center, 2022, [d])
    assert book.form_label == "Mẫu số 06"
    assert "Mẫu số 06" in titles(forms.render_pdf(book))

    apologise(w, d, "2022-06-07 10:00", "2022-06-10 17:00")
    doc = forms.build(d, FormType.APOLOGY)
    assert (doc.form_label, doc.title) == (
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    )

    e = receive(w, "2022-06-01 10:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=e, reason="Người nộp xin rút", now=at("2022-06-02 11:00")
    )
    stop = forms.build(e, FormType.STOP)
    # Circular 01/2018 has no stop-notice form: the desk's own notice, with no form number
    assert stop.form_label == ""
    text = titles(forms.render_pdf(stop))
    assert "Mẫu số" not in text
    assert "THÔNG BÁO" in text and "Về việc dừng giải quyết hồ sơ" in text


def test_a_2026_dossier_prints_the_2025_set(world: World) -> None:
    w = world
    d = receive(w, "2026-11-09 09:00")
    assert forms.regime_for(d) == forms.Regime.R2025
    sheet = forms.control_sheet(d)
    assert sheet.form_label == "Mẫu số 06"
    assert "Mẫu số 06" in titles(forms.render_pdf(sheet))
    book = forms.tracking_book(w.center, 2026, [d])
    assert book.form_label == "Mẫu số 07"

    apologise(w, d, "2026-11-13 10:00", "2026-11-18 17:00")
    doc = forms.build(d, FormType.APOLOGY)
    assert (doc.form_label, doc.title) == (
        "Mẫu số 04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    )
    text = titles(forms.render_pdf(doc))
    assert "PHIẾU XIN LỖI" not in text
    assert "17 giờ 00 phút, ngày 18/11/2026" in text

    e = receive(w, "2026-11-09 10:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=e, reason="Người nộp xin rút", now=at("2026-11-10 11:00")
    )
    stop = forms.build(e, FormType.STOP)
    assert stop.form_label == "Mẫu số 05"
    assert "dừng giải quyết" in titles(forms.render_pdf(stop))


def test_the_switch_date_is_one_setting_read_in_local_time(world: World, settings: Any) -> None:
    w = world
    assert dt.date(2025, 7, 1) == settings.MOTCUA_FORMS_2025_FROM  # the documented default
    settings.MOTCUA_FORMS_2025_FROM = dt.date(2022, 6, 2)
    before = receive(w, "2022-06-01 16:00")
    after = receive(w, "2022-06-02 08:00")
    assert forms.control_sheet(before).form_label == "Mẫu số 05"
    assert forms.control_sheet(after).form_label == "Mẫu số 06"
    # 00:30 on 2/6 in Hà Nội is still 1/6 in UTC: the local date decides
    night = Dossier(received_at=at("2022-06-02 00:30"))
    assert forms.regime_for(night) == forms.Regime.R2025
    late = Dossier(received_at=at("2022-06-01 23:59"))
    assert forms.regime_for(late) == forms.Regime.R2018


def test_a_book_straddling_the_switch_takes_its_latest_dossier_set(world: World) -> None:
    w = world
    june = receive(w, "2025-06-30 09:00")
    july = receive(w, "2025-07-01 09:00")
    assert forms.tracking_book(w.center, 2025, [june]).form_label == "Mẫu số 06"
    assert forms.tracking_book(w.center, 2025, [june, july]).form_label == "Mẫu số 07"
    assert forms.tracking_book(w.center, 2024, []).form_label == "Mẫu số 06"
    assert forms.tracking_book(w.center, 2025, []).form_label == "Mẫu số 07"  # at 31/12/2025


def test_issued_forms_on_the_dossier_page_are_titled_by_regime(world: World) -> None:
    w = world
    old = receive(w, "2022-06-01 09:00")
    apologise(w, old, "2022-06-07 10:00", "2022-06-10 17:00")
    new = receive(w, "2026-11-09 09:00")
    apologise(w, new, "2026-11-13 10:00", "2026-11-18 17:00")
    assert forms.issued_title(old.forms.get(form=FormType.APOLOGY)) == (
        "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    )
    assert forms.issued_title(new.forms.get(form=FormType.APOLOGY)) == (
        "Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    )
    c = login(w.users["counter"])
    page = c.get(f"/can-bo/ho-so/{old.code}/").content.decode()
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)" in page
    assert "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả số 1/2022" in page
    page = c.get(f"/can-bo/ho-so/{new.code}/").content.decode()
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)" in page
    assert "Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết số 1/2026" in page
    html = c.get(f"/can-bo/ho-so/{old.pk}/mau/06/").content.decode()
    assert "Mẫu số 05" in html and "Mẫu số 06" not in html


def test_refusal_after_appraisal_is_the_agency_own_letter(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    dossier_return_unresolved(
        actor=w.users["leader"],
        dossier=d,
        reasons="Không đủ điều kiện theo Điều 12",
        now=at("2022-06-02 09:00"),
    )
    doc = forms.build(d, FormType.REFUSAL)
    assert doc.form_label == ""
    assert (doc.agency_parent, doc.agency) == ("UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP")
    pdf = forms.render_pdf(doc)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "thong-bao-tu-choi-giai-quyet.pdf").write_bytes(pdf)
    text = titles(pdf)
    assert "Mẫu số 03" not in text and "PHIẾU TỪ CHỐI" not in text
    assert "THÔNG BÁO" in text and "Về việc từ chối giải quyết hồ sơ" in text
    assert "Không đủ điều kiện theo Điều 12" in text
    assert forms.issued_title(d.forms.get(form=FormType.REFUSAL)) == (
        "Thông báo về việc từ chối giải quyết hồ sơ"
    )


def test_letterhead_puts_the_governing_body_over_the_agency(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    doc = forms.build(d, FormType.RECEIPT)
    assert (doc.agency_parent, doc.agency) == (
        "UBND TỈNH BÌNH PHƯỚC",
        "TRUNG TÂM PHỤC VỤ HCC TỈNH",
    )
    text = titles(forms.render_pdf(doc))
    assert text.index("UBND TỈNH BÌNH PHƯỚC") < text.index("TRUNG TÂM PHỤC VỤ HCC TỈNH")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    # a department with no parent row: its province's People's Committee, from its unit
    assert forms.letterhead(w.justice) == ("UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP")
    # a commune desk: the commune's People's Committee, named by its unit
    assert forms.letterhead(w.commune_desk) == (
        "UBND PHƯỜNG TÂN PHÚ",
        "BỘ PHẬN MỘT CỬA PHƯỜNG TÂN PHÚ",
    )
    # a People's Committee heads its own letter
    assert forms.letterhead(w.district_committee) == ("", "UBND THÀNH PHỐ ĐỒNG XOÀI")


def test_receipt_has_two_labelled_copies_and_the_book_volume_and_number(world: World) -> None:
    w = world
    receive(w, "2022-06-01 08:00")
    d = receive(w, "2022-06-01 09:00")
    doc = forms.build(d, FormType.RECEIPT)
    pdf = forms.render_pdf(doc)
    (ARTIFACTS / "mau-01-hai-lien.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Bản giao người nộp hồ sơ" in first
    assert "Bản lưu kèm Phiếu kiểm soát quá trình giải quyết hồ sơ" in second
    for page in (first, second):
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
        assert "Quyển số: 01" in page and "Số thứ tự: 2" in page
        assert "Quyển số 2022" not in page and "Quyển số: 2022" not in page


def test_supplement_request_columns_original_certified_copy_photocopy(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        reason="Thiếu giấy tờ",
        items=[
            {"name": "Bản sao CCCD", "originals": 0, "copies": 2},
            {"name": "Sơ đồ vị trí", "originals": 1, "copies": 0, "photocopies": 3},
        ],
        now=at("2022-06-02 09:00"),
    )
    doc = forms.build(d, FormType.SUPPLEMENT)
    table = next(b for b in doc.blocks if isinstance(b, forms.Table))
    assert table.headers[-3:] == ["Bản chính", "Bản sao chứng thực", "Bản photocopy"]
    assert table.rows == [
        ["1", "Bản sao CCCD", "0", "2", "0"],
        ["2", "Sơ đồ vị trí", "1", "0", "3"],
    ]
    text = titles(forms.render_pdf(doc))
    assert "Bản sao chứng thực" in text and "Bản photocopy" in text


def test_forms_print_the_dossier_snapshot_not_the_shared_register(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    Dossier.objects.filter(pk=d.pk).update(
        applicant_phone="0988000111",
        applicant_email="an.hoso@example.vn",
        applicant_address="Số 5 Trần Hưng Đạo, Đồng Xoài",
    )
    assert d.applicant is not None
    d.applicant.phone, d.applicant.address = "0900999999", "Địa chỉ khác do nơi khác nhập"
    d.applicant.email = "khac@example.vn"
    d.applicant.save()
    d.refresh_from_db()
    text = titles(forms.render_pdf(forms.build(d, FormType.RECEIPT)))
    assert "0988000111" in text and "an.hoso@example.vn" in text
    assert "Số 5 Trần Hưng Đạo, Đồng Xoài" in text
    assert "0900999999" not in text and "Địa chỉ khác" not in text and "khac@" not in text
    book = forms.tracking_book(w.center, 2022, [d])
    row = next(b for b in book.blocks if isinstance(b, forms.Table)).rows[0]
    assert row[4] == "Số 5 Trần Hưng Đạo, Đồng Xoài\n0988000111"


def test_control_sheet_groups_and_the_giver_of_parallel_tasks(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[
            ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1)),
            ParallelTask(w.district_committee, "Xác minh tại địa phương", Decimal(2)),
        ],
        now=at("2022-06-01 10:00"),
    )
    step_complete(actor=w.users["health"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-03 16:00"))
    doc = forms.control_sheet(d)
    table = next(b for b in doc.blocks if isinstance(b, forms.Table))
    assert table.groups == [
        ("Tên cơ quan", 1),
        ("Thời gian giao, nhận hồ sơ", 3),
        ("Kết quả giải quyết hồ sơ", 3),
        ("Ghi chú", 1),
    ]
    assert table.headers[1:7] == [
        "Giờ, ngày",
        "Người giao",
        "Người nhận",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
    ]
    givers = [r[0].split("\n")[1] for r in table.rows]
    receivers = [r[0].split("\n")[2] for r in table.rows]
    assert receivers == [
        "Nhận: Trung tâm Phục vụ HCC tỉnh",
        "Nhận: Sở Tư pháp",
        "Nhận: Sở Y tế",
        "Nhận: UBND thành phố Đồng Xoài",
        "Nhận: Sở Tư pháp",
    ]
    assert givers == [
        "Giao: Nguyễn Văn An",
        "Giao: Trung tâm Phục vụ HCC tỉnh",
        "Giao: Sở Tư pháp",  # both parallel tasks were dispatched by the appraising agency
        "Giao: Sở Tư pháp",
        "Giao: UBND thành phố Đồng Xoài",  # the last agency to finish hands it on
    ]
    assert table.rows[2][1] == "10 giờ 00 phút, ngày 01/06/2022"
    # Sở Y tế: 1 day from 10:00 1/6, done 09:00 2/6 → on time; Đồng Xoài: due 10:00 3/6 → late
    assert table.rows[2][4:7] == ["", "X", ""]
    assert table.rows[3][4:7] == ["", "", "X"]
    assert "Đang xử lý" in table.rows[4][7]
    pdf = forms.render_pdf(doc)
    (ARTIFACTS / "mau-05-phieu-kiem-soat-lien-thong.pdf").write_bytes(pdf)
    text = titles(pdf)
    assert "Thời gian giao, nhận hồ sơ" in text and "Kết quả giải quyết hồ sơ" in text


def test_pdf_renders_applicant_text_literally(world: World) -> None:
    w = world
    name = "**Nguyễn__Văn--A**"
    intake = w.intake(
        applicant=ApplicantData(name, "070123456780", address="__Thôn 1__ --Xã B--"),
        request="Cấp **gấp** --bản sao--",
    )
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=intake, now=at("2022-06-01 09:00")
    )
    Dossier.objects.filter(pk=d.pk).update(applicant_address="__Thôn 1__ --Xã B--")
    d.refresh_from_db()
    text = titles(forms.render_pdf(forms.build(d, FormType.RECEIPT)))
    assert f"Ông/Bà: {name}" in text
    assert "__Thôn 1__ --Xã B--" in text
    assert "Cấp **gấp** --bản sao--" in text
    sheet = titles(forms.render_pdf(forms.control_sheet(d)))
    assert "Giao:**Nguyễn__Văn--A**" in sheet.replace(" ", "")  # the cell wraps the name


def test_print_views_fill_their_paper(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    c = login(w.users["counter"])
    html = c.get(f"/can-bo/ho-so/{d.pk}/mau/01/").content.decode()
    assert "@page { size: A5; margin: 12mm; }" in html
    assert "max-width: 124mm" not in html
    assert ".sheet { width: 100%;" in html
    assert html.count('class="sheet"') == 2  # two copies of the receipt
    book = c.get("/can-bo/so-theo-doi/", {"year": 2022}).content.decode()
    assert "@page { size: A4 landscape; margin: 10mm; }" in book
    assert "Mẫu số 06" in book
