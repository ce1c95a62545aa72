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
    ApologyBreach,
    Dossier,
    EventType,
    FormType,
    StepOutcome,
)
from motcua.dossiers.services._tx import (
    Actor,
    _deciding_steps,
    _event,
    _issue_form,
    _local,
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


def _clock_at(d: Dossier, at: dt.datetime) -> dt.datetime:
    """Where the dossier's clock stands at ``at``: a dossier waiting for a supplement stopped it
    when the supplement was requested."""
    return min(at, d.paused_at) if d.paused_at is not None else at


def apology_latest_at(d: Dossier, cal: wt.Calendar | None = None) -> dt.datetime | None:
    """The latest moment for an on-time apology: one working day before the due instant on the
    dossier's working calendar ("chậm nhất 01 ngày trước ngày hết hạn", REGULATIONS.md §2)."""
    if d.due_at is None:
        return None
    cal = cal or calendar_for(d.receiving_agency)
    return wt.before(cal, d.due_at, 1, _pauses(d))


def apology_on_time(d: Dossier, at: dt.datetime, cal: wt.Calendar | None = None) -> bool:
    """Whether an apology issued at ``at`` keeps the latest moment: at least one working day of
    the time limit is still left (the latest moment itself is on time)."""
    if d.due_at is None:
        return True
    cal = cal or calendar_for(d.receiving_agency)
    return wt.elapsed(cal, _clock_at(d, at), d.due_at, _pauses(d)) >= cal.day_seconds


def apology_window_open(d: Dossier, at: dt.datetime) -> bool:
    """The apology may be issued on any open dossier not yet apologised, as soon as lateness is
    foreseen; whether it would be on time is :func:`apology_on_time` (a late one is recorded as a
    breach, never refused). ``at`` is kept for callers; the answer does not depend on it."""
    return d.status in OPEN_STATUSES and not Apology.objects.filter(dossier_id=d.pk).exists()


def _late_agencies(d: Dossier) -> list[str]:
    return sorted(
        {s.agency.code for s in d.steps.filter(outcome=StepOutcome.LATE).select_related("agency")}
    )


def _breach_event(
    d: Dossier, breach: str, *, actor: Actor, at: dt.datetime, note: str, **data: object
) -> None:
    _event(
        d,
        EventType.APOLOGY_BREACH,
        actor=actor,
        at=at,
        agency=d.processing_agency,
        note=note,
        data={"breach": breach, "late_agencies": _late_agencies(d), **data},
    )


def apology_breach_on_end(d: Dossier, *, at: dt.datetime) -> bool:
    """Called by the services that end a dossier (result issued, returned unresolved, withdrawn),
    before they save it: a dossier whose clock ran past its due instant without any apology gets
    the breach "missing" (unsaved; the caller saves ``apology_breach``). Says whether it did.

    A withdrawal counts too: it is the applicant's act, but the lateness came before it, and an
    overdue dossier withdrawn without an apology must not leave the agency's record clean."""
    if d.due_at is None or d.apology_breach or Apology.objects.filter(dossier_id=d.pk).exists():
        return False
    if _clock_at(d, at) <= d.due_at:
        return False
    d.apology_breach = ApologyBreach.MISSING
    return True


def apology_breach_event_on_end(d: Dossier, *, actor: Actor, at: dt.datetime) -> None:
    """The attributable record of the "missing" breach (after the dossier row is saved)."""
    due = _required(d.due_at)
    _breach_event(
        d,
        ApologyBreach.MISSING,
        actor=actor,
        at=at,
        note=f"Hồ sơ kết thúc trễ hạn (hạn giải quyết {_local(due):%H:%M %d/%m/%Y}) mà cơ quan "
        "giải quyết không gửi văn bản xin lỗi",
        due_at=due.isoformat(),
    )


def apology_issuer(actor: Actor, d: Dossier) -> Agency | None:
    """The agency whose leader the actor is and in whose name, letterhead and number series the
    apology goes out, or None when the actor may not issue it (``apology_may_issue``): the lead
    agency, else an agency handling an active step itself (the dossier was transferred to it).
    The head of the agency that apologises signs and stamps the letter (REGULATIONS.md §4, Mẫu
    04): it is never numbered in, or printed under, another agency's name."""
    if has_role(actor, d.processing_agency, Role.LEADER):
        return d.processing_agency
    for s in _deciding_steps(d):
        if has_role(actor, s.agency, Role.LEADER):
            return s.agency
    return None


def apology_may_issue(actor: Actor, d: Dossier) -> bool:
    """Who signs the apology (Mẫu 04): a leader of the lead agency, or of an agency handling an
    active step of the dossier itself (a planned step, or one the dossier was transferred to).

    Not a coordinating agency holding a parallel task (``_deciding_steps``): the return date
    "can be re-set only once" (REGULATIONS.md §2) and is the whole dossier's, which only the
    lead agency answers for; the letter goes out in its name and number series. A coordinating
    agency that will be late says so, with the reason, when it finishes its task (its lateness is
    its step's outcome, named in the breach records); the lead agency apologises. An agency the
    dossier was transferred to apologises in its own name and series (``apology_issuer``)."""
    return apology_issuer(actor, d) is not None


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
    """Mẫu 04: the responsible agency apologises and sets a new return date, once per dossier,
    as soon as it foresees lateness. The law fixes the latest moment — one working day before
    the due instant — not the earliest: an apology after it is accepted and recorded as the
    breach "late" (on the dossier and as an event). Statistics still count the dossier late
    against its due instant."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, *OPEN_STATUSES, action="xin lỗi, hẹn lại")
    agency = apology_issuer(actor, d)
    if agency is None:
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan giải quyết hồ sơ được ký văn bản xin lỗi và hẹn lại ngày trả "
            "(chỉ hẹn lại một lần); cơ quan phối hợp xử lý liên thông nêu lý do chậm trễ khi "
            "hoàn thành nhiệm vụ để cơ quan chủ trì xin lỗi người nộp",
            code="permission_denied",
        )
    if Apology.objects.filter(dossier=d).exists():
        raise IllegalTransition(
            "Hồ sơ đã có văn bản xin lỗi; ngày hẹn trả chỉ được hẹn lại một lần",
            code="apology_once",
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
    cal = calendar_for(d.receiving_agency)
    latest = _required(apology_latest_at(d, cal))
    late = not apology_on_time(d, at, cal)
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
    if late:
        d.apology_breach = ApologyBreach.LATE
    _save(d, "appointment_at", "apology_breach")
    _event(
        d,
        EventType.APOLOGY_ISSUED,
        actor=actor,
        at=at,
        agency=agency,
        note=reason,
        data={
            "form": form.number,
            "new_appointment": new_appointment.isoformat(),
            "latest_at": latest.isoformat(),
            "on_time": not late,
        },
    )
    if late:
        _breach_event(
            d,
            ApologyBreach.LATE,
            actor=actor,
            at=at,
            note=f"Văn bản xin lỗi lập sau thời điểm chậm nhất {_local(latest):%H:%M %d/%m/%Y} "
            f"(01 ngày làm việc trước hạn giải quyết {_local(_required(d.due_at)):%H:%M %d/%m/%Y})",
            latest_at=latest.isoformat(),
            issued_at=at.isoformat(),
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
