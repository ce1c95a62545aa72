"""Hostile input on every POST of the staff web: a clear Vietnamese message next to the field,
the typed data kept, a 4xx and never a 500, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.models import (
    Applicant,
    ChecklistItem,
    Document,
    Dossier,
    DossierEvent,
    IssuedForm,
    Outbox,
)
from motcua.dossiers.services import dossier_receive, step_complete
from tests.dossiers.conftest import World, at

HUGE = "99999999999999999999"


def login(user: object) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)  # type: ignore[arg-type]
    return c


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Applicant, Dossier, ChecklistItem, DossierEvent, IssuedForm, Outbox, Document)
    }


def intake_form(w: World, **over: Any) -> dict[str, Any]:
    docs = list(w.simple.documents.all())
    form: dict[str, Any] = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "email": "binh@example.vn",
        "address": "Bình Long",
        "request": "Thành lập VPCC",
        "sets": "1",
    }
    for doc in docs:
        form[f"doc_{doc.pk}_submitted"] = "on"
        form[f"doc_{doc.pk}_originals"] = "1"
        form[f"doc_{doc.pk}_copies"] = "0"
    form.update(over)
    return form


# ---- intake ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "khong-phai-thu@", "Thư điện tử: địa chỉ thư điện tử không hợp lệ."),
        ("phone", "0" * 21, "Điện thoại: tối đa 20 ký tự (đã nhập 21)."),
        # 40 × 7 = 280 characters; the form strips the last space: 279
        ("name", "Nguyễn " * 40, "Họ tên / tên tổ chức: tối đa 255 ký tự (đã nhập 279)."),
        ("id_number", "1" * 21, "Số CCCD / mã số: tối đa 20 ký tự (đã nhập 21)."),
        ("address", "x" * 501, "Địa chỉ: tối đa 500 ký tự (đã nhập 501)."),
        ("sets", HUGE, "Số bộ hồ sơ: không được lớn hơn 999."),
        ("sets", "abc", "Số bộ hồ sơ: phải là một số."),
        ("kind", "robot", "Loại người nộp: lựa chọn không hợp lệ."),
        ("action", "delete_all", "Thao tác: lựa chọn không hợp lệ."),
        ("name", "", "Chưa nhập họ tên / tên tổ chức."),
        ("name", "-1", "Họ tên / tên tổ chức phải có chữ."),
        ("phone", "' OR 1=1 --", "Điện thoại: chỉ gồm chữ số 0–9"),
        ("proxy_id_number", "🙂", "Số CCCD người được ủy quyền: 12 chữ số (CCCD) hoặc 9 chữ số"),
    ],
)
def test_intake_bad_field_returns_the_filled_form_with_the_message(
    world: World, field: str, value: str, message: str
) -> None:
    before = counts()
    c = login(world.users["counter"])
    r = c.post("/can-bo/tiep-nhan/", intake_form(world, **{field: value}))
    assert r.status_code == 400
    page = r.content.decode()
    assert message in page
    # the message sits next to the field, and what the officer typed is still there
    assert f'id="error-{field}"' in page
    if field != "address":
        assert 'value="Bình Long"' in page
    assert "Thành lập VPCC" in page
    if field not in ("name", "kind", "action"):
        assert 'value="Trần Thị Bình"' in page
    assert counts() == before


def test_intake_document_count_too_large_is_a_message_on_that_row(world: World) -> None:
    doc = world.simple.documents.first()
    assert doc is not None
    before = counts()
    c = login(world.users["counter"])
    r = c.post("/can-bo/tiep-nhan/", intake_form(world, **{f"doc_{doc.pk}_originals": HUGE}))
    assert r.status_code == 400
    page = r.content.decode()
    assert f"{doc.name}: số bản chính: không được lớn hơn 999." in page
    assert f'value="{HUGE}"' in page  # the typed value is shown back to be corrected
    assert counts() == before
    r = c.post("/can-bo/tiep-nhan/", intake_form(world, **{f"doc_{doc.pk}_copies": "-1"}))
    assert r.status_code == 400
    assert f"{doc.name}: số bản sao: không được nhỏ hơn 0." in r.content.decode()
    assert counts() == before


def test_intake_incomplete_returns_to_the_form_not_the_queue(world: World) -> None:
    doc = world.simple.documents.first()
    assert doc is not None
    form = intake_form(world)
    del form[f"doc_{doc.pk}_submitted"]
    before = counts()
    c = login(world.users["counter"])
    r = c.post("/can-bo/tiep-nhan/", form, HTTP_REFERER="/can-bo/")
    assert r.status_code == 400
    page = r.content.decode()
    assert "Hồ sơ chưa đầy đủ, cần hướng dẫn bổ sung (Mẫu 02)" in page
    assert 'value="Trần Thị Bình"' in page and 'value="binh@example.vn"' in page
    # the guidance is offered, with the missing document already ticked
    assert 'id="guide"' in page
    assert f'name="missing" value="{doc.pk}" checked' in page
    assert counts() == before


def test_intake_bad_scan_is_a_message_next_to_the_document(world: World) -> None:
    doc = world.simple.documents.first()
    assert doc is not None
    form = intake_form(world)
    form[f"doc_{doc.pk}_scan"] = SimpleUploadedFile("x.pdf", b"<script>", "application/pdf")
    before = counts()
    r = login(world.users["counter"]).post("/can-bo/tiep-nhan/", form)
    assert r.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in r.content.decode()
    assert counts() == before


def test_intake_unknown_procedure_is_a_message(world: World) -> None:
    before = counts()
    c = login(world.users["counter"])
    for value in ("999999", HUGE, "abc", ""):
        r = c.post("/can-bo/tiep-nhan/", intake_form(world, procedure=value))
        assert r.status_code == 400, value
        assert "Chưa chọn thủ tục" in r.content.decode()
    assert counts() == before


# ---- actions -----------------------------------------------------------------------------------


def receive(w: World) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )


VERSIONED = {
    # action: (user, the other fields of a valid post)
    "complete": ("specialist", {"note": "OK"}),
    "send_back": ("specialist", {"reason": "Thiếu chữ ký"}),
    "supplement": ("specialist", {"items": "Bản sao CCCD", "reason": "Thiếu"}),
    "withdraw": ("counter", {"reason": "Người nộp rút"}),
    "return_unresolved": ("leader", {"reasons": "Không đủ điều kiện"}),
    "apology": ("leader", {"reason": "Chờ xác minh", "new_appointment": "2022-06-10T17:00"}),
}


@pytest.mark.parametrize("name", sorted(VERSIONED))
@pytest.mark.parametrize("version", [None, "", "abc", HUGE, "-1", "1.5"])
def test_action_without_a_valid_version_changes_nothing(
    world: World, name: str, version: str | None
) -> None:
    d = receive(world)
    user, fields = VERSIONED[name]
    post = dict(fields)
    if version is not None:
        post["version"] = version
    before, seen = counts(), d.version
    c = login(world.users[user])
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        r = c.post(f"/can-bo/ho-so/{d.pk}/thao-tac/{name}/", post)
    assert r.status_code == 400
    assert "Thiếu hoặc sai phiên bản hồ sơ đang xem" in r.content.decode()
    d.refresh_from_db()
    assert d.version == seen
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "user", "post", "message"),
    [
        (
            "apology",
            "leader",
            {"reason": "Chờ", "new_appointment": "hôm nay"},
            "Ngày giờ không hợp lệ",
        ),
        (
            "apology",
            "leader",
            {"reason": "Chờ", "new_appointment": "99999-01-01T10:00"},
            "Ngày giờ không hợp lệ",
        ),
        (
            "apology",
            "leader",
            {"reason": "", "new_appointment": "2022-06-10T17:00"},
            "Chưa nhập lý do.",
        ),
        (
            "apology",
            "leader",
            {"reason": "x" * 4001, "new_appointment": "2022-06-10T17:00"},
            "Lý do: tối đa 4000 ký tự",
        ),
        ("send_back", "specialist", {"reason": "x" * 5000}, "Lý do: tối đa 4000 ký tự"),
        (
            "supplement",
            "specialist",
            {"items": "", "reason": "Thiếu"},
            "Chưa nhập giấy tờ cần bổ sung.",
        ),
        ("supplement", "specialist", {"items": "a\n" * 51, "reason": "Thiếu"}, "tối đa 50 dòng"),
        (
            "supplement",
            "specialist",
            {"items": "x" * 501, "reason": "Thiếu"},
            "mỗi dòng tối đa 500 ký tự",
        ),
        (
            "transfer",
            "specialist",
            {"agency": HUGE, "reason": "Sai thẩm quyền"},
            "Cơ quan nhận: lựa chọn không tồn tại.",
        ),
        (
            "transfer",
            "specialist",
            {"agency": "abc", "reason": "Sai thẩm quyền"},
            "Cơ quan nhận: lựa chọn không tồn tại.",
        ),
        (
            "parallel",
            "specialist",
            {"p_agency": "1", "p_task": "x", "p_days": HUGE},
            "Số ngày: số quá lớn.",
        ),
        (
            "parallel",
            "specialist",
            {"p_agency": HUGE, "p_task": "x", "p_days": "2"},
            "Cơ quan phối hợp không tồn tại.",
        ),
        (
            "parallel",
            "specialist",
            {"p_agency": "1", "p_task": "x", "p_days": "NaN"},
            "Số ngày: phải là một số.",
        ),
        (
            "consult",
            "specialist",
            {"agency": "1", "question": "?", "days": "-3"},
            "không được nhỏ hơn",
        ),
        (
            "consult",
            "specialist",
            {"agency": "1", "question": "?", "days": "Infinity"},
            "phải là một số.",
        ),
        (
            "consult",
            "specialist",
            {"agency": "1", "question": "", "days": "2"},
            "Chưa nhập nội dung lấy ý kiến.",
        ),
        (
            "answer",
            "specialist",
            {"consultation": HUGE, "answer": "Đồng ý"},
            "Yêu cầu lấy ý kiến: không được lớn hơn",
        ),
        ("assign", "leader", {"step": HUGE, "handler": "1"}, "Bước: không được lớn hơn"),
        ("assign", "leader", {"step": "1", "handler": HUGE}, "Chọn cán bộ được phân công."),
        ("return_result", "counter", {"method": "x" * 81}, "tối đa 80 ký tự"),
        ("attach_result", "leader", {"signer": "x" * 256}, "Người ký: tối đa 255 ký tự"),
        ("attach_result", "leader", {"signer": "Giám đốc"}, "Chọn tệp kết quả."),
        ("attach_scan", "counter", {"document": "x" * 501}, "Thành phần hồ sơ: tối đa 500 ký tự"),
        (
            "supplement_received",
            "counter",
            {"files": SimpleUploadedFile("bs.pdf", b"<script>", "application/pdf")},
            "không phải PDF, JPEG hoặc PNG",
        ),
        (
            "attach_scan",
            "counter",
            {"document": "Đơn", "file": SimpleUploadedFile("s.pdf", b"MZ", "application/pdf")},
            "không phải PDF, JPEG hoặc PNG",
        ),
    ],
)
def test_action_garbage_is_a_message_and_changes_nothing(
    world: World, name: str, user: str, post: dict[str, str], message: str
) -> None:
    d = receive(world)
    if "p_agency" in post and post["p_agency"] == "1":
        post = {**post, "p_agency": str(world.health.pk)}
    if name == "consult":
        post = {**post, "agency": str(world.health.pk)}
    before, seen = counts(), d.version
    c = login(world.users[user])
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        r = c.post(f"/can-bo/ho-so/{d.pk}/thao-tac/{name}/", {"version": d.version, **post})
    assert r.status_code == 400, r.content.decode()[:300]
    page = r.content.decode()
    assert message in page
    d.refresh_from_db()
    assert d.version == seen
    assert counts() == before


def test_action_error_keeps_the_typed_text_next_to_the_field(world: World) -> None:
    d = receive(world)
    c = login(world.users["leader"])
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        r = c.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/apology/",
            {"version": d.version, "reason": "Chờ kết quả xác minh", "new_appointment": "mai"},
        )
    page = r.content.decode()
    assert r.status_code == 400
    assert "Chờ kết quả xác minh</textarea>" in page
    assert 'id="error-apology-new_appointment"' in page


# ---- redirects after an error ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "http://evil.example/can-bo/", "/\\evil.example"],
)
def test_redirect_after_an_error_stays_on_this_site(world: World, target: str) -> None:
    d = receive(world)
    step_complete(actor=world.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    c = login(world.users["specialist"])
    d.refresh_from_db()
    seen = d.version
    # a stale version: the service refuses, the view redirects back
    for extra in ({"next": target}, {}):
        r = c.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/complete/",
            {"version": seen - 1, **extra},
            HTTP_REFERER=target,
        )
        assert r.status_code == 302
        assert r["Location"] == "/can-bo/", r["Location"]
    d.refresh_from_db()
    assert d.version == seen


def test_redirect_after_an_error_keeps_a_same_site_path(world: World) -> None:
    d = receive(world)
    c = login(world.users["specialist"])
    r = c.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/complete/",
        {"version": d.version + 7},
        HTTP_REFERER=f"http://testserver/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 302
    assert r["Location"] in (
        f"http://testserver/can-bo/ho-so/{d.code}/",
        f"/can-bo/ho-so/{d.code}/",
    )


def test_intake_at_a_desk_that_is_not_mine_is_refused(world: World) -> None:
    before = counts()
    r = login(world.users["counter"]).post(
        "/can-bo/tiep-nhan/", intake_form(world, desk=world.commune_desk.pk)
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Nơi tiếp nhận: lựa chọn không tồn tại." in page
    assert 'value="Trần Thị Bình"' in page  # the typed data kept
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "post"),
    [
        ("accept", {}),
        ("needs_completion", {"items": "Bản sao CCCD", "reason": "Thiếu"}),
        ("refuse", {"reasons": "Sai thủ tục"}),
    ],
)
@pytest.mark.parametrize("version", [None, "abc"])
def test_online_intake_check_requires_the_version(
    world: World, name: str, post: dict[str, str], version: str | None
) -> None:
    from motcua.dossiers.services import dossier_submit_online

    d = dossier_submit_online(
        applicant=world.intake().applicant,
        procedure=world.simple,
        desk=world.center,
        now=at("2022-06-01 20:00"),
    )
    before, seen = counts(), d.version
    data = dict(post) if version is None else {**post, "version": version}
    r = login(world.users["counter"]).post(f"/can-bo/ho-so/{d.pk}/thao-tac/{name}/", data)
    assert r.status_code == 400
    assert "Thiếu hoặc sai phiên bản hồ sơ đang xem" in r.content.decode()
    d.refresh_from_db()
    assert d.version == seen and d.status == "submitted"
    assert counts() == before
    # with the version it goes through
    r = login(world.users["counter"]).post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/{name}/", {**post, "version": seen}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.version == seen + 1


def test_intake_without_kind_and_action_receives_a_person(world: World) -> None:
    form = intake_form(world)
    del form["kind"], form["action"]
    with time_machine.travel(at("2022-06-01 09:30"), tick=False):
        r = login(world.users["counter"]).post("/can-bo/tiep-nhan/", form)
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/"
    assert d.status == "in_progress" and d.applicant.kind == "person"
