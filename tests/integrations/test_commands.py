"""The operators' commands: deliver-outbox (retry, attempt limit, skipped rows), evaluate,
load-units, sweep-files. Each prints one JSON object; bad input is one line and exit 2."""

from __future__ import annotations

import io
import json
import os
import time
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import (
    dossier_rate,
    dossier_receive,
    dossier_transfer,
    result_return,
    step_complete,
)
from motcua.integrations.services import MAX_ATTEMPTS
from motcua.units.models import AdministrativeUnit, Level
from tests.dossiers.conftest import World, at
from tests.integrations.test_outbox_smtp import Inbox, free_port, subject

# the outbox tests count the receipt's own messages: their procedures carry no fees
no_fees = pytest.mark.usefixtures("no_fees")


def run(name: str, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.fixture
def smtp_port(settings: Any) -> int:
    """SMTP settings pointing at a port where nobody listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    return port


def receive(w: World, when: str = "2022-06-01 09:00") -> Any:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when))


# ---- deliver-outbox --------------------------------------------------------------------------


@no_fees
def test_failed_row_is_retried_and_sent_once_the_server_is_back(
    world: World, smtp_port: int, time_machine: Any
) -> None:
    time_machine.move_to(at("2022-06-01 09:30"), tick=False)
    d = receive(world)
    # the e-mail fails; its text message (the default logging backend) goes out
    assert run("deliver_outbox") == {"sent": 1, "skipped": 0, "failed": 1}
    row = Outbox.objects.get(dossier=d, topic="dossier.received", channel="")
    assert (row.attempts, row.delivered_at) == (1, None)
    assert row.last_error  # the connection error, kept for the operator
    assert row.next_attempt_at == at("2022-06-01 09:31")  # back-off: one minute
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        # not before its back-off has passed
        assert run("deliver_outbox") == {"sent": 0, "skipped": 0, "failed": 0}
        time_machine.move_to(at("2022-06-01 09:31"), tick=False)
        assert run("deliver_outbox") == {"sent": 1, "skipped": 0, "failed": 0}
    finally:
        controller.stop()
    row.refresh_from_db()
    assert row.attempts == 2 and row.delivered_at is not None and row.last_error == ""
    assert [subject(m) for m in inbox.messages] == [f"Hồ sơ {d.code} đã được tiếp nhận"]
    assert inbox.messages[0]["To"] == "an@example.vn"
    # delivered once: a third run sends nothing
    time_machine.move_to(at("2022-06-02 09:31"), tick=False)
    assert run("deliver_outbox") == {"sent": 0, "skipped": 0, "failed": 0}


@no_fees
def test_a_row_gives_up_after_the_attempt_limit(world: World, smtp_port: int) -> None:
    assert MAX_ATTEMPTS == 12
    d = receive(world)
    Outbox.objects.filter(dossier=d).update(attempts=MAX_ATTEMPTS - 1)
    assert run("deliver_outbox") == {"sent": 0, "skipped": 0, "failed": 1}
    row = Outbox.objects.get(dossier=d, topic="dossier.received")
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=None)  # its back-off is over
    assert row.attempts == MAX_ATTEMPTS and row.delivered_at is None
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:  # even with the server back, the row is not tried again
        assert run("deliver_outbox") == {"sent": 0, "skipped": 0, "failed": 0}
    finally:
        controller.stop()
    assert inbox.messages == []
    row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS and row.delivered_at is None


@no_fees
def test_rows_without_a_message_or_an_address_are_skipped(world: World, smtp_port: int) -> None:
    w = world
    d = receive(w)
    # the mail goes to the address given for this dossier (its snapshot), so that is emptied
    Dossier.objects.filter(pk=d.pk).update(applicant_email="", applicant_phone="")
    # the transfer's row is for other systems: it stays queued, untouched
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="x",
        now=at("2022-06-02 09:00"),
    )
    assert run("deliver_outbox") == {"sent": 0, "skipped": 1, "failed": 0}
    row = Outbox.objects.get(dossier=d, topic="dossier.received")
    assert row.delivered_at is not None and row.attempts == 1  # looked at once, nothing sent
    assert row.last_error == "người nhận không có e-mail"
    other = Outbox.objects.get(dossier=d, topic="dossier.transferred")
    assert (other.delivered_at, other.attempts) == (None, 0)
    # an applicant.notify row whose template has no message for the applicant
    Dossier.objects.filter(pk=d.pk).update(applicant_email="an@example.vn")
    Outbox.objects.create(
        topic="applicant.notify", dossier=d, created_at=at("2022-06-02 10:00"), payload={}
    )
    assert run("deliver_outbox") == {"sent": 0, "skipped": 1, "failed": 0}
    row = Outbox.objects.get(topic="applicant.notify", payload={})
    assert row.last_error == "không có thư cần gửi" and row.delivered_at is not None


# ---- evaluate --------------------------------------------------------------------------------


def test_evaluate_scores_worked_out_by_hand(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    w = world
    early = receive(w, "2022-06-01 09:00")  # due Wednesday 8/6 09:00
    step_complete(actor=w.users["specialist"], dossier=early, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=early, now=at("2022-06-02 10:00"))
    late = receive(w, "2022-06-01 10:00")  # due Wednesday 8/6 10:00
    step_complete(actor=w.users["specialist"], dossier=late, now=at("2022-06-10 09:00"))
    step_complete(actor=w.users["leader"], dossier=late, now=at("2022-06-10 10:00"))
    result_return(actor=w.users["counter"], dossier=late, now=at("2022-06-10 10:30"))
    dossier_rate(dossier=late, score=1, now=at("2022-06-10 11:00"))
    result = run("evaluate", "--from", "2022-06-01", "--to", "2022-06-30")
    assert (result["from"], result["to"]) == ("2022-06-01", "2022-06-30")
    [agency] = result["agencies"]
    assert (agency["agency_code"], agency["level"], agency["dossiers"]) == (
        w.justice.code,
        "province",
        2,
    )
    # i1 total time: early a day before its due day 2, late 0 → 1.0
    # i2 each step: early dossier's steps all early 2, the late one has a late step 0 → 1.0
    # i3 supplements: none → 2; i4 agencies to contact at the counter → 1
    # i7 attitude: early 2, late (and rated 1) 0 → 1.0
    # i5 handled end-to-end at the desk: the procedure's appraisal and signature are done at the
    # department (Sở Tư pháp), not at a desk, so 0 of 1 procedure (0% < 10%, half of the
    # province's 20%) → 0
    # i6 published procedures with documents and steps: 2 of 2 → 2; i8 no feedback due → 2
    # i9 online procedures 2 of 2 but no dossier received online (0% < 15%) → 0
    assert agency["scores"] == {
        "i1": 1.0,
        "i2": 1.0,
        "i3": 2.0,
        "i4": 1.0,
        "i5": 0,
        "i6": 2,
        "i7": 1.0,
        "i8": 2,
        "i9": 0,
    }
    assert (agency["total"], agency["max"]) == (10.0, 18)
    assert result["levels"]["province"]["dossiers"] == 2
    # a unit with no dossier: no agency
    assert (
        run("evaluate", "--from", "2022-06-01", "--to", "2022-06-30", "--unit", "25195")["agencies"]
        == []
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--from", "2022-06-30", "--to", "2022-06-01"], "lỗi [bad_period]: --to trước --from\n"),
        (
            ["--from", "30/06/2022", "--to", "2022-07-01"],
            "lỗi [bad_date]: --from: Ngày phải có dạng YYYY-MM-DD (ví dụ 2022-06-30)\n",
        ),
        (
            ["--from", "2022-06-01", "--to", "2022-06-30", "--unit", "99999"],
            "lỗi [unknown_unit]: không có đơn vị hành chính mã 99999\n",
        ),
    ],
)
def test_evaluate_bad_input_one_line_exit_2(
    world: World, capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("evaluate", *args)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == line and captured.out == ""


# ---- load-units ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_units_2022_then_current() -> None:
    first = run("load_units")
    assert first == {"2022": {"provinces": 63, "districts": 11, "communes": 111, "created": 185}}
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).count() == 63
    again = run("load_units", "--2022")
    assert again["2022"]["created"] == 0
    current = run("load_units", "--current")
    assert list(current) == ["current"]
    assert current["current"]["provinces"] == 34
    # Bình Phước (70) ended on 30/6/2025 and merged into the new Đồng Nai
    bp = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    assert str(bp.valid_to) == "2025-06-30"
    assert bp.successor is not None and bp.successor.name == "Tỉnh Đồng Nai"


# ---- sweep-files -------------------------------------------------------------------------------


def test_sweep_files_removes_only_old_orphans(world: World) -> None:
    from motcua.dossiers.files import check_upload
    from tests.dossiers.test_documents import pdf_bytes

    w = world
    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(scans=[("Đơn", check_upload("a.pdf", pdf_bytes(1)))]),
        now=at("2022-06-01 09:00"),
    )
    kept = d.documents.get().file.name
    old = default_storage.save("dossiers/2022/06/bo-lai.pdf", ContentFile(b"%PDF-1.4 orphan"))
    fresh = default_storage.save("dossiers/2022/06/moi.pdf", ContentFile(b"%PDF-1.4 orphan"))
    two_hours_ago = time.time() - 2 * 3600
    for name in (old, kept):
        os.utime(default_storage.path(name), (two_hours_ago, two_hours_ago))
    assert run("sweep_files", "--dry-run") == {"removed": 1, "kept": 2}
    assert default_storage.exists(old)
    assert run("sweep_files") == {"removed": 1, "kept": 2}
    assert not default_storage.exists(old)
    assert default_storage.exists(kept) and default_storage.exists(fresh)
