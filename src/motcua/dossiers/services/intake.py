"""Intake at the counter and by the desk: receiving, completeness (Mẫu 02), refusal (Mẫu 03).
Online submissions before receipt are in ``online``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.core.text import nfc, typed_line
from motcua.dossiers.access import require_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    Applicant,
    ApplicantKind,
    Channel,
    ChecklistItem,
    DocumentKind,
    Dossier,
    DossierStep,
    EventType,
    FormType,
    Status,
    StepStatus,
    SupplementRequest,
)
from motcua.dossiers.services._tx import (
    HANDOVER_CUTOFF,
    Actor,
    _change_with_form,
    _due_after,
    _event,
    _issue_form,
    _local,
    _lock,
    _now,
    _outbox,
    _outcome,
    _real,
    _require_status,
    _required,
    _save,
    _save_file,
    _step_seconds,
    at_operation_end,
    calendar_for,
    counter_next,
    note_written,
    track_written,
)
from motcua.dossiers.services.applicants import contact_errors, person_id_ok
from motcua.dossiers.services.routing import route_to_competent, routed_event
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level, Role
from motcua.units.selectors import same_province
from motcua.worktime import core as wt


@dataclass
class ApplicantData:
    name: str
    id_number: str
    kind: str = ApplicantKind.PERSON
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class ChecklistEntry:
    name: str
    originals: int = 0
    copies: int = 0
    submitted: bool = True
    mandatory: bool = True


@dataclass
class Intake:
    """What the counter officer (or the online form) collects."""

    procedure: Procedure
    applicant: ApplicantData
    request: str = ""
    checklist: list[ChecklistEntry] = field(default_factory=list)
    scans: list[tuple[str, CheckedFile]] = field(default_factory=list)  # (document, file)
    proxy_name: str = ""
    proxy_id_number: str = ""
    sets: int = 1
    result_place: str = ""
    # the application form as filled (motcua.eforms), validated by its form at the door
    form_data: dict[str, Any] = field(default_factory=dict)
    # intake regardless of residence (issue 11): the competent agency when it is not the desk's
    # own (another commune's People's Committee, a department); see services/routing.py
    competent_agency: Agency | None = None


@dataclass(frozen=True)
class GivenApplicant:
    """The applicant of one dossier: the register row (found or created) and the data given for
    this dossier, normalised. The dossier keeps ``data`` as its snapshot."""

    person: Applicant
    data: ApplicantData


def _check_proxy(intake: Intake) -> None:
    """The authorised person who files for the applicant (if any): an ID number of 0–9 only,
    12 digits (CCCD) or 9 (CMND), and a name with letters."""
    name, idn = typed_line(intake.proxy_name), "".join(intake.proxy_id_number.split())
    if not name and not idn:
        return
    if not any(ch.isalpha() for ch in name) or not person_id_ok(idn):
        raise ValidationFailed(
            "Thông tin người được ủy quyền nộp không hợp lệ: cần họ tên và số định danh gồm 12 "
            "chữ số (CCCD) hoặc 9 chữ số (CMND)",
            code="bad_proxy",
        )


def _applicant(data: ApplicantData) -> GivenApplicant:
    """Check what was given, find the person in the register (or add them) and never change an
    existing register row: other agencies' dossiers link to it. What was typed here goes into
    this dossier's snapshot only; a registered contact changes through
    ``applicant_contact_change`` (audited)."""
    given = ApplicantData(
        name=typed_line(data.name),
        id_number="".join(data.id_number.split()),
        kind=data.kind,
        phone=typed_line(data.phone),
        email=data.email.strip(),
        address=typed_line(data.address),
    )
    idn = given.id_number
    errors = contact_errors(
        name=given.name, phone=given.phone, email=given.email, address=given.address
    )
    if given.kind not in ApplicantKind.values:
        errors.append("Loại người nộp không hợp lệ")
    if given.kind == ApplicantKind.PERSON and not person_id_ok(idn):
        errors.append("Số định danh cá nhân phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND)")
    if given.kind == ApplicantKind.ORGANISATION and not (idn and len(idn) <= 20):
        errors.append("Thiếu mã số của tổ chức")
    if errors:
        raise ValidationFailed("; ".join(errors), code="bad_applicant", details=errors)
    person = Applicant.objects.filter(kind=given.kind, id_number=idn).first()
    if person is None:
        try:
            with transaction.atomic():  # the same person at two counters at once
                person = Applicant.objects.create(
                    kind=given.kind,
                    id_number=idn,
                    name=given.name,
                    phone=given.phone,
                    email=given.email,
                    address=given.address,
                )
        except IntegrityError:
            person = Applicant.objects.get(kind=given.kind, id_number=idn)
    return GivenApplicant(person, given)


def _check_procedure_at_desk(procedure: Procedure, desk: Agency, on: dt.date) -> None:
    if procedure.status == ProcedureStatus.DRAFT or not (
        (procedure.valid_from is None or procedure.valid_from <= on)
        and (procedure.valid_to is None or procedure.valid_to >= on)
    ):
        raise ValidationFailed(
            f"Thủ tục {procedure.code} không có hiệu lực vào ngày {on:%d/%m/%Y}",
            code="procedure_not_in_force",
        )
    level_ok = {
        Level.PROVINCE: procedure.at_province,
        Level.DISTRICT: procedure.at_district,
        Level.COMMUNE: procedure.at_commune,
    }[Level(desk.level)]
    if not level_ok:
        raise ValidationFailed(
            f"Thủ tục {procedure.code} không thực hiện tại {Level(desk.level).label.lower()}",
            code="procedure_wrong_level",
        )
    if not desk.receives_dossiers:
        raise ValidationFailed(f"{desk.name} không tiếp nhận hồ sơ", code="not_a_desk")
    if procedure.agency is not None and not same_province(procedure.agency.unit_id, desk.unit_id):
        # a procedure decided by a named agency is that agency's province's: another
        # province's desk (a token of the national portal, a counter) cannot file it there
        raise ValidationFailed(
            f"Thủ tục {procedure.code} do {procedure.agency.name} giải quyết, "  # type: ignore[union-attr]
            f"không thuộc tỉnh của {desk.name}",
            code="procedure_other_province",
        )


def _committee_at(unit: AdministrativeUnit, level: int) -> Agency | None:
    walk: AdministrativeUnit | None = unit
    while walk is not None and walk.level > level:
        walk = walk.parent
    if walk is None or walk.level != level:
        return None
    return Agency.objects.filter(unit=walk, kind=AgencyKind.PEOPLES_COMMITTEE).first()


def _processing_agency(procedure: Procedure, desk: Agency) -> Agency:
    if procedure.agency_id is not None:
        return procedure.agency  # type: ignore[return-value]
    if desk.kind == AgencyKind.ONE_STOP_DESK and desk.parent is not None:
        return desk.parent
    committee = _committee_at(desk.unit, desk.level)
    return committee or desk


def _step_agency(
    role: str, level: int | None, agency: Agency | None, desk: Agency, lead: Agency
) -> Agency:
    if agency is not None:
        return agency
    if role in ("tiep_nhan", "tra_ket_qua"):
        return desk
    if level is not None and level < desk.level:
        upper = _committee_at(desk.unit, level)
        if upper is None:
            raise ValidationFailed(
                f"Không xác định được cơ quan {Level(level).label.lower()} để liên thông",
                code="no_upper_agency",
            )
        return upper
    return lead


def _after_cutoff(received: dt.datetime, channel: str) -> bool:
    """A counter or postal dossier received after the hand-over cut-off: Decree 61 Art. 16
    says "sau 15 giờ" — after 15:00, so 15:00:00 itself is the same day and any instant later
    (15:00:00.000001 on) is after it."""
    local = _local(received)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    cutoff = wt.parse_hhmm(HANDOVER_CUTOFF)
    return channel != Channel.ONLINE and (
        seconds > cutoff or (seconds == cutoff and local.microsecond > 0)
    )


def _clock(
    cal: wt.Calendar, received: dt.datetime, channel: str, limit_days: float
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(hand-over, clock start, due instant) of a dossier received at ``received``.

    REGULATIONS.md §1 and ADR 0003: the 15:00 rule governs the hand-over — a counter dossier
    received after the cut-off reaches the processing agency at the start of the next working
    day — while the legal time limit counts from the receipt, unless the calendar is set to
    count it from the next morning too. A limit counted from a receipt after the cut-off never
    ends on the day of receipt ("in the day" procedures are then resolved the next working day):
    should it (a limit shorter than the rest of the afternoon), it counts from the hand-over."""
    after = _after_cutoff(received, channel)
    received_clock = wt.next_working_instant(cal, received)
    handover = wt.next_working_day_start(cal, received) if after else received_clock
    start = handover if cal.spec.count_from_next_morning_after_cutoff else received_clock
    due = wt.due(cal, start, limit_days)
    if after and _local(due).date() == _local(received).date():
        start = handover
        due = wt.due(cal, start, limit_days)
    return handover, start, due


def _create_steps(
    dossier: Dossier, procedure: Procedure, desk: Agency, lead: Agency, cal: wt.Calendar
) -> list[DossierStep]:
    steps = [
        DossierStep(
            dossier=dossier,
            order=s.order,
            name=s.name,
            role=s.role,
            agency=_step_agency(s.role, s.level, s.agency, desk, lead),
            budget_days=s.budget_days,
        )
        for s in procedure.steps.select_related("agency").order_by("order")
    ]
    if not steps:
        steps.append(
            DossierStep(
                dossier=dossier,
                order=1,
                name="Giải quyết hồ sơ",
                role="chuyen_vien",
                agency=lead,
                budget_days=procedure.time_limit_days,
            )
        )
    # the desk's receipt is done at the counter; the next step starts at hand-over. The states
    # are set before the rows are written: one INSERT for every step (BENCHMARKS.md, issue 9)
    first = steps[0]
    received, handover = _required(dossier.received_at), _required(dossier.handed_over_at)
    rest = steps
    if first.role == "tiep_nhan":
        _started(first, received, cal)
        first.status = StepStatus.DONE
        first.finished_at = handover
        first.outcome = _outcome(first, handover)
        rest = steps[1:]
    if rest:
        _started(rest[0], handover, cal)
    created = DossierStep.objects.bulk_create(steps)
    note_written(dossier, "steps", created)
    return created


def _started(step: DossierStep, start: dt.datetime, cal: wt.Calendar) -> None:
    """``_tx._start_step`` on a step not yet written."""
    step.status = StepStatus.ACTIVE
    step.started_at = start
    step.due_at = _due_after(cal, start, _step_seconds(step, cal))


def _receive(
    dossier: Dossier,
    intake: Intake | None,
    *,
    actor: Actor,
    desk: Agency,
    received: dt.datetime,
    before: str,
) -> Dossier:
    """The receipt of a dossier already stored (a submission from the online queue, a postal
    or guided one): its receipt fields written, then ``_received``."""
    cal = _receipt(dossier, desk, received)
    _save(
        dossier,
        "code",
        "received_at",
        "handed_over_at",
        "clock_started_at",
        "due_at",
        "appointment_at",
        "status",
        "book_year",
        "book_number",
        "result_place",
    )
    return _received(dossier, actor=actor, desk=desk, received=received, before=before, cal=cal)


#: the dossier codes a desk gives in a day: the code's sequence has four digits (Decree 61 Art.
#: 26, ``<agency>-<YYMMDD>-<XXXX>``; the load bench checks what is left of them)
MAX_CODES_A_DAY = 9999


def _receipt(dossier: Dossier, desk: Agency, received: dt.datetime) -> wt.Calendar:
    """The receipt's fields set on the dossier (not written): its code and book number (the
    desk's counters), the clock, the due instant. Returns the desk's calendar."""
    procedure = dossier.procedure
    cal = calendar_for(desk)
    local = _local(received)
    seq = counter_next("dossier_code", f"{desk.pk}:{local:%y%m%d}")
    if seq > MAX_CODES_A_DAY:
        raise ValidationFailed("Đã hết số thứ tự hồ sơ trong ngày", code="code_exhausted")
    dossier.code = f"{desk.code}-{local:%y%m%d}-{seq:04d}"
    dossier.received_at = received
    dossier.handed_over_at, dossier.clock_started_at, dossier.due_at = _clock(
        cal, received, dossier.channel, float(procedure.time_limit_days)
    )
    dossier.appointment_at = dossier.due_at
    dossier.status = Status.IN_PROGRESS
    dossier.book_year = local.year
    dossier.book_number = counter_next("book", f"{desk.pk}:{local.year}")
    if not dossier.result_place:
        dossier.result_place = desk.name
    return cal


def _received(
    dossier: Dossier,
    *,
    actor: Actor,
    desk: Agency,
    received: dt.datetime,
    before: str,
    cal: wt.Calendar,
    fresh: bool = False,
) -> Dossier:
    """What follows the receipt of a stored dossier: its steps, the receipt (Mẫu 01), the
    events, the outbox, the fees due. ``fresh``: the dossier was written in this transaction."""
    procedure = dossier.procedure
    _create_steps(dossier, procedure, desk, dossier.processing_agency, cal)
    receipt = _issue_form(dossier, FormType.RECEIPT, agency=desk, actor=actor, at=received)
    _event(
        dossier,
        EventType.RECEIVED,
        actor=actor,
        at=received,
        before=before,
        after=dossier.status,
        agency=desk,
        data={
            "receipt": receipt.number,
            "due_at": dossier.due_at.isoformat(),
            "handed_over_at": dossier.handed_over_at.isoformat(),
            "clock_started_at": dossier.clock_started_at.isoformat(),
        },
    )
    if dossier.handed_over_at > received:
        _event(
            dossier,
            EventType.HANDED_OVER,
            actor=None,
            at=received,
            agency=desk,
            note="Tiếp nhận sau giờ chuyển hồ sơ trong ngày: chuyển cơ quan giải quyết "
            "vào đầu ngày làm việc tiếp theo",
            data={"handed_over_at": dossier.handed_over_at.isoformat()},
        )
    _outbox("dossier.received", dossier, received, due_at=dossier.due_at.isoformat())
    # the fees due (payments app), in this same transaction; nothing for a procedure without fees
    from motcua.payments.services import payment_request_for_received

    payment_request_for_received(dossier=dossier, actor=actor, at=received, fresh=fresh)
    return dossier


def _new_dossier(
    procedure: Procedure,
    applicant: GivenApplicant,
    desk: Agency,
    channel: str,
    at: dt.datetime,
    *,
    request: str = "",
    result_place: str = "",
    write: bool = True,
    **extra: Any,
) -> Dossier:
    """A dossier as submitted (not yet received): the one place that creates dossier rows.
    ``write=False``: not written yet (the counter's intake writes it once, received)."""
    dossier = Dossier(
        procedure=procedure,
        applicant=applicant.person,
        # the snapshot: what was given for THIS dossier (forms print it, notices go to it)
        applicant_name=applicant.data.name,
        applicant_id_number=applicant.data.id_number,
        applicant_kind=applicant.data.kind,
        applicant_phone=applicant.data.phone,
        applicant_email=applicant.data.email,
        applicant_address=applicant.data.address,
        request=nfc(request),
        channel=channel,
        receiving_agency=desk,
        processing_agency=_processing_agency(procedure, desk),
        status=Status.SUBMITTED,
        level=procedure.level,
        submitted_at=at,
        result_place=nfc(result_place),
        **extra,
    )
    track_written(dossier)
    if write:
        dossier.refresh_search_text()
        dossier.save()
    return dossier


@transaction.atomic
def dossier_receive(
    *,
    actor: Actor,
    desk: Agency,
    intake: Intake,
    channel: str = Channel.COUNTER,
    now: dt.datetime | None = None,
) -> Dossier:
    """Counter (or postal) intake of a complete dossier: code, receipt (Mẫu 01), due instant."""
    with at_operation_end():  # the daily counts and the audit entries once, at the end
        return _dossier_receive(actor=actor, desk=desk, intake=intake, channel=channel, now=now)


def _dossier_receive(
    *, actor: Actor, desk: Agency, intake: Intake, channel: str, now: dt.datetime | None
) -> Dossier:
    at = _now(now)
    require_role(actor, desk, Role.COUNTER)
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise ValidationFailed(
            "Hồ sơ trực tuyến được tiếp nhận từ hàng chờ trực tuyến", code="bad_channel"
        )
    _check_procedure_at_desk(intake.procedure, desk, _local(at).date())
    missing = [c.name for c in intake.checklist if c.mandatory and not c.submitted]
    if missing:
        raise ValidationFailed(
            "Hồ sơ chưa đầy đủ, cần hướng dẫn bổ sung (Mẫu 02): " + "; ".join(missing),
            code="incomplete_dossier",
            details=missing,
        )
    _check_proxy(intake)
    applicant = _applicant(intake.applicant)
    dossier = _new_dossier(
        intake.procedure,
        applicant,
        desk,
        channel,
        at,
        request=intake.request,
        result_place=intake.result_place,
        proxy_name=typed_line(intake.proxy_name),
        proxy_id_number=intake.proxy_id_number.strip(),
        sets=max(1, intake.sets),
        form_data=dict(intake.form_data),
        write=False,
    )
    # received at once: the row is written once, with its receipt (an INSERT and an UPDATE of
    # every index before, issue 9)
    cal = _receipt(dossier, desk, at)
    _save(dossier)
    _record_checklist(dossier, intake.checklist)
    for required, checked in intake.scans:
        _save_file(
            dossier,
            checked,
            kind=DocumentKind.INPUT_SCAN,
            actor=actor,
            at=at,
            required_document=required,
        )
    routed = route_to_competent(dossier, intake.competent_agency, desk=desk, at=at)
    received = _received(
        dossier, actor=actor, desk=desk, received=at, before="", cal=cal, fresh=True
    )
    if routed:
        routed_event(received, actor=actor, desk=desk, at=at)
    return received


def _void_prepayment(d: Dossier, *, actor: Actor, at: dt.datetime, reason: str) -> None:
    # a prepayment request of a dossier never received (payments app), in the same transaction
    from motcua.payments.services import payment_request_void_unreceived

    payment_request_void_unreceived(dossier=d, actor=actor, at=at, reason=reason)


@transaction.atomic
def dossier_return_for_completion(
    *,
    actor: Actor,
    dossier: Dossier,
    items: list[dict[str, Any]],
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Intake check of an online submission: incomplete → guide once, completely (Mẫu 02)."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    _require_status(d, Status.SUBMITTED, action="yêu cầu hoàn thiện")
    if not items or not nfc(reason):
        raise ValidationFailed(
            "Cần nêu rõ giấy tờ phải bổ sung và lý do", code="supplement_items_required"
        )
    SupplementRequest.objects.create(
        dossier=d,
        requested_at=at,
        requested_by=_real(actor),
        at_intake=True,
        items=items,
        reason=nfc(reason),
        mode="restart",
    )
    _change_with_form(
        d,
        Status.NEEDS_COMPLETION,
        EventType.RETURNED_FOR_COMPLETION,
        FormType.SUPPLEMENT,
        actor=actor,
        at=at,
        agency=d.receiving_agency,
        note=reason,
        template="supplement_request",
        data={"items": items, "reason": nfc(reason)},
    )
    return d


@transaction.atomic
def dossier_refuse(
    *,
    actor: Actor,
    dossier: Dossier,
    reasons: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Refuse at intake (Mẫu 03): the dossier is never received."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    _require_status(d, Status.SUBMITTED, Status.NEEDS_COMPLETION, action="từ chối tiếp nhận")
    if not nfc(reasons):
        raise ValidationFailed("Phải nêu rõ lý do từ chối", code="reasons_required")
    _change_with_form(
        d,
        Status.REFUSED,
        EventType.REFUSED,
        FormType.REFUSAL,
        actor=actor,
        at=at,
        agency=d.receiving_agency,
        note=reasons,
        template="refusal",
        data={"reasons": nfc(reasons), "stage": "intake"},
    )
    _void_prepayment(d, actor=actor, at=at, reason=f"Từ chối tiếp nhận hồ sơ: {nfc(reasons)}")
    return d


@transaction.atomic
def counter_refuse(
    *, actor: Actor, desk: Agency, intake: Intake, reasons: str, now: dt.datetime | None = None
) -> Dossier:
    """A paper dossier refused at the counter: recorded (no code) with its Mẫu 03."""
    at = _now(now)
    require_role(actor, desk, Role.COUNTER)
    _check_proxy(intake)
    applicant = _applicant(intake.applicant)
    d = _new_dossier(intake.procedure, applicant, desk, Channel.COUNTER, at, request=intake.request)
    return dossier_refuse(actor=actor, dossier=d, reasons=reasons, now=at)


# ---- counter guidance: Mẫu 02 for an incomplete paper dossier ---------------------------------


@transaction.atomic
def counter_guidance_issue(
    *,
    actor: Actor,
    desk: Agency,
    intake: Intake,
    missing: list[dict[str, Any]],
    reason: str,
    now: dt.datetime | None = None,
) -> Dossier:
    """An incomplete paper dossier at the counter: guide the applicant once, completely (Mẫu 02).

    The dossier is recorded the way an incomplete online submission is: a dossier row with no
    code (it is not received), its checklist as checked, a ``SupplementRequest(at_intake=True)``
    listing ``missing`` (rows ``{"name", "originals", "copies"}``) with the reason, the numbered
    Mẫu 02 (printable from the dossier page) and the ``returned_for_completion`` event; status
    ``NEEDS_COMPLETION``. Scans are not kept: the applicant takes the papers back.

    When the applicant comes back with the complete dossier, the counter officer receives it
    from that same record (``counter_guidance_receive``): it gets its code, receipt and due
    instant then, and its supplement request stays with it, so index 3 of the per-dossier
    evaluation (times the applicant had to come back) counts this return.
    """
    at = _now(now)
    require_role(actor, desk, Role.COUNTER)
    _check_procedure_at_desk(intake.procedure, desk, _local(at).date())
    if not missing or not nfc(reason):
        raise ValidationFailed(
            "Cần nêu rõ giấy tờ phải bổ sung và lý do", code="supplement_items_required"
        )
    _check_proxy(intake)
    applicant = _applicant(intake.applicant)
    d = _new_dossier(
        intake.procedure,
        applicant,
        desk,
        Channel.COUNTER,
        at,
        request=intake.request,
        result_place=intake.result_place,
        proxy_name=typed_line(intake.proxy_name),
        proxy_id_number=intake.proxy_id_number.strip(),
        sets=max(1, intake.sets),
        form_data=dict(intake.form_data),
    )
    _record_checklist(d, intake.checklist)
    return dossier_return_for_completion(
        actor=actor, dossier=d, items=missing, reason=reason, now=at
    )


@transaction.atomic
def counter_guidance_receive(
    *,
    actor: Actor,
    dossier: Dossier,
    checklist: list[ChecklistEntry],
    scans: Sequence[tuple[str, CheckedFile]] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The applicant guided at the counter (Mẫu 02) is back with the complete dossier: the
    checklist is checked again and the dossier received from its record (code, Mẫu 01, due
    instant counted from now, the receipt of the complete dossier)."""
    with at_operation_end():
        return _guidance_receive(actor, dossier, checklist, scans, expected_version, now)


def _guidance_receive(
    actor: Actor,
    dossier: Dossier,
    checklist: list[ChecklistEntry],
    scans: Sequence[tuple[str, CheckedFile]],
    expected_version: int | None,
    now: dt.datetime | None,
) -> Dossier:
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    _require_status(d, Status.NEEDS_COMPLETION, action="tiếp nhận hồ sơ đã hoàn thiện")
    if d.channel == Channel.ONLINE:
        raise IllegalTransition(
            "Hồ sơ trực tuyến được người nộp hoàn thiện trên Cổng dịch vụ công",
            code="bad_channel",
        )
    _check_procedure_at_desk(d.procedure, d.receiving_agency, _local(at).date())
    missing = [c.name for c in checklist if c.mandatory and not c.submitted]
    if missing:
        raise ValidationFailed(
            "Hồ sơ vẫn chưa đầy đủ: " + "; ".join(missing),
            code="incomplete_dossier",
            details=missing,
        )
    d.checklist.all().delete()
    _record_checklist(d, checklist)
    for required, checked in scans:
        _save_file(
            d, checked, kind=DocumentKind.INPUT_SCAN, actor=actor, at=at, required_document=required
        )
    d.supplement_requests.filter(at_intake=True, fulfilled_at__isnull=True).update(fulfilled_at=at)
    return _receive(
        d, None, actor=actor, desk=d.receiving_agency, received=at, before=Status.NEEDS_COMPLETION
    )


def _record_checklist(dossier: Dossier, checklist: list[ChecklistEntry]) -> None:
    ChecklistItem.objects.bulk_create(  # one INSERT for the whole checklist
        ChecklistItem(
            dossier=dossier,
            order=i,
            name=nfc(c.name),
            originals=c.originals,
            copies=c.copies,
            submitted=c.submitted,
        )
        for i, c in enumerate(checklist, start=1)
    )
