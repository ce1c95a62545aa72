"""Every dossier action over HTTP: the happy path, the wrong role, the other agency, the stale
version. Each refusal leaves the dossier exactly as it was."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from motcua.dossiers.files import check_upload
from motcua.dossiers.models import (
    Consultation,
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    EventType,
    IssuedForm,
    Status,
    StepKind,
    StepStatus,
)
from motcua.dossiers.services import (
    ApplicantData,
    consultation_request,
    dossier_submit_online,
    scan_attach,
    step_complete,
    supplement_request,
)
from motcua.units.models import Role
from tests.backoffice.test_views import login, receive
from tests.dossiers.conftest import World, at, member
from tests.dossiers.test_documents import pdf_bytes
from tests.factories import UserFactory

NOW = "2022-06-02 10:00"  # Thursday; every dossier below was received on Wednesday 1/6 09:00
STALE = "vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác"


# ---- the states the actions start from ---------------------------------------------------------


def in_progress(w: World) -> Dossier:
    """At the specialist of the Sở Tư pháp."""
    return receive(w)


def at_leader(w: World) -> Dossier:
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 14:00"))
    return d


def consulted(w: World) -> Dossier:
    d = receive(w)
    consultation_request(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        question="Đề nghị Sở Y tế cho ý kiến",
        days=2,
        now=at("2022-06-01 14:00"),
    )
    return d


def awaiting(w: World) -> Dossier:
    d = receive(w)
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Bản sao CCCD", "originals": 0, "copies": 1}],
        reason="Thiếu bản sao CCCD",
        now=at("2022-06-01 14:00"),
    )
    return d


def resolved(w: World) -> Dossier:
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 14:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-01 15:00"))
    return d


def online(w: World) -> Dossier:
    return dossier_submit_online(
        applicant=ApplicantData("Lê Văn Cường", "070111222333", email="cuong@example.vn"),
        procedure=w.simple,
        desk=w.center,
        request="Thành lập VPCC",
        now=at("2022-06-01 09:00"),
    )


# ---- checks of the happy path, each worked out by hand ----------------------------------------


def active(d: Dossier) -> list[tuple[str, str, Decimal]]:
    return [
        (s.role, s.agency.code, s.budget_days)
        for s in d.steps.filter(status=StepStatus.ACTIVE).select_related("agency").order_by("id")
    ]


def sent_back(w: World, d: Dossier) -> None:
    # the specialist's appraisal comes again, then the leader's signature
    assert active(d) == [("chuyen_vien", w.justice.code, Decimal(3))]
    assert d.steps.filter(status=StepStatus.SENT_BACK, role="lanh_dao").count() == 1
    assert d.steps.filter(status=StepStatus.PENDING, role="lanh_dao").count() == 1
    assert d.events.filter(type=EventType.STEP_SENT_BACK, note="Thẩm định lại").exists()


def transferred(w: World, d: Dossier) -> None:
    # what is left of the appraisal's 3 days (Wednesday 09:00 → Monday 09:00), not 3 again
    assert active(d) == [("chuyen_vien", w.health.code, Decimal("1.88"))]
    moved = d.steps.get(status=StepStatus.ACTIVE)
    assert moved.kind == StepKind.TRANSFER
    assert moved.started_at == at(NOW)
    assert moved.due_at == at("2022-06-06 09:00")
    assert d.events.filter(type=EventType.TRANSFERRED).get().data == {"to_agency": w.health.code}


def dispatched(w: World, d: Dossier) -> None:
    assert active(d) == [
        ("lien_thong", w.health.code, Decimal(2)),
        ("lien_thong", w.district_committee.code, Decimal("1.5")),
    ]
    # 2 working days from Thursday 10:00 → Monday 10:00; 1.5 days → Friday 14:00 + 2 h → 15:30?
    # 1.5 days = 12 working hours: Thu 10:00–11:30 (1.5) + 13:30–17:00 (3.5) + Fri 7:00–11:30
    # (4.5) = 9.5 h, then 2.5 h more from 13:30 → Friday 16:00.
    due = sorted(d.steps.filter(status=StepStatus.ACTIVE).values_list("due_at", flat=True))
    assert due == [at("2022-06-03 16:00"), at("2022-06-06 10:00")]
    assert len({s.group for s in d.steps.filter(status=StepStatus.ACTIVE)}) == 1


def consultation_sent(w: World, d: Dossier) -> None:
    c = d.consultations.get()
    assert (c.to_agency, c.from_agency, c.question) == (w.health, w.justice, "Đề nghị cho ý kiến")
    assert c.due_at == at("2022-06-06 10:00")  # Thursday 10:00 + 2 working days


def answered(w: World, d: Dossier) -> None:
    c = d.consultations.get()
    assert (c.answer, c.answered_at, c.answered_by) == (
        "Đồng ý với đề xuất",
        at(NOW),
        w.users["health"],
    )
    assert d.events.filter(type=EventType.CONSULTATION_ANSWERED).count() == 1


def supplement_asked(w: World, d: Dossier) -> None:
    assert d.status == Status.AWAITING_SUPPLEMENT
    assert d.paused_at == at(NOW)
    form = d.forms.get(form="02")
    assert [i["name"] for i in form.data["items"]] == ["Bản sao CCCD", "Sơ đồ trụ sở"]
    assert form.data["reason"] == "Thiếu giấy tờ"


def supplement_in(w: World, d: Dossier) -> None:
    assert d.status == Status.IN_PROGRESS
    pauses = [[dt.datetime.fromisoformat(x) for x in pair] for pair in d.pauses]
    assert pauses == [[at("2022-06-01 14:00"), at(NOW)]]
    doc = d.documents.get()
    assert (doc.kind, doc.required_document, doc.pages) == (
        DocumentKind.SUPPLEMENT,
        "Bản sao CCCD",
        1,
    )
    # the time limit restarts from zero at the receipt of the supplement: 5 working days from
    # Thursday 2/6 10:00 → Thursday 9/6 10:00
    assert d.due_at == at("2022-06-09 10:00")


def withdrawn(w: World, d: Dossier) -> None:
    assert d.status == Status.WITHDRAWN
    assert d.finished_at == at(NOW)
    assert d.forms.get(form="05").data["reasons"] == "Người nộp xin rút hồ sơ"
    assert not d.steps.filter(status__in=[StepStatus.ACTIVE, StepStatus.PENDING]).exists()


def returned_unresolved(w: World, d: Dossier) -> None:
    assert d.status == Status.RETURNED
    form = d.forms.get(form="03")
    assert (form.agency, form.data["stage"]) == (w.justice, "appraisal")


def result_returned(w: World, d: Dossier) -> None:
    assert (d.returned_at, d.return_method) == (at(NOW), "Bưu chính")
    assert d.steps.get(role="tra_ket_qua").status == StepStatus.DONE


def accepted(w: World, d: Dossier) -> None:
    assert d.status == Status.IN_PROGRESS
    assert d.code == f"{w.center.code}-220602-0001"
    assert d.received_at == at(NOW)
    assert d.forms.filter(form="01").count() == 1


def needs_completion(w: World, d: Dossier) -> None:
    assert d.status == Status.NEEDS_COMPLETION
    assert [i["name"] for i in d.forms.get(form="02").data["items"]] == [
        "Đơn đề nghị",
        "Bản sao CCCD",
    ]
    assert d.code is None or d.code == ""


def refused(w: World, d: Dossier) -> None:
    assert d.status == Status.REFUSED
    assert d.forms.get(form="03").data == {"reasons": "Không thuộc thẩm quyền", "stage": "intake"}


@dataclass
class Door:
    name: str
    start: Callable[[World], Dossier]
    actor: str
    data: Callable[[World, Dossier], dict[str, Any]]
    check: Callable[[World, Dossier], None]
    wrong_role: str  # sees the dossier, may not do this: 403
    other_agency: str  # does not see the dossier: 404
    done: str  # the success message


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("bo-sung.pdf", pdf_bytes(1), content_type="application/pdf")


DOORS = [
    Door(
        "send_back",
        at_leader,
        "leader",
        lambda w, d: {"reason": "Thẩm định lại"},
        sent_back,
        "specialist2",
        "health",
        "Đã trả lại bước trước.",
    ),
    Door(
        "transfer",
        in_progress,
        "specialist",
        lambda w, d: {"agency": w.health.pk, "reason": "Thuộc thẩm quyền Sở Y tế"},
        transferred,
        "counter",
        "health",
        "Đã chuyển hồ sơ đến Sở Y tế.",
    ),
    Door(
        "parallel",
        in_progress,
        "specialist",
        lambda w, d: {
            "p_agency": [w.health.pk, w.district_committee.pk, ""],
            "p_task": ["Xác minh cơ sở", "Xác minh nhân thân", ""],
            "p_days": ["2", "1,5", ""],
        },
        dispatched,
        "counter",
        "health",
        "Đã chuyển liên thông đồng thời.",
    ),
    Door(
        "consult",
        in_progress,
        "specialist",
        lambda w, d: {"agency": w.health.pk, "question": "Đề nghị cho ý kiến", "days": "2"},
        consultation_sent,
        "counter",
        "health",
        "Đã gửi lấy ý kiến.",
    ),
    Door(
        "answer",
        consulted,
        "health",
        lambda w, d: {"consultation": d.consultations.get().pk, "answer": "Đồng ý với đề xuất"},
        answered,
        "specialist2",
        "district_officer",
        "Đã gửi ý kiến trả lời.",
    ),
    Door(
        "supplement",
        in_progress,
        "specialist",
        lambda w, d: {
            "items": "Bản sao CCCD\n  \nSơ đồ trụ sở\n",
            "reason": "Thiếu giấy tờ",
            "contact": "Phòng Bổ trợ tư pháp",
        },
        supplement_asked,
        "province_admin",
        "health",
        "Đã lập Phiếu yêu cầu bổ sung (Mẫu 02); thời hạn tạm dừng.",
    ),
    Door(
        "supplement_received",
        awaiting,
        "counter",
        lambda w, d: {"document": "Bản sao CCCD", "files": [_pdf()]},
        supplement_in,
        "specialist",
        "health",
        "Đã nhận hồ sơ bổ sung; thời hạn được tính lại.",
    ),
    Door(
        "withdraw",
        in_progress,
        "counter",
        lambda w, d: {"reason": "Người nộp xin rút hồ sơ"},
        withdrawn,
        "specialist",
        "health",
        "Đã dừng giải quyết hồ sơ (Thông báo dừng).",
    ),
    Door(
        "return_unresolved",
        in_progress,
        "leader",
        lambda w, d: {"reasons": "Không đủ điều kiện thành lập"},
        returned_unresolved,
        "specialist2",
        "health",
        "Đã trả lại hồ sơ, không giải quyết.",
    ),
    Door(
        "return_result",
        resolved,
        "counter",
        lambda w, d: {"method": "Bưu chính"},
        result_returned,
        "specialist",
        "health",
        "Đã trả kết quả.",
    ),
    Door(
        "accept",
        online,
        "counter",
        lambda w, d: {},
        accepted,
        "specialist",
        "health",
        "Đã tiếp nhận hồ sơ trực tuyến, mã 000.01.01.H10-220602-0001.",
    ),
    Door(
        "needs_completion",
        online,
        "counter",
        lambda w, d: {"items": "Đơn đề nghị\nBản sao CCCD", "reason": "Thiếu đơn và CCCD"},
        needs_completion,
        "specialist",
        "health",
        "Đã hướng dẫn hoàn thiện hồ sơ (Mẫu 02).",
    ),
    Door(
        "refuse",
        online,
        "counter",
        lambda w, d: {"reasons": "Không thuộc thẩm quyền"},
        refused,
        "specialist",
        "health",
        "Đã từ chối tiếp nhận (Mẫu 03).",
    ),
]


@pytest.fixture
def w(world: World) -> World:
    """The small province plus a province administrator (sees every dossier, acts on none)."""
    admin = member(UserFactory(username="qt_tinh"), world.center, Role.PROVINCE_ADMIN)
    world.users["province_admin"] = admin
    return world


def state(d: Dossier) -> tuple[Any, ...]:
    """Everything an action may change."""
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.version,
        d.status,
        d.code,
        d.due_at,
        d.appointment_at,
        d.finished_at,
        d.returned_at,
        d.pauses,
        list(d.steps.order_by("id").values_list("status", "agency_id", "handler_id")),
        DossierEvent.objects.filter(dossier=d).count(),
        IssuedForm.objects.filter(dossier=d).count(),
        list(Consultation.objects.filter(dossier=d).values_list("answered_at", flat=True)),
        Document.objects.filter(dossier=d).count(),
        d.outbox.count(),
    )


def post(user: Any, d: Dossier, door: Door, w: World, version: int | None) -> tuple[int, list[str]]:
    """One post by ``user`` (a fresh session: only this request's messages are read)."""
    client = login(user)
    data = door.data(w, d)
    if version is not None:
        data["version"] = version
    with time_machine.travel(at(NOW), tick=False):
        r = client.post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/{door.name}/",
            data,
            HTTP_REFERER=f"/can-bo/ho-so/{d.code or d.pk}/",
        )
    return r.status_code, [str(m) for m in get_messages(r.wsgi_request)]


def begin(door: Door, w: World) -> Dossier:
    d = door.start(w)
    d.refresh_from_db()  # the services changed their own copy
    return d


IDS = [door.name for door in DOORS]


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_happy_path(w: World, door: Door) -> None:
    d = begin(door, w)
    status, said = post(w.users[door.actor], d, door, w, d.version)
    assert status == 302
    assert said == [door.done]
    d.refresh_from_db()
    assert d.version > 0
    door.check(w, d)


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_wrong_role_is_forbidden_and_changes_nothing(w: World, door: Door) -> None:
    d = begin(door, w)
    before = state(d)
    for who in (door.wrong_role, "province_admin"):
        status, said = post(w.users[who], d, door, w, d.version)
        assert status == 403, who
        assert said == [], who
        assert state(d) == before, who


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_other_agency_sees_nothing_and_changes_nothing(w: World, door: Door) -> None:
    d = begin(door, w)
    before = state(d)
    for who in (door.other_agency, "outsider"):
        status, _ = post(w.users[who], d, door, w, d.version)
        assert status == 404, who
        assert state(d) == before, who


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_stale_version_is_refused_and_changes_nothing(w: World, door: Door) -> None:
    d = begin(door, w)
    seen = Dossier.objects.get(pk=d.pk).version
    # meanwhile another officer's change lands: the dossier moves on (a scan while it is being
    # handled; for the doors of dossiers not in progress, any other write bumps the version too)
    if d.status in (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT):
        scan_attach(
            actor=w.users["counter"],
            dossier=d,
            required_document="Đơn đề nghị thành lập",
            checked=check_upload("don.pdf", pdf_bytes(1)),
            now=at("2022-06-02 08:00"),
        )
    else:
        Dossier.objects.filter(pk=d.pk).update(version=F("version") + 1)
    before = state(d)
    assert before[0] == seen + 1
    status, said = post(w.users[door.actor], d, door, w, seen)
    assert status == 302
    assert len(said) == 1 and STALE in said[0]
    assert state(d) == before


# ---- bad input at the doors: a Vietnamese message, nothing changed -----------------------------
#
# Input the form refuses comes back as the page (400) with the message next to the field (the
# paragraph ``error-<action>-<field>``, or ``error-<action>`` for the repeated rows) and in the
# message bar; input the form accepts but the service refuses redirects back with the message.


def field_error(body: str, html_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(html_id)}">(.*?)</p>', body, re.S)
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize(
    ("door_name", "data", "status", "where", "message"),
    [
        ("send_back", {"reason": "   "}, 400, "send_back-reason", "Chưa nhập lý do."),
        (
            "transfer",
            {"agency": "999999", "reason": "x"},
            400,
            "transfer-agency",
            "Cơ quan nhận: lựa chọn không tồn tại.",
        ),
        (
            "parallel",
            {"p_agency": ["999999"], "p_task": ["x"], "p_days": ["1"]},
            400,
            "parallel",
            "Cơ quan phối hợp không tồn tại.",
        ),
        (
            "parallel",
            {"p_agency": ["HEALTH"], "p_task": ["x"], "p_days": ["0"]},
            400,
            "parallel",
            "Số ngày phải lớn hơn 0.",
        ),
        (  # the form takes an empty task; the service refuses it
            "parallel",
            {"p_agency": ["HEALTH"], "p_task": [""], "p_days": ["1"]},
            302,
            None,
            "Mỗi cơ quan phối hợp cần nhiệm vụ và thời hạn dương",
        ),
        (
            "consult",
            {"agency": "HEALTH", "question": "", "days": "2"},
            400,
            "consult-question",
            "Chưa nhập nội dung lấy ý kiến.",
        ),
        (
            "consult",
            {"agency": "HEALTH", "question": "?", "days": "abc"},
            400,
            "consult-days",
            "Thời hạn trả lời (ngày làm việc): phải là một số.",
        ),
        (
            "answer",
            {"consultation": "CONSULT", "answer": " "},
            400,
            "answer-answer",
            "Chưa nhập ý kiến trả lời.",
        ),
        (
            "supplement",
            {"items": "", "reason": "Thiếu"},
            400,
            "supplement-items",
            "Chưa nhập giấy tờ cần bổ sung.",
        ),
        (
            "supplement",
            {"items": "CCCD", "reason": ""},
            400,
            "supplement-reason",
            "Chưa nhập lý do.",
        ),
        ("withdraw", {"reason": ""}, 400, "withdraw-reason", "Chưa nhập lý do."),
        (
            "return_unresolved",
            {"reasons": ""},
            400,
            "return_unresolved-reasons",
            "Chưa nhập lý do.",
        ),
        (
            "needs_completion",
            {"items": "", "reason": "x"},
            400,
            "needs_completion-items",
            "Chưa nhập giấy tờ cần bổ sung.",
        ),
        ("refuse", {"reasons": " "}, 400, "refuse-reasons", "Chưa nhập lý do."),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    w: World, door_name: str, data: dict[str, Any], status: int, where: str | None, message: str
) -> None:
    door = next(x for x in DOORS if x.name == door_name)
    d = begin(door, w)
    placeholders: dict[str, Any] = {"HEALTH": w.health.pk}
    if d.consultations.exists():
        placeholders["CONSULT"] = d.consultations.get().pk

    def fill(v: Any) -> Any:
        if isinstance(v, list):
            return [placeholders.get(x, x) for x in v]
        return placeholders.get(v, v)

    before = state(d)
    page = f"/can-bo/ho-so/{d.code or d.pk}/"
    with time_machine.travel(at(NOW), tick=False):
        r = login(w.users[door.actor]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/{door.name}/",
            {**{k: fill(v) for k, v in data.items()}, "version": d.version},
            HTTP_REFERER=page,
        )
    assert r.status_code == status
    assert [str(m) for m in get_messages(r.wsgi_request)] == [message]
    if where is None:
        assert r["Location"] == page
    else:
        assert field_error(r.content.decode(), f"error-{where}") == message
    assert state(d) == before


def test_send_back_with_no_previous_step(w: World) -> None:
    """The specialist's step follows only the counter's receipt: nothing to send back to."""
    d = in_progress(w)
    d.refresh_from_db()
    before = state(d)
    door = next(x for x in DOORS if x.name == "send_back")
    status, said = post(w.users["specialist"], d, door, w, d.version)
    assert status == 302
    assert said == ["Không có bước trước để trả lại"]
    assert state(d) == before


def test_answer_to_a_consultation_of_another_dossier_is_not_found(w: World) -> None:
    d = consulted(w)
    d.refresh_from_db()
    other = receive(w, "2022-06-01 10:00")
    before = state(other)
    c = d.consultations.get()
    with time_machine.travel(at(NOW), tick=False):
        r = login(w.users["health"]).post(
            f"/can-bo/ho-so/{other.pk}/thao-tac/answer/",
            {"consultation": c.pk, "answer": "x", "version": other.version},
        )
    assert r.status_code == 404  # health does not see the other dossier at all
    assert state(other) == before
    assert Consultation.objects.get(pk=c.pk).answered_at is None


def test_a_consultation_is_answered_once(w: World) -> None:
    d = consulted(w)
    d.refresh_from_db()
    door = next(x for x in DOORS if x.name == "answer")
    health = w.users["health"]
    assert post(health, d, door, w, d.version)[0] == 302
    d.refresh_from_db()
    before = state(d)
    _, said = post(health, d, door, w, d.version)
    assert said == ["Đã trả lời ý kiến này"]
    assert state(d) == before


def test_the_consulted_agencys_leader_is_offered_the_answer_and_gives_it(w: World) -> None:
    """The service lets the consulted agency's specialist or leader answer: the page offers the
    form to both, and to no one of another agency."""
    d = consulted(w)
    d.refresh_from_db()
    c = d.consultations.get()
    leader = member(UserFactory(username="ld_yte"), c.to_agency, Role.LEADER)
    with time_machine.travel(at(NOW), tick=False):
        page = login(leader).get(f"/can-bo/ho-so/{d.code}/").content.decode()
        other = login(w.users["leader"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "thao-tac/answer/" in page
    assert "thao-tac/answer/" not in other  # the lead agency's leader was not consulted
    door = next(x for x in DOORS if x.name == "answer")
    assert post(leader, d, door, w, d.version)[0] == 302
    answered = Consultation.objects.get(pk=c.pk)
    assert answered.answered_at is not None and answered.answered_by == leader


def test_a_consultation_of_an_ended_dossier_is_not_offered_nor_answered(w: World) -> None:
    """Once the dossier has its result, the consulted agency's page shows the question without
    the answer form, and a post of the form kept open elsewhere is refused with no change."""
    d = consulted(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 15:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-01 16:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    health = w.users["health"]
    with time_machine.travel(at(NOW), tick=False):
        page = login(health).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Đề nghị Sở Y tế cho ý kiến" in page  # the question stays in the history
    assert "thao-tac/answer/" not in page and "Trả lời lấy ý kiến" not in page
    before = state(d)
    door = next(x for x in DOORS if x.name == "answer")
    status, said = post(health, d, door, w, d.version)
    assert status == 302
    assert len(said) == 1 and "đã kết thúc" in said[0], said
    assert state(d) == before


def test_an_action_outside_its_state_is_refused(w: World) -> None:
    """Accepting a dossier already received, refusing one in progress: a message, no change."""
    d = in_progress(w)
    d.refresh_from_db()
    before = state(d)
    for name, data in (("accept", {}), ("refuse", {"reasons": "x"})):
        with time_machine.travel(at(NOW), tick=False):
            r = login(w.users["counter"]).post(
                f"/can-bo/ho-so/{d.pk}/thao-tac/{name}/",
                {**data, "version": d.version},
                HTTP_REFERER=f"/can-bo/ho-so/{d.code}/",
            )
        said = [str(m) for m in get_messages(r.wsgi_request)]
        assert r.status_code == 302
        assert len(said) == 1 and "Đang giải quyết" in said[0], said
    assert state(d) == before


def test_return_result_without_a_return_step(w: World) -> None:
    """A procedure without a 'Trả kết quả' step: the counter of the receiving desk returns the
    result; the specialist of the lead agency may not."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import StepSpec, catalog_import_specs
    from tests.factories import procedure_spec

    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "1.000009",
                agency_code=w.justice.code,
                valid_from=dt.date(2020, 1, 1),
                steps=[
                    StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
                    StepSpec("Thẩm định", "chuyen_vien", Decimal("4.5")),
                ],
            )
        ],
        source="test",
    )
    from motcua.dossiers.services import dossier_receive

    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(Procedure.objects.get(code="1.000009")),
        now=at("2022-06-01 09:00"),
    )
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 14:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    assert not d.steps.filter(status=StepStatus.ACTIVE).exists()
    door = next(x for x in DOORS if x.name == "return_result")
    before = state(d)
    assert post(w.users["specialist"], d, door, w, d.version)[0] == 403
    assert state(d) == before
    status, said = post(w.users["counter"], d, door, w, d.version)
    assert (status, said) == (302, ["Đã trả kết quả."])
    d.refresh_from_db()
    assert (d.returned_at, d.return_method) == (at(NOW), "Bưu chính")
    assert d.events.filter(type=EventType.RESULT_RETURNED, step=None).count() == 1
    status, said = post(w.users["counter"], d, door, w, d.version)
    assert said == ["Kết quả đã được trả"]


def test_a_refused_parallel_dispatch_keeps_the_typed_rows(w: World) -> None:
    """The repeated rows come back as typed, the bad one with the message above them."""
    d = in_progress(w)
    d.refresh_from_db()
    before = state(d)
    with time_machine.travel(at(NOW), tick=False):
        r = login(w.users["specialist"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/parallel/",
            {
                "p_agency": [w.health.pk, w.district_committee.pk],
                "p_task": ["Xác minh cơ sở", "Xác minh nhân thân"],
                "p_days": ["2", "0"],
                "version": d.version,
            },
        )
    assert r.status_code == 400
    body = r.content.decode()
    assert field_error(body, "error-parallel") == "Số ngày phải lớn hơn 0."
    form = body[body.index("thao-tac/parallel/") :]
    form = form[: form.index("</form>")]
    assert re.findall(r'<option value="(\d+)" selected>', form) == [
        str(w.health.pk),
        str(w.district_committee.pk),
    ]
    assert re.findall(r'name="p_task"[^>]*value="([^"]*)"', form) == [
        "Xác minh cơ sở",
        "Xác minh nhân thân",
    ]
    assert re.findall(r'name="p_days"[^>]*value="([^"]*)"', form) == ["2", "0"]
    assert state(d) == before
