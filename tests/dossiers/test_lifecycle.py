"""Whole lifecycles through the services, with the law's hand-checked dates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.access import dossier_get_for, dossiers_visible_to
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    EventType,
    FormType,
    IssuedForm,
    Outbox,
    Status,
    StepOutcome,
    StepStatus,
)
from motcua.dossiers.selectors import late_steps, queue_for
from motcua.dossiers.services import (
    ParallelTask,
    apology_issue,
    consultation_answer,
    consultation_request,
    counter_refuse,
    dossier_dispatch_parallel,
    dossier_receive,
    dossier_return_unresolved,
    dossier_withdraw,
    result_return,
    step_complete,
    step_send_back,
    supplement_receive,
    supplement_request,
)
from tests.dossiers.conftest import World, at

ITEMS = [{"name": "Bản sao Giấy chứng nhận", "originals": 0, "copies": 1}]


def receive(w: World, when: str, **over: object) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(**over), now=at(when)
    )


def test_simple_procedure_on_time(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    assert d.code == "000.01.01.H10-220601-0001"
    assert d.status == Status.IN_PROGRESS
    assert d.due_at == at("2022-06-08 09:00") == d.appointment_at
    assert d.processing_agency == w.justice
    assert (d.book_year, d.book_number) == (2022, 1)
    receipt = IssuedForm.objects.get(dossier=d, form=FormType.RECEIPT)
    assert receipt.number == 1
    steps = list(d.steps.order_by("order"))
    assert [s.status for s in steps] == ["done", "active", "pending", "pending"]
    assert steps[1].agency == w.justice
    assert steps[1].due_at == at("2022-06-06 09:00")

    with pytest.raises(PermissionDenied):
        step_complete(actor=w.users["outsider"], dossier=d, now=at("2022-06-02 09:00"))
    with pytest.raises(PermissionDenied):  # the leader's step is not yet; theirs is specialist
        step_complete(actor=w.users["health"], dossier=d, now=at("2022-06-02 09:00"))

    step_complete(
        actor=w.users["specialist"], dossier=d, note="Đủ điều kiện", now=at("2022-06-03 10:00")
    )
    s2 = d.steps.get(order=2)
    assert (s2.status, s2.outcome) == (StepStatus.DONE, StepOutcome.EARLY)
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-06 08:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    assert d.finished_at == at("2022-06-06 08:00")
    assert d.steps.get(order=3).outcome == StepOutcome.ON_TIME
    result_return(
        actor=w.users["counter"], dossier=d, method="Trực tiếp", now=at("2022-06-06 14:00")
    )
    d.refresh_from_db()
    assert d.returned_at == at("2022-06-06 14:00")
    types = list(d.events.values_list("type", flat=True))
    assert types == [
        EventType.RECEIVED,
        EventType.STEP_DONE,
        EventType.STEP_DONE,
        EventType.RESOLVED,
        EventType.RESULT_RETURNED,
    ]
    assert Outbox.objects.filter(dossier=d, topic="dossier.result_ready").exists()
    assert not late_steps(d)


@pytest.mark.parametrize(
    ("done", "outcome"),
    [
        ("2022-06-03 16:59", StepOutcome.EARLY),  # a working day before the due day
        ("2022-06-06 07:00", StepOutcome.ON_TIME),  # the due day, before the due instant
        ("2022-06-06 09:00", StepOutcome.ON_TIME),  # at the due instant
        ("2022-06-06 09:01", StepOutcome.LATE),  # a minute after it
    ],
)
def test_step_outcome_against_its_own_budget(world: World, done: str, outcome: str) -> None:
    """The control sheet's "early / on time / late against its time budget" (REGULATIONS.md §4):
    the specialist's 3-day step, started at receipt 01/06 09:00, is due 06/06 09:00."""
    w = world
    d = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=d, now=at(done))
    s = d.steps.get(order=2)
    assert s.due_at == at("2022-06-06 09:00")
    assert (s.status, s.outcome) == (StepStatus.DONE, outcome)
    assert late_steps(d) == ([s] if outcome == StepOutcome.LATE else [])


def test_codes_number_per_agency_and_day(world: World) -> None:
    w = world
    a = receive(w, "2022-06-01 09:00")
    b = receive(w, "2022-06-01 10:00")
    c = receive(w, "2022-06-02 10:00")
    assert [a.code[-11:], b.code[-11:], c.code[-11:]] == [
        "220601-0001",
        "220601-0002",
        "220602-0001",
    ]
    assert [a.book_number, b.book_number, c.book_number] == [1, 2, 3]


def test_commune_district_inter_level(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(w.inter),
        now=at("2022-06-01 08:00"),
    )
    assert d.processing_agency == w.commune_committee
    agencies = list(d.steps.order_by("order").values_list("agency__code", flat=True))
    assert agencies == [
        w.commune_desk.code,
        w.commune_committee.code,
        w.district_committee.code,
        w.district_committee.code,
        w.commune_desk.code,
    ]
    with pytest.raises(NotFound):
        dossier_get_for(w.users["health"], d.code or "")
    assert dossier_get_for(w.users["district_officer"], d.code or "") == d
    step_complete(actor=w.users["commune_officer"], dossier=d, now=at("2022-06-02 10:00"))
    assert [
        r.dossier for r in queue_for(w.users["district_officer"], now=at("2022-06-02 11:00"))
    ] == [d]
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-06 10:00"))
    step_complete(actor=w.users["district_leader"], dossier=d, now=at("2022-06-07 10:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    result_return(actor=w.users["commune_counter"], dossier=d, now=at("2022-06-08 08:00"))
    d.refresh_from_db()
    assert d.returned_at is not None
    assert d.finished_at is not None and d.due_at is not None and d.finished_at <= d.due_at


def test_supplement_restarts_from_zero_across_tet(world: World) -> None:
    w = world
    d = receive(w, "2022-01-26 08:00")
    assert d.due_at == at("2022-02-09 08:00")  # Tết 31/1–4/2 skipped
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu bản sao",
        now=at("2022-01-28 10:00"),
    )
    d.refresh_from_db()
    assert d.status == Status.AWAITING_SUPPLEMENT
    assert IssuedForm.objects.filter(dossier=d, form=FormType.SUPPLEMENT).count() == 1
    supplement_receive(actor=w.users["counter"], dossier=d, now=at("2022-02-08 09:00"))
    d.refresh_from_db()
    assert d.status == Status.IN_PROGRESS
    assert d.clock_started_at == at("2022-02-08 09:00")
    assert d.due_at == at("2022-02-15 09:00") == d.appointment_at
    assert d.steps.get(status="active").due_at == at("2022-02-11 09:00")
    with pytest.raises(IllegalTransition) as exc:
        supplement_request(
            actor=w.users["specialist"],
            dossier=d,
            items=ITEMS,
            reason="Lần 2",
            now=at("2022-02-08 10:00"),
        )
    assert exc.value.code == "supplement_once"


def test_supplement_pauses_across_tet_when_configured(world: World) -> None:
    w = world
    d = receive(w, "2022-01-26 08:00", procedure=w.paused)
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu bản sao",
        now=at("2022-01-28 10:00"),
    )
    supplement_receive(actor=w.users["counter"], dossier=d, now=at("2022-02-08 09:00"))
    d.refresh_from_db()
    # paused working time: 28/1 10:00–17:00 (5 h) + 7/2 (8 h) + 8/2 07:00–09:00 (2 h) = 15 h;
    # the original due 9/2 08:00 moves by 15 h of work: 9/2 (7 h) + 10/2 (8 h) → 10/2 17:00
    assert d.due_at == at("2022-02-10 17:00")
    assert d.clock_started_at == at("2022-01-26 08:00")
    assert len(d.pauses) == 1


def test_supplement_refused_after_three_working_days(world: World) -> None:
    w = world
    d = receive(w, "2022-01-26 08:00")
    before = (d.status, d.version)
    with pytest.raises(IllegalTransition) as exc:
        supplement_request(
            actor=w.users["specialist"],
            dossier=d,
            items=ITEMS,
            reason="Thiếu",
            now=at("2022-02-08 08:00"),
        )
    assert exc.value.code == "supplement_window_passed"
    assert "3 ngày làm việc" in exc.value.message
    d.refresh_from_db()
    assert (d.status, d.version) == before
    assert not IssuedForm.objects.filter(dossier=d, form=FormType.SUPPLEMENT).exists()


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        # received Wednesday 26/01/2022 08:00: 26/01 (7 h) + 27/01 (8 h) + 28/01 (8 h), Tết
        # 31/01–04/02 skipped, 1 h on Monday 07/02 → the window closes 07/02 08:00
        ("2022-02-04 16:00", True),  # a Tết day: still inside the window
        ("2022-02-07 07:59", True),
        ("2022-02-07 08:00", True),  # the last instant of "within 3 working days"
        ("2022-02-07 08:01", False),
    ],
)
def test_supplement_window_boundary(world: World, when: str, allowed: bool) -> None:
    w = world
    d = receive(w, "2022-01-26 08:00")

    def request() -> None:
        supplement_request(
            actor=w.users["specialist"], dossier=d, items=ITEMS, reason="Thiếu", now=at(when)
        )

    if allowed:
        request()
        d.refresh_from_db()
        assert d.status == Status.AWAITING_SUPPLEMENT and d.paused_at == at(when)
    else:
        with pytest.raises(IllegalTransition) as exc:
            request()
        assert exc.value.code == "supplement_window_passed"
        assert "08:00 07/02/2022" in exc.value.message


def test_late_with_apology_counts_late(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    new = at("2022-06-10 17:00")
    with pytest.raises(PermissionDenied):
        apology_issue(
            actor=w.users["specialist2"],
            dossier=d,
            reason="x",
            new_appointment=new,
            now=at("2022-06-07 10:00"),
        )
    apology = apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Chờ xác minh thực địa",
        new_appointment=new,
        now=at("2022-06-07 10:00"),
    )
    assert apology.previous_appointment == at("2022-06-08 09:00")
    d.refresh_from_db()
    assert d.appointment_at == new
    assert d.due_at == at("2022-06-08 09:00")
    # issued after the latest moment (07/06 09:00, one working day before the due instant)
    assert d.apology_breach == "late"
    assert Outbox.objects.filter(dossier=d, payload__template="apology").count() == 1
    with pytest.raises(IllegalTransition) as exc:
        apology_issue(
            actor=w.users["leader"],
            dossier=d,
            reason="lần hai",
            new_appointment=at("2022-06-15 17:00"),
            now=at("2022-06-09 10:00"),
        )
    assert exc.value.code == "apology_once"
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-08 15:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-09 10:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    assert d.finished_at is not None and d.due_at is not None and d.finished_at > d.due_at
    late = late_steps(d)
    # the specialist's 3 days overran (due 6/6 09:00, done 8/6); the leader's step was on time
    assert [(s.role, s.agency) for s in late] == [("chuyen_vien", w.justice)]


def test_refusal_at_intake_and_after_appraisal(world: World) -> None:
    w = world
    refused = counter_refuse(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        reasons="Không thuộc thẩm quyền",
        now=at("2022-06-01 09:00"),
    )
    assert refused.status == Status.REFUSED
    assert refused.code is None and refused.received_at is None
    assert IssuedForm.objects.get(dossier=refused).form == FormType.REFUSAL
    with pytest.raises(ValidationFailed):
        counter_refuse(
            actor=w.users["counter"],
            desk=w.center,
            intake=w.intake(),
            reasons=" ",
            now=at("2022-06-01 09:00"),
        )
    d = receive(w, "2022-06-01 09:00")
    with pytest.raises(PermissionDenied):
        dossier_return_unresolved(
            actor=w.users["specialist2"], dossier=d, reasons="x", now=at("2022-06-02 09:00")
        )
    dossier_return_unresolved(
        actor=w.users["leader"],
        dossier=d,
        reasons="Không đủ điều kiện theo Điều 12",
        now=at("2022-06-02 09:00"),
    )
    d.refresh_from_db()
    assert d.status == Status.RETURNED
    assert d.finished_at == at("2022-06-02 09:00")
    assert not d.steps.filter(status__in=["active", "pending"]).exists()


def test_withdrawal_before_decision_only(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Người nộp xin rút", now=at("2022-06-02 09:00")
    )
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    assert IssuedForm.objects.filter(dossier=d, form=FormType.STOP).count() == 1
    other = receive(w, "2022-06-01 10:00")
    step_complete(actor=w.users["specialist"], dossier=other, now=at("2022-06-02 10:00"))
    step_complete(actor=w.users["leader"], dossier=other, now=at("2022-06-03 10:00"))
    with pytest.raises(IllegalTransition):
        dossier_withdraw(
            actor=w.users["counter"], dossier=other, reason="Muộn", now=at("2022-06-03 11:00")
        )


def test_after_three_pm_reaches_the_agency_next_working_morning(world: World) -> None:
    w = world
    late = receive(w, "2022-01-28 15:30")
    assert late.handed_over_at == at("2022-02-07 07:00")
    # the limit counts from receipt: 28/1 15:30–17:00 (1.5 h), Tết 31/1–4/2 off, then 7–10/2
    # (32 h) and 11/2 6.5 h → 11/2 15:30
    assert late.clock_started_at == at("2022-01-28 15:30")
    assert late.due_at == at("2022-02-11 15:30")
    with pytest.raises(IllegalTransition) as exc:
        step_complete(actor=w.users["specialist"], dossier=late, now=at("2022-01-28 16:00"))
    assert exc.value.code == "not_yet_handed_over"
    assert DossierEvent.objects.filter(dossier=late, type=EventType.HANDED_OVER).exists()
    early = receive(w, "2022-01-28 14:59")
    assert early.handed_over_at == at("2022-01-28 14:59")
    assert early.due_at == at("2022-02-11 14:59")


def test_stale_version_loses_and_changes_nothing(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    seen = d.version
    step_complete(
        actor=w.users["specialist"], dossier=d, expected_version=seen, now=at("2022-06-02 09:00")
    )
    with pytest.raises(IllegalTransition) as exc:
        step_complete(
            actor=w.users["specialist2"],
            dossier=d,
            expected_version=seen,
            now=at("2022-06-02 09:01"),
        )
    assert exc.value.code == "stale_dossier"
    assert d.steps.filter(status="done").count() == 2


def test_parallel_electronic_inter_agency(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[
            ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1)),
            ParallelTask(w.district_committee, "Xác minh tại địa phương", Decimal(2)),
        ],
        now=at("2022-06-01 10:00"),
    )
    active = list(d.steps.filter(status="active").order_by("id"))
    assert [s.agency for s in active] == [w.health, w.district_committee]
    assert active[0].due_at == at("2022-06-02 10:00")
    step_complete(actor=w.users["health"], dossier=d, now=at("2022-06-02 09:00"))
    assert not d.steps.filter(role="lanh_dao", status="active").exists()
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-03 16:00"))
    assert d.steps.filter(role="lanh_dao", status="active").exists()
    assert dossier_get_for(w.users["health"], d.code or "") == d


def test_send_back_to_specialist(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    with pytest.raises(ValidationFailed):
        step_send_back(actor=w.users["leader"], dossier=d, reason="", now=at("2022-06-02 10:00"))
    step_send_back(
        actor=w.users["leader"],
        dossier=d,
        reason="Bổ sung ý kiến thẩm định",
        now=at("2022-06-02 10:00"),
    )
    active = d.steps.get(status="active")
    assert active.role == "chuyen_vien"
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 15:00"))
    assert d.steps.get(status="active").role == "lanh_dao"
    assert d.steps.filter(status="sent_back").count() == 1


def test_consultation_with_its_own_deadline(world: World) -> None:
    w = world
    d = receive(w, "2022-06-01 09:00")
    c = consultation_request(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        question="Ý kiến về điều kiện chuyên môn",
        days=2,
        now=at("2022-06-01 10:00"),
    )
    assert c.due_at == at("2022-06-03 10:00")
    assert d in dossiers_visible_to(w.users["health"])
    consultation_answer(
        actor=w.users["health"], consultation=c, answer="Đồng ý", now=at("2022-06-06 08:00")
    )
    ev = DossierEvent.objects.get(dossier=d, type=EventType.CONSULTATION_ANSWERED)
    assert ev.data == {"late": True}
    with pytest.raises(IllegalTransition):
        consultation_answer(
            actor=w.users["health"], consultation=c, answer="Lại", now=at("2022-06-06 09:00")
        )


def test_incomplete_checklist_is_not_received(world: World) -> None:
    w = world
    intake = w.intake()
    intake.checklist[0].submitted = False
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(
            actor=w.users["counter"], desk=w.center, intake=intake, now=at("2022-06-01 09:00")
        )
    assert exc.value.code == "incomplete_dossier"
    assert Dossier.objects.count() == 0


def test_wrong_desk_or_role_refused(world: World) -> None:
    w = world
    with pytest.raises(PermissionDenied):
        dossier_receive(
            actor=w.users["specialist"],
            desk=w.center,
            intake=w.intake(),
            now=at("2022-06-01 09:00"),
        )
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(
            actor=w.users["commune_counter"],
            desk=w.commune_desk,
            intake=w.intake(),
            now=at("2022-06-01 09:00"),
        )
    assert exc.value.code == "procedure_wrong_level"
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(
            actor=w.users["counter"],
            desk=w.center,
            intake=w.intake(applicant=w.intake().applicant.__class__("A", "123")),
            now=at("2022-06-01 09:00"),
        )
    assert exc.value.code == "bad_applicant"
    assert Dossier.objects.count() == 0


def test_online_submission_accepted_in_the_evening_is_not_moved(world: World) -> None:
    from motcua.dossiers.services import dossier_accept_online, dossier_submit_online

    w = world
    d = dossier_submit_online(
        applicant=w.intake().applicant,
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-01 20:00"),
    )
    assert d.status == Status.SUBMITTED and d.code is None
    dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-02 16:00"))
    d.refresh_from_db()
    assert d.handed_over_at == at("2022-06-02 16:00")  # the 15:00 rule is for counter dossiers
    assert d.due_at == at("2022-06-09 16:00")


def test_commune_district_province_and_back(world: World) -> None:
    """Across three levels: the commune desk receives, the commune appraises, the district
    confirms, the provincial department decides, and the result returns to the commune desk."""
    from motcua.catalog.services import StepSpec as Step
    from motcua.catalog.services import catalog_import_specs
    from tests.factories import procedure_spec

    w = world
    catalog_import_specs(
        actor=None,
        source="t",
        specs=[
            procedure_spec(
                "2.000009",
                name="Cấp phép liên thông ba cấp",
                level=3,
                is_inter_level=True,
                time_limit_days=10,
                steps=[
                    Step("Tiếp nhận", "tiep_nhan", Decimal("0.5")),
                    Step("Xác nhận của UBND xã", "chuyen_vien", Decimal(2)),
                    Step("Thẩm định của UBND huyện", "lien_thong", Decimal(3), "", 2),
                    Step("Sở Tư pháp giải quyết", "lien_thong", Decimal(3), w.justice.code),
                    Step("Lãnh đạo Sở ký", "lanh_dao", Decimal(1), w.justice.code),
                    Step("Trả kết quả tại xã", "tra_ket_qua", Decimal("0.5")),
                ],
            )
        ],
    )
    from motcua.catalog.models import Procedure

    p = Procedure.objects.get(code="2.000009")
    d = dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(p),
        now=at("2022-06-01 08:00"),
    )
    path = list(d.steps.order_by("order").values_list("agency__code", flat=True))
    assert path == [
        w.commune_desk.code,
        w.commune_committee.code,
        w.district_committee.code,
        w.justice.code,
        w.justice.code,
        w.commune_desk.code,
    ]
    step_complete(actor=w.users["commune_officer"], dossier=d, now=at("2022-06-02 08:00"))
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-06 08:00"))
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-08 08:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-09 08:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    result_return(actor=w.users["commune_counter"], dossier=d, now=at("2022-06-09 15:00"))
    d.refresh_from_db()
    assert d.returned_at == at("2022-06-09 15:00")
    for user in ("commune_counter", "district_officer", "specialist"):
        assert dossier_get_for(w.users[user], d.code or "") == d
