"""Every kind of notification, in Vietnamese, by e-mail (text + HTML) through a real SMTP
server and by SMS; delivery survives an SMTP outage and a crash with no loss and no more than
the documented duplicate."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import apology_issue, dossier_receive, step_complete
from motcua.feedback.models import Kind
from motcua.feedback.services import feedback_answer, feedback_submit
from motcua.integrations import services
from motcua.integrations.models import SmsMessage
from motcua.integrations.notifications import NOTIFY_TEMPLATES, TOPIC_KEYS, compose
from motcua.integrations.services import _claim, backoff, outbox_deliver
from motcua.integrations.sms import normalize_phone, plain
from tests.dossiers.conftest import World, at
from tests.integrations.test_outbox_smtp import Inbox, body, free_port, subject

# these tests count the receipt's own messages: the procedures carry no fees here
pytestmark = pytest.mark.usefixtures("no_fees")


@pytest.fixture
def port(settings: Any) -> int:
    p = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", p
    return p


class Server:
    def __init__(self, port: int) -> None:
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def receive(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when))


def row(topic: str, dossier: Dossier | None = None, **payload: Any) -> Outbox:
    return Outbox.objects.create(
        topic=topic, dossier=dossier, payload=payload, created_at=at("2022-06-01 10:00")
    )


# ---- every topic has its message -------------------------------------------------------------


def test_every_topic_renders_subject_text_and_html(world: World) -> None:
    d = receive(world)
    payloads: dict[str, dict[str, Any]] = {
        "payment.requested": {
            "amount_vnd": 150000,
            "items": [{"name": "Lệ phí", "amount_vnd": 150000}],
            "link": "https://dvc.example/tt/1",
        },
        "payment.confirmed": {
            "amount_vnd": 150000,
            "items": [],
            "link": "https://dvc.example/bl/1",
        },
        "feedback.answered": {
            "code": "PAKN-1",
            "subject": "S",
            "agency": "Sở Tư pháp",
            "answer": "Đã xử lý",
            "to_email": "x@example.vn",
            "name": "X",
        },
        "citizen.verify_email": {
            "to_email": "y@example.vn",
            "name": "Y",
            "link": "https://dvc.example/xt/abc",
        },
        "citizen.password_reset": {
            "to_email": "y@example.vn",
            "name": "Y",
            "link": "https://dvc.example/mk/abc",
        },
    }
    rows = [
        row(
            t,
            None if t.startswith("citizen") else d,
            **payloads.get(
                t,
                {"due_at": "2022-06-08T09:00:00+07:00", "appointment": "2022-06-10T17:00:00+07:00"},
            ),
        )
        for t in TOPIC_KEYS
    ]
    rows += [
        row("applicant.notify", d, template=t, appointment="2022-06-10T17:00:00+07:00")
        for t in sorted(NOTIFY_TEMPLATES)
    ]
    for r in rows:
        m = compose(r)
        assert m is not None, r.topic
        assert m.subject and "\n" not in m.subject and "{" not in m.subject
        assert m.text.startswith("Kính gửi ") and "{{" not in m.text
        assert m.html.startswith("<!doctype html>") and 'lang="vi"' in m.html
        assert m.to_email
        if r.topic.startswith("citizen."):
            assert m.sms == "" and m.to_phone == ""  # links to accounts never go by SMS
        else:
            assert m.sms
    pay = compose(rows[list(TOPIC_KEYS).index("payment.requested")])
    assert pay is not None and "150.000 đồng" in pay.subject and "Lệ phí: 150.000 đồng" in pay.text
    assert "https://dvc.example/tt/1" in pay.text and "<li>Lệ phí: 150.000 đồng</li>" in pay.html
    verify = compose(rows[list(TOPIC_KEYS).index("citizen.verify_email")])
    assert verify is not None and verify.to_email == "y@example.vn" and "Kính gửi Y," in verify.text
    assert "https://dvc.example/xt/abc" in verify.text


def test_user_text_is_escaped_in_html_and_headers_stay_single_line(world: World) -> None:
    r = row(
        "feedback.answered",
        None,
        code="PAKN-2",
        subject="x",
        agency="A",
        answer="<script>alert(1)</script>",
        to_email="z@example.vn",
        name="Z\r\nBcc: evil@example.com",
    )
    m = compose(r)
    assert m is not None
    assert "<script>" not in m.html and "&lt;script&gt;" in m.html
    r2 = row("feedback.answered", None, code="A\r\nBcc: evil@example.com", to_email="z@example.vn")
    m2 = compose(r2)
    assert m2 is not None and "\n" not in m2.subject and "\r" not in m2.subject


def test_unknown_rows_are_not_for_people(world: World) -> None:
    assert compose(row("dossier.transferred", receive(world))) is None
    assert compose(row("applicant.notify", None, template="khong_co")) is None


# ---- end to end: SMTP and SMS ------------------------------------------------------------------


def test_result_ready_and_feedback_answer_reach_their_people(world: World, port: int) -> None:
    w = world
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-02 10:00"))
    f = feedback_submit(
        actor=None,
        kind=Kind.COMPLAINT,
        subject="Thái độ",
        content="Nội dung",
        agency=w.justice,
        name="Trần Thị Bình",
        email="binh@example.vn",
        phone="0987 654 321",
        publish_allowed=True,
    )
    feedback_answer(actor=w.users["leader"], feedback=f, answer="Đã chấn chỉnh & xin lỗi.")
    with Server(port) as inbox:
        result = outbox_deliver()
    # receipt, result ready, feedback answer: three e-mails and three text messages
    assert result == {"sent": 6, "skipped": 0, "failed": 0}
    subjects = [subject(m) for m in inbox.messages]
    assert subjects == [
        f"Hồ sơ {d.code} đã được tiếp nhận",
        f"Hồ sơ {d.code} đã có kết quả",
        f"Trả lời phản ánh, kiến nghị {f.code}",
    ]
    answer = inbox.messages[2]
    assert answer["To"] == "binh@example.vn"
    assert "Đã chấn chỉnh & xin lỗi." in body(answer)
    assert "Đã chấn chỉnh &amp; xin lỗi." in body(answer, "text/html")
    sms = list(SmsMessage.objects.order_by("id"))
    # to the phone given for the dossier (its snapshot) and to the feedback's sender
    assert [s.to for s in sms] == ["84912345678", "84912345678", "84987654321"]
    assert sms[1].text.startswith(f"Ho so {d.code} da co ket qua")  # no diacritics by default
    assert all(s.text.isascii() for s in sms)


def test_sms_goes_to_the_dossiers_own_phone_not_the_register(world: World) -> None:
    d = receive(world)
    Dossier.objects.filter(pk=d.pk).update(applicant_email="")
    d.applicant.phone = "0900000000"  # the shared register changed later: not this dossier's
    d.applicant.save()
    outbox_deliver()
    assert list(SmsMessage.objects.values_list("to", flat=True)) == ["84912345678"]


def test_sms_text_keeps_diacritics_when_asked(world: World, settings: Any) -> None:
    settings.MOTCUA_SMS_ASCII = False
    receive(world)
    outbox_deliver()
    assert "đã được tiếp nhận" in SmsMessage.objects.get().text


def test_phone_numbers_and_plain_text() -> None:
    assert normalize_phone("0912 345 678") == "84912345678"
    assert normalize_phone("+84 912.345.678") == "84912345678"
    assert normalize_phone("12345") is None and normalize_phone("09abc") is None
    assert normalize_phone("") is None
    assert plain("Hồ sơ ĐÃ có kết quả") == "Ho so DA co ket qua"


class Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answers: list[int] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        data = json.loads(self.rfile.read(length))
        Gateway.received.append(
            {**data, "auth": self.headers["Authorization"], "key": self.headers["Idempotency-Key"]}
        )
        code = Gateway.answers.pop(0) if Gateway.answers else 200
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"gw-{len(Gateway.received)}"}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings: Any) -> Iterator[type[Gateway]]:
    Gateway.received, Gateway.answers = [], []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_SMS_BACKEND = "motcua.integrations.sms.HttpSmsBackend"
    settings.MOTCUA_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.MOTCUA_SMS_TOKEN = "bi-mat-thu-nghiem"
    try:
        yield Gateway
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_gateway_backend(world: World, gateway: type[Gateway], time_machine: Any) -> None:
    time_machine.move_to(at("2022-06-01 09:30"), tick=False)
    d = receive(world)
    Dossier.objects.filter(pk=d.pk).update(applicant_email="")
    gateway.answers = [503]
    assert outbox_deliver() == {"sent": 0, "skipped": 1, "failed": 1}
    sms_row = Outbox.objects.get(channel="sms")
    assert sms_row.last_error == "cổng SMS trả lời HTTP 503" and sms_row.delivered_at is None
    time_machine.move_to(at("2022-06-01 09:31"), tick=False)
    assert outbox_deliver() == {"sent": 1, "skipped": 0, "failed": 0}
    sent = gateway.received
    assert len(sent) == 2 and sent[0]["ref"] == sent[1]["ref"] == f"motcua-outbox-{sms_row.pk}"
    assert sent[1]["to"] == "84912345678" and sent[1]["key"] == sent[1]["ref"]
    assert sent[1]["auth"] == "Bearer bi-mat-thu-nghiem"
    assert sent[1]["text"].startswith(f"Ho so {d.code}")
    assert not SmsMessage.objects.exists()  # the logging backend was not used


def test_the_gateway_unreachable_or_unconfigured_is_a_retry(world: World, settings: Any) -> None:
    settings.MOTCUA_SMS_BACKEND = "motcua.integrations.sms.HttpSmsBackend"
    settings.MOTCUA_SMS_URL = f"http://127.0.0.1:{free_port()}/sms"
    d = receive(world)
    Dossier.objects.filter(pk=d.pk).update(applicant_email="")
    assert outbox_deliver()["failed"] == 1
    assert "không kết nối được" in Outbox.objects.get(channel="sms").last_error
    settings.MOTCUA_SMS_URL = "file:///etc/passwd"
    Outbox.objects.filter(channel="sms").update(next_attempt_at=None)
    assert outbox_deliver()["failed"] == 1
    assert Outbox.objects.get(channel="sms").last_error == "MOTCUA_SMS_URL chưa được cấu hình"


# ---- an SMTP outage, a crash ------------------------------------------------------------------


def test_an_outage_loses_nothing_and_sends_each_message_once(
    world: World, port: int, time_machine: Any
) -> None:
    w = world
    time_machine.move_to(at("2022-06-01 09:30"), tick=False)
    dossiers = [receive(w, f"2022-06-01 0{h}:00") for h in (8, 9)]
    apology_issue(
        actor=w.users["leader"],
        dossier=dossiers[0],
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )

    def mails() -> list[Outbox]:
        return list(Outbox.objects.filter(channel="").exclude(topic="portal.sync"))

    assert len(mails()) == 3
    expected = {"sent": 3, "skipped": 0, "failed": 3}  # the text messages go; the e-mails wait
    assert outbox_deliver() == expected
    minutes = []
    for attempt in range(1, 4):
        for r in mails():
            assert r.attempts == attempt and r.delivered_at is None and r.last_error
            assert r.next_attempt_at is not None
        minutes.append(mails()[0].next_attempt_at)
        # nothing is tried before the back-off has passed
        assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 0}
        time_machine.move_to(minutes[-1], tick=False)
        if attempt < 3:
            assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 3}
    # exponential: 1, 2, 4 minutes after each attempt
    start = at("2022-06-01 09:30")
    assert [m - start for m in minutes] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=3),
        dt.timedelta(minutes=7),
    ]
    assert backoff(20) == dt.timedelta(hours=6)
    with Server(port) as inbox:
        assert outbox_deliver() == {"sent": 3, "skipped": 0, "failed": 0}
        time_machine.move_to(at("2022-06-02 09:00"), tick=False)
        assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 0}
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == 3 == len(set(ids))
    assert {r.pk for r in mails()} == {int(i.split("-")[-1].split("@")[0]) for i in ids}
    assert all(r.delivered_at and r.attempts == 4 and r.last_error == "" for r in mails())
    assert SmsMessage.objects.count() == 3


def test_a_crash_after_sending_gives_at_most_one_copy_with_the_same_message_id(
    world: World, port: int, time_machine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    time_machine.move_to(at("2022-06-01 09:30"), tick=False)
    d = receive(world)
    Dossier.objects.filter(pk=d.pk).update(applicant_phone="")

    def crash(row: Outbox, now: dt.datetime) -> None:
        raise SystemExit("the worker died between sending and marking")

    with Server(port) as inbox:
        monkeypatch.setattr(services, "_mark_sent", crash)
        with pytest.raises(SystemExit):
            outbox_deliver()
        monkeypatch.undo()
        assert len(inbox.messages) == 1
        r = Outbox.objects.exclude(topic="portal.sync").get(channel="")
        assert r.delivered_at is None and r.attempts == 1  # claimed, not marked
        # a worker started right after the crash does not send it again: it is leased
        assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 0}
        time_machine.move_to(r.next_attempt_at, tick=False)
        assert outbox_deliver() == {"sent": 1, "skipped": 0, "failed": 0}
        time_machine.move_to(at("2022-06-03 09:00"), tick=False)
        assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 0}
    assert len(inbox.messages) == 2  # the one documented duplicate…
    first, second = inbox.messages
    assert first["Message-ID"] == second["Message-ID"] == f"<motcua-outbox-{r.pk}@motcua.local>"
    assert subject(first) == subject(second)  # …that a receiver drops by its Message-ID


def test_two_workers_cannot_take_the_same_row(world: World) -> None:
    receive(world)
    r = Outbox.objects.get(topic="dossier.received")
    other = Outbox.objects.get(pk=r.pk)  # the second worker read the same row
    now = at("2022-06-01 10:00")
    assert _claim(r, now) is True
    assert _claim(other, now) is False


def test_nothing_is_sent_inside_a_request(
    world: World, client: Client, mailoutbox: list[Any]
) -> None:
    w = world
    f = feedback_submit(
        actor=None,
        kind=Kind.COMPLAINT,
        subject="x",
        content="y",
        agency=w.justice,
        name="An",
        email="an@example.vn",
    )
    client.force_login(w.users["leader"])
    response = client.post(f"/phan-anh/can-bo/{f.code}/tra-loi/", {"answer": "ok", "version": 0})
    assert response.status_code == 302
    assert mailoutbox == [] and not SmsMessage.objects.exists()
    queued = Outbox.objects.get(topic="feedback.answered")
    assert queued.delivered_at is None and queued.attempts == 0
