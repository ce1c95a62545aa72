"""The staff web over HTTP: scoping on every path, intake, actions, printing, errors."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at
from tests.dossiers.test_documents import pdf_bytes
from tests.esign_tools import signed_pdf


def login(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def receive(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when))


def test_login_required_everywhere(world: World) -> None:
    d = receive(world)
    anon = Client()
    for url in (
        "/can-bo/",
        "/can-bo/tiep-nhan/",
        f"/can-bo/ho-so/{d.code}/",
        f"/can-bo/ho-so/{d.pk}/mau/01/",
        "/can-bo/so-theo-doi/",
        "/can-bo/tim-kiem/",
    ):
        r = anon.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/"), url
    r = anon.post(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/")
    assert r.status_code == 302


def test_counter_intake_through_the_form(world: World) -> None:
    w = world
    c = login(w.users["counter"])
    r = c.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "thanh lap van phong", "desk": w.center.pk})
    assert r.status_code == 200
    assert "1.000001" in r.content.decode()
    docs = list(w.simple.documents.all())
    form = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "address": "Bình Long",
        "request": "Thành lập VPCC",
        "sets": "1",
        f"doc_{docs[0].pk}_submitted": "on",
        f"doc_{docs[0].pk}_originals": "1",
        f"doc_{docs[0].pk}_copies": "0",
    }
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = c.post("/can-bo/tiep-nhan/", form)
    assert r.status_code == 302
    d = Dossier.objects.get(applicant_name="Trần Thị Bình")
    assert r["Location"] == f"/can-bo/ho-so/{d.code}/"
    assert d.status == Status.IN_PROGRESS
    page = c.get(r["Location"]).content.decode()
    assert "Đang giải quyết" in page and "Giấy tiếp nhận (Mẫu 01)" in page
    receipt = c.get(f"/can-bo/ho-so/{d.pk}/mau/01/")
    assert receipt.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt.content.decode()
    assert "size: A5" in receipt.content.decode()
    pdf = c.get(f"/can-bo/ho-so/{d.pk}/mau/01/", {"pdf": "1"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_intake_missing_mandatory_document_is_refused_with_message(world: World) -> None:
    w = world
    c = login(w.users["counter"])
    r = c.post(
        "/can-bo/tiep-nhan/",
        {
            "desk": w.center.pk,
            "procedure": w.simple.pk,
            "action": "receive",
            "kind": "person",
            "name": "Trần Thị Bình",
            "id_number": "070987654321",
        },
        HTTP_REFERER="/can-bo/tiep-nhan/",
    )
    # back to the filled form, not to the queue
    assert r.status_code == 400
    page = r.content.decode()
    assert "Hồ sơ chưa đầy đủ" in page and 'value="Trần Thị Bình"' in page
    assert Dossier.objects.count() == 0


def test_scoping_hides_and_forbids(world: World) -> None:
    w = world
    d = receive(w)
    outsider = login(w.users["health"])
    assert outsider.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    assert outsider.get(f"/can-bo/ho-so/{d.pk}/mau/01/").status_code == 404
    r = outsider.post(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"version": d.version})
    assert r.status_code == 404
    found = outsider.get("/can-bo/tim-kiem/", {"q": d.code}).content.decode()
    assert f"/can-bo/ho-so/{d.code}/" not in found
    assert "Không tìm thấy hồ sơ nào trong phạm vi cơ quan của bạn" in found
    # visible to the lead agency, but the leader cannot do the specialist's step
    leader_only = login(w.users["district_leader"])
    assert leader_only.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    spec2 = login(w.users["specialist2"])
    assert spec2.get(f"/can-bo/ho-so/{d.code}/").status_code == 200
    # a counter officer sees it but the specialist step is not theirs: 403, nothing changes
    counter = login(w.users["counter"])
    with time_machine.travel(at("2022-06-02 09:00"), tick=False):
        r = counter.post(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"version": d.version})
    assert r.status_code == 403
    d.refresh_from_db()
    assert d.steps.filter(status="done").count() == 1


def test_actions_and_stale_version_message(world: World) -> None:
    w = world
    d = receive(w)
    spec = login(w.users["specialist"])
    spec2 = login(w.users["specialist2"])
    seen = d.version
    with time_machine.travel(at("2022-06-02 09:00"), tick=False):
        r = spec.post(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"version": seen, "note": "OK"})
        assert r.status_code == 302
        r = spec2.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/complete/",
            {"version": seen},
            HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
        )
    page = spec2.get(r["Location"]).content.decode()
    assert "vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác" in page
    assert d.events.filter(type="step_done").count() == 1


def test_action_bad_input_and_unknown_action(world: World) -> None:
    w = world
    d = receive(w)
    leader = login(w.users["leader"])
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        r = leader.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/apology/",
            {"version": d.version, "reason": "Chờ", "new_appointment": "hôm nay"},
            HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
        )
        assert r.status_code == 400
        assert "Ngày giờ không hợp lệ" in r.content.decode()
        r = leader.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/apology/",
            {"version": d.version, "reason": "Chờ xác minh", "new_appointment": "2022-06-10T17:00"},
        )
        assert r.status_code == 302
    d.refresh_from_db()
    assert d.appointment_at == at("2022-06-10 17:00")
    assert leader.post(f"/can-bo/ho-so/{d.pk}/thao-tac/xoa-het/").status_code == 404


def test_upload_scan_through_the_page_and_download_scoped(world: World) -> None:
    w = world
    d = receive(w)
    counter = login(w.users["counter"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = counter.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
        {
            "version": d.version,
            "document": "Đơn đề nghị thành lập",
            "file": SimpleUploadedFile("scan.pdf", pdf_bytes(2), content_type="application/pdf"),
        },
    )
    assert r.status_code == 302
    doc = d.documents.get()
    assert doc.pages == 2
    got = counter.get(f"/can-bo/tai-lieu/{doc.pk}/")
    assert got.status_code == 200 and got["Content-Security-Policy"] == "sandbox"
    assert login(w.users["health"]).get(f"/can-bo/tai-lieu/{doc.pk}/").status_code == 404
    d.refresh_from_db()
    r = counter.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_scan/",
        {
            "version": d.version,
            "document": "x",
            "file": SimpleUploadedFile("evil.pdf", b"<script>", "application/pdf"),
        },
        HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in r.content.decode()
    assert d.documents.count() == 1


def queue_badge(page: str, code: str) -> str:
    """The status badge of the queue row of dossier ``code``."""
    row = re.search(
        rf'<tr class="\w*">\s*<td><a href="[^"]*">{re.escape(code)}</a>.*?</tr>', page, re.S
    )
    assert row is not None, code
    badge = re.search(r'<span class="badge (\w+)">([^<]+)</span>', row.group(0))
    assert badge is not None, row.group(0)
    return f"{badge.group(1)}: {badge.group(2)}"


def test_queue_marks_overdue_and_due_soon(world: World) -> None:
    from motcua.dossiers.services import step_complete

    w = world
    # at the leader's desk on Friday 10/6 10:00:
    # a: received Wed 1/6 09:00, due Wed 8/6 09:00 → overdue
    a = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=a, now=at("2022-06-02 09:00"))
    # b: received Mon 6/6 09:00, due Mon 13/6 09:00: 7 working hours left (Fri 10:00–11:30,
    # 13:30–17:00, Mon 07:00–09:00) → within one working day; its signing step (from Fri 08:00,
    # 1 day) is not overdue
    b = receive(w, "2022-06-06 09:00")
    step_complete(actor=w.users["specialist"], dossier=b, now=at("2022-06-10 08:00"))
    # c: received Thu 9/6 09:00, due Thu 16/6 09:00 → in time
    c = receive(w, "2022-06-09 09:00")
    leader = login(w.users["leader"])  # the leader is a specialist of the Sở too: sees c
    with time_machine.travel(at("2022-06-10 10:00"), tick=False):
        page = leader.get("/can-bo/").content.decode()
    assert page.index(a.code or "") < page.index(b.code or "") < page.index(c.code or "")
    assert queue_badge(page, a.code or "") == "late: Quá hạn"
    assert queue_badge(page, b.code or "") == "soon: Đến hạn trong 1 ngày"
    assert queue_badge(page, c.code or "") == "ok: Trong hạn"


def test_csrf_enforced_on_actions(world: World) -> None:
    w = world
    d = receive(w)
    c = Client(enforce_csrf_checks=True)
    c.force_login(w.users["specialist"])
    assert c.post(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/").status_code == 403


@pytest.mark.parametrize(
    "path", ["/can-bo/so-theo-doi/", "/can-bo/truc-tuyen/", "/can-bo/tim-kiem/?q=nguyen+van"]
)
def test_pages_render(world: World, path: str) -> None:
    receive(world)
    r = login(world.users["counter"]).get(path)
    assert r.status_code == 200
    if "tim-kiem" in path:
        assert "Nguyễn Văn An" in r.content.decode()


def test_tracking_book_pdf(world: World) -> None:
    import io

    from pypdf import PdfReader

    d = receive(world)
    r = login(world.users["counter"]).get("/can-bo/so-theo-doi/", {"year": 2022, "pdf": 1})
    assert r["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.content))
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Năm 2022" in text
    assert "Nguyễn Văn An" in text and (d.code or "") in text.replace(" ", "")


def test_leader_assigns_an_officer(world: World) -> None:
    w = world
    d = receive(w)
    step = d.steps.get(status="active")
    leader = login(w.users["leader"])
    page = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Phân công xử lý" in page
    r = leader.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/assign/",
        {"step": step.pk, "handler": w.users["specialist2"].pk, "version": d.version},
    )
    assert r.status_code == 302
    step.refresh_from_db()
    assert step.handler == w.users["specialist2"]
    d.refresh_from_db()
    # a specialist cannot assign; an officer without the role cannot be assigned
    spec = login(w.users["specialist"])
    assert (
        spec.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/assign/",
            {"step": step.pk, "handler": w.users["specialist"].pk, "version": d.version},
        ).status_code
        == 403
    )
    r = leader.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/assign/",
        {"step": step.pk, "handler": w.users["counter"].pk, "version": d.version},
        HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 302
    assert "không có vai trò phù hợp" in leader.get(r["Location"]).content.decode()
    step.refresh_from_db()
    assert step.handler == w.users["specialist2"]
    step.refresh_from_db()
    assert step.handler == w.users["specialist2"]


def test_dashboard_for_leaders_only(world: World) -> None:
    w = world
    receive(w)
    assert login(w.users["counter"]).get("/can-bo/bao-cao/").status_code == 403
    leader = login(w.users["leader"])
    r = leader.get("/can-bo/bao-cao/", {"from": "2022-01-01", "to": "2022-06-30"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Cấp tỉnh" in page and "<svg" in page and "Diễn biến theo tháng" in page
    # every asset from the app itself: no external or protocol-relative reference, and no
    # "cdn" in the page once the random values (CSRF tokens, CSP nonces) are taken out — a
    # token once held the three letters by chance
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert refs and all(
        ref.startswith(("/", "?", "#")) and not ref.startswith("//") for ref in refs
    )
    assert "cdn" not in re.sub(r'(?:value|nonce)="[^"]*"', "", page).lower()
    x = leader.get("/can-bo/bao-cao/tai-ve/xlsx/", {"from": "2022-01-01", "to": "2022-06-30"})
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")
    assert leader.get("/can-bo/bao-cao/tai-ve/pdf/").status_code == 404
    # a leader of another agency sees none of these dossiers
    other = login(w.users["district_leader"])
    page = other.get("/can-bo/bao-cao/", {"from": "2022-01-01", "to": "2022-06-30"})
    assert "Không có hồ sơ trong kỳ" in page.content.decode()


def test_drill_down_lists_the_late_dossiers(world: World) -> None:
    from motcua.dossiers.services import step_complete

    w = world
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-10 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-10 10:00"))
    leader = login(w.users["leader"])
    r = leader.get("/can-bo/bao-cao/chi-tiet/on_time/", {"from": "2022-06-01", "to": "2022-06-30"})
    assert r.status_code == 200 and d.code in r.content.decode()
    assert leader.get("/can-bo/bao-cao/chi-tiet/khong-co/").status_code == 404
    assert login(w.users["counter"]).get("/can-bo/bao-cao/chi-tiet/on_time/").status_code == 403


def test_result_checkbox_unticked_is_not_electronic(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.services import step_complete

    w = world
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    d.refresh_from_db()
    leader = login(w.users["leader"])
    r = leader.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_result/",
        {
            "version": d.version,
            "signer": "Giám đốc Sở",
            "file": SimpleUploadedFile("kq.pdf", pdf_bytes(1), content_type="application/pdf"),
        },
    )  # "electronic" not ticked: a scan of the paper result
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.documents.get().kind == "result_scan"
    assert d.electronic_result is False
    r = leader.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_result/",
        {
            "version": d.version,
            "signer": "Giám đốc Sở",
            "electronic": "on",
            "file": SimpleUploadedFile(
                "kq2.pdf", signed_pdf(w.justice), content_type="application/pdf"
            ),
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.electronic_result is True
    r = leader.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/attach_result/",
        {"signer": "x", "version": d.version},
        HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 400
    assert "Chọn tệp kết quả" in r.content.decode()
