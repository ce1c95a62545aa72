"""A step or task passed on (``dossier_transfer``) keeps the time it has left: the new holder's
due instant is the old one, counted in working time, never a full budget again.

The step budgets of a procedure add up to its legal time limit (docs/catalog-format.md) and
each agency forwards "with a transfer note stating its work and time limit" (REGULATIONS.md §2):
handing the step on does not lengthen it. Granting the full budget again gave each hop the whole
step anew, so a step passed twice had three budgets and index 2 (each unit's time against its
budget) judged the last holder on time while the dossier was late.

The world's 5-day procedure: its appraisal step (``chuyen_vien``) has 3 working days. 1 June 2022
is a Wednesday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers.models import Dossier, DossierStep, StepKind, StepOutcome, StepStatus
from motcua.dossiers.services import (
    ParallelTask,
    dossier_dispatch_parallel,
    dossier_receive,
    dossier_transfer,
    step_complete,
    step_send_back,
    supplement_receive,
    supplement_request,
)
from tests.dossiers.conftest import World, at

pytestmark = pytest.mark.django_db


def received(w: World) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )


def active(d: Dossier) -> DossierStep:
    return d.steps.get(status=StepStatus.ACTIVE)


def test_a_transferred_step_keeps_only_what_remains_across_the_weekend(world: World) -> None:
    w = world
    d = received(w)
    appraisal = active(d)
    assert appraisal.due_at == at("2022-06-06 09:00")  # Wed 09:00 + 3 working days = Mon 09:00
    # Friday 09:00: two of the three days spent; one working day is left, over the weekend
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=at("2022-06-03 09:00"),
    )
    moved = active(d)
    assert moved.agency == w.health and moved.kind == StepKind.TRANSFER
    assert moved.started_at == at("2022-06-03 09:00")
    assert moved.due_at == at("2022-06-06 09:00")  # not Wed 8 June (a full 3 days again)
    assert moved.budget_days == Decimal("1.00")
    # passed on again on Friday 15:00: what is left of that day and Monday morning
    dossier_transfer(
        actor=w.users["health"],
        dossier=d,
        to_agency=w.district_committee,
        reason="Thuộc thẩm quyền địa phương",
        now=at("2022-06-03 15:00"),
    )
    again = active(d)
    assert again.due_at == at("2022-06-06 09:00")
    # finished on Monday at 10:00: late against the step's time, as the dossier would be
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-06 10:00"))
    assert DossierStep.objects.get(pk=again.pk).outcome == StepOutcome.LATE


def test_a_task_passed_on_keeps_only_what_remains(world: World) -> None:
    """A coordinating agency's parallel task handed on stays in its group with its deadline."""
    w = world
    d = received(w)
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(2))],
        now=at("2022-06-02 10:00"),  # Thursday: due Monday 10:00
    )
    task = active(d)
    assert task.due_at == at("2022-06-06 10:00")
    dossier_transfer(
        actor=w.users["health"],
        dossier=d,
        to_agency=w.district_committee,
        reason="Xác minh tại địa phương",
        now=at("2022-06-03 10:00"),
    )
    moved = active(d)
    assert moved.kind == StepKind.PARALLEL and moved.group == task.group
    assert moved.due_at == at("2022-06-06 10:00")  # not Tuesday 10:00
    assert moved.budget_days == Decimal("1.00")


def test_a_step_passed_on_after_its_due_instant_has_nothing_left(world: World) -> None:
    w = world
    d = received(w)
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=at("2022-06-07 09:00"),  # Tuesday: the 3 days ended on Monday 09:00
    )
    moved = active(d)
    assert moved.due_at == at("2022-06-07 09:00")  # due at once: late from the start
    assert moved.budget_days == Decimal("0.01")  # the smallest budget, for a redo
    # the leader sends it back: the step is done again with that budget, no error
    step_complete(actor=w.users["health"], dossier=d, now=at("2022-06-07 10:00"))
    step_send_back(
        actor=w.users["leader"], dossier=d, reason="Thẩm định lại", now=at("2022-06-07 11:00")
    )
    redo = active(d)
    assert redo.agency == w.health and redo.due_at > at("2022-06-07 11:00")


def test_a_transfer_outside_working_hours_counts_from_the_next_working_instant(
    world: World,
) -> None:
    """Passed on on Saturday: Friday's afternoon was spent, Monday morning is what is left."""
    w = world
    d = received(w)
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=at("2022-06-04 10:00"),
    )
    moved = active(d)
    assert moved.due_at == at("2022-06-06 09:00")


#: Thursday 2 June 10:09:36, on the 3-day step started Wednesday 09:00 and due Monday 09:00:
#: 1.855 working days left (14 h 50 min 24 s), half-way between two hundredths of a day, the
#: farthest a budget in hundredths can be from it (2 min 24 s)
PASSED_AT = at("2022-06-02 10:09") + dt.timedelta(seconds=36)
ITEMS = [{"name": "Bản sao Giấy chứng nhận", "originals": 0, "copies": 1}]


def _pause(w: World, d: Dossier, requested: str, received: str) -> None:
    """A supplement asked by the desk at ``requested`` and received at ``received``."""
    supplement_request(
        actor=w.users["counter"],
        dossier=d,
        items=ITEMS,
        reason="Thiếu bản sao",
        now=at(requested),
    )
    supplement_receive(actor=w.users["counter"], dossier=d, now=at(received))


@pytest.mark.parametrize(
    ("received_at", "passed_at"),
    [
        (at("2022-06-01 09:00"), PASSED_AT),
        # received after 15:00, passed on before the step reached its agency (handed over on
        # Thursday morning): what is left counts from the hand-over, not from the transfer
        (at("2022-06-01 16:00"), at("2022-06-01 16:30")),
    ],
)
def test_a_step_passed_on_then_paused_is_due_when_it_would_have_been(
    world: World, received_at: dt.datetime, passed_at: dt.datetime
) -> None:
    """The same pause on the same step, passed on in one dossier and not in the other: the
    agency taking it on is due exactly when the step would have been, to the second. Counted
    again from the step's budget in hundredths of a day, it was 2 min 24 s late (Wednesday 07:02
    instead of Tuesday 17:00)."""
    w = world
    kept, passed = (
        dossier_receive(
            actor=w.users["counter"], desk=w.center, intake=w.intake(w.paused), now=received_at
        )
        for _ in range(2)
    )
    appraisal = active(passed)
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=passed,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=passed_at,
    )
    moved = active(passed)
    assert moved.due_at == appraisal.due_at
    for d in (kept, passed):  # Thursday 14:00 to Monday 10:00
        _pause(w, d, "2022-06-02 14:00", "2022-06-06 10:00")
    step = active(kept)
    moved = active(passed)
    assert moved.pk != appraisal.pk and moved.agency == w.health
    assert step.due_at is not None and step.due_at > at("2022-06-06 10:00")
    assert moved.due_at == step.due_at


def test_a_step_passed_on_restarts_with_exactly_what_it_had_left(world: World) -> None:
    """A procedure whose time limit restarts after a supplement: the step passed on counts its
    1.855 days again from the restart, Monday 10:00, to Wednesday 08:50:24 (not 08:53)."""
    w = world
    d = received(w)
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=PASSED_AT,
    )
    assert active(d).budget_days == Decimal("1.86")  # shown in hundredths of a day
    _pause(w, d, "2022-06-02 14:00", "2022-06-06 10:00")
    assert active(d).due_at == at("2022-06-08 08:50") + dt.timedelta(seconds=24)
