"""The legal forms: filled from the dossier, numbered, A5/A4, PDF with real Vietnamese text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua.dossiers import forms
from motcua.dossiers.models import Dossier, FormType
from motcua.dossiers.selectors import tracking_book
from motcua.dossiers.services import (
    apology_issue,
    counter_refuse,
    dossier_receive,
    dossier_withdraw,
    step_complete,
    supplement_request,
)
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
    with pytest.raises(LookupError):
        forms.build(d, FormType.APOLOGY)


def test_control_sheet_rows_per_hand_over(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-08 10:00"))
    doc = forms.control_sheet(d)
    table = next(b for b in doc.blocks if isinstance(b, forms.Table))
    assert len(table.rows) == 3  # receipt, appraisal (late), leader (in progress)
    assert table.rows[1][4] == "Quá hạn"
    assert table.rows[2][4] == "Đang xử lý"
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
    text, size, _ = text_of(forms.render_pdf(doc))
    assert size == (841.9, 595.3)  # A4 landscape
    assert "SỔ THEO DÕI HỒ SƠ" in text
