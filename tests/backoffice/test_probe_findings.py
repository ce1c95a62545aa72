"""What a hostile probe of the running demo found: each door answers a clear Vietnamese message or
a 4xx page in the site's layout, never a 500, and writes nothing on refusal.

Python's ``str.isdigit`` is true for characters ``int`` cannot read (superscripts: "²") and for
digits of other scripts (Arabic-Indic "١٢", full-width "１２"): a check on it let "²" through to
``int`` (a 500) and stored identity numbers in foreign digits.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import time_machine
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
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at


def login(user: object) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)  # type: ignore[arg-type]
    return c


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Applicant, Dossier, ChecklistItem, DossierEvent, IssuedForm, Outbox, Document)
    }


def receive(w: World) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )


def intake_form(w: World, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Trần Thị Bình",
        "id_number": "070987654321",
        "phone": "0987654321",
        "address": "Bình Long",
        "sets": "1",
    }
    for doc in w.simple.documents.all():
        form[f"doc_{doc.pk}_submitted"] = "on"
    form.update(over)
    return form


# ---- printed forms: the issued form's number ---------------------------------------------------


@pytest.mark.parametrize("number", ["²", "١٢", "１２", "9" * 30])
def test_printed_form_with_an_unreadable_number_prints_the_form_not_a_500(
    world: World, number: str
) -> None:
    d = receive(world)
    r = login(world.users["counter"]).get(f"/can-bo/ho-so/{d.pk}/mau/01/", {"so": number})
    assert r.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in r.content.decode()


# ---- parallel dispatch: the agencies' ids -------------------------------------------------------


@pytest.mark.parametrize("agency", ["²", "١", "１"])
def test_parallel_dispatch_with_an_unreadable_agency_id_is_refused_with_a_message(
    world: World, agency: str
) -> None:
    d = receive(world)
    before, seen = counts(), d.version
    c = login(world.users["specialist"])
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = c.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/parallel/",
            {"version": seen, "p_agency": [agency], "p_task": ["Thẩm định"], "p_days": ["1"]},
        )
    assert r.status_code == 400
    assert "Cơ quan phối hợp không tồn tại." in r.content.decode()
    d.refresh_from_db()
    assert d.version == seen
    assert counts() == before


# ---- intake: the identity number is 9 or 12 ASCII digits ----------------------------------------


@pytest.mark.parametrize(
    "id_number",
    [
        "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits
        "²" * 12,  # superscript two
        "０７０９８７６５４３２１",  # full-width digits
        "٠٧٠٩٨٧٦٥٤",  # nine Arabic-Indic digits (the old CMND length)
    ],
)
def test_intake_refuses_an_identity_number_in_digits_other_than_0_to_9(
    world: World, id_number: str
) -> None:
    before = counts()
    r = login(world.users["counter"]).post(
        "/can-bo/tiep-nhan/", intake_form(world, id_number=id_number)
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Số định danh cá nhân phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND)" in page
    assert counts() == before


def test_intake_still_takes_a_twelve_digit_identity_number(world: World) -> None:
    before = counts()
    r = login(world.users["counter"]).post(
        "/can-bo/tiep-nhan/", intake_form(world, id_number="070987654321")
    )
    assert r.status_code == 302
    assert counts()["Dossier"] == before["Dossier"] + 1
    assert Dossier.objects.get(applicant_id_number="070987654321")


# ---- refusals are answers, not crashes: no traceback in the server log --------------------------


def test_a_refused_page_logs_one_line_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    c = login(world.users["counter"])  # a counter officer: no reports
    with caplog.at_level(logging.WARNING, logger="django.request"):
        r = c.get("/can-bo/bao-cao/")
    assert r.status_code == 403
    assert "Trang báo cáo dành cho lãnh đạo và quản trị" in r.content.decode()
    assert 'lang="vi"' in r.content.decode()
    records = [x for x in caplog.records if x.name == "django.request"]
    assert [x.getMessage() for x in records] == ["Forbidden: /can-bo/bao-cao/"]
    assert all(x.exc_info is None for x in records)


def test_another_agencys_dossier_is_refused_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    d = receive(world)
    c = login(world.users["commune_counter"])  # the ward's desk: not this provincial dossier
    with caplog.at_level(logging.WARNING, logger="django.request"):
        r = c.get(f"/can-bo/ho-so/{d.pk}/mau/01/")
    assert r.status_code in (403, 404)
    assert all(x.exc_info is None for x in caplog.records if x.name == "django.request")


# ---- a request Django itself refuses: the site's 400 page, in Vietnamese ------------------------


def test_a_post_with_too_many_fields_gets_the_sites_400_page(world: World) -> None:
    before = counts()
    fields = {f"f{i}": "x" for i in range(1001)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
    r = login(world.users["counter"]).post("/can-bo/tiep-nhan/", {**intake_form(world), **fields})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'lang="vi"' in page
    assert "Yêu cầu không hợp lệ" in page
    assert "Bad Request" not in page
    assert counts() == before


def test_an_unknown_host_name_gets_the_sites_400_page(world: World) -> None:
    r = login(world.users["counter"]).get("/can-bo/", HTTP_HOST="evil.example")
    assert r.status_code == 400
    page = r.content.decode()
    assert "Yêu cầu không hợp lệ" in page
    assert "evil.example" not in page


# ---- NUL bytes in query strings (PostgreSQL refuses them in text; SQLite does not) ---------------


@pytest.mark.parametrize(
    "url",
    [
        "/can-bo/tim-kiem/?q=a%00b",
        "/can-bo/tim-kiem/?q=%00",
        "/can-bo/tiep-nhan/thu-tuc/?q=a%00b",
        "/can-bo/tiep-nhan/thu-tuc/?q=a&desk=%00",
        "/can-bo/tiep-nhan/?procedure=%00&desk=%00",
        "/can-bo/so-theo-doi/?desk=%00&year=%00&from=%00&to=%00",
        "/can-bo/ho-so/a%00b/",
        "/can-bo/ho-so/000.01.01.H10-220601-0001%00/",
    ],
)
def test_a_nul_byte_in_the_query_is_never_a_500(world: World, url: str) -> None:
    receive(world)
    r = login(world.users["counter"]).get(url)
    assert r.status_code in (200, 400, 404), (url, r.status_code)


def test_parallel_dispatch_with_a_nul_in_the_task_is_refused_with_a_message(
    world: World,
) -> None:
    d = receive(world)
    before, seen = counts(), d.version
    c = login(world.users["specialist"])
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = c.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/parallel/",
            {
                "version": seen,
                "p_agency": [str(world.health.pk)],
                "p_task": ["Thẩm\x00 định"],
                "p_days": ["1"],
            },
        )
    assert r.status_code == 400
    assert "Nhiệm vụ: không được chứa ký tự rỗng (NUL)." in r.content.decode()
    d.refresh_from_db()
    assert d.version == seen
    assert counts() == before
