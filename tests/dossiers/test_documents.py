"""Scans, results and derived flags; unsafe uploads refused; calendar changes recomputed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from fpdf import FPDF

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import DocumentKind
from motcua.dossiers.selectors import dossier_flags, flags_annotations
from motcua.dossiers.services import (
    dossier_receive,
    dossiers_recompute_due,
    result_attach,
    scan_attach,
    step_complete,
)
from motcua.worktime.models import CalendarDay, DayKind, WorkCalendar
from tests.dossiers.conftest import World, at
from tests.esign_tools import signed_pdf
from tests.images import png_bytes


def pdf_bytes(pages: int = 2) -> bytes:
    pdf = FPDF()
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=f"Trang {i + 1}".encode("ascii", "ignore").decode())
    return bytes(pdf.output())


def test_scan_at_intake_is_digitized_with_hash_and_pages(world: World) -> None:
    w = world
    scan = check_upload("don-de-nghi.pdf", pdf_bytes(3))
    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(scans=[("Đơn đề nghị thành lập", scan)]),
        now=at("2022-06-01 09:00"),
    )
    doc = d.documents.get()
    assert (doc.kind, doc.pages, doc.sha256) == (DocumentKind.INPUT_SCAN, 3, scan.sha256)
    assert doc.uploaded_by == w.users["counter"]
    assert dossier_flags(d).digitized
    assert not dossier_flags(d).electronic_result
    row = type(d).objects.annotate(**flags_annotations()).get(pk=d.pk)
    assert row.is_digitized and not row.has_electronic_result


def test_electronic_result_is_derived(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert not dossier_flags(d).digitized
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    # an unsigned PDF is refused as an electronic result (nothing stored) ...
    with pytest.raises(ValidationFailed) as unsigned:
        result_attach(
            actor=w.users["leader"],
            dossier=d,
            checked=check_upload("qd.pdf", pdf_bytes()),
            signer="Giám đốc Sở Tư pháp",
            now=at("2022-06-02 10:00"),
        )
    assert unsigned.value.code == "esign_unsigned"
    assert d.documents.count() == 0 and not dossier_flags(d).electronic_result
    # ... but may be attached as the scan of a paper result
    result_attach(
        actor=w.users["leader"],
        dossier=d,
        checked=check_upload("qd.pdf", pdf_bytes()),
        signer="Giám đốc Sở Tư pháp",
        electronic=False,
        now=at("2022-06-02 10:00"),
    )
    assert not dossier_flags(d).electronic_result
    doc = result_attach(
        actor=w.users["leader"],
        dossier=d,
        checked=check_upload("qd-ky-so.pdf", signed_pdf(w.justice, signer="Trần Văn Bình")),
        signer="Giám đốc Sở Tư pháp",
        now=at("2022-06-02 10:00"),
    )
    assert dossier_flags(d).electronic_result
    # the signer and the time recorded are the signature's own
    assert doc.signer == "Trần Văn Bình" and doc.signed_at is not None
    # a broken scan is refused by the upload check, before scan_attach is ever called
    with pytest.raises(ValidationFailed) as exc:
        check_upload("x.pdf", b"%PDF-1.4 broken")
    assert exc.value.code == "bad_pdf"
    # scan_attach itself: only the receiving desk's counter digitises; nothing is stored
    with pytest.raises(PermissionDenied) as denied:
        scan_attach(
            actor=w.users["specialist"],
            dossier=d,
            required_document="x",
            checked=check_upload("x.pdf", pdf_bytes(1)),
            now=at("2022-06-02 11:00"),
        )
    assert denied.value.code == "permission_denied"
    assert d.documents.count() == 2  # the paper result's scan and the signed result
    assert not dossier_flags(d).digitized


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.pdf", b"", "empty_file"),
        ("a.exe", b"MZ\x90\x00" + b"0" * 100, "file_type_not_allowed"),
        ("a.pdf", b"<html><script>alert(1)</script>", "file_type_not_allowed"),
        ("a.pdf", b"%PDF-1.4\nnot really", "bad_pdf"),
    ],
)
def test_unsafe_uploads_refused(name: str, data: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_upload(name, data)
    assert exc.value.code == code


def test_upload_name_is_cleaned_and_type_from_bytes() -> None:
    checked = check_upload("../../etc/passwd.pdf", png_bytes())
    assert checked.name == "passwd.png"
    assert checked.content_type == "image/png"


def test_big_upload_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_upload("big.pdf", b"%PDF-" + b"0" * (21 * 1024 * 1024))
    assert exc.value.code == "file_too_large"


def test_calendar_change_recomputes_open_dossiers(world: World) -> None:
    w = world
    cal = WorkCalendar.objects.create(code="bp", name="Lịch Bình Phước", is_default=True)
    w.province.calendar = cal
    w.province.save(update_fields=["calendar"])
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert d.due_at == at("2022-06-08 09:00")
    CalendarDay.objects.create(
        calendar=cal,
        date=dt.date(2022, 6, 3),
        kind=DayKind.OFF,
        reason="Nghỉ bù do tỉnh quyết định",
    )
    result = dossiers_recompute_due(actor=None)
    assert result == {"checked": 1, "moved": 1}
    d.refresh_from_db()
    assert d.due_at == at("2022-06-09 09:00")
    assert d.appointment_at == d.due_at
    assert dossiers_recompute_due(actor=None) == {"checked": 1, "moved": 0}


def test_pdf_fixture_is_a_pdf() -> None:
    data = pdf_bytes(1)
    assert data.startswith(b"%PDF-")
    assert io.BytesIO(data).getbuffer().nbytes > 100


def test_orphan_files_swept_referenced_kept(world: World) -> None:
    import datetime as _dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from motcua.dossiers.services import files_sweep

    w = world
    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(scans=[("Đơn", check_upload("a.pdf", pdf_bytes(1)))]),
        now=at("2022-06-01 09:00"),
    )
    kept_path = d.documents.get().file.name
    orphan = default_storage.save("dossiers/2022/06/orphan.pdf", ContentFile(pdf_bytes(1)))
    assert files_sweep(older_than=_dt.timedelta(hours=1)) == {"removed": 0, "kept": 2}
    assert files_sweep(older_than=_dt.timedelta(seconds=0), dry_run=True)["removed"] == 1
    assert default_storage.exists(orphan)
    assert files_sweep(older_than=_dt.timedelta(seconds=0)) == {"removed": 1, "kept": 1}
    assert not default_storage.exists(orphan) and default_storage.exists(kept_path)
