"""The personal data store: uploads, documents offered from the account's dossiers, reuse in a
new dossier (recorded, counted, fed to Decision 766), prefill, another citizen's documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.files import check_upload
from motcua.dossiers.models import DocumentKind, Dossier
from motcua.dossiers.services import (
    ApplicantData,
    dossier_accept_online,
    dossier_submit_online,
    scan_attach,
)
from motcua.eservices import services as svc
from motcua.eservices.models import DocumentReuse, StoredDocument
from motcua.reports.decision766 import _ratios
from motcua.reports.selectors import Period
from tests.eservices.conftest import World, pdf_bytes, upload
from tests.images import jpeg_bytes


def _submit_with_store(w: World, client: Client, stored: StoredDocument) -> Dossier:
    docs = list(w.simple.documents.all())
    r = client.post(
        reverse("eservices:submit", args=[w.simple.pk]),
        {
            "desk": w.center.pk,
            "phone": "",
            "email": "",
            "address": "",
            "request": "",
            "action": "submit",
            f"doc_{docs[0].pk}_stored": stored.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    return Dossier.objects.order_by("-id").first()  # type: ignore[return-value]


def test_upload_then_reuse_is_recorded_and_counted(
    world: World, client_of: Client, citizen: Any
) -> None:
    w = world
    r = client_of.post(
        reverse("eservices:store"), {"title": "Đơn đề nghị thành lập", "file": upload("don.pdf")}
    )
    assert r.status_code == 302
    stored = StoredDocument.objects.get(account=citizen.user)
    assert stored.source == "upload" and stored.reuse_count == 0
    # a new dossier of the same procedure: the stored document is proposed, not asked again
    page = client_of.get(reverse("eservices:submit", args=[w.simple.pk])).content.decode()
    assert f'<option value="{stored.pk}" selected>' in page
    d = _submit_with_store(w, client_of, stored)
    doc = d.documents.get()
    assert doc.required_document == "Đơn đề nghị thành lập" and doc.sha256 == stored.sha256
    assert doc.file.name != stored.file.name  # the dossier keeps its own copy
    reuse = DocumentReuse.objects.get()
    assert (reuse.stored, reuse.document, reuse.dossier) == (stored, doc, d)
    stored.refresh_from_db()
    assert stored.reuse_count == 1 and stored.last_reused_at is not None
    # the store page says when and for which dossier
    page = client_of.get(reverse("eservices:store")).content.decode()
    assert "1 lần" in page and f"hồ sơ #{d.pk}" in page
    # Decision 766: "hồ sơ tái sử dụng thành phần hồ sơ đã số hóa" counts it once received
    dossier_accept_online(actor=w.users["counter"], dossier=d)
    today = timezone.localdate()
    period = Period(today.replace(day=1), today + dt.timedelta(days=1))
    assert _ratios(period, None, w.simple.__class__.objects.all())["reused_components"] == (1, 1)


def test_scans_and_electronic_inputs_are_offered_and_reuse_links_origin(
    world: World, client_of: Client, citizen: Any
) -> None:
    w = world
    first = dossier_submit_online(
        applicant=ApplicantData("Trần Thị Bình", "079200000001"),
        procedure=w.simple,
        desk=w.center,
        files=[("Đơn đề nghị thành lập", check_upload("don.pdf", pdf_bytes(2)))],
        account=citizen.user,
    )
    first = dossier_accept_online(actor=w.users["counter"], dossier=first)
    scan_attach(
        actor=w.users["counter"],
        dossier=first,
        checked=check_upload("de-an.jpg", jpeg_bytes()),
        required_document="Đề án thành lập",
    )
    r = client_of.get(reverse("eservices:store"))
    assert r.status_code == 200
    items = {s.title: s for s in StoredDocument.objects.filter(account=citizen.user)}
    assert set(items) == {"Đơn đề nghị thành lập", "Đề án thành lập"}
    assert items["Đề án thành lập"].source == "scan"
    assert items["Đơn đề nghị thành lập"].origin.dossier == first  # type: ignore[union-attr]
    client_of.get(reverse("eservices:store"))  # offered once only
    assert StoredDocument.objects.filter(account=citizen.user).count() == 2
    second = _submit_with_store(w, client_of, items["Đơn đề nghị thành lập"])
    doc = second.documents.get()
    assert doc.reused_from == items["Đơn đề nghị thành lập"].origin
    # the reused document is not offered again as a new store item
    client_of.get(reverse("eservices:store"))
    assert StoredDocument.objects.filter(account=citizen.user).count() == 2


def test_other_citizens_store_is_not_found(
    world: World, client_of: Client, other_client: Client, citizen: Any
) -> None:
    s = svc.store_upload(
        account=citizen.user, title="CCCD", checked=check_upload("cccd.pdf", pdf_bytes(1))
    )
    assert other_client.get(reverse("eservices:stored_file", args=[s.pk])).status_code == 404
    assert other_client.post(reverse("eservices:stored_delete", args=[s.pk])).status_code == 404
    assert "CCCD" not in other_client.get(reverse("eservices:store")).content.decode()
    # picking it in another citizen's submission is refused by the form (scoped choices)
    docs = list(world.simple.documents.all())
    r = other_client.post(
        reverse("eservices:submit", args=[world.simple.pk]),
        {"desk": world.center.pk, "action": "submit", f"doc_{docs[0].pk}_stored": s.pk},
    )
    assert r.status_code == 400 and Dossier.objects.count() == 0
    assert client_of.get(reverse("eservices:stored_file", args=[s.pk])).status_code == 200
    assert client_of.post(reverse("eservices:stored_delete", args=[s.pk])).status_code == 302
    assert not StoredDocument.objects.filter(pk=s.pk).exists()


def test_store_refuses_hostile_files(world: World, client_of: Client) -> None:
    for name, data in [
        ("x.pdf", b"MZ\x90\x00exe"),
        ("x.png", b"<svg onload=alert(1)>"),
    ]:
        r = client_of.post(reverse("eservices:store"), {"title": "x", "file": upload(name, data)})
        assert r.status_code == 400
        assert "không phải PDF, JPEG hoặc PNG" in r.content.decode()
    r = client_of.post(reverse("eservices:store"), {"title": "", "file": upload()})
    assert r.status_code == 400 and "Chưa nhập tên giấy tờ" in r.content.decode()
    assert StoredDocument.objects.count() == 0


def test_deleting_an_offered_document_hides_it(world: World, citizen: Any) -> None:
    d = dossier_submit_online(
        applicant=ApplicantData("Trần Thị Bình", "079200000001"),
        procedure=world.simple,
        desk=world.center,
        files=[("Đơn đề nghị thành lập", check_upload("don.pdf", pdf_bytes(1)))],
        account=citizen.user,
    )
    assert svc.store_collect(account=citizen.user) == 1
    s = StoredDocument.objects.get()
    svc.store_delete(account=citizen.user, stored=s)
    assert svc.store_collect(account=citizen.user) == 0
    assert d.documents.get().file  # the dossier's file is untouched
    assert DocumentKind.INPUT_ELECTRONIC in svc.OFFERED_KINDS
