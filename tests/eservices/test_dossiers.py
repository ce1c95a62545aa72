"""My dossiers and the citizen's dossier page: plain status, forms, panels; completing a
submission sent back, the supplement online, the withdrawal request confirmed at the desk;
another citizen's dossier is not found."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.errors import IllegalTransition, NotFound
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import DocumentKind, Dossier, EventType, FormType, Status
from motcua.dossiers.services import (
    ApplicantData,
    apology_issue,
    dossier_accept_online,
    dossier_refuse,
    dossier_return_for_completion,
    dossier_submission_cancel,
    dossier_submit_online,
    supplement_request,
)
from motcua.eservices import services as svc
from motcua.eservices.models import WithdrawalRequest
from tests.eservices.conftest import World, pdf_bytes, upload
from tests.factories import CitizenFactory


def _online(w: World, account: Any) -> Dossier:
    return dossier_submit_online(
        applicant=ApplicantData("Trần Thị Bình", "079200000001"),
        procedure=w.simple,
        desk=w.center,
        files=[("Đơn đề nghị thành lập", check_upload("don.pdf", pdf_bytes(1)))],
        account=account,
    )


def test_list_filters_and_page(world: World, client_of: Client, citizen: Any) -> None:
    w = world
    a = _online(w, citizen.user)
    b = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    r = client_of.get(reverse("eservices:dossiers"))
    page = r.content.decode()
    assert r.status_code == 200
    assert "Đã gửi, chờ cán bộ kiểm tra và tiếp nhận" in page and b.code in page
    page = client_of.get(reverse("eservices:dossiers") + "?trang_thai=dang-giai-quyet").content
    assert b.code.encode() in page and f'/ho-so/{a.pk}/"'.encode() not in page
    # an unknown filter is ignored, not an error
    assert client_of.get(reverse("eservices:dossiers") + "?trang_thai=%00x").status_code == 200
    r = client_of.get(reverse("eservices:dossier", args=[b.pk]))
    page = r.content.decode()
    assert r.status_code == 200 and r.context["dossier"] == b
    assert "Đã tiếp nhận, đang giải quyết" in page
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    templates = {t.name for t in r.templates}
    assert {
        "payments/_citizen_panel.html",
        "esign/_citizen_results.html",
        "feedback/_citizen_rating.html",
    } <= templates
    receipt = b.forms.get(form=FormType.RECEIPT)
    r = client_of.get(reverse("eservices:form", args=[b.pk, receipt.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    doc = b.documents.get()
    r = client_of.get(reverse("eservices:document", args=[b.pk, doc.pk]))
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"


def test_other_citizens_dossier_is_not_found(
    world: World, citizen: Any, other_client: Client
) -> None:
    d = dossier_accept_online(actor=world.users["counter"], dossier=_online(world, citizen.user))
    doc, form = d.documents.get(), d.forms.get()
    for url in (
        reverse("eservices:dossier", args=[d.pk]),
        reverse("eservices:document", args=[d.pk, doc.pk]),
        reverse("eservices:form", args=[d.pk, form.pk]),
    ):
        assert other_client.get(url).status_code == 404
    r = other_client.post(reverse("eservices:dossier_withdraw", args=[d.pk]), {"reason": "x"})
    assert r.status_code == 404
    r = other_client.post(reverse("eservices:dossier_send", args=[d.pk]), {"file_1": upload()})
    assert r.status_code == 404
    assert WithdrawalRequest.objects.count() == 0
    assert "Chưa có hồ sơ nào" in other_client.get(reverse("eservices:dossiers")).content.decode()


def test_refused_shows_reason(world: World, client_of: Client, citizen: Any) -> None:
    d = dossier_refuse(
        actor=world.users["counter"],
        dossier=_online(world, citizen.user),
        reasons="Thủ tục không thuộc thẩm quyền",
    )
    page = client_of.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Không được tiếp nhận" in page and "Thủ tục không thuộc thẩm quyền" in page
    assert "Phiếu từ chối giải quyết hồ sơ" in page


def test_complete_submission_sent_back(world: World, client_of: Client, citizen: Any) -> None:
    w = world
    d = dossier_return_for_completion(
        actor=w.users["counter"],
        dossier=_online(w, citizen.user),
        items=[{"name": "Đề án thành lập", "originals": 1, "copies": 0}],
        reason="Thiếu đề án",
    )
    page = client_of.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Cần bổ sung, hoàn thiện hồ sơ" in page and "Thiếu đề án" in page
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in page
    # nothing chosen: refused, nothing changed
    r = client_of.post(
        reverse("eservices:dossier_send", args=[d.pk]), {"what_1": "Đề án thành lập"}
    )
    assert r.status_code == 400 and "Chưa chọn tệp nào" in r.content.decode()
    r = client_of.post(
        reverse("eservices:dossier_send", args=[d.pk]),
        {"what_1": "Đề án thành lập", "file_1": upload("de-an.pdf")},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.code is None
    assert d.supplement_requests.get().fulfilled_at is not None
    assert d.documents.filter(kind=DocumentKind.SUPPLEMENT, required_document="Đề án thành lập")
    assert d.events.filter(type=EventType.SUBMITTED).count() == 2
    # back in the desk's online queue: the officer sees it there and accepts it
    officer = Client()
    officer.force_login(w.users["counter"])
    queue = officer.get(reverse("backoffice:online")).content.decode()
    assert "Trần Thị Bình" in queue
    d = dossier_accept_online(actor=w.users["counter"], dossier=d)
    assert d.status == Status.IN_PROGRESS


@pytest.mark.parametrize("paused", [False, True])
def test_supplement_online_restarts_or_resumes_clock(
    world: World, client_of: Client, citizen: Any, paused: bool
) -> None:
    w = world
    procedure = w.paused if paused else w.simple
    d = dossier_submit_online(
        applicant=ApplicantData("Trần Thị Bình", "079200000001"),
        procedure=procedure,
        desk=w.center,
        account=citizen.user,
    )
    d = dossier_accept_online(actor=w.users["counter"], dossier=d)
    due_before = d.due_at
    d = supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Bản sao CCCD", "originals": 0, "copies": 1}],
        reason="Thiếu bản sao CCCD",
    )
    assert d.status == Status.AWAITING_SUPPLEMENT
    r = client_of.post(
        reverse("eservices:dossier_send", args=[d.pk]),
        {"what_1": "Bản sao CCCD", "file_1": upload("cccd.pdf")},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.IN_PROGRESS and d.paused_at is None
    ev = d.events.get(type=EventType.SUPPLEMENT_RECEIVED)
    assert ev.actor == citizen.user and ev.data["mode"] == ("pause" if paused else "restart")
    assert d.due_at is not None and d.due_at >= due_before  # type: ignore[operator]
    # a second send when nothing is asked: refused
    r = client_of.post(
        reverse("eservices:dossier_send", args=[d.pk]),
        {"what_1": "Giấy tờ khác", "file_1": upload("x.pdf")},
    )
    assert r.status_code == 400


def test_withdrawal_requested_then_confirmed_at_desk(
    world: World, client_of: Client, citizen: Any
) -> None:
    w = world
    d = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    url = reverse("eservices:dossier_withdraw", args=[d.pk])
    r = client_of.post(url, {"reason": "   "})
    assert r.status_code == 400 and WithdrawalRequest.objects.count() == 0
    assert client_of.post(url, {"reason": "Không còn nhu cầu"}).status_code == 302
    req = WithdrawalRequest.objects.get()
    assert req.state == "pending"
    d.refresh_from_db()
    assert d.status == Status.IN_PROGRESS  # the desk decides
    assert client_of.post(url, {"reason": "lần hai"}).status_code == 400  # one pending at a time
    # an officer of another desk does not see it
    other_desk = Client()
    other_desk.force_login(w.users["commune_counter"])
    r = other_desk.post(
        reverse("eservices:staff_withdrawals"), {"request": req.pk, "decision": "confirm"}
    )
    assert r.status_code == 404
    officer = Client()
    officer.force_login(w.users["counter"])
    page = officer.get(reverse("eservices:staff_withdrawals")).content.decode()
    assert "Không còn nhu cầu" in page
    r = officer.post(
        reverse("eservices:staff_withdrawals"), {"request": req.pk, "decision": "confirm"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    req.refresh_from_db()
    assert d.status == Status.WITHDRAWN and req.state == "confirmed"
    assert d.forms.filter(form=FormType.STOP).exists()
    page = client_of.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Đã rút hồ sơ, dừng giải quyết" in page and "Thông báo dừng giải quyết hồ sơ" in page


def test_an_unreceived_submission_is_cancelled_by_its_applicant_at_once(
    world: World, client_of: Client, citizen: Any
) -> None:
    w = world
    submitted = _online(w, citizen.user)
    # another citizen cannot touch it (the page and the service both say: no such dossier)
    other = CitizenFactory(id_number="079288888888").user  # not a fixture's number
    stranger = Client()
    stranger.force_login(other)
    url = reverse("eservices:dossier_withdraw", args=[submitted.pk])
    assert stranger.post(url, {"reason": "phá"}).status_code == 404
    with pytest.raises(NotFound):
        dossier_submission_cancel(account=other, dossier=submitted, reason="phá")
    assert client_of.post(url, {"reason": ""}).status_code == 400  # a reason is required
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    officer = Client()
    officer.force_login(w.users["counter"])
    link = reverse("backoffice:dossier", args=[submitted.pk])
    assert link in officer.get(reverse("backoffice:online")).content.decode()  # waiting there
    r = client_of.post(url, {"reason": "Nộp nhầm thủ tục"})
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN and submitted.received_at is None
    assert WithdrawalRequest.objects.count() == 0  # nothing for the desk to confirm
    ev = submitted.events.get(type=EventType.WITHDRAWN)
    assert ev.data == {"stage": "before_receipt"} and "Nộp nhầm thủ tục" in ev.note
    assert submitted.forms.count() == 0  # no stop notice: it was never received
    assert link not in officer.get(reverse("backoffice:online")).content.decode()  # left the queue
    # once ended, or once received, the applicant's cancel is refused
    with pytest.raises(IllegalTransition):
        dossier_submission_cancel(account=citizen.user, dossier=submitted, reason="lần nữa")
    received = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    with pytest.raises(IllegalTransition):
        dossier_submission_cancel(account=citizen.user, dossier=received, reason="muộn")


def test_withdrawal_declined(world: World, client_of: Client, citizen: Any) -> None:
    w = world
    d = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    req = svc.withdrawal_request(account=citizen.user, dossier=d, reason="Đổi ý")
    officer = Client()
    officer.force_login(w.users["counter"])
    r = officer.post(
        reverse("eservices:staff_withdrawals"), {"request": req.pk, "decision": "decline"}
    )
    assert r.status_code == 400 and "Cần nêu lý do" in r.content.decode()
    r = officer.post(
        reverse("eservices:staff_withdrawals"),
        {"request": req.pk, "decision": "decline", "answer": "Đã ký kết quả"},
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.state == "declined"
    page = client_of.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Đã ký kết quả" in page


def test_apology_visible(world: World, client_of: Client, citizen: Any) -> None:
    w = world
    d = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Cần xác minh thêm",
        new_appointment=d.due_at + dt.timedelta(days=3),  # type: ignore[operator]
    )
    page = client_of.get(reverse("eservices:dossier", args=[d.pk])).content.decode()
    assert "Cần xác minh thêm" in page and "Ngày hẹn mới" in page


@pytest.mark.parametrize(
    "reason",
    ["Không còn nhu cầu\x00", "x" * 2001, ""],
)
def test_withdraw_reason_hostile(
    world: World, client_of: Client, citizen: Any, reason: str
) -> None:
    d = dossier_accept_online(actor=world.users["counter"], dossier=_online(world, citizen.user))
    r = client_of.post(reverse("eservices:dossier_withdraw", args=[d.pk]), {"reason": reason})
    assert r.status_code == 400
    assert WithdrawalRequest.objects.count() == 0
    page = r.content.decode()
    assert "Lý do rút hồ sơ" in page


def test_send_documents_hostile(world: World, client_of: Client, citizen: Any) -> None:
    d = dossier_return_for_completion(
        actor=world.users["counter"],
        dossier=_online(world, citizen.user),
        items=[{"name": "Đề án thành lập", "originals": 1, "copies": 0}],
        reason="Thiếu đề án",
    )
    url = reverse("eservices:dossier_send", args=[d.pk])
    r = client_of.post(url, {"what_1": "không có trong danh sách", "file_1": upload()})
    assert r.status_code == 400
    r = client_of.post(url, {"what_1": "Đề án thành lập", "file_1": upload("a.pdf", b"MZ\x90")})
    assert r.status_code == 400 and "không phải PDF, JPEG hoặc PNG" in r.content.decode()
    assert client_of.get(url).status_code == 405
    d.refresh_from_db()
    assert d.status == Status.NEEDS_COMPLETION and not d.documents.filter(kind="supplement")
