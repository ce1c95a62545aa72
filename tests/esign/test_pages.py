"""The doors: the leader's signing button, the public verification page, the citizen download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.citizens.models import CitizenProfile
from motcua.core.text import person_name
from motcua.dossiers.models import Document, DocumentKind, Dossier
from motcua.dossiers.services import dossier_receive, step_complete
from motcua.esign.verify import verification_code, verify_pdf
from tests.dossiers.conftest import World, at
from tests.esign_tools import certificate_for, plain_pdf, signed_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def login(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_upload(data: bytes, name: str = "kq.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def ready(w: World) -> Dossier:
    """A dossier at its leader's step, the Department of Justice holding a certificate."""
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    certificate_for(w.justice)
    d.refresh_from_db()
    return d


def sign_post(c: Client, d: Dossier, data: bytes | None = None, version: int | None = None):
    return c.post(
        f"/xac-thuc-ket-qua/ky/{d.pk}/",
        {
            "version": d.version if version is None else version,
            "file": pdf_upload(data or plain_pdf("QUYET DINH")),
        },
    )


def test_the_leader_signs_the_result_on_the_dossier_page(world: World) -> None:
    w = world
    d = ready(w)
    leader = login(w.users["leader"])
    page = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="sign-result"' in page
    r = sign_post(leader, d)
    assert r.status_code == 302
    doc = Document.objects.get(dossier=d)
    assert doc.kind == DocumentKind.RESULT_ELECTRONIC
    assert doc.signer == person_name(w.users["leader"]) != ""
    assert doc.signed_at is not None
    d.refresh_from_db()
    assert d.electronic_result
    with doc.file.open("rb") as fh:
        v = verify_pdf(fh.read(), agencies=[w.justice])
    assert v.valid and v.agency == w.justice and v.signer == doc.signer
    follow = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert verification_code(doc.sha256) in follow
    # every officer who sees the dossier sees the code to print beside the result
    other = login(w.users["specialist"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="signed-results"' in other and verification_code(doc.sha256) in other


def test_only_the_issuing_agencys_leader_may_sign(world: World) -> None:
    w = world
    d = ready(w)
    specialist = login(w.users["specialist"])
    assert 'id="sign-result"' not in specialist.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert sign_post(specialist, d).status_code == 403
    # the district's leader cannot even see the provincial dossier
    assert sign_post(login(w.users["district_leader"]), d).status_code in (403, 404)
    # anonymous: to the login page; GET is not a way in
    assert sign_post(Client(), d).status_code == 302
    assert login(w.users["leader"]).get(f"/xac-thuc-ket-qua/ky/{d.pk}/").status_code == 405
    assert not Document.objects.filter(dossier=d).exists()


def test_signing_refuses_bad_input_and_stale_pages(world: World) -> None:
    w = world
    d = ready(w)
    leader = login(w.users["leader"])
    for data in (b"not a pdf at all", b"%PDF-1.4 broken", signed_pdf(w.justice)):
        r = sign_post(leader, d, data)
        assert r.status_code == 302  # back to the page with the message
    r = sign_post(leader, d, version=d.version + 5)
    assert r.status_code == 302
    r = leader.post(f"/xac-thuc-ket-qua/ky/{d.pk}/", {"version": "x"})
    assert r.status_code == 302
    assert not Document.objects.filter(dossier=d).exists()
    msgs = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "đã có chữ ký số" in msgs


def test_a_leader_whose_agency_has_no_certificate_is_told(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    leader = login(w.users["leader"])
    assert sign_post(leader, d).status_code == 302
    assert "chưa có chứng thư số" in leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert not Document.objects.filter(dossier=d).exists()


# ---- public verification ----------------------------------------------------------------------


def post_verify(c: Client, **data: object):
    return c.post("/xac-thuc-ket-qua/", data)


def test_public_page_verifies_a_file_and_a_code_without_login(world: World) -> None:
    w = world
    d = ready(w)
    sign_post(login(w.users["leader"]), d)
    doc = Document.objects.get(dossier=d)
    with doc.file.open("rb") as fh:
        data = fh.read()
    anon = Client()
    assert anon.get("/xac-thuc-ket-qua/").status_code == 200
    body = post_verify(anon, file=pdf_upload(data)).content.decode()
    assert 'data-code="valid"' in body and w.justice.name in body and doc.signer in body
    assert d.code in body  # matches the result the system issued
    code = verification_code(doc.sha256)
    body = post_verify(anon, code=code.lower()).content.decode()
    assert 'data-code="valid"' in body and d.code in body
    # an unknown code: not found, nothing else told
    body = post_verify(anon, code="0000-0000-0000-0000").content.decode()
    assert "Không tìm thấy" in body and 'data-code="' not in body
    # a valid signature on a file the system never issued says so
    other = signed_pdf(w.justice, data=plain_pdf("VAN BAN KHAC"))
    body = post_verify(anon, file=pdf_upload(other)).content.decode()
    assert 'data-code="valid"' in body and "Không tìm thấy trong hệ thống" in body


def test_hostile_files_on_the_public_page(world: World) -> None:
    w = world
    anon = Client()
    data = signed_pdf(w.justice)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("vi")
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    cases = [
        (plain_pdf(), "unsigned"),
        (appended.getvalue(), "modified"),
        (data[: len(data) // 2], None),
        (data.replace(b"KET QUA", b"KXT QUA", 1), "broken"),
    ]
    for payload, code in cases:
        r = post_verify(anon, file=pdf_upload(payload))
        assert r.status_code == 200
        body = r.content.decode()
        assert 'data-code="valid"' not in body and "Không hợp lệ" in body
        if code:
            assert f'data-code="{code}"' in body
    # not a PDF, nothing at all, a malformed code: a form error, HTTP 400
    for form in (
        {"file": pdf_upload(b"GIF89a....", "x.pdf")},
        {},
        {"code": "zzzz"},
        {"code": "0123-4567-89ab-cdef\x00"},
        {"code": "x" * 500},
    ):
        r = post_verify(anon, **form)
        assert r.status_code == 400
        assert 'data-code="' not in r.content.decode()


def test_oversized_upload_is_refused_before_parsing(world: World, monkeypatch) -> None:
    from motcua.esign import forms

    monkeypatch.setattr(forms, "VERIFY_MAX_BYTES", 1000)
    r = post_verify(Client(), file=pdf_upload(signed_pdf(world.justice)))
    assert r.status_code == 400 and "vượt quá" in r.content.decode()


def test_the_page_is_rate_limited_and_csrf_protected(world: World) -> None:
    anon = Client()
    for _ in range(20):
        assert post_verify(anon, code="0000-0000-0000-0000").status_code == 200
    r = post_verify(anon, code="0000-0000-0000-0000")
    assert r.status_code == 429 and "quá nhiều" in r.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/xac-thuc-ket-qua/", {"code": "0000-0000-0000-0000"}).status_code == 403


def test_the_limit_counts_an_ipv6_client_by_its_64_behind_the_proxy(
    world: World, settings: Any
) -> None:
    """As every other public limit (``portal.throttle.subscriber``): one home or phone is given
    a whole /64, so counting each address let a client try 2^64 times; and behind the trusted
    proxy the client is the address the proxy saw, not the proxy (REMOTE_ADDR)."""
    from django.core.cache import cache

    cache.clear()
    settings.MOTCUA_PROXY_HOPS = 1

    def verify_from(forwarded: str) -> int:
        return (
            Client()
            .post(
                "/xac-thuc-ket-qua/",
                {"code": "0000-0000-0000-0000"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=forwarded,
            )
            .status_code
        )

    for i in range(20):
        assert verify_from(f"2001:db8:5:6::{i + 1:x}") == 200
    assert verify_from("2001:db8:5:6::abcd") == 429  # the same /64, another address
    assert verify_from("[2001:db8:5:6::abce]:4431") == 429  # a proxy that adds the port
    assert verify_from("2001:db8:5:7::1") == 200  # the next /64 is another client
    assert verify_from("203.0.113.9") == 200  # the proxy's other clients are not limited


# ---- the citizen's download -------------------------------------------------------------------


def citizen(username: str, id_number: str) -> User:
    user = User.objects.create_user(username=username, password="x-secret-123")
    CitizenProfile.objects.create(user=user, name=username, id_number=id_number)
    return user


def test_a_citizen_downloads_their_own_result_and_no_one_elses(world: World) -> None:
    w = world
    d = ready(w)
    owner, other = citizen("an", "070123456789"), citizen("binh", "070123456780")
    Dossier.objects.filter(pk=d.pk).update(account=owner)
    sign_post(login(w.users["leader"]), d)
    doc = Document.objects.get(dossier=d)
    url = f"/xac-thuc-ket-qua/tai/{doc.pk}/"
    r = login(owner).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF-")
    assert login(other).get(url).status_code == 404
    assert login(w.users["leader"]).get(url).status_code == 403  # staff are not citizens
    assert Client().get(url).status_code == 302  # to the citizen login
    assert login(owner).get("/xac-thuc-ket-qua/tai/999999/").status_code == 404
    # the panel lists the result for its owner only
    d.refresh_from_db()
    panel = render_to_string("esign/_citizen_results.html", {"dossier": d, "user": owner})
    assert url in panel and verification_code(doc.sha256) in panel
    stranger = render_to_string("esign/_citizen_results.html", {"dossier": d, "user": other})
    assert url not in stranger and "chưa có kết quả điện tử" in stranger


def test_a_code_whose_file_is_gone_is_not_found(world: World) -> None:
    w = world
    d = ready(w)
    sign_post(login(w.users["leader"]), d)
    doc = Document.objects.get(dossier=d)
    doc.file.delete(save=False)
    body = post_verify(Client(), code=verification_code(doc.sha256)).content.decode()
    assert "Không tìm thấy" in body and 'data-code="' not in body


def test_the_form_is_offered_only_to_a_leader_the_service_lets_attach(world: World) -> None:
    """A leader's step planned for later (the district's signature of an inter-level dossier
    still at the commune) makes its agency an issuing one, but not yet one that may attach the
    result: the page offers no signing form until the service would take it."""
    from motcua.core.errors import PermissionDenied
    from motcua.dossiers.files import check_upload
    from motcua.dossiers.services import result_attach

    w = world
    d = dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(w.inter),
        now=at("2022-06-01 08:00"),
    )
    certificate_for(w.district_committee)
    district = login(w.users["district_leader"])
    page = district.get(f"/can-bo/ho-so/{d.code}/")
    assert page.status_code == 200 and 'id="sign-result"' not in page.content.decode()
    # the service's refusal, unchanged
    with pytest.raises(PermissionDenied) as exc:
        result_attach(
            actor=w.users["district_leader"],
            dossier=d,
            checked=check_upload("kq.pdf", signed_pdf(w.district_committee)),
            signer="Lê Quốc Hùng",
        )
    assert exc.value.code == "permission_denied"
    assert "Bạn không xử lý hồ sơ này" in exc.value.message
    assert sign_post(district, d).status_code == 403
    assert not Document.objects.filter(dossier=d).exists()
    # the district's turn: its leader is offered the form, and signing is taken
    step_complete(actor=w.users["commune_officer"], dossier=d, now=at("2022-06-02 10:00"))
    d.refresh_from_db()
    page = district.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="sign-result"' in page
    assert sign_post(district, d).status_code == 302
    doc = Document.objects.get(dossier=d)
    assert doc.kind == DocumentKind.RESULT_ELECTRONIC
    assert doc.signer == person_name(w.users["district_leader"])
