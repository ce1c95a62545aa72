"""Notifications leave through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from motcua.dossiers.models import Outbox
from motcua.dossiers.services import apology_issue, dossier_receive
from motcua.integrations.services import outbox_deliver
from tests.dossiers.conftest import World, at


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        yield inbox
    finally:
        controller.stop()


def subject(msg: email.message.Message) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def body(msg: email.message.Message, kind: str = "text/plain") -> str:
    """The plain-text (or HTML) part of a message."""
    if msg.is_multipart():
        msg = next(p for p in msg.walk() if p.get_content_type() == kind)
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(msg.get_content_charset() or "utf-8")


def test_receipt_and_apology_reach_the_applicant(world: World, smtp: Inbox) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    result = outbox_deliver()
    # three e-mails (receipt, the fee's payment request, apology) and three text messages
    assert result == {"sent": 6, "skipped": 0, "failed": 0}
    assert [m["To"] for m in smtp.messages] == ["an@example.vn"] * 3
    assert subject(smtp.messages[0]) == f"Hồ sơ {d.code} đã được tiếp nhận"
    assert "09 giờ 00 phút, ngày 08/06/2022" in body(smtp.messages[0])
    assert subject(smtp.messages[1]) == f"Hồ sơ {d.code}: đề nghị nộp phí, lệ phí 1.000.000 đồng"
    assert "thư xin lỗi" in subject(smtp.messages[2])
    assert "17 giờ 00 phút, ngày 10/06/2022" in body(smtp.messages[2])
    assert outbox_deliver() == {"sent": 0, "skipped": 0, "failed": 0}  # each row once


@pytest.mark.usefixtures("no_fees")
def test_smtp_down_keeps_the_row_for_retry(world: World, settings: Any) -> None:
    w = world
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert outbox_deliver() == {"sent": 1, "skipped": 0, "failed": 1}  # the SMS went out
    row = Outbox.objects.get(topic="dossier.received", channel="")
    assert row.delivered_at is None and row.attempts == 1 and row.last_error
