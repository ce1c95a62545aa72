"""Online submission: drafts with uploads checked by content, resume, delete, submit into the
desk's online queue; hostile uploads, another citizen's draft, CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import OnlineService
from motcua.dossiers.models import Channel, DocumentKind, Dossier, Status
from motcua.dossiers.services import dossier_accept_online
from motcua.eservices.models import Draft, DraftFile
from tests.eservices.conftest import World, active_pdf, pdf_bytes, upload
from tests.images import png_bytes


def _docs(w: World) -> dict[str, Any]:
    return {d.name: d for d in w.simple.documents.all()}


def _post(w: World, action: str = "save", **files: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "desk": w.center.pk,
        "phone": "0912 345 678",
        "email": "binh@example.vn",
        "address": "Đồng Xoài",
        "request": "Đề nghị thành lập văn phòng",
        "action": action,
    }
    docs = list(w.simple.documents.all())
    for key, value in files.items():
        i = int(key.removeprefix("doc"))
        data[f"doc_{docs[i].pk}_file"] = value
    return data


def test_page_prefilled_from_account(world: World, client_of: Client) -> None:
    r = client_of.get(reverse("eservices:submit", args=[world.simple.pk]))
    assert r.status_code == 200
    page = r.content.decode()
    assert "Trần Thị Bình" in page and "079200000001" in page
    assert 'value="dan' in page  # the account's e-mail prefilled
    assert "Đơn đề nghị thành lập" in page


def test_save_resume_submit_reaches_online_queue(
    world: World, client_of: Client, citizen: Any
) -> None:
    w = world
    url = reverse("eservices:submit", args=[w.simple.pk])
    r = client_of.post(url, _post(w, "save", doc0=upload("don.pdf")))
    assert r.status_code == 302, r.content.decode()[:2000]
    draft = Draft.objects.get(account=citizen.user)
    f = DraftFile.objects.get(draft=draft)
    assert f.required_document == "Đơn đề nghị thành lập"
    assert f.content_type == "application/pdf" and len(f.sha256) == 64 and f.pages == 1
    # resume: the page shows the chosen file; the file downloads for its owner
    r = client_of.get(reverse("eservices:draft", args=[draft.pk]))
    assert r.status_code == 200 and "don.pdf" in r.content.decode()
    r = client_of.get(reverse("eservices:draft_file", args=[draft.pk, f.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
    # submit from the draft, adding a PNG for the optional document
    r = client_of.post(
        reverse("eservices:draft", args=[draft.pk]),
        _post(w, "submit", doc1=upload("de-an.png", png_bytes(), "image/png")),
    )
    assert r.status_code == 302
    d = Dossier.objects.get(account=citizen.user)
    assert r["Location"] == reverse("eservices:dossier", args=[d.pk])
    assert d.status == Status.SUBMITTED and d.channel == Channel.ONLINE
    assert d.applicant_name == "Trần Thị Bình" and d.applicant_id_number == "079200000001"
    assert d.applicant_phone == "0912 345 678" and d.receiving_agency == w.center
    docs = {doc.required_document: doc for doc in d.documents.all()}
    assert docs["Đơn đề nghị thành lập"].kind == DocumentKind.INPUT_ELECTRONIC
    assert docs["Đề án thành lập"].content_type == "image/png"
    assert docs["Đơn đề nghị thành lập"].sha256 == f.sha256
    assert not Draft.objects.filter(pk=draft.pk).exists()
    # the desk's officer receives it from the online queue
    d = dossier_accept_online(actor=w.users["counter"], dossier=d)
    assert d.status == Status.IN_PROGRESS and d.code


def test_submit_without_mandatory_document_keeps_draft(world: World, client_of: Client) -> None:
    r = client_of.post(reverse("eservices:submit", args=[world.simple.pk]), _post(world, "submit"))
    assert r.status_code == 400
    assert "Chưa có tệp cho giấy tờ bắt buộc: Đơn đề nghị thành lập" in r.content.decode()
    assert Dossier.objects.count() == 0
    assert Draft.objects.count() == 1  # what was typed is kept as a draft


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "không phải PDF, JPEG hoặc PNG"),
        ("don.pdf", active_pdf("open_js"), "Tệp PDF chứa mã lệnh"),
        ("anh.png", b"<html><script>alert(1)</script></html>", "không phải PDF, JPEG hoặc PNG"),
        ("anh.png", png_bytes() + b"<html><script>alert(1)</script>", "không phải ảnh PNG hợp lệ"),
        ("anh.jpg", b"\xff\xd8\xff\xe0<html><body>x</body></html>", "không phải ảnh JPG hợp lệ"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_disguised_uploads_refused_nothing_saved(
    world: World, client_of: Client, name: str, data: bytes, message: str
) -> None:
    r = client_of.post(
        reverse("eservices:submit", args=[world.simple.pk]),
        _post(world, "save", doc0=upload(name, data)),
    )
    assert r.status_code == 400
    assert message in r.content.decode()
    assert Draft.objects.count() == 0 and DraftFile.objects.count() == 0


def test_too_large_upload_is_dropped_while_streaming(world: World, client_of: Client) -> None:
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 10)
    r = client_of.post(
        reverse("eservices:submit", args=[world.simple.pk]),
        _post(world, "save", doc0=upload("to.pdf", big)),
    )
    assert r.status_code == 400
    assert "vượt quá 20 MB" in r.content.decode()
    assert DraftFile.objects.count() == 0


def test_streaming_handler_keeps_uploads_on_disk(world: World, client_of: Client) -> None:
    """Even a small upload goes to a temporary file (never an in-memory upload)."""
    from motcua.eservices import forms as eforms

    seen: list[str] = []
    original = eforms.check_upload_file

    def spy(name: str, f: Any, size: int) -> Any:
        seen.append(type(f).__name__)
        return original(name, f, size)

    eforms.check_upload_file = spy  # type: ignore[assignment]
    try:
        r = client_of.post(
            reverse("eservices:submit", args=[world.simple.pk]), _post(world, "save", doc0=upload())
        )
    finally:
        eforms.check_upload_file = original  # type: ignore[assignment]
    assert r.status_code == 302
    assert seen == ["TemporaryUploadedFile"]


def test_other_citizens_draft_is_not_found(
    world: World,
    client_of: Client,
    other_client: Client,
    citizen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client_of.post(reverse("eservices:submit", args=[world.simple.pk]), _post(world, doc0=upload()))
    draft = Draft.objects.get(account=citizen.user)
    f = draft.files.get()
    assert other_client.get(reverse("eservices:draft", args=[draft.pk])).status_code == 404
    assert (
        other_client.get(reverse("eservices:draft_file", args=[draft.pk, f.pk])).status_code == 404
    )
    r = other_client.post(reverse("eservices:draft", args=[draft.pk]), _post(world, "submit"))
    assert r.status_code == 404
    assert other_client.post(reverse("eservices:draft_delete", args=[draft.pk])).status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists() and Dossier.objects.count() == 0
    # the owner deletes it, and its file goes with it
    name = f.file.name
    with django_capture_on_commit_callbacks(execute=True):
        r = client_of.post(reverse("eservices:draft_delete", args=[draft.pk]))
    assert r.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(name)


def test_csrf_is_checked_on_upload_pages(world: World, citizen: Any) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(citizen.user)
    r = c.post(reverse("eservices:submit", args=[world.simple.pk]), _post(world, doc0=upload()))
    assert r.status_code == 403
    assert c.post(reverse("eservices:store"), {"title": "x", "file": upload()}).status_code == 403
    assert Draft.objects.count() == 0


def test_anonymous_staff_and_offline_procedure(world: World, client_of: Client) -> None:
    url = reverse("eservices:submit", args=[world.simple.pk])
    r = Client().get(url)
    assert r.status_code == 302 and r["Location"].startswith("/cong-dan/dang-nhap/")
    staff = Client()
    staff.force_login(world.users["counter"])
    assert staff.get(url).status_code == 403
    world.simple.online_service = OnlineService.NONE
    world.simple.save(update_fields=["online_service"])
    assert client_of.get(url).status_code == 404
    assert client_of.get(reverse("eservices:submit", args=[999999])).status_code == 404


def test_wrong_desk_and_bad_input(world: World, client_of: Client) -> None:
    data = _post(world, doc0=upload())
    data["desk"] = world.commune_desk.pk  # a commune desk does not handle a provincial procedure
    data["phone"] = "abc\x00"
    data["action"] = "drop-table"
    r = client_of.post(reverse("eservices:submit", args=[world.simple.pk]), data)
    assert r.status_code == 400
    page = r.content.decode()
    assert "Nơi nộp hồ sơ: lựa chọn không tồn tại." in page
    assert Draft.objects.count() == 0
    assert pdf_bytes  # the fixture module is importable
