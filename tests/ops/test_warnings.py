"""The morning warnings: who is warned of what, once a day, and the mail they get."""

from __future__ import annotations

from typing import Any

import pytest
from aiosmtpd.controller import Controller

from motcua.dossiers.models import Dossier, DossierStep, Outbox, StepStatus
from motcua.dossiers.services import apology_issue, dossier_receive, step_assign
from motcua.integrations.services import outbox_deliver
from motcua.ops import tasks
from motcua.ops.services import TOPIC, morning_warnings
from tests.dossiers.conftest import World, at
from tests.integrations.test_outbox_smtp import Inbox, body, free_port, subject


def receive(w: World) -> Dossier:
    # 5 working days from Wednesday 1/6/2022 09:00: due Wednesday 8/6 09:00,
    # apology latest 7/6 09:00
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    step = DossierStep.objects.get(dossier=d, status=StepStatus.ACTIVE)
    step_assign(
        actor=w.users["leader"],
        dossier=d,
        step=step,
        handler=w.users["specialist"],
        now=at("2022-06-01 10:00"),
    )
    return d


def warnings_for(user: Any) -> list[dict[str, Any]]:
    rows = Outbox.objects.filter(topic=TOPIC, payload__user_id=user.pk)
    return [item for r in rows for item in r.payload["items"]]


def kinds(user: Any) -> set[str]:
    return {i["kind"] for i in warnings_for(user)}


def test_nobody_is_warned_while_there_is_time(world: World) -> None:
    receive(world)
    assert morning_warnings(now=at("2022-06-06 06:30")) == {"warned": 0, "items": 0}
    assert not Outbox.objects.filter(topic=TOPIC).exists()


def test_last_day_and_apology_go_to_the_handler_and_the_leader_once_a_day(world: World) -> None:
    d = receive(world)
    w = world
    # Wednesday 8/6 06:30: due at 09:00 the same day, apology (latest 7/6 09:00) not issued
    assert morning_warnings(now=at("2022-06-08 06:30")) == {"warned": 2, "items": 3}
    assert kinds(w.users["specialist"]) == {"last_day"}  # the officer does not sign apologies
    assert kinds(w.users["leader"]) == {"last_day", "apology"}
    item = warnings_for(w.users["specialist"])[0]
    assert item["dossier_id"] == d.pk and item["code"] == d.code
    # nobody else: another agency's leader, the counter, an outsider
    for name in ("health", "counter", "outsider", "district_leader", "specialist2"):
        assert kinds(w.users[name]) == set(), name
    # a second run the same morning writes nothing new
    assert morning_warnings(now=at("2022-06-08 07:00")) == {"warned": 0, "items": 0}
    assert Outbox.objects.filter(topic=TOPIC).count() == 2


def test_overdue_next_day_and_an_issued_apology_is_not_asked_again(world: World) -> None:
    d = receive(world)
    w = world
    apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Cần thêm thời gian thẩm định",
        new_appointment=at("2022-06-10 16:00"),
        now=at("2022-06-06 10:00"),
    )
    morning_warnings(now=at("2022-06-09 06:30"))
    assert kinds(w.users["leader"]) == {"overdue"}
    assert kinds(w.users["specialist"]) == {"overdue"}


def test_a_finished_or_inactive_person_gets_nothing(world: World) -> None:
    receive(world)
    w = world
    w.users["specialist"].is_active = False
    w.users["specialist"].save()
    morning_warnings(now=at("2022-06-08 06:30"))
    assert kinds(w.users["specialist"]) == set()
    assert kinds(w.users["leader"]) == {"last_day", "apology"}


def test_the_warning_is_mailed_by_deliver_outbox(world: World, settings: Any) -> None:
    receive(world)
    w = world
    w.users["leader"].email = "ld.tuphap@example.vn"
    w.users["leader"].first_name = "Bình"
    w.users["leader"].save()
    Outbox.objects.all().delete()  # the applicant's receipt mail is not what this test is about
    morning_warnings(now=at("2022-06-08 06:30"))
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # the specialist has no e-mail address: skipped, said so
        assert outbox_deliver() == {"sent": 1, "skipped": 1, "failed": 0}
    finally:
        controller.stop()
    [msg] = inbox.messages
    assert msg["To"] == "ld.tuphap@example.vn"
    assert subject(msg).startswith("Cảnh báo hồ sơ ngày 2022-06-08: 2 hồ sơ")
    text = body(msg)
    assert "Kính gửi Bình" in text and "Cần ban hành văn bản xin lỗi" in text
    skipped = Outbox.objects.get(topic=TOPIC, payload__user_id=w.users["specialist"].pk)
    assert skipped.last_error == "người nhận không có e-mail"


@pytest.mark.django_db
def test_without_a_broker_tasks_run_eagerly(world: World, time_machine: Any) -> None:
    """The demo's default: no CELERY_BROKER_URL, .delay() runs in the caller's process."""
    receive(world)
    time_machine.move_to(at("2022-06-08 06:30"), tick=False)
    result = tasks.morning_warnings.delay()
    assert result.get() == {"warned": 2, "items": 3}
    assert Outbox.objects.filter(topic=TOPIC).count() == 2
