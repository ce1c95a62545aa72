"""Lateness: the apology and the new appointment (Mẫu 04)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import has_role
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Apology,
    Dossier,
    EventType,
    FormType,
)
from motcua.dossiers.services._tx import (
    Actor,
    _active_steps,
    _event,
    _issue_form,
    _lock,
    _now,
    _outbox,
    _pauses,
    _real,
    _require_status,
    _required,
    _save,
    calendar_for,
)
from motcua.units.models import Agency, Role
from motcua.worktime import core as wt


def apology_window_open(d: Dossier, at: dt.datetime) -> bool:
    """From one working day before the due instant on (and once overdue)."""
    if d.due_at is None:
        return False
    if at >= d.due_at:
        return True
    cal = calendar_for(d.receiving_agency)
    left = wt.elapsed(cal, at, d.due_at, _pauses(d))
    return left <= cal.day_seconds


@transaction.atomic
def apology_issue(
    *,
    actor: Actor,
    dossier: Dossier,
    reason: str,
    new_appointment: dt.datetime,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Apology:
    """Mẫu 04: the responsible agency apologises and sets a new return date, once per dossier.
    Statistics still count the dossier late against its due instant."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, *OPEN_STATUSES, action="xin lỗi, hẹn lại")
    responsible = {d.processing_agency_id, *(s.agency_id for s in _active_steps(d))}
    if not any(has_role(actor, a, Role.LEADER) for a in Agency.objects.filter(pk__in=responsible)):
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan đang giải quyết hồ sơ được ký văn bản xin lỗi",
            code="permission_denied",
        )
    if Apology.objects.filter(dossier=d).exists():
        raise IllegalTransition(
            "Hồ sơ đã có văn bản xin lỗi; ngày hẹn trả chỉ được hẹn lại một lần",
            code="apology_once",
        )
    if not apology_window_open(d, at):
        raise IllegalTransition(
            "Chưa đến thời điểm xin lỗi: chỉ lập từ 01 ngày làm việc trước hạn giải quyết",
            code="apology_too_early",
        )
    if not nfc(reason):
        raise ValidationFailed("Cần nêu lý do chậm trễ", code="reason_required")
    if timezone.is_naive(new_appointment):
        raise ValidationFailed("Ngày hẹn mới thiếu múi giờ", code="naive_datetime")
    appointment = _required(d.appointment_at)
    if new_appointment <= max(appointment, at):
        raise ValidationFailed(
            "Ngày hẹn mới phải sau ngày hẹn hiện tại", code="bad_new_appointment"
        )
    agency = Agency.objects.get(pk=d.processing_agency_id)
    apology = Apology.objects.create(
        dossier=d,
        agency=agency,
        issued_at=at,
        issued_by=_real(actor),
        reason=nfc(reason),
        previous_appointment=appointment,
        new_appointment=new_appointment,
    )
    form = _issue_form(
        d,
        FormType.APOLOGY,
        agency=agency,
        actor=actor,
        at=at,
        data={
            "reason": nfc(reason),
            "previous": appointment.isoformat(),
            "new": new_appointment.isoformat(),
        },
    )
    d.appointment_at = new_appointment
    _save(d, "appointment_at")
    _event(
        d,
        EventType.APOLOGY_ISSUED,
        actor=actor,
        at=at,
        agency=agency,
        note=reason,
        data={"form": form.number, "new_appointment": new_appointment.isoformat()},
    )
    _outbox(
        "applicant.notify",
        d,
        at,
        template="apology",
        form=form.number,
        appointment=new_appointment.isoformat(),
    )
    return apology
