"""Every face of one definition: the portal's submission, the counter intake, the dossier pages
and the printed application, the admin's preview, the API (procedure, creation, dossier)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from motcua.audit.models import AuditEntry
from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier, Status
from motcua.eforms.models import FormDefinition
from motcua.eforms.services import form_definition_set
from motcua.eservices.models import Draft
from motcua.units.models import Role
from tests.api.conftest import token_client
from tests.eforms.conftest import World
from tests.eservices.conftest import upload

FILLED = {
    "tk-full_name": "Trần Thị Bình",
    "tk-purpose": "khac",
    "tk-purpose_other": "Bổ sung hồ sơ du học",
    "tk-home__province": "70",
    "tk-home__commune": "25195",
    "tk-home__detail": "5 Hùng Vương",
    "tk-members-TOTAL_FORMS": "2",
    "tk-members-INITIAL_FORMS": "0",
    "tk-members-0-name": "Lê Văn Cường",
    "tk-members-0-relation": "vo_chong",
    "tk-members-1-name": "Lê Thị Dung",
    "tk-members-1-relation": "con",
}


@pytest.fixture
def with_form(world: World, definition: dict[str, Any]) -> World:
    form_definition_set(actor=None, procedure=world.simple, definition=definition)
    return world


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _portal_post(w: World, action: str, **over: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "desk": w.center.pk,
        "phone": "0912 345 678",
        "email": "binh@example.vn",
        "address": "Đồng Xoài",
        "request": "Cấp phiếu",
        "action": action,
        **FILLED,
    }
    for doc in w.simple.documents.all():
        data[f"doc_{doc.pk}_file"] = upload(f"{doc.pk}.pdf")
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_definition_set_is_audited_and_refuses_bad_ones(
    world: World, definition: dict[str, Any]
) -> None:
    form_definition_set(actor=None, procedure=world.simple, definition=definition)
    assert FormDefinition.objects.get().definition["title"] == "Tờ khai thử"
    assert AuditEntry.objects.filter(action="eforms.definition_set").count() == 1
    definition["sections"][0]["fields"][0]["type"] = "html"
    with pytest.raises(ValidationFailed):
        form_definition_set(actor=None, procedure=world.simple, definition=definition)
    assert FormDefinition.objects.get().definition["sections"][0]["fields"][0]["type"] == "text"


def test_portal_submission_refuses_then_files_the_form(
    with_form: World, client_of: Client, citizen: Any
) -> None:
    w = with_form
    url = f"/dich-vu-cong/nop/{w.simple.pk}/"
    page = client_of.get(url).content.decode()
    assert "Tờ khai thử" in page and 'name="tk-full_name"' in page
    r = client_of.post(url, _portal_post(w, "submit", **{"tk-purpose_other": ""}))
    assert r.status_code == 400
    assert "Chưa nhập mục đích khác." in r.content.decode()
    assert not Dossier.objects.exists() and not Draft.objects.exists()
    r = client_of.post(url, _portal_post(w, "submit"))
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Dossier.objects.get()
    assert d.status == Status.SUBMITTED
    assert d.form_data["purpose_other"] == "Bổ sung hồ sơ du học"
    assert [m["name"] for m in d.form_data["members"]] == ["Lê Văn Cường", "Lê Thị Dung"]
    assert d.form_data["home"]["text"] == "5 Hùng Vương, Phường Tân Phú, Tỉnh Bình Phước"
    # the citizen's dossier page shows it and prints it
    page = client_of.get(f"/dich-vu-cong/ho-so/{d.pk}/").content.decode()
    assert "Bổ sung hồ sơ du học" in page and "Lê Thị Dung" in page
    r = client_of.get(f"/to-khai/cong-dan/ho-so/{d.pk}/to-khai.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    # the counter sees the same data, and prints the application
    staff = login(w.users["counter"])
    page = staff.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert "Bổ sung hồ sơ du học" in page and 'id="eform-pdf"' in page
    r = staff.get(f"/to-khai/ho-so/{d.pk}/to-khai.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_pdf_scoped(with_form: World, client_of: Client) -> None:
    w = with_form
    client_of.post(f"/dich-vu-cong/nop/{w.simple.pk}/", _portal_post(w, "submit"))
    d = Dossier.objects.get()
    # another agency's officer, another citizen, anonymous: not found / login
    assert (
        login(w.users["commune_counter"]).get(f"/to-khai/ho-so/{d.pk}/to-khai.pdf").status_code
        == 404
    )
    from tests.factories import CitizenFactory

    other = CitizenFactory(name="Lê Văn Cường", id_number="079200000002")
    r = login(other.user).get(f"/to-khai/cong-dan/ho-so/{d.pk}/to-khai.pdf")
    assert r.status_code == 404
    assert Client().get(f"/to-khai/ho-so/{d.pk}/to-khai.pdf").status_code == 302


def _intake(w: World, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "email": "",
        "address": "Bình Long",
        "request": "Cấp phiếu",
        "sets": "1",
        **FILLED,
    }
    for doc in w.simple.documents.all():
        data[f"doc_{doc.pk}_submitted"] = "on"
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_counter_intake_with_the_form(with_form: World) -> None:
    w = with_form
    c = login(w.users["counter"])
    page = c.get(f"/can-bo/tiep-nhan/?desk={w.center.pk}&procedure={w.simple.pk}").content.decode()
    assert 'name="tk-full_name"' in page
    r = c.post("/can-bo/tiep-nhan/", _intake(w, **{"tk-members-1-name": ""}))
    assert r.status_code == 400
    assert "Chưa nhập họ tên." in r.content.decode()
    assert not Dossier.objects.exists()
    r = c.post("/can-bo/tiep-nhan/", _intake(w))
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert d.status == Status.IN_PROGRESS and d.form_data["full_name"] == "Trần Thị Bình"


def test_counter_refusal_needs_no_form(with_form: World) -> None:
    w = with_form
    r = login(w.users["counter"]).post(
        "/can-bo/tiep-nhan/",
        _intake(
            w, action="refuse", refuse_reasons="Không thuộc thẩm quyền", **{"tk-full_name": ""}
        ),
    )
    assert r.status_code == 302
    assert Dossier.objects.get().form_data == {}


def test_admin_preview(world: World, definition: dict[str, Any]) -> None:
    import json

    admin = get_user_model().objects.create_superuser("qtv", "qtv@example.vn", "x")
    c = login(admin)
    r = c.post("/to-khai/xem-truoc/", {"definition": json.dumps(definition, ensure_ascii=False)})
    assert r.status_code == 200 and 'name="tk-full_name"' in r.content.decode()
    definition["sections"][1]["fields"][0]["type"] = "table"
    r = c.post("/to-khai/xem-truoc/", {"definition": json.dumps(definition, indent=2)})
    assert r.status_code == 400
    assert "dòng" in r.content.decode() and "table" in r.content.decode()
    # the admin page saves through the service (audited); a broken definition is refused
    r = c.post(
        "/admin/eforms/formdefinition/add/",
        {"procedure": world.simple.pk, "definition": '{"title": "x", "sections": [}'},
    )
    assert r.status_code == 200 and "dòng 1" in r.content.decode()
    assert not FormDefinition.objects.exists()
    definition["sections"][1]["fields"][0]["type"] = "group"
    r = c.post(
        "/admin/eforms/formdefinition/add/",
        {"procedure": world.simple.pk, "definition": json.dumps(definition)},
    )
    assert r.status_code == 302
    row = FormDefinition.objects.get()
    assert row.procedure == world.simple
    assert AuditEntry.objects.filter(action="eforms.definition_set").exists()
    # editing: the JSON comes back pretty-printed; the procedure version is fixed
    url = f"/admin/eforms/formdefinition/{row.pk}/change/"
    page = c.get(url).content.decode()
    assert "Tờ khai thử" in page and 'name="procedure"' not in page
    definition["title"] = "Tờ khai đã sửa"
    r = c.post(url, {"definition": json.dumps(definition, ensure_ascii=False)})
    assert r.status_code == 302
    assert FormDefinition.objects.get().definition["title"] == "Tờ khai đã sửa"
    assert AuditEntry.objects.filter(action="eforms.definition_set").count() == 2
    # staff who may edit forms only
    assert Client().post("/to-khai/xem-truoc/", {"definition": "{}"}).status_code == 302
    officer = login(world.users["counter"])
    world.users["counter"].is_staff = True
    world.users["counter"].save()
    assert officer.post("/to-khai/xem-truoc/", {"definition": "{}"}).status_code == 403


API_FORM = {
    "full_name": "Trần Thị Bình",
    "purpose": "xin_viec",
    "home": {"province": "70", "commune": "25195", "detail": "5 Hùng Vương"},
    "members": [{"name": "Lê Văn Cường", "relation": "vo_chong"}],
}


def _api_body(w: World, form_data: Any) -> dict[str, Any]:
    return {
        "procedure": w.simple.code,
        "desk": w.center.code,
        "applicant": {"name": "Trần Thị Bình", "id_number": "079123456789"},
        "documents": [{"order": d.order} for d in w.simple.documents.all()],
        "form_data": form_data,
    }


def test_api_exposes_and_validates(with_form: World) -> None:
    w = with_form
    api: APIClient = token_client(w.center, Role.COUNTER, "he-thong")
    detail = api.get(f"/api/v1/procedures/{w.simple.code}/").json()
    assert detail["application_form"]["title"] == "Tờ khai thử"
    bad = dict(API_FORM, full_name=["x"], members=[{"name": "a"}] * 4, ghost=1)
    r = api.post("/api/v1/dossiers/", _api_body(w, bad), format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert r.status_code == 400
    problem = r.json()
    assert problem["code"] == "invalid_form_data"
    fields = {e["field"] for e in problem["errors"]}
    assert "form_data.members" in fields
    text = " ".join(e["message"] for e in problem["errors"])
    assert "full_name" in text and "ghost" in text
    assert not Dossier.objects.exists()
    r = api.post(
        "/api/v1/dossiers/", _api_body(w, API_FORM), format="json", HTTP_IDEMPOTENCY_KEY="b"
    )
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    out = api.get(f"/api/v1/dossiers/{d.code}/").json()
    assert out["form_data"]["members"] == [{"name": "Lê Văn Cường", "relation": "vo_chong"}]
    assert out["form_data"]["home"]["text"].endswith("Tỉnh Bình Phước")


def test_api_form_data_on_procedure_without_form(world: World) -> None:
    api: APIClient = token_client(world.center, Role.COUNTER, "he-thong")
    r = api.post(
        "/api/v1/dossiers/", _api_body(world, {"x": 1}), format="json", HTTP_IDEMPOTENCY_KEY="c"
    )
    assert r.status_code == 400 and r.json()["code"] == "no_form"


def test_form_carried_to_amended_version(with_form: World) -> None:
    import datetime as dt

    from motcua.catalog.selectors import catalog_specs
    from motcua.catalog.services import procedure_amend

    w = with_form
    spec = next(s for s in catalog_specs() if s.code == w.simple.code)
    new = procedure_amend(
        actor=None, procedure=w.simple, spec=spec, effective=dt.date(2030, 1, 1), decision="1/QĐ"
    )
    assert new.version == w.simple.version + 1
    copied = FormDefinition.objects.get(procedure=new)
    assert copied.definition == FormDefinition.objects.get(procedure=w.simple).definition
    # versioned: editing the new version leaves the old one as filed dossiers knew it
    changed = dict(copied.definition, title="Tờ khai mới")
    form_definition_set(actor=None, procedure=new, definition=changed)
    assert FormDefinition.objects.get(procedure=w.simple).definition["title"] == "Tờ khai thử"


def test_draft_keeps_the_form(with_form: World, client_of: Client, citizen: Any) -> None:
    w = with_form
    r = client_of.post(f"/dich-vu-cong/nop/{w.simple.pk}/", _portal_post(w, "save"))
    assert r.status_code == 302
    draft = Draft.objects.get(account=citizen.user)
    assert draft.form_data["members"][1]["name"] == "Lê Thị Dung"
    page = client_of.get(f"/dich-vu-cong/nhap/{draft.pk}/").content.decode()
    assert 'value="Lê Thị Dung"' in page and 'value="Bổ sung hồ sơ du học"' in page
    assert 'name="tk-members-TOTAL_FORMS" value="2"' in page
    # submitting the draft files the data it holds
    post = _portal_post(w, "submit")
    r = client_of.post(f"/dich-vu-cong/nhap/{draft.pk}/", post)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Dossier.objects.get().form_data["members"][1]["relation"] == "con"
