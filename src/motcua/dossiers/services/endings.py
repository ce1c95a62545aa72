"""Endings without a result: withdrawal (stop notice), return unresolved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import has_role, require_role
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Dossier,
    EventType,
    FormType,
    Status,
    StepStatus,
)
from motcua.dossiers.services._tx import (
    Actor,
    _active_steps,
    _change_with_form,
    _deciding_steps,
    _finish,
    _lock,
    _now,
    _pauses,
    _require_status,
    _working_seconds,
    calendar_for,
)
from motcua.dossiers.services.apology import apology_breach_event_on_end, apology_breach_on_end
from motcua.units.models import Agency, Role
from motcua.worktime import core as wt


@transaction.atomic
def dossier_withdraw(
    *,
    actor: Actor,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The applicant withdraws before a decision: the desk stops the dossier (stop notice)."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    _require_status(d, *OPEN_STATUSES, action="dừng giải quyết (đã có kết quả hoặc đã kết thúc)")
    if not nfc(reason):
        raise ValidationFailed("Cần nêu lý do dừng giải quyết", code="reason_required")
    return _end(
        d,
        Status.WITHDRAWN,
        EventType.WITHDRAWN,
        FormType.STOP,
        actor=actor,
        at=at,
        reason=reason,
        agency=d.receiving_agency,
    )


@transaction.atomic
def dossier_return_unresolved(
    *,
    actor: Actor,
    dossier: Dossier,
    reasons: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Refusal after appraisal: the agency returns the dossier unresolved, with written reasons."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="trả lại hồ sơ")
    if not any(has_role(actor, s.agency, Role.LEADER) for s in _deciding_steps(d)) and not has_role(
        actor, d.processing_agency, Role.LEADER
    ):
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan giải quyết được trả lại hồ sơ; cơ quan phối hợp xử lý liên "
            "thông chỉ hoàn thành nhiệm vụ của mình và chuyển lại cơ quan chủ trì",
            code="permission_denied",
        )
    if not nfc(reasons):
        raise ValidationFailed("Phải nêu rõ lý do trả lại", code="reasons_required")
    return _end(
        d,
        Status.RETURNED,
        EventType.RETURNED_UNRESOLVED,
        FormType.REFUSAL,
        actor=actor,
        at=at,
        reason=reasons,
        agency=d.processing_agency,
        stage="appraisal",
    )


def _due_when_stopped(d: Dossier, at: dt.datetime) -> dt.datetime | None:
    """The due instant of a dossier that ends (is withdrawn) while its clock is stopped for a
    supplement (REGULATIONS.md §2: the time limit does not run while the supplement is awaited).
    Stopped before or at the due instant: the due instant moves by the stopped working time (as
    a resumed clock would), and never before the end, so that the dossier does not count late
    because the old due instant passed while nothing ran — the same reading as the apology
    rule (``apology_breach_on_end``). Stopped after it: it was already late, the due instant
    stays."""
    due, paused_at = d.due_at, d.paused_at
    if due is None or paused_at is None or paused_at > due or d.clock_started_at is None:
        return due
    cal = calendar_for(d.receiving_agency)
    moved = wt.due(cal, d.clock_started_at, float(d.procedure.time_limit_days), _pauses(d))
    return max(moved, due, at)


def _end(
    d: Dossier,
    status: str,
    event: str,
    form_type: str,
    *,
    actor: Actor,
    at: dt.datetime,
    reason: str,
    agency: Agency,
    stage: str = "",
) -> Dossier:
    for s in _active_steps(d):
        _finish(s, at, reason, StepStatus.CANCELLED)
    d.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
    missing = apology_breach_on_end(d, at=at)  # before the pause is closed: a stopped clock
    d.finished_at = at
    if d.paused_at is not None:
        d.pauses = [*d.pauses, [d.paused_at.isoformat(), at.isoformat()]]
        d.due_at = _due_when_stopped(d, at)
        d.paused_at = None
    d.working_seconds = _working_seconds(d, at)
    _change_with_form(
        d,
        status,
        event,
        form_type,
        actor=actor,
        at=at,
        agency=agency,
        note=reason,
        template=event,
        data={"reasons": nfc(reason), "stage": stage},
        fields=(
            "finished_at",
            "pauses",
            "paused_at",
            "due_at",
            "working_seconds",
            "apology_breach",
        ),
    )
    if missing:
        apology_breach_event_on_end(d, actor=actor, at=at)
    return d
