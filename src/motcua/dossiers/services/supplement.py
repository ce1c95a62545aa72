"""Supplement requests (Mẫu 02 during processing) and the receipt of the supplement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import STEP_ROLE, has_role, require_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    DocumentKind,
    Dossier,
    EventType,
    FormType,
    Status,
    SupplementRequest,
)
from motcua.dossiers.services._tx import (
    Actor,
    _active_steps,
    _deciding_steps,
    _due_after,
    _event,
    _issue_form,
    _local,
    _lock,
    _now,
    _outbox,
    _pauses,
    _real,
    _require_owner,
    _require_status,
    _required,
    _save,
    _save_file,
    _start_step,
    _step_seconds,
    calendar_for,
)
from motcua.units.models import Agency, Role
from motcua.worktime import core as wt


def supplement_issuer(actor: Actor, d: Dossier) -> Agency | None:
    """The agency in whose name and number series the actor's supplement request goes out, or
    None when the actor may not request it (``supplement_may_request``): the lead agency, an
    agency handling an active step itself (the dossier was transferred to it), the receiving
    desk — the first where the actor holds the role. The request is signed by the officer who
    makes it and the applicant calls that agency (REGULATIONS.md §4, Mẫu 02): it is that
    agency's form, never another agency's number signed by its officer."""
    staff = (Role.SPECIALIST, Role.LEADER, Role.COUNTER)
    if any(has_role(actor, d.processing_agency, r) for r in staff):
        return d.processing_agency
    for s in _deciding_steps(d):
        if has_role(actor, s.agency, STEP_ROLE.get(s.role, Role.SPECIALIST)):
            return s.agency
    if any(has_role(actor, d.receiving_agency, r) for r in staff):
        return d.receiving_agency
    return None


def supplement_may_request(actor: Actor, d: Dossier) -> bool:
    """Who may request the supplement during processing: the lead agency (its specialists,
    leaders and desk officers), the receiving desk, and an agency handling an active step of the
    dossier itself (a planned step, or one the dossier was transferred to).

    Not a coordinating agency holding a parallel task (``_deciding_steps``): the request is made
    "once, completely" (REGULATIONS.md §2), stops the whole dossier's clock and restarts the lead
    agency's time limit from zero, and goes out in the lead agency's name and number series. A
    coordinating agency that finds something missing finishes its task with that opinion and the
    lead agency asks for it, together with whatever else it lacks. The agency that asks issues
    the form in its own name and series (``supplement_issuer``)."""
    return supplement_issuer(actor, d) is not None


@transaction.atomic
def supplement_request(
    *,
    actor: Actor,
    dossier: Dossier,
    items: list[dict[str, Any]],
    reason: str,
    contact: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Mẫu 02 during processing: once, within the window (default 3 working days of receipt);
    the clock stops until the complete supplement arrives."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="yêu cầu bổ sung")
    issuer = supplement_issuer(actor, d)
    if issuer is None:
        raise PermissionDenied(
            "Chỉ cơ quan giải quyết hồ sơ hoặc nơi tiếp nhận được yêu cầu bổ sung hồ sơ; cơ quan "
            "phối hợp xử lý liên thông hoàn thành nhiệm vụ kèm ý kiến về giấy tờ còn thiếu để cơ "
            "quan chủ trì yêu cầu bổ sung một lần, đầy đủ",
            code="permission_denied",
        )
    if not items or not nfc(reason):
        raise ValidationFailed(
            "Cần nêu rõ giấy tờ phải bổ sung và lý do", code="supplement_items_required"
        )
    if d.supplement_requests.filter(at_intake=False).exists():
        raise IllegalTransition(
            "Hồ sơ đã được yêu cầu bổ sung một lần; theo quy định chỉ yêu cầu bổ sung một lần, "
            "đầy đủ",
            code="supplement_once",
        )
    cal = calendar_for(d.receiving_agency)
    window = float(d.procedure.supplement_window_days)
    limit = wt.due(cal, _required(d.received_at), window)
    if at > limit:
        raise IllegalTransition(
            f"Quá thời hạn yêu cầu bổ sung: chỉ được yêu cầu trong {window:g} ngày làm việc kể "
            f"từ ngày tiếp nhận (đến {_local(limit):%H:%M %d/%m/%Y}) — Điều 19 Nghị định "
            "61/2018/NĐ-CP",
            code="supplement_window_passed",
        )
    mode = "pause" if d.procedure.pause_on_supplement else "restart"
    SupplementRequest.objects.create(
        dossier=d,
        requested_at=at,
        requested_by=_real(actor),
        items=items,
        reason=nfc(reason),
        contact=nfc(contact),
        mode=mode,
    )
    form = _issue_form(
        d,
        FormType.SUPPLEMENT,
        agency=issuer,
        actor=actor,
        at=at,
        data={"items": items, "reason": nfc(reason), "contact": nfc(contact)},
    )
    before = d.status
    d.status = Status.AWAITING_SUPPLEMENT
    d.paused_at = at
    _save(d, "status", "paused_at")
    _event(
        d,
        EventType.SUPPLEMENT_REQUESTED,
        actor=actor,
        at=at,
        before=before,
        after=d.status,
        agency=issuer,
        note=reason,
        data={"form": form.number, "mode": mode},
    )
    _outbox("applicant.notify", d, at, template="supplement_request", form=form.number)
    return d


@transaction.atomic
def supplement_receive(
    *,
    actor: Actor,
    dossier: Dossier,
    files: Sequence[tuple[str, CheckedFile]] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The complete supplement arrives: the time limit restarts from zero (default) or resumes
    (procedures set to pause), and the active steps' clocks with it."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.AWAITING_SUPPLEMENT, action="nhận hồ sơ bổ sung")
    require_role(actor, d.receiving_agency, Role.COUNTER)
    return _supplement_arrived(d, files, actor=actor, at=at)


@transaction.atomic
def supplement_submit_online(
    *,
    account: Actor,
    dossier: Dossier,
    files: Sequence[tuple[str, CheckedFile]],
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The applicant sends the supplement online, from the portal account that filed the
    dossier: received at once, exactly as at the counter (``supplement_receive``): the clock
    restarts or resumes as the procedure says. Another account's dossier is not found."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_owner(d, account)
    _require_status(d, Status.AWAITING_SUPPLEMENT, action="nộp hồ sơ bổ sung")
    if not files:
        raise ValidationFailed("Chưa chọn tệp giấy tờ bổ sung", code="files_required")
    return _supplement_arrived(d, files, actor=account, at=at)


def _supplement_arrived(
    d: Dossier, files: Sequence[tuple[str, CheckedFile]], *, actor: Actor, at: dt.datetime
) -> Dossier:
    request = _required(
        d.supplement_requests.filter(fulfilled_at__isnull=True).order_by("-id").first()
    )
    paused_at = _required(d.paused_at)
    for required, checked in files:
        _save_file(
            d, checked, kind=DocumentKind.SUPPLEMENT, actor=actor, at=at, required_document=required
        )
    cal = calendar_for(d.receiving_agency)
    d.pauses = [*d.pauses, [paused_at.isoformat(), at.isoformat()]]
    old_due = d.due_at
    limit = float(d.procedure.time_limit_days)
    if request.mode == "restart":
        d.clock_started_at = wt.next_working_instant(cal, at)
        d.due_at = wt.due(cal, d.clock_started_at, limit)
        for s in _active_steps(d):
            _start_step(d, s, d.clock_started_at, cal)
    else:
        d.due_at = wt.due(cal, _required(d.clock_started_at), limit, _pauses(d))
        for s in _active_steps(d):
            s.due_at = _due_after(cal, _required(s.started_at), _step_seconds(s, cal), _pauses(d))
            s.save(update_fields=["due_at"])
    if not hasattr(d, "apology"):
        d.appointment_at = d.due_at
    request.fulfilled_at = at
    request.save(update_fields=["fulfilled_at"])
    before = d.status
    d.status = Status.IN_PROGRESS
    d.paused_at = None
    _save(d, "pauses", "clock_started_at", "due_at", "appointment_at", "status", "paused_at")
    _event(
        d,
        EventType.SUPPLEMENT_RECEIVED,
        actor=actor,
        at=at,
        before=before,
        after=d.status,
        data={
            "mode": request.mode,
            "old_due": old_due.isoformat() if old_due else None,
            "new_due": _required(d.due_at).isoformat(),
        },
    )
    _outbox(
        "applicant.notify",
        d,
        at,
        template="new_appointment",
        appointment=d.appointment_at.isoformat() if d.appointment_at else None,
    )
    return d
