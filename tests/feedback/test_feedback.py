"""Feedback and petitions: citizens and anonymous senders, the agency's queue, answers within a
number of working days, the public list, and index 8 of Circular 01/2018."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_verify
from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import dossier_receive
from motcua.feedback.models import Feedback, Kind, Status
from motcua.feedback.selectors import (
    feedback_get_for,
    feedback_queue,
    index8_score,
    on_time_by_agency,
)
from motcua.feedback.services import feedback_answer, feedback_assign, feedback_submit
from motcua.reports.indices import evaluation
from motcua.reports.selectors import Period
from tests.dossiers.conftest import World, at
from tests.factories import CitizenFactory, UserFactory
from tests.reports.test_exports_indices import lifecycle


def citizen_with_dossier(w: World) -> tuple[User, Dossier]:
    profile = CitizenFactory()
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    Dossier.objects.filter(pk=d.pk).update(account=profile.user)
    d.refresh_from_db()
    return profile.user, d


def submit(w: World, **over: Any) -> Feedback:
    data: dict[str, Any] = {
        "actor": None,
        "kind": Kind.COMPLAINT,
        "subject": "Thái độ cán bộ",
        "content": "Cán bộ hẹn nhiều lần.\nĐề nghị xem xét.",
        "agency": w.justice,
        "name": "Trần Thị Bình",
        "email": "binh@example.vn",
        "now": at("2022-06-01 09:00"),
    }
    data.update(over)
    return feedback_submit(**data)


# ---- submitting ----------------------------------------------------------------------------


def test_a_citizen_sends_feedback_on_their_own_dossier(world: World) -> None:
    user, d = citizen_with_dossier(world)
    f = feedback_submit(
        actor=user,
        kind=Kind.PETITION,
        subject="  Chậm trả kết quả ",
        content="Hồ sơ của tôi chưa có kết quả.",
        dossier=d,
        publish_allowed=True,
        now=at("2022-06-01 09:00"),
    )
    assert f.agency == d.processing_agency == world.justice
    assert f.account == user and f.sender_email == user.citizen.email
    assert f.subject == "Chậm trả kết quả" and f.code.startswith("PAKN-220601-")
    # 10 working days (Mon–Fri, no holiday in June 2022): 01/06 09:00 → 15/06 09:00
    assert f.due_at == at("2022-06-15 09:00") and f.time_limit_days == 10
    entry = AuditEntry.objects.get(action="feedback.submit", object_id=f.code)
    assert entry.actor_id == user.pk and entry.after["dossier_id"] == d.pk
    assert audit_verify().ok


def test_the_number_of_working_days_is_a_setting(world: World, settings: Any) -> None:
    settings.MOTCUA_FEEDBACK_DAYS = 5
    # Friday 29/04/2022: 30/4 and 1/5 fall on the weekend, 2/5 and 3/5 are days off instead
    f = submit(world, now=at("2022-04-29 09:00"))
    # so the five days are 04, 05, 06, 09 and 10 May
    assert f.due_at == at("2022-05-10 09:00") and f.time_limit_days == 5


def test_a_citizen_cannot_name_another_citizens_dossier(world: World) -> None:
    _, d = citizen_with_dossier(world)
    other = CitizenFactory().user
    with pytest.raises(PermissionDenied):
        feedback_submit(actor=other, kind=Kind.COMPLAINT, subject="x", content="y", dossier=d)
    with pytest.raises(PermissionDenied):  # nor an anonymous sender any dossier
        submit(world, dossier=d)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"content": "a" * 5001}, "too_long"),
        ({"subject": "b" * 201}, "too_long"),
        ({"content": "chèn\x00ký tự"}, "control_chars"),
        ({"content": "thoát\x1b[31m"}, "control_chars"),
        ({"subject": "hai\ndòng"}, "control_chars"),
        ({"name": "Tên\x07"}, "control_chars"),
        ({"content": 12345}, "not_text"),
        ({"content": "   "}, "required"),
        ({"name": ""}, "required"),
        ({"email": "", "phone": ""}, "no_contact"),
        ({"phone": "09abc"}, "bad_phone"),
        ({"kind": "khac"}, "bad_kind"),
        ({"agency": None}, "no_target"),
    ],
)
def test_hostile_or_incomplete_input_is_refused(
    world: World, over: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        submit(world, **over)
    assert exc.value.code == code
    assert (
        not Feedback.objects.exists()
        and not AuditEntry.objects.filter(action="feedback.submit").exists()
    )


def test_the_web_form_for_an_anonymous_sender(world: World, client: Client) -> None:
    page = client.get("/phan-anh/gui/")
    assert page.status_code == 200 and "Họ tên người gửi" in page.content.decode()
    bad = client.post(
        "/phan-anh/gui/",
        {"kind": "phan_anh", "agency": world.justice.pk, "subject": "x", "content": "y"},
    )
    assert bad.status_code == 400
    assert "Chưa nhập họ tên người gửi." in bad.content.decode()
    huge = client.post(
        "/phan-anh/gui/",
        {
            "kind": "phan_anh",
            "agency": world.justice.pk,
            "subject": "x",
            "content": "y" * 6000,
            "name": "An",
            "email": "an@example.vn",
        },
    )
    assert huge.status_code == 400 and "tối đa 5000 ký tự" in huge.content.decode()
    ctl = client.post(
        "/phan-anh/gui/",
        {
            "kind": "phan_anh",
            "agency": world.justice.pk,
            "subject": "x",
            "content": "có \x00 NUL",
            "name": "An",
            "email": "an@example.vn",
        },
    )
    assert ctl.status_code == 400
    wrong = client.post(
        "/phan-anh/gui/",
        {
            "kind": ["phan_anh", "x"],
            "agency": "999999999999999999999",
            "subject": "x",
            "content": "y",
            "name": "An",
            "email": "an@example.vn",
        },
    )
    assert wrong.status_code == 400
    assert not Feedback.objects.exists()
    ok = client.post(
        "/phan-anh/gui/",
        {
            "kind": "kien_nghi",
            "agency": world.justice.pk,
            "subject": "Giờ làm việc",
            "content": "Đề nghị mở cửa sáng thứ Bảy.",
            "name": "Lê Văn Cường",
            "phone": "0912 345 678",
        },
    )
    assert ok.status_code == 302
    f = Feedback.objects.get()
    assert f.account is None and f.sender_phone == "0912 345 678"
    sent = client.get(ok["Location"])
    assert f.code in sent.content.decode()


def test_the_web_form_lists_only_the_citizens_own_dossiers(world: World, client: Client) -> None:
    user, mine = citizen_with_dossier(world)
    _, theirs = citizen_with_dossier(world)
    client.force_login(user)
    page = client.get("/phan-anh/gui/").content.decode()
    assert mine.code in page and theirs.code not in page
    forged = client.post(
        "/phan-anh/gui/",
        {"kind": "phan_anh", "dossier": theirs.pk, "subject": "x", "content": "y"},
    )
    assert forged.status_code == 400 and not Feedback.objects.exists()


# ---- the agency's queue, assign and answer ---------------------------------------------------


def test_the_queue_is_scoped_by_agency(world: World) -> None:
    w = world
    f = submit(w)
    assert list(feedback_queue(w.users["leader"])) == [f]
    assert list(feedback_queue(w.users["health"])) == []
    with pytest.raises(Exception, match="Không tìm thấy"):
        feedback_get_for(w.users["health"], f.code)
    with pytest.raises(PermissionDenied):
        feedback_answer(actor=w.users["health"], feedback=f, answer="Trả lời giả")
    with pytest.raises(PermissionDenied):
        feedback_assign(actor=w.users["health"], feedback=f, assignee=w.users["health"])
    f.refresh_from_db()
    assert f.status == Status.RECEIVED and f.answer == ""


def test_assign_then_answer_on_time_notifies_and_publishes(world: World) -> None:
    w = world
    f = submit(w, publish_allowed=True)
    with pytest.raises(ValidationFailed):  # only an officer of the agency can be assigned
        feedback_assign(actor=w.users["leader"], feedback=f, assignee=w.users["health"])
    with pytest.raises(PermissionDenied):  # a specialist does not assign
        feedback_assign(actor=w.users["specialist"], feedback=f, assignee=w.users["specialist"])
    f = feedback_assign(
        actor=w.users["leader"], feedback=f, assignee=w.users["specialist"], expected_version=0
    )
    assert f.status == Status.ASSIGNED and f.assignee == w.users["specialist"]
    with pytest.raises(IllegalTransition):  # a stale page
        feedback_answer(actor=w.users["specialist"], feedback=f, answer="x", expected_version=0)
    f = feedback_answer(
        actor=w.users["specialist"],
        feedback=f,
        answer="Đã chấn chỉnh cán bộ.\nXin cảm ơn.",
        now=at("2022-06-14 10:00"),
    )
    assert f.status == Status.ANSWERED and f.on_time is True and f.published
    row = Outbox.objects.get(topic="feedback.answered")
    assert row.payload["to_email"] == "binh@example.vn" and row.payload["code"] == f.code
    assert row.payload["link"].endswith(f"/phan-anh/{f.code}/")
    with pytest.raises(IllegalTransition):
        feedback_answer(actor=w.users["leader"], feedback=f, answer="lần hai")
    assert audit_verify().ok
    assert list(AuditEntry.objects.filter(object_id=f.code).values_list("action", flat=True)) == [
        "feedback.submit",
        "feedback.assign",
        "feedback.answer",
    ]


def test_staff_pages(world: World, client: Client) -> None:
    w = world
    f = submit(w, publish_allowed=True)
    hidden = submit(w, subject="Không công khai")
    client.force_login(w.users["health"])
    assert f.code not in client.get("/phan-anh/can-bo/").content.decode()
    assert client.get(f"/phan-anh/can-bo/{f.code}/").status_code == 404
    assert (
        client.post(
            f"/phan-anh/can-bo/{f.code}/tra-loi/", {"answer": "x", "version": 0}
        ).status_code
        == 404
    )
    client.force_login(w.users["leader"])
    queue = client.get("/phan-anh/can-bo/").content.decode()
    assert f.code in queue and hidden.code in queue
    assert client.get(f"/phan-anh/can-bo/{f.code}/").status_code == 200
    bad = client.post(f"/phan-anh/can-bo/{f.code}/phan-cong/", {"assignee": "abc", "version": "x"})
    assert bad.status_code == 400
    ok = client.post(
        f"/phan-anh/can-bo/{f.code}/phan-cong/",
        {"assignee": w.users["specialist"].pk, "version": 0},
    )
    assert ok.status_code == 302
    too_long = client.post(
        f"/phan-anh/can-bo/{f.code}/tra-loi/", {"answer": "x" * 10001, "version": 1}
    )
    assert too_long.status_code == 400
    ctl = client.post(f"/phan-anh/can-bo/{f.code}/tra-loi/", {"answer": "a\x1bb", "version": 1})
    assert ctl.status_code == 400 and "ký tự điều khiển" in ctl.content.decode()
    answered = client.post(
        f"/phan-anh/can-bo/{f.code}/tra-loi/", {"answer": "Đã giải quyết.", "version": 1}
    )
    assert answered.status_code == 302
    f.refresh_from_db()
    assert f.status == Status.ANSWERED and f.answered_by == w.users["leader"]
    # the public list: answered and allowed only; never the sender's name or contact
    client.logout()
    public = client.get("/phan-anh/").content.decode()
    assert f.code in public and hidden.code not in public
    detail = client.get(f"/phan-anh/{f.code}/").content.decode()
    assert "Đã giải quyết." in detail and "Trần Thị Bình" not in detail
    assert "binh@example.vn" not in detail
    assert client.get(f"/phan-anh/{hidden.code}/").status_code == 404
    assert client.get("/phan-anh/%00/").status_code == 404
    # a citizen or an officer without a role is not staff
    client.force_login(CitizenFactory().user)
    assert client.get("/phan-anh/can-bo/").status_code == 403
    client.force_login(UserFactory(username="khong_vai_tro"))
    assert client.get("/phan-anh/can-bo/").status_code == 403


def test_a_citizens_own_list(world: World, client: Client) -> None:
    user, d = citizen_with_dossier(world)
    mine = feedback_submit(
        actor=user, kind=Kind.COMPLAINT, subject="Của tôi", content="x", dossier=d
    )
    other = submit(world, subject="Của người khác")
    client.force_login(user)
    page = client.get("/phan-anh/cua-toi/").content.decode()
    assert mine.code in page and other.code not in page
    client.logout()
    assert client.get("/phan-anh/cua-toi/").status_code == 302


# ---- index 8 -------------------------------------------------------------------------------


def test_on_time_share_counts_late_and_overdue_answers(world: World) -> None:
    w = world
    start, end = at("2022-01-01 00:00"), at("2022-07-01 00:00")
    fs = [submit(w, now=at("2022-06-01 09:00")) for _ in range(10)]
    for f in fs[:9]:
        feedback_answer(
            actor=w.users["leader"], feedback=f, answer="ok", now=at("2022-06-10 09:00")
        )
    late = fs[9]
    assert on_time_by_agency(start, end, now=at("2022-06-14 09:00")) == {
        w.justice.pk: {"due": 9, "on_time": 9, "late": 0, "share": 100.0}
    }  # the tenth is not due yet: not counted
    stats = on_time_by_agency(start, end, now=at("2022-06-20 09:00"))[w.justice.pk]
    assert stats == {"due": 10, "on_time": 9, "late": 1, "share": 90.0}  # overdue, unanswered
    feedback_answer(
        actor=w.users["leader"], feedback=late, answer="muộn", now=at("2022-06-16 09:00")
    )
    late.refresh_from_db()
    assert late.on_time is False
    stats = on_time_by_agency(start, end)[w.justice.pk]
    assert stats["late"] == 1 and index8_score(stats) == 1
    assert index8_score({"due": 10, "on_time": 10, "late": 0, "share": 100.0}) == 2
    assert index8_score({"due": 10, "on_time": 8, "late": 2, "share": 80.0}) == 0
    assert index8_score(None) == 2


def test_unanswered_feedback_is_late_only_after_its_due_instant(world: World) -> None:
    """Answered no later than due is on time, so at the due instant itself an unanswered
    feedback is not late yet (the queue marks it "quá hạn" only when due_at < now)."""
    w = world
    start, end = at("2022-01-01 00:00"), at("2022-07-01 00:00")
    f = submit(w, now=at("2022-06-01 09:00"))
    assert f.due_at == at("2022-06-15 09:00")  # 10 working days
    assert on_time_by_agency(start, end, now=at("2022-06-15 08:59")) == {}
    assert on_time_by_agency(start, end, now=f.due_at) == {}  # the boundary: not late yet
    second_after = f.due_at + dt.timedelta(seconds=1)
    assert on_time_by_agency(start, end, now=second_after)[w.justice.pk]["late"] == 1
    feedback_answer(actor=w.users["leader"], feedback=f, answer="ok", now=f.due_at)
    f.refresh_from_db()
    assert f.on_time is True  # answered at the due instant: on time
    assert on_time_by_agency(start, end, now=second_after)[w.justice.pk]["late"] == 0


@pytest.mark.parametrize(
    ("due", "on_time", "expected"),
    [
        (10, 9, 1),  # exactly 90 %
        (1000, 899, 0),  # 89.9 %
        (40000, 35999, 0),  # 89.9975 %: below 90 %, although it rounds to 90.00
        (40000, 36000, 1),
        (40000, 39999, 1),  # 99.9975 %: not 100 %
        (40000, 40000, 2),
    ],
)
def test_index_8_thresholds_on_the_exact_share(due: int, on_time: int, expected: int) -> None:
    share = round(100.0 * on_time / due, 2)
    stats = {"due": due, "on_time": on_time, "late": due - on_time, "share": share}
    assert index8_score(stats) == expected


def test_index_8_in_the_evaluation(world: World) -> None:
    w = world
    lifecycle(w)
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))

    def i8() -> float:
        ev = evaluation(period)
        justice = next(a for a in ev["agencies"] if a["agency_code"] == w.justice.code)
        assert "i8" not in justice["unscored"]
        return float(justice["scores"]["i8"])

    assert i8() == 2  # no feedback due
    a, b = submit(w), submit(w)
    feedback_answer(actor=w.users["leader"], feedback=a, answer="ok", now=at("2022-06-02 09:00"))
    assert i8() == 0  # one of two overdue, unanswered: 50 %
    feedback_answer(actor=w.users["leader"], feedback=b, answer="ok", now=at("2022-06-10 09:00"))
    assert i8() == 2
    # another agency's feedback does not count for this one
    c = submit(w, agency=w.health)
    feedback_answer(actor=w.users["health"], feedback=c, answer="muộn", now=at("2022-06-30 09:00"))
    assert i8() == 2


def test_the_dossier_page_link_preselects_only_the_citizens_own_dossier(
    world: World, client: Client
) -> None:
    user, mine = citizen_with_dossier(world)
    _, theirs = citizen_with_dossier(world)
    client.force_login(user)
    page = client.get(f"/phan-anh/gui/?ho_so={mine.pk}").content.decode()
    assert f'value="{mine.pk}" selected' in page
    other = client.get(f"/phan-anh/gui/?ho_so={theirs.pk}").content.decode()
    choices = other.split('name="dossier"')[1].split("</select>")[0]
    assert theirs.code not in choices and '<option value="" selected>' in choices
    for hostile in ("abc", "9" * 40, "%00", "-1"):
        assert client.get(f"/phan-anh/gui/?ho_so={hostile}").status_code == 200


def test_the_decision_766_feedback_criterion(world: World) -> None:
    from motcua.reports.indices import index766

    w = world
    period = Period(dt.date(2022, 6, 1), dt.date(2022, 6, 30))

    def criterion(**scope: Any) -> dict[str, Any]:
        groups = index766(period, **scope)["groups"]
        return next(c for c in groups["hai_long"]["criteria"] if c["code"] == "feedback_on_time")

    assert criterion()["score"] is None  # nothing due: no data
    fs = [submit(w) for _ in range(3)]
    for f in fs[:2]:
        feedback_answer(
            actor=w.users["leader"], feedback=f, answer="ok", now=at("2022-06-02 09:00")
        )
    c = criterion()
    assert (c["numerator"], c["denominator"]) == (2, 3)  # the third is overdue, unanswered
    assert c["score"] == 3.0  # 66.7 %: half of 6 from 50 %
    assert criterion(agency=w.health)["score"] is None  # another agency's feedback
    assert criterion(agency=w.justice)["denominator"] == 3


def test_the_queue_marks_overdue_feedback(world: World, client: Client) -> None:
    late = submit(world, now=at("2022-06-01 09:00"))  # long past due
    client.force_login(world.users["leader"])
    page = client.get("/phan-anh/can-bo/").content.decode()
    assert late.code in page and "(quá hạn)" in page
    assert client.get("/phan-anh/can-bo/?trang=abc&trang_thai=<x>").status_code == 200


def test_the_doors_refuse_a_post_without_the_csrf_token(world: World) -> None:
    f = submit(world)
    anonymous = Client(enforce_csrf_checks=True)
    data = {"kind": "phan_anh", "agency": world.justice.pk, "subject": "x", "content": "y"}
    assert (
        anonymous.post("/phan-anh/gui/", {**data, "name": "A", "email": "a@b.vn"}).status_code
        == 403
    )
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(world.users["leader"])
    answer = {"answer": "ok", "version": 0}
    assert staff.post(f"/phan-anh/can-bo/{f.code}/tra-loi/", answer).status_code == 403
    assign = {"assignee": world.users["specialist"].pk, "version": 0}
    assert staff.post(f"/phan-anh/can-bo/{f.code}/phan-cong/", assign).status_code == 403
    f.refresh_from_db()
    assert f.status == Status.RECEIVED and Feedback.objects.count() == 1


# ---- the sending limit ------------------------------------------------------------------------


def _anonymous_post(client: Client, w: World, ip: str, subject: str = "Giờ làm việc"):
    return client.post(
        "/phan-anh/gui/",
        {
            "kind": "kien_nghi",
            "agency": w.justice.pk,
            "subject": subject,
            "content": "Đề nghị mở cửa sáng thứ Bảy.",
            "name": "Lê Văn Cường",
            "phone": "0912345678",
        },
        REMOTE_ADDR=ip,
    )


def test_anonymous_sending_is_limited_per_client_address(
    world: World, client: Client, settings: Any
) -> None:
    settings.MOTCUA_FEEDBACK_RATE = (2, 3600)
    # an IPv6 client counts by its /64: two addresses of one home are one client
    assert _anonymous_post(client, world, "2001:db8:1:2::1").status_code == 302
    assert _anonymous_post(client, world, "2001:db8:1:2::ffff").status_code == 302
    over = _anonymous_post(client, world, "2001:db8:1:2::1", subject="Lần thứ ba")
    assert over.status_code == 429 and int(over["Retry-After"]) >= 1
    page = over.content.decode()
    assert "Ông/bà đã gửi quá nhiều phản ánh" in page
    assert "Lần thứ ba" in page  # the typed text stays, to send later
    assert Feedback.objects.count() == 2  # nothing stored
    assert not Feedback.objects.filter(subject="Lần thứ ba").exists()
    # invalid input is not counted: the form answers with its messages, not 429
    bad = client.post("/phan-anh/gui/", {"kind": "phan_anh"}, REMOTE_ADDR="198.51.100.7")
    assert bad.status_code == 400
    # another client is unaffected
    assert _anonymous_post(client, world, "198.51.100.7").status_code == 302
    assert _anonymous_post(client, world, "2001:db8:1:3::1").status_code == 302
    assert Feedback.objects.count() == 4


def test_a_citizen_is_counted_by_account_not_address(
    world: World, client: Client, settings: Any
) -> None:
    """A logged-in citizen answers for what they send: counted by their account with its own
    (higher) limit, so a shared address (a commune's public computer, a carrier's NAT) used up by
    anonymous senders does not stop them."""
    settings.MOTCUA_FEEDBACK_RATE = (1, 3600)
    settings.MOTCUA_FEEDBACK_CITIZEN_RATE = (2, 3600)
    ip = "203.0.113.9"
    assert _anonymous_post(client, world, ip).status_code == 302
    assert _anonymous_post(client, world, ip).status_code == 429
    user, _ = citizen_with_dossier(world)
    c = Client()
    c.force_login(user)
    data = {"kind": "phan_anh", "agency": world.justice.pk, "subject": "x", "content": "y"}
    assert c.post("/phan-anh/gui/", data, REMOTE_ADDR=ip).status_code == 302
    assert c.post("/phan-anh/gui/", data, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert c.post("/phan-anh/gui/", data, REMOTE_ADDR="198.51.100.2").status_code == 429
    assert Feedback.objects.filter(account=user).count() == 2


def test_unseen_format_characters_are_not_kept(world: World) -> None:
    # a right-to-left override showed the rest of the subject backwards to the officer and on
    # the portal; a zero-width space made another text that looks the same
    f = feedback_submit(
        actor=None,
        kind=Kind.COMPLAINT,
        subject="\u202eChậm\u200b trả kết quả\u200f",
        content="Dòng một\u202e đảo\nDòng hai 👨\u200d👩",
        agency=world.justice,
        name="Nguyễn\u2066 Văn A",
        email="a@example.vn",
        now=at("2022-06-01 09:00"),
    )
    assert f.subject == "Chậm trả kết quả"
    assert f.content == "Dòng một đảo\nDòng hai 👨\u200d👩"
    assert f.sender_name == "Nguyễn Văn A"
