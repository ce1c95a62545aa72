"""The apology's latest moment (a breach is recorded, never a refusal) and when the legal time
limit of a counter dossier received after 15:00 starts.

The world's "simple" procedure takes 5 working days. Received Wednesday 01/06/2022 09:00, it is
due Wednesday 08/06/2022 09:00 (01/06 8 h, 02/06, 03/06, 06/06, 07/06, 08/06 07:00–09:00). The
latest moment for the apology — one working day before the due instant — is therefore
Tuesday 07/06/2022 09:00 (07/06 09:00 → 08/06 09:00 is 8 working hours).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.dossiers.models import (
    Apology,
    ApologyBreach,
    Dossier,
    DossierEvent,
    EventType,
    Status,
)
from motcua.dossiers.selectors import apology_warnings, queue_for
from motcua.dossiers.services import (
    apology_issue,
    dossier_receive,
    dossier_return_unresolved,
    dossier_withdraw,
    step_complete,
    supplement_request,
)
from motcua.units.models import Role
from motcua.worktime.models import WorkCalendar
from tests.dossiers.conftest import World, at, member
from tests.factories import UserFactory, procedure_spec

DUE = "2022-06-08 09:00"
LATEST = "2022-06-07 09:00"
NEW = at("2022-06-15 17:00")


def receive(
    w: World, when: str = "2022-06-01 09:00", procedure: Procedure | None = None
) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(procedure), now=at(when)
    )


def apologise(w: World, d: Dossier, when: str, new: object = NEW) -> Apology:
    return apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Chờ kết quả xác minh thực địa",
        new_appointment=new,  # type: ignore[arg-type]
        now=at(when),
    )


def ask_supplement(w: World, d: Dossier, now: dt.datetime) -> None:
    """The specialist asks for a missing copy: the clock stops (REGULATIONS.md §2)."""
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Bản sao CCCD", "originals": 0, "copies": 1}],
        reason="Thiếu bản sao",
        now=now,
    )


def breach_events(d: Dossier) -> list[DossierEvent]:
    return list(d.events.filter(type=EventType.APOLOGY_BREACH).order_by("id"))


def resolve(w: World, d: Dossier, specialist_at: str, leader_at: str) -> Dossier:
    step_complete(actor=w.users["specialist"], dossier=d, now=at(specialist_at))
    step_complete(actor=w.users["leader"], dossier=d, now=at(leader_at))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    return d


# ---- the apology: as soon as lateness is foreseen; after the latest moment a breach ------------


@pytest.mark.parametrize(
    "when",
    [
        "2022-06-02 09:00",  # the day after receipt: lateness foreseen early
        "2022-06-06 09:00",  # two working days before the due instant
        LATEST,  # exactly one working day before: "chậm nhất 01 ngày" includes the moment itself
    ],
)
def test_apology_on_or_before_the_latest_moment_is_accepted_without_breach(
    world: World, when: str
) -> None:
    w = world
    d = receive(w)
    assert d.due_at == at(DUE)
    apology = apologise(w, d, when)
    d.refresh_from_db()
    assert apology.issued_at == at(when)
    assert apology.previous_appointment == at(DUE)
    assert d.appointment_at == NEW
    assert d.due_at == at(DUE)  # the dossier still counts late against its due instant
    assert d.apology_breach == ApologyBreach.NONE
    assert breach_events(d) == []


@pytest.mark.parametrize(
    "when",
    [
        "2022-06-07 09:01",  # a minute after the latest moment, still before the due instant
        "2022-06-08 10:00",  # already overdue
    ],
)
def test_apology_after_the_one_day_mark_is_accepted_and_recorded_late(
    world: World, when: str
) -> None:
    w = world
    d = receive(w)
    apologise(w, d, when)
    d.refresh_from_db()
    assert d.appointment_at == NEW
    assert d.apology_breach == ApologyBreach.LATE
    [event] = breach_events(d)
    assert event.at == at(when)
    assert event.actor == w.users["leader"]
    assert event.agency == w.justice
    assert event.data["breach"] == "late"
    assert event.data["latest_at"] == at(LATEST).isoformat()
    assert "07/06/2022" in event.note


def test_second_apology_refused_and_changes_nothing(world: World) -> None:
    w = world
    d = receive(w)
    apologise(w, d, "2022-06-03 10:00")
    d.refresh_from_db()
    before = (d.appointment_at, d.version, d.apology_breach, d.events.count())
    with pytest.raises(IllegalTransition) as exc:
        apologise(w, d, "2022-06-07 10:00", new=at("2022-06-20 17:00"))
    assert exc.value.code == "apology_once"
    d.refresh_from_db()
    assert (d.appointment_at, d.version, d.apology_breach, d.events.count()) == before
    assert Apology.objects.filter(dossier=d).count() == 1


def test_apology_still_needs_a_reason_and_a_later_appointment(world: World) -> None:
    w = world
    d = receive(w)
    with pytest.raises(ValidationFailed) as exc:
        apology_issue(
            actor=w.users["leader"], dossier=d, reason=" ", new_appointment=NEW, now=at(LATEST)
        )
    assert exc.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as exc:
        apologise(w, d, "2022-06-03 10:00", new=at(DUE))
    assert exc.value.code == "bad_new_appointment"
    assert not Apology.objects.filter(dossier=d).exists()


def test_apology_refused_once_the_dossier_has_ended(world: World) -> None:
    w = world
    d = resolve(w, receive(w), "2022-06-07 10:00", "2022-06-08 10:00")
    with pytest.raises(IllegalTransition) as exc:
        apologise(w, d, "2022-06-08 11:00")
    assert exc.value.code == "illegal_transition"
    assert not Apology.objects.filter(dossier=d).exists()


# ---- a dossier that ends late without any apology ----------------------------------------------


def test_resolved_late_without_apology_records_missing(world: World) -> None:
    w = world
    d = resolve(w, receive(w), "2022-06-07 10:00", "2022-06-08 10:00")
    assert d.finished_at == at("2022-06-08 10:00")
    assert d.apology_breach == ApologyBreach.MISSING
    [event] = breach_events(d)
    assert event.data["breach"] == "missing"
    assert event.agency == w.justice  # the agency that owed the apology
    assert event.at == at("2022-06-08 10:00")
    # the specialist's 3-day step (due 06/06 09:00) is where the time went
    assert event.data["late_agencies"] == [w.justice.code]


def test_resolved_late_with_an_on_time_apology_has_no_breach(world: World) -> None:
    w = world
    d = receive(w)
    apologise(w, d, "2022-06-06 09:00")
    d = resolve(w, d, "2022-06-07 10:00", "2022-06-08 10:00")
    assert d.finished_at is not None and d.due_at is not None and d.finished_at > d.due_at
    assert d.apology_breach == ApologyBreach.NONE
    assert breach_events(d) == []


def test_late_apology_then_late_end_keeps_one_breach(world: World) -> None:
    w = world
    d = receive(w)
    apologise(w, d, "2022-06-07 14:00")
    d = resolve(w, d, "2022-06-07 15:00", "2022-06-08 10:00")
    assert d.apology_breach == ApologyBreach.LATE
    assert [e.data["breach"] for e in breach_events(d)] == ["late"]


def test_resolved_on_time_without_apology_has_no_breach(world: World) -> None:
    w = world
    d = resolve(w, receive(w), "2022-06-03 10:00", "2022-06-08 09:00")  # at the due instant
    assert d.apology_breach == ApologyBreach.NONE
    assert breach_events(d) == []


def test_returned_unresolved_late_without_apology_records_missing(world: World) -> None:
    w = world
    d = receive(w)
    dossier_return_unresolved(
        actor=w.users["leader"], dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-09 09:00")
    )
    d.refresh_from_db()
    assert d.status == Status.RETURNED
    assert d.apology_breach == ApologyBreach.MISSING
    assert [e.actor for e in breach_events(d)] == [w.users["leader"]]


def test_withdrawn_after_the_due_instant_without_apology_records_missing(world: World) -> None:
    """The applicant's withdrawal does not undo the agency's lateness that came before it."""
    w = world
    d = receive(w)
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Người nộp xin rút", now=at("2022-06-09 09:00")
    )
    d.refresh_from_db()
    assert d.apology_breach == ApologyBreach.MISSING
    on_time = receive(w, "2022-06-01 10:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=on_time, reason="Xin rút", now=at("2022-06-07 10:00")
    )
    on_time.refresh_from_db()
    assert on_time.apology_breach == ApologyBreach.NONE


def test_withdrawn_while_the_clock_is_stopped_is_not_late(world: World) -> None:
    """Waiting for a supplement stops the clock: the old due instant passing is not lateness."""
    w = world
    d = receive(w)
    ask_supplement(w, d, at("2022-06-02 09:00"))
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Không bổ sung", now=at("2022-06-20 09:00")
    )
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    assert d.apology_breach == ApologyBreach.NONE
    assert breach_events(d) == []


@pytest.mark.parametrize("pause_on_supplement", [False, True])
@pytest.mark.parametrize(
    ("paused", "late"),
    [
        ("2022-06-02 09:00", False),  # stopped well before the due instant
        (DUE, False),  # stopped at the due instant: nothing overran yet
        ("2022-06-08 09:01", True),  # stopped a minute after it: already late
    ],
)
def test_ended_while_the_clock_is_stopped_counts_late_only_if_late_when_it_stopped(
    world: World, pause_on_supplement: bool, paused: str, late: bool
) -> None:
    """The statistics agree with the apology rule: a dossier withdrawn (or returned) while it
    waits for a supplement is late only if its clock had run past the due instant before it
    stopped — not because the old due instant passed while the clock was stopped. In either
    mode (restart from zero, or pause)."""
    from motcua.reports.agg_rebuild import rebuild_aggregates
    from motcua.reports.decision766 import drill_down
    from motcua.reports.selectors import Period
    from tests.reports.test_aggregates_lifecycle import counts

    w = world
    # a sector law's longer supplement window (a per-procedure setting) lets the request come late
    Procedure.objects.filter(pk=w.simple.pk).update(
        pause_on_supplement=pause_on_supplement, supplement_window_days=10
    )
    d = receive(w)
    ask_supplement(w, d, at(paused))
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Không bổ sung", now=at("2022-06-20 09:00")
    )
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    assert d.finished_at == at("2022-06-20 09:00")
    assert (d.apology_breach == ApologyBreach.MISSING) is late
    assert (d.finished_at > d.due_at) is late
    june = Period(dt.date(2022, 6, 1), dt.date(2022, 6, 30))
    for criterion in ("progress", "apology_kept"):
        assert (d in drill_down(june, criterion)) is late, criterion
    # the daily counts the services kept are those a rebuild gives from the moved due instant
    kept = counts()
    rebuild_aggregates()
    assert counts() == kept


# ---- counter intake after 15:00 ----------------------------------------------------------------


def test_counter_intake_after_three_pm_counts_from_receipt_and_hands_over_next_morning(
    world: World,
) -> None:
    w = world
    d = receive(w, "2022-06-01 15:30")
    assert d.received_at == at("2022-06-01 15:30")
    assert d.clock_started_at == at("2022-06-01 15:30")
    # 01/06 15:30–17:00 (1.5 h) + 02, 03, 06, 07/06 (32 h) + 08/06 6.5 h → 08/06 15:30
    assert d.due_at == at("2022-06-08 15:30") == d.appointment_at
    assert d.handed_over_at == at("2022-06-02 07:00")
    step = d.steps.get(role="chuyen_vien")
    assert step.started_at == at("2022-06-02 07:00")
    with pytest.raises(IllegalTransition) as exc:
        step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 16:00"))
    assert exc.value.code == "not_yet_handed_over"


def test_the_cut_off_instant_itself_is_not_after_the_cut_off(world: World) -> None:
    """Decree 61 Art. 16 (ADR 0003): a counter dossier received *after* 15:00 ("sau 15 giờ")
    is handed over the next working morning. 15:00:00 itself is not after 15:00 — the same
    day, as a second before; the least instant later (a microsecond) is after it."""
    w = world
    sharp = dt.timedelta(0)
    for offset, next_morning in (
        (-dt.timedelta(seconds=1), False),
        (sharp, False),
        (dt.timedelta(microseconds=1), True),
        (dt.timedelta(seconds=1), True),
    ):
        when = at("2022-06-01 15:00") + offset
        d = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=when)
        expected = at("2022-06-02 07:00") if next_morning else when
        assert d.handed_over_at == expected, offset
        assert d.events.filter(type=EventType.HANDED_OVER).exists() == next_morning, offset
        # either way the legal time limit counts from the receipt (the default; in whole
        # seconds)
        assert d.clock_started_at == when, offset
        whole = offset - dt.timedelta(microseconds=offset.microseconds)
        assert d.due_at == at("2022-06-08 15:00") + whole, offset


def test_counter_intake_after_office_hours_and_on_a_day_off(world: World) -> None:
    """Received after 17:00 on a Friday, or on a Sunday: both the hand-over and the clock start
    at the next working morning (Monday 07:00); a 5-day limit ends the following Friday 17:00."""
    w = world
    for when in ("2022-06-03 17:30", "2022-06-05 10:00"):
        d = receive(w, when)
        assert d.received_at == at(when)
        assert d.handed_over_at == d.clock_started_at == at("2022-06-06 07:00"), when
        assert d.due_at == at("2022-06-10 17:00"), when


def test_calendar_setting_counts_the_limit_from_the_next_morning(world: World) -> None:
    w = world
    WorkCalendar.objects.create(
        code="tinh",
        name="Lịch của tỉnh",
        is_default=True,
        count_from_next_morning_after_cutoff=True,
        first_year=2020,
        last_year=2030,
    )
    d = receive(w, "2022-06-01 15:30")
    assert d.handed_over_at == at("2022-06-02 07:00")
    assert d.clock_started_at == at("2022-06-02 07:00")
    # five whole working days 02, 03, 06, 07, 08/06 → 08/06 17:00
    assert d.due_at == at("2022-06-08 17:00")
    before = receive(w, "2022-06-01 14:59")  # before the cut-off: from receipt either way
    assert before.clock_started_at == at("2022-06-01 14:59")
    assert before.due_at == at("2022-06-08 14:59")


def test_same_day_procedure_received_after_three_pm_is_due_the_next_working_day(
    world: World,
) -> None:
    w = world
    catalog_import_specs(
        actor=None,
        specs=[procedure_spec("1.000009", time_limit_days=0.5, steps=[])],
        source="test",
    )
    half_day = Procedure.objects.get(code="1.000009")
    d = receive(w, "2022-06-03 15:30", half_day)  # a Friday
    # 03/06 15:30–17:00 (1.5 h) + Monday 06/06 07:00–09:30 (2.5 h) = 4 h
    assert d.due_at == at("2022-06-06 09:30")
    assert d.handed_over_at == at("2022-06-06 07:00")
    # a limit shorter than what is left of the afternoon (a legacy catalog row) would end on the
    # day of receipt: it counts from the hand-over instead, so it still ends the next working day
    Procedure.objects.filter(pk=half_day.pk).update(time_limit_days=Decimal("0.1"))
    half_day.refresh_from_db()
    short = receive(w, "2022-06-03 15:30", half_day)
    assert short.clock_started_at == at("2022-06-06 07:00")
    assert short.due_at == at("2022-06-06 07:48")


def test_online_dossier_accepted_after_three_pm_is_not_moved(world: World) -> None:
    from motcua.dossiers.services import dossier_accept_online, dossier_submit_online

    w = world
    WorkCalendar.objects.create(
        code="tinh",
        name="Lịch",
        is_default=True,
        count_from_next_morning_after_cutoff=True,
        first_year=2020,
        last_year=2030,
    )
    d = dossier_submit_online(
        applicant=w.intake().applicant,
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-01 08:00"),
    )
    dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 15:30"))
    d.refresh_from_db()
    assert d.handed_over_at == d.clock_started_at == at("2022-06-01 15:30")
    assert d.due_at == at("2022-06-08 15:30")


# ---- the queue warns on the last working day without an apology --------------------------------


def test_queue_warns_on_the_last_working_day_and_not_before(world: World) -> None:
    w = world
    d = receive(w)
    head = member(UserFactory(username="gd_tuphap"), w.justice, Role.LEADER)

    def warned(user: object, when: str) -> bool:
        rows = [r for r in queue_for(user, now=at(when)) if r.dossier.pk == d.pk]
        return any(r.apology_warning for r in rows)

    def leader_warned(user: object, when: str) -> bool:
        return d.pk in {x.pk for x in apology_warnings(user, now=at(when))}

    for when in ("2022-06-06 16:00", LATEST):
        assert not warned(w.users["specialist"], when), when
        assert not leader_warned(head, when), when
    for when in ("2022-06-07 10:00", "2022-06-09 10:00"):
        assert warned(w.users["specialist"], when), when
        assert leader_warned(head, when), when
    # nobody outside the responsible agencies is warned
    assert not leader_warned(w.users["health"], "2022-06-07 10:00")
    assert not leader_warned(w.users["counter"], "2022-06-07 10:00")

    spec, boss = Client(), Client()
    spec.force_login(w.users["specialist"])
    boss.force_login(head)
    with time_machine.travel(at("2022-06-06 16:00"), tick=False):
        assert "Chưa có văn bản xin lỗi" not in spec.get("/can-bo/").content.decode()
        assert "Chưa có văn bản xin lỗi" not in boss.get("/can-bo/").content.decode()
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        assert "Chưa có văn bản xin lỗi" in spec.get("/can-bo/").content.decode()
        page = boss.get("/can-bo/").content.decode()
        assert "Chưa có văn bản xin lỗi" in page and (d.code or "-") in page

    apologise(w, d, "2022-06-07 10:30")
    assert not warned(w.users["specialist"], "2022-06-07 11:00")
    assert not leader_warned(head, "2022-06-07 11:00")


def test_dossier_page_shows_the_breach(world: World) -> None:
    w = world
    late = receive(w)
    apologise(w, late, "2022-06-07 14:00")
    missing = resolve(w, receive(w, "2022-06-01 10:00"), "2022-06-07 10:00", "2022-06-08 11:00")
    c = Client()
    c.force_login(w.users["leader"])
    with time_machine.travel(at("2022-06-08 12:00"), tick=False):
        page = c.get(f"/can-bo/ho-so/{late.code}/").content.decode()
        assert "Xin lỗi muộn" in page
        page = c.get(f"/can-bo/ho-so/{missing.code}/").content.decode()
        assert "Trễ hạn nhưng không có văn bản xin lỗi" in page
        fresh = receive(w, "2022-06-08 08:00")
        page = c.get(f"/can-bo/ho-so/{fresh.code}/").content.decode()
        assert "Xin lỗi muộn" not in page and "không có văn bản xin lỗi" not in page
        # the leader is told until when an apology would be on time
        assert "chậm nhất 08:00 14/06/2022" in page


@pytest.mark.parametrize("pause_on_supplement", [False, True])
def test_time_left_while_the_clock_is_stopped(world: World, pause_on_supplement: bool) -> None:
    """The dossier page's "còn / quá hạn … ngày làm việc": while a supplement is awaited the
    clock is stopped, so the old due instant passing does not show the dossier overdue (as the
    statistics count it); once it runs again, or if it stopped late, it does."""
    from motcua.dossiers.selectors import time_left_text

    w = world
    Procedure.objects.filter(pk=w.simple.pk).update(
        pause_on_supplement=pause_on_supplement, supplement_window_days=10
    )
    d = receive(w)  # due 08/06 09:00
    assert time_left_text(d, at("2022-06-07 09:00")) == "còn 1,0 ngày làm việc"
    assert time_left_text(d, at("2022-06-09 09:00")) == "quá hạn 1,0 ngày làm việc"
    ask_supplement(w, d, at("2022-06-07 09:00"))
    d.refresh_from_db()
    waiting = time_left_text(d, at("2022-06-20 09:00"))
    assert "quá hạn" not in waiting and waiting.startswith("tạm dừng chờ bổ sung")
    if pause_on_supplement:
        assert waiting == "tạm dừng chờ bổ sung, còn 1,0 ngày làm việc khi nhận đủ hồ sơ"
    else:
        assert waiting == "tạm dừng chờ bổ sung, thời hạn tính lại từ đầu khi nhận đủ hồ sơ"
    late = receive(w, "2022-06-01 10:00")  # due 08/06 10:00, stopped a minute after it
    ask_supplement(w, late, at("2022-06-08 10:01"))
    late.refresh_from_db()
    assert time_left_text(late, at("2022-06-20 09:00")).startswith("quá hạn")


def test_queue_and_steps_while_the_clock_is_stopped(world: World) -> None:
    """The officer's queue and the dossier page's steps: a dossier whose supplement was asked
    for in time is "Chờ bổ sung", not "Quá hạn", however long the applicant takes; once the
    supplement arrives its steps run again (restarted from zero)."""
    from motcua.dossiers.selectors import step_rows
    from motcua.dossiers.services import supplement_receive

    w = world
    d = receive(w)  # due 08/06 09:00; the specialist's step due 06/06 09:00
    ask_supplement(w, d, at("2022-06-02 09:00"))
    d.refresh_from_db()
    [row] = [r for r in queue_for(w.users["specialist"], now=at("2022-06-20 09:00"))]
    assert (row.overdue, row.due_soon, row.waiting_supplement) == (False, False, True)
    assert not any(r.overdue for r in step_rows(w.users["specialist"], d, at("2022-06-20 09:00")))
    c = Client()
    c.force_login(w.users["specialist"])
    with time_machine.travel(at("2022-06-20 09:00"), tick=False):
        page = c.get("/can-bo/").content.decode()
        assert "Chờ bổ sung" in page and ">Quá hạn<" not in page
    supplement_receive(actor=w.users["counter"], dossier=d, now=at("2022-06-20 09:00"))
    d.refresh_from_db()
    [row] = [r for r in queue_for(w.users["specialist"], now=at("2022-06-24 10:00"))]
    assert row.step.due_at == at("2022-06-23 09:00")  # 3 days from 20/06 09:00
    assert (row.overdue, row.waiting_supplement) == (True, False)
