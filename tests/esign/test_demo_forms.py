"""The demo's signed results, the signed forms (Mẫu 01, Mẫu 04) and the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.demo.services import demo_load
from motcua.dossiers.models import Document, DocumentKind, Dossier
from motcua.dossiers.services import apology_issue, dossier_receive
from motcua.esign.models import AgencyCertificate
from motcua.esign.selectors import document_bytes
from motcua.esign.services import esign_demo_setup
from motcua.esign.verify import verify_pdf
from tests.dossiers.conftest import World, at
from tests.esign_tools import certificate_for
from tests.tools import coverage_paused

pytestmark = pytest.mark.django_db


@pytest.mark.slow(seconds=19)  # its file is scheduled first (tests/conftest.py)
def test_the_demo_signs_a_few_results_with_its_own_ca(settings) -> None:
    with coverage_paused():  # the demo's lines are measured by tests/demo/
        result = demo_load(scale=0)
    assert result["esign"]["ca_created"] is True
    assert result["esign"]["certificates_issued"] >= 1
    docs = Document.objects.filter(kind=DocumentKind.RESULT_ELECTRONIC)
    assert docs.count() == 2
    for doc in docs.select_related("dossier"):
        v = verify_pdf(document_bytes(doc), agencies=[doc.dossier.processing_agency])
        assert v.valid, v.code
        assert doc.signer == "Lê Quốc Hùng" and doc.dossier.electronic_result
    assert (Path(settings.MOTCUA_ESIGN_DIR) / "ca" / "ca.key.pem").is_file()
    # idempotent: no new CA, no new certificate
    n = AgencyCertificate.objects.count()
    again = esign_demo_setup(agencies=[c.agency for c in AgencyCertificate.objects.all()])
    assert again == {"ca_created": False, "certificates_issued": 0}
    assert AgencyCertificate.objects.count() == n


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_receipt_and_apology_can_be_signed(world: World) -> None:
    w = world
    certificate_for(w.center)
    certificate_for(w.justice)
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    r = _client(w.users["counter"]).get(f"/can-bo/ho-so/{d.pk}/mau/01/?pdf=1&ky=1")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    v = verify_pdf(r.content, agencies=[w.center])
    assert v.valid and v.agency == w.center
    # the unsigned print stays as it was
    plain = _client(w.users["counter"]).get(f"/can-bo/ho-so/{d.pk}/mau/01/?pdf=1")
    assert verify_pdf(plain.content).code == "unsigned"
    # a specialist of the processing agency does not sign the desk's receipt
    r = _client(w.users["specialist"]).get(f"/can-bo/ho-so/{d.pk}/mau/01/?pdf=1&ky=1")
    assert r.status_code == 403
    due = Dossier.objects.get(pk=d.pk).due_at
    assert due is not None
    form = apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Cần xác minh thêm",
        new_appointment=at("2022-06-20 09:00"),
        now=at("2022-06-03 09:00"),
    )
    url = f"/can-bo/ho-so/{d.pk}/mau/04/?so={form.pk}&pdf=1&ky=1"
    r = _client(w.users["leader"]).get(url)
    assert r.status_code == 200
    assert verify_pdf(r.content, agencies=[w.justice]).valid
    assert _client(w.users["counter"]).get(url).status_code == 403
    # a form the system does not sign yet is refused with a message, not a 500
    r = _client(w.users["counter"]).get(f"/can-bo/ho-so/{d.pk}/mau/06/?pdf=1&ky=1")
    assert r.status_code == 302


def test_commands(world: World, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    call_command("esign_init")
    first = json.loads(capsys.readouterr().out)
    call_command("esign_init")
    assert json.loads(capsys.readouterr().out)["created"] is False and first["created"] is True
    call_command("esign_issue_cert", agency=world.health.code)
    out = json.loads(capsys.readouterr().out)
    assert AgencyCertificate.objects.get(fingerprint=out["fingerprint"]).agency == world.health
    # a certificate issued elsewhere is registered from its PEM file
    pem = tmp_path / "c.pem"
    pem.write_text(AgencyCertificate.objects.get().pem)
    AgencyCertificate.objects.all().delete()
    call_command("esign_issue_cert", agency=world.justice.code, cert=str(pem))
    assert AgencyCertificate.objects.get().agency == world.justice
    for bad in ({"agency": "khong.co"}, {"agency": world.justice.code, "cert": str(pem)}):
        with pytest.raises(SystemExit) as exc:
            call_command("esign_issue_cert", **bad)
        assert exc.value.code == 2


def test_admin_lists_certificates_and_revokes_them(world: World) -> None:
    from motcua.audit.models import AuditEntry
    from tests.factories import UserFactory

    row = certificate_for(world.justice)
    admin = Client()
    admin.force_login(UserFactory(username="root", superuser=True))
    page = admin.get("/admin/esign/agencycertificate/")
    assert page.status_code == 200 and world.justice.name in page.content.decode()
    assert admin.get("/admin/esign/agencycertificate/add/").status_code == 403
    detail = admin.get(f"/admin/esign/agencycertificate/{row.pk}/change/").content.decode()
    assert "PRIVATE KEY" not in detail
    admin.post(
        "/admin/esign/agencycertificate/",
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert AuditEntry.objects.filter(action="esign.certificate_revoke").count() == 1
    # a non-superuser officer does not reach it
    officer = Client()
    officer.force_login(world.users["leader"])
    assert officer.get("/admin/esign/agencycertificate/").status_code in (302, 403)
