"""The only code that changes a dossier's state.

Every function here checks the actor's permission and the dossier's state, locks the dossier,
writes the new state, one immutable event row and the outbox rows, all in one transaction. An
illegal transition raises a ``DomainError`` (Vietnamese message, stable code) and changes nothing.
Times come in as ``now`` (default: the clock) so that the demo and the tests can replay history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import STEP_ROLE, has_role, require_role, require_step_role
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Apology,
    Applicant,
    ApplicantKind,
    Channel,
    ChecklistItem,
    Consultation,
    Counter,
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    DossierStep,
    EventType,
    FormType,
    IssuedForm,
    Outbox,
    Rating,
    Status,
    StepKind,
    StepOutcome,
    StepStatus,
    SupplementRequest,
)
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level, Role
from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_get

Actor = AbstractBaseUser | AnonymousUser | None

# Decree 61/2018 Art. 16: counter dossiers received after 15:00 reach the processing agency at
# the start of the next working day. MOTCUA_HANDOVER_CUTOFF overrides it ("HH:MM").
HANDOVER_CUTOFF = getattr(settings, "MOTCUA_HANDOVER_CUTOFF", "15:00")


# ---- plumbing -----------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed("Thời điểm thiếu múi giờ", code="naive_datetime")
    return moment


def calendar_for(agency: Agency) -> wt.Calendar:
    """The calendar of the agency's province (the first unit up the tree that names one)."""
    unit: AdministrativeUnit | None = agency.unit
    seen = 0
    while unit is not None and seen < 10:
        if unit.calendar_id is not None:
            return calendar_get(unit.calendar.code)  # type: ignore[union-attr]
        unit = unit.parent
        seen += 1
    return calendar_get()


def _label(actor: Actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "hệ thống"
    full = f"{getattr(actor, 'last_name', '')} {getattr(actor, 'first_name', '')}".strip()
    return full or actor.get_username()


def _real(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def counter_next(scope: str, key: str) -> int:
    """Atomically increment and return a sequence (one SQL statement on both databases)."""
    table = Counter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (scope, key, value) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (scope, key) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [scope, key],
        )
        row = cur.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("counter did not return a value")
    return int(row[0])


T = TypeVar("T")


def _required(value: T | None) -> T:
    """A value the state machine guarantees in this state; its absence is corrupt data."""
    if value is None:
        raise IllegalTransition("Dữ liệu hồ sơ không nhất quán", code="inconsistent_dossier")
    return value


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _event(
    dossier: Dossier,
    kind: str,
    *,
    actor: Actor,
    at: dt.datetime,
    before: str = "",
    after: str = "",
    note: str = "",
    step: DossierStep | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        type=kind,
        at=at,
        actor=_real(actor),
        actor_label=_label(actor),
        agency=agency,
        from_status=before,
        to_status=after,
        step=step,
        note=nfc(note),
        data=data or {},
    )


def _outbox(topic: str, dossier: Dossier, at: dt.datetime, **payload: Any) -> None:
    Outbox.objects.create(
        topic=topic,
        dossier=dossier,
        created_at=at,
        payload={"code": dossier.code, "status": dossier.status, **payload},
    )


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    locked = (
        Dossier.objects.select_for_update()
        .select_related("procedure", "receiving_agency__unit", "processing_agency__unit")
        .get(pk=dossier.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise IllegalTransition(
            "Hồ sơ vừa được cán bộ khác cập nhật. Vui lòng tải lại trang rồi thực hiện lại.",
            code="stale_dossier",
        )
    return locked


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.refresh_search_text()
    dossier.save(update_fields=[*fields, "version", "search_text"])


def _require_status(dossier: Dossier, *allowed: str, action: str) -> None:
    if dossier.status not in allowed:
        raise IllegalTransition(
            f"Không thể {action}: hồ sơ đang ở trạng thái '{dossier.get_status_display()}'",
            code="illegal_transition",
        )


def _issue_form(
    dossier: Dossier,
    form: str,
    *,
    agency: Agency,
    actor: Actor,
    at: dt.datetime,
    data: dict[str, Any] | None = None,
) -> IssuedForm:
    year = _local(at).year
    number = counter_next("form", f"{agency.pk}:{form}:{year}")
    return IssuedForm.objects.create(
        dossier=dossier,
        form=form,
        number=number,
        year=year,
        agency=agency,
        issued_at=at,
        issued_by=_real(actor),
        data=data or {},
    )


def _pauses(dossier: Dossier) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in dossier.pauses]


def _outcome(step: DossierStep, finished: dt.datetime) -> str:
    if step.due_at is None:
        return StepOutcome.ON_TIME
    if finished > step.due_at:
        return StepOutcome.LATE
    if _local(finished).date() < _local(step.due_at).date():
        return StepOutcome.EARLY
    return StepOutcome.ON_TIME


def _start_step(dossier: Dossier, step: DossierStep, start: dt.datetime, cal: wt.Calendar) -> None:
    step.status = StepStatus.ACTIVE
    step.started_at = start
    step.due_at = wt.due(cal, start, float(step.budget_days))
    step.save(update_fields=["status", "started_at", "due_at"])


def _save_file(
    dossier: Dossier,
    checked: CheckedFile,
    *,
    kind: str,
    actor: Actor,
    at: dt.datetime,
    required_document: str = "",
    signer: str = "",
    signed_at: dt.datetime | None = None,
) -> Document:
    doc = Document(
        dossier=dossier,
        kind=kind,
        required_document=nfc(required_document),
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=_real(actor),
        uploaded_at=at,
        signer=nfc(signer),
        signed_at=signed_at,
    )
    doc.file.save(f"{checked.sha256[:16]}-{checked.name}", ContentFile(checked.data), save=False)
    doc.save()
    # the statistics flags follow from what is attached
    if kind in (DocumentKind.INPUT_SCAN, DocumentKind.INPUT_ELECTRONIC) and not dossier.digitized:
        dossier.digitized = True
        dossier.save(update_fields=["digitized"])
    if kind == DocumentKind.RESULT_ELECTRONIC and not dossier.electronic_result:
        dossier.electronic_result = True
        dossier.save(update_fields=["electronic_result"])
    return doc


# ---- intake -------------------------------------------------------------------------------------


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


def _applicant(data: ApplicantData) -> Applicant:
    errors = []
    if not nfc(data.name):
        errors.append("Thiếu họ tên người nộp")
    idn = "".join(data.id_number.split())
    if data.kind == ApplicantKind.PERSON and not (idn.isdigit() and len(idn) in (9, 12)):
        errors.append("Số định danh cá nhân phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND)")
    if data.kind == ApplicantKind.ORGANISATION and not (idn and len(idn) <= 20):
        errors.append("Thiếu mã số của tổ chức")
    if errors:
        raise ValidationFailed("; ".join(errors), code="bad_applicant", details=errors)
    applicant = Applicant.objects.filter(kind=data.kind, id_number=idn).first()
    if applicant is None:
        try:
            with transaction.atomic():  # the same person at two counters at once
                applicant = Applicant.objects.create(
                    kind=data.kind, id_number=idn, name=nfc(data.name)
                )
        except IntegrityError:
            applicant = Applicant.objects.get(kind=data.kind, id_number=idn)
    applicant.name = nfc(data.name)
    applicant.phone = nfc(data.phone)
    applicant.email = data.email.strip()
    applicant.address = nfc(data.address)
    applicant.full_clean(validate_unique=False)
    applicant.save()
    return applicant


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


def _handover(cal: wt.Calendar, received: dt.datetime, channel: str) -> dt.datetime:
    cutoff = wt.parse_hhmm(HANDOVER_CUTOFF)
    local = _local(received)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    if channel != Channel.ONLINE and seconds >= cutoff:
        return wt.next_working_day_start(cal, received)
    return wt.next_working_instant(cal, received)


def _create_steps(
    dossier: Dossier, procedure: Procedure, desk: Agency, lead: Agency, cal: wt.Calendar
) -> list[DossierStep]:
    steps = [
        DossierStep.objects.create(
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
            DossierStep.objects.create(
                dossier=dossier,
                order=1,
                name="Giải quyết hồ sơ",
                role="chuyen_vien",
                agency=lead,
                budget_days=procedure.time_limit_days,
            )
        )
    # the desk's receipt is done at the counter; the next step starts at hand-over
    first = steps[0]
    received, handover = _required(dossier.received_at), _required(dossier.handed_over_at)
    rest = steps
    if first.role == "tiep_nhan":
        _start_step(dossier, first, received, cal)
        first.status = StepStatus.DONE
        first.finished_at = handover
        first.outcome = _outcome(first, handover)
        first.save(update_fields=["status", "finished_at", "outcome"])
        rest = steps[1:]
    if rest:
        _start_step(dossier, rest[0], handover, cal)
    return steps


def _receive(
    dossier: Dossier,
    intake: Intake | None,
    *,
    actor: Actor,
    desk: Agency,
    received: dt.datetime,
    before: str,
) -> Dossier:
    procedure = dossier.procedure
    cal = calendar_for(desk)
    local = _local(received)
    seq = counter_next("dossier_code", f"{desk.pk}:{local:%y%m%d}")
    if seq > 9999:
        raise ValidationFailed("Đã hết số thứ tự hồ sơ trong ngày", code="code_exhausted")
    dossier.code = f"{desk.code}-{local:%y%m%d}-{seq:04d}"
    dossier.received_at = received
    dossier.handed_over_at = _handover(cal, received, dossier.channel)
    dossier.clock_started_at = dossier.handed_over_at
    dossier.due_at = wt.due(cal, dossier.handed_over_at, float(procedure.time_limit_days))
    dossier.appointment_at = dossier.due_at
    dossier.status = Status.IN_PROGRESS
    dossier.book_year = local.year
    dossier.book_number = counter_next("book", f"{desk.pk}:{local.year}")
    if not dossier.result_place:
        dossier.result_place = desk.name
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
    return dossier


def _new_dossier(
    procedure: Procedure,
    applicant: Applicant,
    desk: Agency,
    channel: str,
    at: dt.datetime,
    *,
    request: str = "",
    result_place: str = "",
    **extra: Any,
) -> Dossier:
    """A dossier as submitted (not yet received): the one place that creates dossier rows."""
    dossier = Dossier(
        procedure=procedure,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
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
    applicant = _applicant(intake.applicant)
    dossier = _new_dossier(
        intake.procedure,
        applicant,
        desk,
        channel,
        at,
        request=intake.request,
        result_place=intake.result_place,
        proxy_name=nfc(intake.proxy_name),
        proxy_id_number=intake.proxy_id_number.strip(),
        sets=max(1, intake.sets),
    )
    for i, c in enumerate(intake.checklist, start=1):
        ChecklistItem.objects.create(
            dossier=dossier,
            order=i,
            name=nfc(c.name),
            originals=c.originals,
            copies=c.copies,
            submitted=c.submitted,
        )
    for required, checked in intake.scans:
        _save_file(
            dossier,
            checked,
            kind=DocumentKind.INPUT_SCAN,
            actor=actor,
            at=at,
            required_document=required,
        )
    return _receive(dossier, intake, actor=actor, desk=desk, received=at, before="")


@transaction.atomic
def dossier_submit_online(
    *,
    applicant: ApplicantData,
    procedure: Procedure,
    desk: Agency,
    request: str = "",
    files: Sequence[tuple[str, CheckedFile]] = (),
    now: dt.datetime | None = None,
) -> Dossier:
    """An online submission: waits for the counter officer's check; not received yet."""
    at = _now(now)
    _check_procedure_at_desk(procedure, desk, _local(at).date())
    person = _applicant(applicant)
    dossier = _new_dossier(
        procedure,
        person,
        desk,
        Channel.ONLINE,
        at,
        request=request,
        result_place="Trả kết quả trực tuyến",
    )
    for required, checked in files:
        _save_file(
            dossier,
            checked,
            kind=DocumentKind.INPUT_ELECTRONIC,
            actor=None,
            at=at,
            required_document=required,
        )
    _event(dossier, EventType.SUBMITTED, actor=None, at=at, after=Status.SUBMITTED, agency=desk)
    _outbox("dossier.submitted", dossier, at)
    return dossier


@transaction.atomic
def dossier_accept_online(
    *,
    actor: Actor,
    dossier: Dossier,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    at = _now(now)
    d = _lock(dossier, expected_version)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    _require_status(d, Status.SUBMITTED, action="tiếp nhận")
    _check_procedure_at_desk(d.procedure, d.receiving_agency, _local(at).date())
    return _receive(
        d, None, actor=actor, desk=d.receiving_agency, received=at, before=Status.SUBMITTED
    )


def _change_with_form(
    d: Dossier,
    status: str,
    event: str,
    form_type: str,
    *,
    actor: Actor,
    at: dt.datetime,
    agency: Agency,
    note: str,
    template: str,
    data: dict[str, Any],
    fields: tuple[str, ...] = (),
) -> IssuedForm:
    """The common tail of a transition that issues a legal form: the numbered form, the new
    status (and ``fields`` already set by the caller), the event, the applicant's notice."""
    form = _issue_form(d, form_type, agency=agency, actor=actor, at=at, data=data)
    before = d.status
    d.status = status
    _save(d, "status", *fields)
    _event(
        d,
        event,
        actor=actor,
        at=at,
        before=before,
        after=status,
        agency=agency,
        note=note,
        data={"form": form.number},
    )
    _outbox("applicant.notify", d, at, template=template, form=form.number)
    return form


@transaction.atomic
def dossier_return_for_completion(
    *,
    actor: Actor,
    dossier: Dossier,
    items: list[dict[str, Any]],
    reason: str,
    now: dt.datetime | None = None,
) -> Dossier:
    """Intake check of an online submission: incomplete → guide once, completely (Mẫu 02)."""
    at = _now(now)
    d = _lock(dossier, None)
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
    *, actor: Actor, dossier: Dossier, reasons: str, now: dt.datetime | None = None
) -> Dossier:
    """Refuse at intake (Mẫu 03): the dossier is never received."""
    at = _now(now)
    d = _lock(dossier, None)
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
    return d


@transaction.atomic
def counter_refuse(
    *, actor: Actor, desk: Agency, intake: Intake, reasons: str, now: dt.datetime | None = None
) -> Dossier:
    """A paper dossier refused at the counter: recorded (no code) with its Mẫu 03."""
    at = _now(now)
    require_role(actor, desk, Role.COUNTER)
    applicant = _applicant(intake.applicant)
    d = _new_dossier(intake.procedure, applicant, desk, Channel.COUNTER, at, request=intake.request)
    return dossier_refuse(actor=actor, dossier=d, reasons=reasons, now=at)


# ---- processing ---------------------------------------------------------------------------------


def _active_steps(d: Dossier) -> list[DossierStep]:
    return list(
        d.steps.filter(status=StepStatus.ACTIVE).select_related("agency").order_by("order", "id")
    )


def _get_step(d: Dossier, step: DossierStep | int | None, actor: Actor) -> DossierStep:
    active = _active_steps(d)
    if step is not None:
        pk = step if isinstance(step, int) else step.pk
        found = [s for s in active if s.pk == pk]
        if not found:
            raise IllegalTransition(
                "Bước này không còn ở trạng thái đang xử lý", code="step_not_active"
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


def _finish(step: DossierStep, at: dt.datetime, note: str, status: str = StepStatus.DONE) -> None:
    step.status = status
    step.finished_at = at
    step.outcome = _outcome(step, at)
    step.note = nfc(note) if note else step.note
    step.save(update_fields=["status", "finished_at", "outcome", "note"])


def _working_seconds(d: Dossier, end: dt.datetime) -> int | None:
    """Working time from receipt to ``end``, pauses excluded (for average processing time)."""
    if d.received_at is None:
        return None
    return wt.elapsed(calendar_for(d.receiving_agency), d.received_at, end, _pauses(d))


def _resolve(d: Dossier, *, actor: Actor, at: dt.datetime, step: DossierStep | None) -> None:
    before = d.status
    d.status = Status.RESOLVED
    d.finished_at = at
    d.working_seconds = _working_seconds(d, at)
    _save(d, "status", "finished_at", "working_seconds")
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
    _outbox("applicant.notify", d, at, template="result_ready")


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


def _return_result(
    d: Dossier, s: DossierStep, *, actor: Actor, at: dt.datetime, method: str
) -> Dossier:
    if d.status != Status.RESOLVED:
        raise IllegalTransition("Hồ sơ chưa có kết quả để trả", code="no_result_yet")
    _finish(s, at, method)
    d.returned_at = at
    d.return_method = nfc(method)[:80]
    _save(d, "returned_at", "return_method")
    _event(
        d,
        EventType.RESULT_RETURNED,
        actor=actor,
        at=at,
        step=s,
        agency=s.agency,
        before=d.status,
        after=d.status,
        note=method,
    )
    return d


@transaction.atomic
def result_return(
    *,
    actor: Actor,
    dossier: Dossier,
    method: str = "Trực tiếp",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.RESOLVED, action="trả kết quả")
    if d.returned_at is not None:
        raise IllegalTransition("Kết quả đã được trả", code="already_returned")
    step = d.steps.filter(status=StepStatus.ACTIVE, role="tra_ket_qua").first()
    if step is None:
        require_role(actor, d.receiving_agency, Role.COUNTER)
        d.returned_at = at
        d.return_method = nfc(method)[:80]
        _save(d, "returned_at", "return_method")
        _event(
            d,
            EventType.RESULT_RETURNED,
            actor=actor,
            at=at,
            before=d.status,
            after=d.status,
            note=method,
        )
        return d
    require_step_role(actor, step)
    return _return_result(d, step, actor=actor, at=at, method=method)


@transaction.atomic
def step_assign(
    *,
    actor: Actor,
    dossier: Dossier,
    step: DossierStep | int,
    handler: Any,
    now: dt.datetime | None = None,
) -> DossierStep:
    """The head of the agency assigns an officer to an active step."""
    at = _now(now)
    d = _lock(dossier, None)
    s = _get_step(d, step, actor)
    require_role(actor, s.agency, Role.LEADER)
    if not has_role(handler, s.agency, STEP_ROLE.get(s.role, Role.SPECIALIST)):
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
    return DossierStep.objects.create(**fields)


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
    """Hand the current step to another agency (another level or sector), with its budget."""
    at = _now(now)
    d = _lock(dossier, expected_version)
    _require_status(d, Status.IN_PROGRESS, action="chuyển cơ quan khác")
    s = _get_step(d, None, actor)
    require_step_role(actor, s)
    if to_agency.pk == s.agency_id:
        raise ValidationFailed("Cơ quan nhận trùng cơ quan đang xử lý", code="same_agency")
    _finish(s, at, reason)
    cal = calendar_for(d.receiving_agency)
    moved = _copy_step(
        s,
        name=f"{s.name} (chuyển {to_agency.short_name or to_agency.name})",
        agency=to_agency,
        kind=StepKind.TRANSFER,
        task="",
    )
    _start_step(d, moved, at, cal)
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
        _start_step(d, step, at, cal)
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
    now: dt.datetime | None = None,
) -> Consultation:
    at = _now(now)
    d = _lock(dossier, None)
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
    *, actor: Actor, consultation: Consultation, answer: str, now: dt.datetime | None = None
) -> Consultation:
    at = _now(now)
    c = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_role(actor, c.to_agency, Role.SPECIALIST, Role.LEADER)
    if c.answered_at is not None:
        raise IllegalTransition("Đã trả lời ý kiến này", code="already_answered")
    if not nfc(answer):
        raise ValidationFailed("Cần nội dung trả lời", code="answer_required")
    c.answer, c.answered_at, c.answered_by = nfc(answer), at, _real(actor)
    c.save(update_fields=["answer", "answered_at", "answered_by"])
    d = _lock(c.dossier, None)
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


# ---- supplement, lateness, endings --------------------------------------------------------------


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
    allowed = any(
        has_role(actor, a, r)
        for a in (d.processing_agency, d.receiving_agency)
        for r in (Role.SPECIALIST, Role.LEADER, Role.COUNTER)
    ) or any(
        has_role(actor, s.agency, STEP_ROLE.get(s.role, Role.SPECIALIST)) for s in _active_steps(d)
    )
    if not allowed:
        raise PermissionDenied("Bạn không xử lý hồ sơ này", code="permission_denied")
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
        agency=d.processing_agency,
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
            s.due_at = wt.due(cal, _required(s.started_at), float(s.budget_days), _pauses(d))
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
    if not any(has_role(actor, s.agency, Role.LEADER) for s in _active_steps(d)) and not has_role(
        actor, d.processing_agency, Role.LEADER
    ):
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan giải quyết được trả lại hồ sơ", code="permission_denied"
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
    d.finished_at = at
    if d.paused_at is not None:
        d.pauses = [*d.pauses, [d.paused_at.isoformat(), at.isoformat()]]
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
        fields=("finished_at", "pauses", "paused_at", "working_seconds"),
    )
    return d


@transaction.atomic
def result_attach(
    *,
    actor: Actor,
    dossier: Dossier,
    checked: CheckedFile,
    signer: str,
    signed_at: dt.datetime | None = None,
    electronic: bool = True,
    now: dt.datetime | None = None,
) -> Document:
    """Attach the (signed) result; 'electronic result' is derived from such documents."""
    at = _now(now)
    d = _lock(dossier, None)
    _require_status(d, Status.IN_PROGRESS, Status.RESOLVED, action="đính kèm kết quả")
    if not any(
        has_role(actor, s.agency, Role.LEADER) or has_role(actor, s.agency, Role.SPECIALIST)
        for s in _active_steps(d)
    ) and not has_role(actor, d.processing_agency, Role.LEADER):
        raise PermissionDenied("Bạn không xử lý hồ sơ này", code="permission_denied")
    if not nfc(signer):
        raise ValidationFailed("Cần tên người ký kết quả", code="signer_required")
    kind = DocumentKind.RESULT_ELECTRONIC if electronic else DocumentKind.RESULT_PAPER_SCAN
    doc = _save_file(
        d, checked, kind=kind, actor=actor, at=at, signer=signer, signed_at=signed_at or at
    )
    _save(d)
    _event(
        d,
        EventType.DOCUMENT_ADDED,
        actor=actor,
        at=at,
        note=f"Kết quả: {doc.name}",
        data={"document": doc.pk, "kind": kind, "sha256": doc.sha256},
    )
    return doc


@transaction.atomic
def scan_attach(
    *,
    actor: Actor,
    dossier: Dossier,
    checked: CheckedFile,
    required_document: str,
    now: dt.datetime | None = None,
) -> Document:
    """Digitise a paper component after intake (scans: every page, in order)."""
    at = _now(now)
    d = _lock(dossier, None)
    require_role(actor, d.receiving_agency, Role.COUNTER)
    doc = _save_file(
        d,
        checked,
        kind=DocumentKind.INPUT_SCAN,
        actor=actor,
        at=at,
        required_document=required_document,
    )
    _save(d)
    _event(
        d,
        EventType.DOCUMENT_ADDED,
        actor=actor,
        at=at,
        note=f"Số hóa: {doc.name}",
        data={"document": doc.pk, "pages": doc.pages, "sha256": doc.sha256},
    )
    return doc


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, score: int, comment: str = "", now: dt.datetime | None = None
) -> Rating:
    at = _now(now)
    d = _lock(dossier, None)
    _require_status(d, Status.RESOLVED, Status.RETURNED, Status.WITHDRAWN, action="đánh giá")
    if not 1 <= score <= 5:
        raise ValidationFailed("Mức đánh giá từ 1 đến 5", code="bad_score")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=d, score=score, comment=nfc(comment), at=at)
    except IntegrityError:
        raise IllegalTransition("Hồ sơ đã được đánh giá", code="already_rated") from None
    _event(d, EventType.RATED, actor=None, at=at, data={"score": score})
    return rating


@transaction.atomic
def dossiers_recompute_due(*, actor: Actor, calendar_code: str | None = None) -> dict[str, int]:
    """After a calendar change (a new swap day): recompute every open dossier's due instant from
    its clock start, time limit and pauses. Says how many moved."""
    moved = checked = 0
    open_qs = (
        Dossier.objects.filter(status__in=OPEN_STATUSES)
        .select_related("procedure", "receiving_agency__unit")
        .select_for_update()
    )
    for d in open_qs.iterator(chunk_size=500):
        cal = calendar_get(calendar_code) if calendar_code else calendar_for(d.receiving_agency)
        if d.clock_started_at is None:
            continue
        checked += 1
        new_due = wt.due(cal, d.clock_started_at, float(d.procedure.time_limit_days), _pauses(d))
        if new_due != d.due_at:
            old = d.due_at
            d.due_at = new_due
            fields = ["due_at"]
            if not Apology.objects.filter(dossier=d).exists():
                d.appointment_at = new_due
                fields.append("appointment_at")
            _save(d, *fields)
            _event(
                d,
                EventType.DUE_RECOMPUTED,
                actor=actor,
                at=timezone.now(),
                note="Tính lại hạn do thay đổi lịch làm việc",
                data={"old_due": old.isoformat() if old else None, "new_due": new_due.isoformat()},
            )
            moved += 1
    audit_record(
        actor=actor,
        action="dossiers.recompute_due",
        object_type="Calendar",
        object_id=calendar_code or "-",
        after={"checked": checked, "moved": moved},
    )
    return {"checked": checked, "moved": moved}


def files_sweep(
    *, older_than: dt.timedelta = dt.timedelta(hours=1), dry_run: bool = False
) -> dict[str, int]:
    """Delete stored files no document refers to (left by a transaction that rolled back after
    writing its upload), once they are older than ``older_than``. Says how many it removed."""
    from django.core.files.storage import default_storage

    referenced = set(Document.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = kept = 0
    stack = ["dossiers"]
    while stack:
        folder = stack.pop()
        if not default_storage.exists(folder):
            continue
        dirs, files = default_storage.listdir(folder)
        stack.extend(f"{folder}/{d}" for d in dirs)
        for name in files:
            path = f"{folder}/{name}"
            if path in referenced or default_storage.get_modified_time(path) > cutoff:
                kept += 1
                continue
            if not dry_run:
                default_storage.delete(path)
            removed += 1
    return {"removed": removed, "kept": kept}
