"""Processing: steps, hand-offs, assignment, send-back, transfer, parallel tasks, consultation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import STEP_ROLE, has_role, require_role, require_step_role
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Consultation,
    Dossier,
    DossierStep,
    EventType,
    Status,
    StepKind,
    StepStatus,
)
from motcua.dossiers.services._tx import (
    MIN_BUDGET,
    Actor,
    _active_steps,
    _due_after,
    _event,
    _finish,
    _local,
    _lock,
    _now,
    _outbox,
    _real,
    _require_status,
    _save,
    _start_step,
    _step_seconds,
    _working_seconds,
    calendar_for,
    note_written,
)
from motcua.dossiers.services.apology import apology_breach_event_on_end, apology_breach_on_end
from motcua.dossiers.services.results import _return_result
from motcua.units.models import Agency, Role
from motcua.worktime import core as wt


def _get_step(d: Dossier, step: DossierStep | int | None, actor: Actor) -> DossierStep:
    active = _active_steps(d)
    if step is not None:
        pk = step if isinstance(step, int) else step.pk
        found = [s for s in active if s.pk == pk]
        if not found:
            # a step finished or not yet started, or another dossier's: one message for all (it
            # tells nothing of another dossier's steps)
            raise IllegalTransition(
                "Bước này không phải là bước đang xử lý của hồ sơ", code="step_not_active"
            )
        return found[0]
    mine = [s for s in active if has_role(actor, s.agency, STEP_ROLE.get(s.role, "chuyen_vien"))]
    if not mine:
        if not active:
            raise IllegalTransition("Hồ sơ không có bước nào đang xử lý", code="no_active_step")
        raise PermissionDenied(
            "Bước đang xử lý không thuộc vai trò của bạn", code="permission_denied"
        )
    return mine[0]


def _resolve(d: Dossier, *, actor: Actor, at: dt.datetime, step: DossierStep | None) -> None:
    before = d.status
    d.status = Status.RESOLVED
    d.finished_at = at
    d.working_seconds = _working_seconds(d, at)
    missing = apology_breach_on_end(d, at=at)
    _save(d, "status", "finished_at", "working_seconds", "apology_breach")
    late = d.due_at is not None and at > d.due_at
    _event(
        d,
        EventType.RESOLVED,
        actor=actor,
        at=at,
        before=before,
        after=d.status,
        step=step,
        agency=step.agency if step else None,
        data={"late": late},
    )
    if missing:
        apology_breach_event_on_end(d, actor=actor, at=at)
    # the named topic (issue 8) the notifications and other systems listen to
    _outbox("dossier.result_ready", d, at, result_place=d.result_place)


def _advance(d: Dossier, done: DossierStep, *, actor: Actor, at: dt.datetime) -> None:
    """After a step is done: wait for its parallel siblings, then start the next pending step;
    when only the return step is left (or none), the result is issued."""
    if done.group and d.steps.filter(group=done.group, status=StepStatus.ACTIVE).exists():
        return
    pending = list(d.steps.filter(status=StepStatus.PENDING).order_by("order", "id"))
    cal = calendar_for(d.receiving_agency)
    if not pending or all(p.role == "tra_ket_qua" for p in pending):
        if d.status == Status.IN_PROGRESS:
            _resolve(d, actor=actor, at=at, step=done)
        if pending:
            _start_step(d, pending[0], at, cal)
        return
    _start_step(d, pending[0], at, cal)


@transaction.atomic
def step_complete(
    *,
    actor: Actor,
    dossier: Dossier,
    step: DossierStep | int | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Finish the actor's current step and hand the dossier over to the next one."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, Status.RESOLVED, action="chuyển bước")
    s = _get_step(d, step, actor)
    require_step_role(actor, s)
    if s.started_at and s.started_at > at:
        raise IllegalTransition(
            f"Hồ sơ chỉ đến cơ quan giải quyết lúc {_local(s.started_at):%H:%M %d/%m/%Y}",
            code="not_yet_handed_over",
        )
    if s.role == "tra_ket_qua":
        return _return_result(d, s, actor=actor, at=at, method=note or "Trực tiếp")
    _finish(s, at, note)
    _save(d)
    _event(
        d,
        EventType.STEP_DONE,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        note=note,
        before=d.status,
        after=d.status,
        data={"outcome": s.outcome},
    )
    _advance(d, s, actor=actor, at=at)
    return d


@transaction.atomic
def step_assign(
    *,
    actor: Actor,
    dossier: Dossier,
    step: DossierStep | int,
    handler: Any,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> DossierStep:
    """The head of the agency assigns an officer to an active step."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    s = _get_step(d, step, actor)
    require_role(actor, s.agency, Role.LEADER)
    service_account = hasattr(handler, "api_client")  # a partner system's token, not a person
    if service_account or not has_role(handler, s.agency, STEP_ROLE.get(s.role, Role.SPECIALIST)):
        raise ValidationFailed(
            "Người được phân công không có vai trò phù hợp tại cơ quan này", code="bad_handler"
        )
    s.handler = handler
    s.save(update_fields=["handler"])
    _save(d)
    _event(
        d,
        EventType.STEP_ASSIGNED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        data={"handler": handler.get_username()},
    )
    return s


def _copy_step(step: DossierStep, **changes: Any) -> DossierStep:
    """A new pending row for a step done again or handed on (the old row keeps its history)."""
    fields = {
        "dossier": step.dossier,
        "order": step.order,
        "name": step.name,
        "role": step.role,
        "agency": step.agency,
        "budget_days": step.budget_days,
        "kind": step.kind,
        "task": step.task,
        **changes,
    }
    created = DossierStep.objects.create(**fields)
    note_written(step.dossier, "steps", [created])
    return created


@transaction.atomic
def step_send_back(
    *,
    actor: Actor,
    dossier: Dossier,
    reason: str,
    step: DossierStep | int | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Return the dossier to the previous step (e.g. the leader asks the specialist to redo)."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="trả lại bước trước")
    s = _get_step(d, step, actor)
    require_step_role(actor, s)
    if s.kind == StepKind.PARALLEL:
        # the steps before a parallel task are the lead agency's: a coordinating agency answers
        # its task (step_complete with its opinion), it does not make the lead agency redo them
        raise IllegalTransition(
            "Nhiệm vụ liên thông đồng thời không trả lại bước trước của cơ quan chủ trì; hãy "
            "hoàn thành nhiệm vụ kèm ý kiến để cơ quan chủ trì xem xét",
            code="parallel_task_send_back",
        )
    if not nfc(reason):
        raise ValidationFailed("Cần nêu lý do trả lại", code="reason_required")
    previous = (
        d.steps.filter(status=StepStatus.DONE, order__lt=s.order)
        .exclude(role="tiep_nhan")
        .order_by("-order", "-id")
        .first()
    )
    if previous is None:
        raise IllegalTransition("Không có bước trước để trả lại", code="no_previous_step")
    _finish(s, at, reason, StepStatus.SENT_BACK)
    cal = calendar_for(d.receiving_agency)
    redo = _copy_step(previous)
    _copy_step(s)  # the current step comes again after the redone one
    _start_step(d, redo, at, cal)
    _save(d)
    _event(
        d,
        EventType.STEP_SENT_BACK,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        note=reason,
        data={"to_step": redo.pk},
    )
    return d


@transaction.atomic
def dossier_transfer(
    *,
    actor: Actor,
    dossier: Dossier,
    to_agency: Agency,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Hand the current step to another agency (another level or sector) with what remains of
    its time: the agency taking it on has the step's due instant, never a full budget again,
    and keeps exactly the working seconds left (``_remaining``; ``budget_seconds``), so that a
    pause or a restart counts them again to the second."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="chuyển cơ quan khác")
    s = _get_step(d, None, actor)
    require_step_role(actor, s)
    if to_agency.pk == s.agency_id:
        raise ValidationFailed("Cơ quan nhận trùng cơ quan đang xử lý", code="same_agency")
    cal = calendar_for(d.receiving_agency)
    start, left = _remaining(s, at, cal)
    _finish(s, at, reason)
    # a coordinating agency's parallel task handed on stays a task of its group: the lead
    # agency's next step still waits for it, and the agency taking it on does not decide the
    # dossier any more than the one that gave it (_deciding_steps)
    parallel = s.kind == StepKind.PARALLEL
    _copy_step(
        s,
        name=f"{s.name} (chuyển {to_agency.short_name or to_agency.name})",
        agency=to_agency,
        kind=StepKind.PARALLEL if parallel else StepKind.TRANSFER,
        group=s.group if parallel else 0,
        task=s.task if parallel else "",
        budget_days=_days(left, cal),
        budget_seconds=left,
        status=StepStatus.ACTIVE,
        # its time counts from where the step's did: from the hand-over when the step had not
        # yet reached its agency, so that counted again after a pause it ends where it did
        started_at=start,
        due_at=_due_after(cal, start, left),
    )
    _save(d)
    _event(
        d,
        EventType.TRANSFERRED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        note=reason,
        data={"to_agency": to_agency.code},
    )
    _outbox("dossier.transferred", d, at, to_agency=to_agency.code)
    return d


def _remaining(s: DossierStep, at: dt.datetime, cal: wt.Calendar) -> tuple[dt.datetime, int]:
    """From when, and how many working seconds are left of a step's time at ``at`` (0 once its
    due instant has passed; all of it for a step not yet timed): from ``at``, or from the
    hand-over when the step had not yet reached its agency (a dossier received after 15:00 is
    handed over the next morning). No pause lies ahead: a step is passed on only while the
    dossier's clock runs."""
    start = max(at, s.started_at) if s.started_at else at
    if s.due_at is None:
        return start, _step_seconds(s, cal)
    return start, wt.elapsed(cal, start, s.due_at)


def _days(seconds: int, cal: wt.Calendar) -> Decimal:
    """Working seconds as the budget shown in days (two decimals, as the catalog's; never less
    than MIN_BUDGET)."""
    return max(MIN_BUDGET, (Decimal(seconds) / Decimal(cal.day_seconds)).quantize(MIN_BUDGET))


@dataclass
class ParallelTask:
    agency: Agency
    task: str
    days: Decimal


@transaction.atomic
def dossier_dispatch_parallel(
    *,
    actor: Actor,
    dossier: Dossier,
    tasks: Sequence[ParallelTask],
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Electronic inter-agency handling: the dossier goes to all agencies at once, each with its
    task and deadline; the next step starts when every agency has finished."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="chuyển liên thông")
    s = _get_step(d, None, actor)
    require_step_role(actor, s)
    if s.kind == StepKind.PARALLEL:
        # a new group would not hold the lead agency's next step, which waits for this one only
        raise IllegalTransition(
            "Nhiệm vụ liên thông đồng thời không chuyển liên thông tiếp; cơ quan phối hợp lấy ý "
            "kiến cơ quan khác hoặc chuyển nhiệm vụ cho cơ quan có thẩm quyền",
            code="parallel_task_dispatch",
        )
    if len(tasks) < 1 or any(t.days <= 0 or not nfc(t.task) for t in tasks):
        raise ValidationFailed(
            "Mỗi cơ quan phối hợp cần nhiệm vụ và thời hạn dương", code="bad_parallel_tasks"
        )
    _finish(s, at, "Chuyển liên thông điện tử đồng thời")
    cal = calendar_for(d.receiving_agency)
    group = (max((x.group for x in d.steps.all()), default=0) or 0) + 1
    for t in tasks:
        step = DossierStep.objects.create(
            dossier=d,
            order=s.order,
            group=group,
            kind=StepKind.PARALLEL,
            name=f"Liên thông: {nfc(t.task)}"[:255],
            task=nfc(t.task),
            role="lien_thong",
            agency=t.agency,
            budget_days=t.days,
        )
        note_written(d, "steps", [step])
        _start_step(d, step, at, cal)
    if not d.steps.filter(status=StepStatus.PENDING).exclude(role="tra_ket_qua").exists():
        # sent from the lead agency's last step: the tasks would be followed by the return alone,
        # and the coordinating agency finishing the last of them would resolve the dossier (its
        # result announced before the lead agency decided). The step that sent them comes back
        # to the lead agency after them, to take their opinions and decide (_advance).
        _copy_step(s)
    _save(d)
    _event(
        d,
        EventType.PARALLEL_DISPATCHED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        data={"group": group, "agencies": [t.agency.code for t in tasks]},
    )
    return d


@transaction.atomic
def consultation_request(
    *,
    actor: Actor,
    dossier: Dossier,
    to_agency: Agency,
    question: str,
    days: float,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Consultation:
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="lấy ý kiến")
    s = _get_step(d, None, actor)
    require_step_role(actor, s)
    if not nfc(question):
        raise ValidationFailed("Cần nội dung lấy ý kiến", code="question_required")
    cal = calendar_for(d.receiving_agency)
    c = Consultation.objects.create(
        dossier=d,
        from_agency=s.agency,
        to_agency=to_agency,
        question=nfc(question),
        requested_at=at,
        due_at=wt.due(cal, at, days),
    )
    _save(d)
    _event(
        d,
        EventType.CONSULTATION_REQUESTED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        note=question,
        data={"to_agency": to_agency.code, "due_at": c.due_at.isoformat()},
    )
    return c


@transaction.atomic
def consultation_answer(
    *,
    actor: Actor,
    consultation: Consultation,
    answer: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Consultation:
    at = _now(now)
    d = _lock(consultation.dossier, expected_version)
    c = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_role(actor, c.to_agency, Role.SPECIALIST, Role.LEADER)
    if c.answered_at is not None:
        raise IllegalTransition("Đã trả lời ý kiến này", code="already_answered")
    # an answer informs the handling: taken while the dossier is open (a supplement's pause
    # included), never once it has a result, was returned unresolved or withdrawn
    if d.status not in OPEN_STATUSES:
        raise IllegalTransition(
            f"Không thể trả lời ý kiến: hồ sơ đã kết thúc (trạng thái '{d.get_status_display()}')",
            code="dossier_finished",
        )
    if not nfc(answer):
        raise ValidationFailed("Cần nội dung trả lời", code="answer_required")
    c.answer, c.answered_at, c.answered_by = nfc(answer), at, _real(actor)
    c.save(update_fields=["answer", "answered_at", "answered_by"])
    _save(d)
    _event(
        d,
        EventType.CONSULTATION_ANSWERED,
        actor=actor,
        at=at,
        agency=c.to_agency,
        note=answer,
        data={"late": at > c.due_at},
    )
    return c
