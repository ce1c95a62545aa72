"""Services and error paths no other test reached: rating, transfer and return for completion
refused, ending a dossier while it waits for a supplement, a procedure not in force at intake,
bad apology input, supplement by the wrong role or with no items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.core.errors import DomainError, IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, EventType, Rating, Status
from motcua.dossiers.services import (
    ApplicantData,
    apology_issue,
    consultation_answer,
    consultation_request,
    dossier_accept_online,
    dossier_rate,
    dossier_receive,
    dossier_return_for_completion,
    dossier_return_unresolved,
    dossier_submit_online,
    dossier_transfer,
    dossier_withdraw,
    result_return,
    step_complete,
    supplement_receive,
    supplement_request,
)
from motcua.units.models import Role
from tests.dossiers.conftest import VN, World, at, member
from tests.factories import UserFactory

ITEMS = [{"name": "Bản sao CCCD", "originals": 0, "copies": 1}]


def receive(
    w: World, when: str = "2022-06-01 09:00", procedure: Procedure | None = None
) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(procedure), now=at(when)
    )


def resolved(w: World) -> Dossier:
    d = receive(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-02 10:00"))
    d.refresh_from_db()
    return d


def unchanged(d: Dossier) -> tuple[object, ...]:
    fresh = Dossier.objects.get(pk=d.pk)
    return (fresh.version, fresh.status, fresh.events.count(), fresh.forms.count())


def raises(kind: type[DomainError], code: str, fn: object, **kwargs: object) -> None:
    with pytest.raises(kind) as exc:
        fn(**kwargs)  # type: ignore[operator]
    assert exc.value.code == code


# ---- rating ------------------------------------------------------------------------------------


def returned(w: World) -> Dossier:
    d = resolved(w)
    result_return(actor=w.users["counter"], dossier=d, now=at("2022-06-02 11:00"))
    d.refresh_from_db()
    return d


def test_rating_once_from_one_to_five_after_the_result(world: World) -> None:
    w = world
    d = returned(w)
    for bad in (0, 6, -1):
        raises(ValidationFailed, "bad_score", dossier_rate, dossier=d, score=bad)
    assert Rating.objects.count() == 0
    comment = "Cán bộ nhiệt tình"  # decomposed input is stored composed (NFC)
    rating = dossier_rate(
        dossier=d,
        score=5,
        comment="Cán bộ nhiê\u0323t tình",
        now=at("2022-06-03 08:00"),
    )
    assert (rating.score, rating.comment, rating.at) == (5, comment, at("2022-06-03 08:00"))
    assert d.events.get(type=EventType.RATED).data == {"score": 5}
    raises(IllegalTransition, "already_rated", dossier_rate, dossier=d, score=1)
    assert Rating.objects.get().score == 5
    assert d.events.filter(type=EventType.RATED).count() == 1


def _in_progress(w: World) -> Dossier:
    return receive(w)


def _returned_unresolved(w: World) -> Dossier:
    d = receive(w)
    dossier_return_unresolved(
        actor=w.users["leader"], dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-02 10:00")
    )
    return d


def _withdrawn(w: World) -> Dossier:
    d = receive(w)
    dossier_withdraw(actor=w.users["counter"], dossier=d, reason="Rút", now=at("2022-06-02 09:00"))
    return d


@pytest.mark.parametrize(
    "state",
    [_in_progress, resolved, _returned_unresolved, _withdrawn],
    ids=["in-progress", "resolved-not-returned", "returned-unresolved", "withdrawn"],
)
def test_rating_is_refused_until_the_result_was_returned(world: World, state: object) -> None:
    """Every door (portal, counter tablet, API, commands) rates through dossier_rate: the
    service itself refuses a dossier whose result was not returned to the applicant, as the
    portal always did (docs/portal.md), and nothing changes."""
    w = world
    d = state(w)  # type: ignore[operator]
    before = unchanged(d)
    with pytest.raises(IllegalTransition) as exc:
        dossier_rate(dossier=d, score=3, actor=w.users["counter"], now=at("2022-06-03 10:00"))
    assert exc.value.code == "not_returned_yet"
    assert "kết quả đã được trả" in exc.value.message
    assert unchanged(d) == before
    assert not Rating.objects.filter(dossier=d).exists()


# ---- consultation answer after the dossier ended -------------------------------------------------


def consulted(w: World) -> Dossier:
    d = receive(w)
    consultation_request(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        question="Ý kiến về điều kiện chuyên môn",
        days=2,
        now=at("2022-06-01 10:00"),
    )
    d.refresh_from_db()
    return d


def _resolve(w: World, d: Dossier) -> None:
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-02 10:00"))


def _return(w: World, d: Dossier) -> None:
    _resolve(w, d)
    result_return(actor=w.users["counter"], dossier=d, now=at("2022-06-02 11:00"))


def _unresolved(w: World, d: Dossier) -> None:
    dossier_return_unresolved(
        actor=w.users["leader"], dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-02 10:00")
    )


def _withdraw(w: World, d: Dossier) -> None:
    dossier_withdraw(actor=w.users["counter"], dossier=d, reason="Rút", now=at("2022-06-02 10:00"))


@pytest.mark.parametrize(
    ("end", "status"),
    [
        (_resolve, Status.RESOLVED),
        (_return, Status.RESOLVED),
        (_unresolved, Status.RETURNED),
        (_withdraw, Status.WITHDRAWN),
    ],
    ids=["resolved", "result-returned", "returned-unresolved", "withdrawn"],
)
def test_a_consultation_is_not_answered_after_the_dossier_ended(
    world: World, end: object, status: str
) -> None:
    """The consulted agency answers a dossier still being handled; once it has a result, was
    returned unresolved or withdrawn, an answer would add an event and a version to a closed
    dossier: refused, nothing changes."""
    w = world
    d = consulted(w)
    end(w, d)  # type: ignore[operator]
    d.refresh_from_db()
    assert d.status == status
    before = unchanged(d)
    c = d.consultations.get()
    with pytest.raises(IllegalTransition) as exc:
        consultation_answer(
            actor=w.users["health"], consultation=c, answer="Đồng ý", now=at("2022-06-03 09:00")
        )
    assert exc.value.code == "dossier_finished"
    assert "đã kết thúc" in exc.value.message
    assert unchanged(d) == before
    c.refresh_from_db()
    assert (c.answer, c.answered_at, c.answered_by) == ("", None, None)
    assert not d.events.filter(type=EventType.CONSULTATION_ANSWERED).exists()


def test_a_consultation_is_answered_while_the_dossier_waits_for_a_supplement(
    world: World,
) -> None:
    """The clock stopped for a supplement does not end the dossier: the answer is still taken."""
    w = world
    d = consulted(w)
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu bản sao",
        now=at("2022-06-01 14:00"),
    )
    d.refresh_from_db()
    assert d.status == Status.AWAITING_SUPPLEMENT
    c = consultation_answer(
        actor=w.users["health"],
        consultation=d.consultations.get(),
        answer="Đồng ý",
        now=at("2022-06-02 09:00"),
    )
    assert c.answered_at == at("2022-06-02 09:00")
    assert d.events.filter(type=EventType.CONSULTATION_ANSWERED).count() == 1


# ---- transfer ----------------------------------------------------------------------------------


def test_transfer_refusals(world: World) -> None:
    w = world
    d = receive(w)
    before = unchanged(d)
    now = at("2022-06-02 09:00")
    raises(
        ValidationFailed,
        "same_agency",
        dossier_transfer,
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.justice,
        reason="x",
        now=now,
    )
    raises(
        PermissionDenied,
        "permission_denied",
        dossier_transfer,
        actor=w.users["health"],
        dossier=d,
        to_agency=w.health,
        reason="x",
        now=now,
    )
    assert unchanged(d) == before
    done = resolved(w)
    raises(
        IllegalTransition,
        "illegal_transition",
        dossier_transfer,
        actor=w.users["counter"],
        dossier=done,
        to_agency=w.health,
        reason="x",
        now=now,
    )


def test_transfer_moves_the_step_with_what_remains_and_the_next_step_follows(world: World) -> None:
    w = world
    d = receive(w)
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc thẩm quyền Sở Y tế",
        now=at("2022-06-02 09:00"),
    )
    moved = d.steps.get(status="active")
    # what is left of the appraisal's 3 days (one spent on Wednesday) goes to the Sở Y tế:
    # Thursday 09:00 → Monday 09:00, the step's own due instant, not a full 3 days again
    assert (moved.agency, moved.budget_days, moved.due_at) == (
        w.health,
        Decimal(2),
        at("2022-06-06 09:00"),
    )
    assert d.steps.get(order=moved.order, agency=w.justice).status == "done"
    assert d.outbox.filter(topic="dossier.transferred").get().payload["to_agency"] == w.health.code
    # the Sở Y tế finishes; the leader of the Sở Tư pháp signs next
    step_complete(actor=w.users["health"], dossier=d, now=at("2022-06-03 09:00"))
    assert d.steps.get(status="active").role == "lanh_dao"


# ---- return for completion (an online submission that is incomplete) ---------------------------


def submitted(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    return dossier_submit_online(
        applicant=ApplicantData("Lê Văn Cường", "070111222333"),
        procedure=w.simple,
        desk=w.center,
        now=at(when),
    )


def test_return_for_completion_refusals_and_form(world: World) -> None:
    w = world
    d = submitted(w)
    now = at("2022-06-01 10:00")
    raises(
        PermissionDenied,
        "permission_denied",
        dossier_return_for_completion,
        actor=w.users["specialist"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu",
        now=now,
    )
    for items, reason in (([], "Thiếu"), (ITEMS, "  ")):
        raises(
            ValidationFailed,
            "supplement_items_required",
            dossier_return_for_completion,
            actor=w.users["counter"],
            dossier=d,
            items=items,
            reason=reason,
            now=now,
        )
    assert unchanged(d) == (0, Status.SUBMITTED, 1, 0)
    dossier_return_for_completion(
        actor=w.users["counter"], dossier=d, items=ITEMS, reason="Thiếu CCCD", now=now
    )
    d.refresh_from_db()
    assert d.status == Status.NEEDS_COMPLETION and d.code is None
    request = d.supplement_requests.get()
    assert (request.at_intake, request.items, request.reason) == (True, ITEMS, "Thiếu CCCD")
    form = d.forms.get()
    assert (form.form, form.agency) == ("02", w.center)
    assert d.outbox.filter(topic="applicant.notify").get().payload["template"] == (
        "supplement_request"
    )
    # once guided, the dossier cannot be guided again nor accepted as it stands
    raises(
        IllegalTransition,
        "illegal_transition",
        dossier_return_for_completion,
        actor=w.users["counter"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu",
        now=now,
    )
    raises(
        IllegalTransition,
        "illegal_transition",
        dossier_accept_online,
        actor=w.users["counter"],
        dossier=d,
        now=now,
    )


# ---- ending while the dossier waits for a supplement -------------------------------------------


def test_withdrawal_while_waiting_for_a_supplement_closes_the_pause(world: World) -> None:
    """The time the applicant held the dossier is not the agency's working time."""
    w = world
    d = receive(w)  # Wednesday 1/6 09:00
    supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu",
        now=at("2022-06-01 14:00"),
    )
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Xin rút", now=at("2022-06-03 10:00")
    )
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN and d.paused_at is None
    pauses = [[dt.datetime.fromisoformat(x) for x in p] for p in d.pauses]
    assert pauses == [[at("2022-06-01 14:00"), at("2022-06-03 10:00")]]
    # working time 09:00–11:30 and 13:30–14:00 on Wednesday = 3 hours; the 14 working hours
    # of the pause (Wed 14:00 → Fri 10:00) are not counted
    assert d.working_seconds == 3 * 3600
    raises(
        IllegalTransition,
        "illegal_transition",
        supplement_receive,
        actor=w.users["counter"],
        dossier=d,
        now=at("2022-06-03 11:00"),
    )


# ---- a procedure not in force --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "when"),
    [
        ({"valid_from": dt.date(2022, 7, 1)}, "not yet"),
        ({"valid_to": dt.date(2022, 5, 31)}, "ended"),
        ({"status": ProcedureStatus.DRAFT}, "draft"),
    ],
)
def test_a_procedure_not_in_force_is_refused_at_every_intake(
    world: World, change: dict[str, object], when: str
) -> None:
    w = world
    online = submitted(w, "2022-05-31 09:00")  # submitted while still in force (for 'ended')
    Procedure.objects.filter(pk=w.simple.pk).update(**change)
    w.simple.refresh_from_db()
    if when != "ended":
        Procedure.objects.filter(pk=w.simple.pk).update(valid_to=None)
    raises(
        ValidationFailed,
        "procedure_not_in_force",
        dossier_receive,
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        now=at("2022-06-01 09:00"),
    )
    raises(
        ValidationFailed,
        "procedure_not_in_force",
        dossier_submit_online,
        applicant=ApplicantData("Lê Văn Cường", "070111222333"),
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-01 09:00"),
    )
    raises(
        ValidationFailed,
        "procedure_not_in_force",
        dossier_accept_online,
        actor=w.users["counter"],
        dossier=online,
        now=at("2022-06-01 09:00"),
    )
    assert Dossier.objects.count() == 1
    assert unchanged(online) == (0, Status.SUBMITTED, 1, 0)


def test_the_refusal_names_the_procedure_and_the_day(world: World) -> None:
    w = world
    Procedure.objects.filter(pk=w.simple.pk).update(valid_to=dt.date(2022, 5, 31))
    w.simple.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        receive(w)
    assert exc.value.message == "Thủ tục 1.000001 không có hiệu lực vào ngày 01/06/2022"


# ---- apology input -------------------------------------------------------------------------------


def test_apology_input_is_checked_and_changes_nothing(world: World) -> None:
    w = world
    d = receive(w)  # due Wednesday 8/6 09:00
    before = unchanged(d)
    now = at("2022-06-07 10:00")
    good = {"actor": w.users["leader"], "dossier": d, "reason": "Chờ xác minh", "now": now}
    raises(
        ValidationFailed,
        "reason_required",
        apology_issue,
        **{**good, "reason": "  "},
        new_appointment=at("2022-06-10 17:00"),
    )
    raises(
        ValidationFailed,
        "naive_datetime",
        apology_issue,
        **good,
        new_appointment=dt.datetime(2022, 6, 10, 17, 0),  # noqa: DTZ001 - the bad input itself
    )
    for not_later in (at("2022-06-08 09:00"), at("2022-06-06 09:00")):
        raises(
            ValidationFailed,
            "bad_new_appointment",
            apology_issue,
            **good,
            new_appointment=not_later,
        )
    raises(
        ValidationFailed,
        "naive_datetime",
        apology_issue,
        **{**good, "now": dt.datetime(2022, 6, 7, 10, 0)},  # noqa: DTZ001
        new_appointment=at("2022-06-10 17:00"),
    )
    assert unchanged(d) == before
    assert not hasattr(Dossier.objects.get(pk=d.pk), "apology")
    apology_issue(**good, new_appointment=dt.datetime(2022, 6, 10, 17, 0, tzinfo=VN))
    d.refresh_from_db()
    assert d.appointment_at == at("2022-06-10 17:00")


# ---- supplement: the wrong role, no items --------------------------------------------------------


def test_supplement_by_someone_not_handling_the_dossier(world: World) -> None:
    w = world
    d = receive(w)
    admin = member(UserFactory(username="qt_tinh"), w.center, Role.PROVINCE_ADMIN)
    before = unchanged(d)
    for actor in (admin, w.users["health"], w.users["commune_counter"], None):
        raises(
            PermissionDenied,
            "permission_denied",
            supplement_request,
            actor=actor,
            dossier=d,
            items=ITEMS,
            reason="Thiếu",
            now=at("2022-06-02 09:00"),
        )
    assert unchanged(d) == before
    assert d.supplement_requests.count() == 0


def test_supplement_needs_items_and_a_reason(world: World) -> None:
    w = world
    d = receive(w)
    before = unchanged(d)
    for items, reason in (([], "Thiếu"), (ITEMS, ""), (ITEMS, "\n\t ")):
        raises(
            ValidationFailed,
            "supplement_items_required",
            supplement_request,
            actor=w.users["specialist"],
            dossier=d,
            items=items,
            reason=reason,
            now=at("2022-06-02 09:00"),
        )
    assert unchanged(d) == before


def test_supplement_received_only_by_the_receiving_desk(world: World) -> None:
    w = world
    d = receive(w)
    supplement_request(
        actor=w.users["specialist"], dossier=d, items=ITEMS, reason="x", now=at("2022-06-02 09:00")
    )
    before = unchanged(d)
    for actor in (w.users["specialist"], w.users["commune_counter"]):
        raises(
            PermissionDenied,
            "permission_denied",
            supplement_receive,
            actor=actor,
            dossier=d,
            now=at("2022-06-03 09:00"),
        )
    assert unchanged(d) == before


# ---- a calendar change after an apology ----------------------------------------------------------


def test_recompute_after_an_apology_keeps_the_promised_date(world: World) -> None:
    """A new day off moves the legal due instant; the date promised in the apology stays."""
    from motcua.dossiers.services import dossiers_recompute_due
    from motcua.worktime.models import CalendarDay, DayKind, WorkCalendar

    w = world
    cal = WorkCalendar.objects.create(code="bp", name="Lịch Bình Phước", is_default=True)
    w.province.calendar = cal
    w.province.save(update_fields=["calendar"])
    d = receive(w)  # due Wednesday 8/6 09:00
    apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    CalendarDay.objects.create(
        calendar=cal, date=dt.date(2022, 6, 3), kind=DayKind.OFF, reason="Nghỉ bù"
    )
    assert dossiers_recompute_due(actor=None) == {"checked": 1, "moved": 1}
    d.refresh_from_db()
    assert d.due_at == at("2022-06-09 09:00")  # Friday 3/6 no longer counts
    assert d.appointment_at == at("2022-06-10 17:00")
