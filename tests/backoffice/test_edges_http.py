"""Odd input at the staff pages: never a 500, never a redirect off the site, a Vietnamese message
where a person made a mistake."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.contrib.messages import get_messages

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import step_complete
from tests.backoffice.test_views import login, receive
from tests.dossiers.conftest import World, at


def said(r: object) -> list[str]:
    return [str(m) for m in get_messages(r.wsgi_request)]  # type: ignore[attr-defined]


def snapshot(d: Dossier) -> tuple[object, ...]:
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.version,
        d.status,
        list(d.steps.order_by("id").values_list("status", "handler_id")),
        d.events.count(),
        d.forms.count(),
        d.consultations.count(),
    )


# A valid form that the service refuses: the specialist's step follows only the counter's
# receipt, so there is no step to send the dossier back to (a domain error, redirected back).
NO_PREVIOUS = "Không có bước trước để trả lại"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_refused_action_never_redirects_off_the_site(world: World, target: str) -> None:
    w = world
    d = receive(w)
    before = snapshot(d)
    c = login(w.users["specialist"])
    for extra in ({"next": target}, {"HTTP_REFERER": target}):
        data = {"version": d.version, "reason": "Thẩm định lại"}
        headers = {}
        if "next" in extra:
            data["next"] = target
        else:
            headers["HTTP_REFERER"] = target
        r = c.post(f"/can-bo/ho-so/{d.pk}/thao-tac/withdraw/", data, **headers)
        assert r.status_code == 403  # the specialist may not withdraw: no redirect at all
        r = c.post(f"/can-bo/ho-so/{d.pk}/thao-tac/send_back/", data, **headers)
        assert r.status_code == 302
        assert r["Location"] == "/can-bo/", (extra, r["Location"])
        assert said(r) == [NO_PREVIOUS]
    assert snapshot(d) == before


def test_a_refused_action_goes_back_to_the_page_it_came_from(world: World) -> None:
    w = world
    d = receive(w)
    before = snapshot(d)
    r = login(w.users["specialist"]).post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/send_back/",
        {"version": d.version, "reason": "Thẩm định lại"},
        HTTP_REFERER=f"http://testserver/can-bo/ho-so/{d.code}/",
    )
    assert r.status_code == 302
    assert r["Location"] in (
        f"/can-bo/ho-so/{d.code}/",
        f"http://testserver/can-bo/ho-so/{d.code}/",
    )
    assert said(r) == [NO_PREVIOUS]
    assert snapshot(d) == before


def field_error(r: object, html_id: str) -> str:
    body = r.content.decode()  # type: ignore[attr-defined]
    found = re.search(rf'<p class="field-error" id="{re.escape(html_id)}">(.*?)</p>', body, re.S)
    return html.unescape(found.group(1)) if found else ""


def test_assign_without_an_officer(world: World) -> None:
    w = world
    d = receive(w)
    step = d.steps.get(status="active")
    before = snapshot(d)
    for handler in ("", "abc", "999999"):
        r = login(w.users["leader"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/assign/",
            {"step": step.pk, "handler": handler, "version": d.version},
        )
        assert r.status_code == 400, handler
        assert said(r) == ["Chọn cán bộ được phân công."], handler
        assert field_error(r, "error-assign-handler") == "Chọn cán bộ được phân công.", handler
    step.refresh_from_db()
    assert step.handler is None
    assert snapshot(d) == before


def test_consult_without_an_agency_and_answer_to_no_consultation(world: World) -> None:
    w = world
    d = receive(w)
    before = snapshot(d)
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = login(w.users["specialist"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/consult/",
            {"agency": "", "question": "?", "days": "2", "version": d.version},
        )
        assert r.status_code == 400
        assert said(r) == ["Chọn cơ quan được lấy ý kiến."]
        assert field_error(r, "error-consult-agency") == "Chọn cơ quan được lấy ý kiến."
        r = login(w.users["specialist"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/answer/",
            {"consultation": "424242", "answer": "x", "version": d.version},
        )
        assert r.status_code == 400
        assert said(r) == ["Không có yêu cầu lấy ý kiến này."]
    assert d.consultations.count() == 0
    assert snapshot(d) == before


def test_complete_a_step_that_is_no_longer_active(world: World) -> None:
    w = world
    d = receive(w)
    done = d.steps.get(role="tiep_nhan")
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = login(w.users["specialist"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"step": done.pk, "version": d.version}
        )
    assert said(r) == ["Bước này không phải là bước đang xử lý của hồ sơ"]
    assert d.steps.filter(status="done").count() == 1


def test_complete_another_dossiers_active_step_through_this_one(world: World) -> None:
    """A step id of another dossier, active and the officer's own, posted to this dossier's
    action: refused with the same message as a step no longer active, neither dossier changed."""
    w = world
    d = receive(w)
    other = receive(w)
    theirs = other.steps.get(status="active")
    before = (snapshot(d), snapshot(other))
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = login(w.users["specialist"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"step": theirs.pk, "version": d.version}
        )
    assert r.status_code == 302  # back, with the message (a domain refusal)
    assert said(r) == ["Bước này không phải là bước đang xử lý của hồ sơ"]
    assert (snapshot(d), snapshot(other)) == before


def test_the_counter_completes_the_return_step(world: World) -> None:
    """'Hoàn thành bước' on the return step returns the result; the note is the method."""
    w = world
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 14:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-01 15:00"))
    d.refresh_from_db()
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = login(w.users["counter"]).post(
            f"/can-bo/ho-so/{d.pk}/thao-tac/complete/", {"note": "Bưu chính", "version": d.version}
        )
    assert said(r) == ["Đã hoàn thành bước và chuyển tiếp."]
    d.refresh_from_db()
    assert (d.returned_at, d.return_method) == (at("2022-06-02 10:00"), "Bưu chính")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "99999"}, "Năm 99999 nằm ngoài khoảng cho phép"),
        ({"year": "-5"}, "Năm -5 nằm ngoài khoảng cho phép"),
        ({"year": "9999"}, "Năm 9999 nằm ngoài khoảng cho phép"),
        ({"year": "1"}, "Năm 1 nằm ngoài khoảng cho phép"),
        ({"year": "abc"}, "Năm: phải là một số nguyên"),
        ({"kind": "month", "n": "13"}, "Tháng 13 không có (1–12)"),
        ({"kind": "quarter", "n": "0"}, "Quý 0 không có (1–4)"),
        ({"kind": "tuần"}, "Kỳ 'tuần' không có; chọn 6, 9, year, quarter, month"),
        (
            {"from": "2022-13-01", "to": "2022-06-30"},
            "Từ ngày: Ngày phải có dạng YYYY-MM-DD (ví dụ 2022-06-30)",
        ),
        ({"from": "2022-06-30", "to": "2022-06-01"}, "'Đến ngày' trước 'Từ ngày'"),
    ],
)
def test_odd_report_periods_get_a_message_never_500(
    world: World, query: dict[str, str], message: str
) -> None:
    receive(world)
    leader = login(world.users["leader"])
    for url in (
        "/can-bo/bao-cao/",
        "/can-bo/bao-cao/tai-ve/xlsx/",
        "/can-bo/bao-cao/chi-tiet/on_time/",
    ):
        r = leader.get(url, query)
        assert r.status_code == 400, url
        assert r["Content-Type"].startswith("text/html"), url  # the message page, no file
        found = re.search(r'<p role="alert">(.*?)</p>', r.content.decode(), re.S)
        assert found is not None, url
        assert message in html.unescape(found.group(1)), (url, found.group(1))


def test_a_month_period(world: World) -> None:
    receive(world)
    r = login(world.users["leader"]).get(
        "/can-bo/bao-cao/tai-ve/xlsx/", {"year": "2022", "kind": "month", "n": "6"}
    )
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao-20220601-20220630.xlsx"'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "Năm: phải là một số."),
        ({"from": "2022-02-30"}, "Ngày phải có dạng YYYY-MM-DD"),
        ({"to": "mai"}, "Ngày phải có dạng YYYY-MM-DD"),
    ],
)
def test_odd_tracking_book_input_gets_a_message(
    world: World, query: dict[str, str], message: str
) -> None:
    receive(world)
    with time_machine.travel(at("2022-06-02 10:00"), tick=False):
        r = login(world.users["counter"]).get("/can-bo/so-theo-doi/", query)
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    assert message in page
    assert "Nguyễn Văn An" not in page  # no rows under a filter that was refused


def test_procedure_picker_without_a_desk_lists_nothing(world: World) -> None:
    r = login(world.users["specialist"]).get("/can-bo/tiep-nhan/thu-tuc/", {"q": "thanh lap"})
    assert r.status_code == 200
    assert "1.000001" not in r.content.decode()
