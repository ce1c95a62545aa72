"""Writes to the catalog. Each service is one transaction and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.catalog.models import (
    FeeItem,
    Field,
    OnlineService,
    Procedure,
    ProcedureStatus,
    ProcessStep,
    RequiredDocument,
    ResultKind,
    StepRole,
)
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.core.text import nfc
from motcua.units.models import Agency, Level

Actor = AbstractBaseUser | AnonymousUser | None

LEGACY_LEVEL_TO_ONLINE = {
    # Decree 43/2011 levels as Decree 42/2022 types: level 4 (filed, paid, result online) is fully
    # online; level 3 (filed online, fee and result in person) partly online; level 2 only offers
    # forms to download, which Decree 42/2022 no longer counts as an online service.
    4: OnlineService.FULL,
    3: OnlineService.PARTIAL,
    2: OnlineService.NONE,
}


@dataclass
class DocumentSpec:
    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True


@dataclass
class FeeSpec:
    name: str
    amount_vnd: int


@dataclass
class StepSpec:
    name: str
    role: str
    budget_days: Decimal
    agency_code: str = ""
    level: int | None = None


@dataclass
class ProcedureSpec:
    """A whole procedure definition as imports, the demo and the admin hand it to services."""

    code: str
    name: str
    field_code: str
    field_name: str
    level: int
    time_limit_days: Decimal
    also_at: tuple[int, ...] = ()
    agency_code: str = ""
    agency_text: str = ""
    local_code: str = ""
    result: str = ""
    result_kind: str = ResultKind.PAPER
    online_service: str = OnlineService.NONE
    legacy_online_level: int | None = None
    is_inter_level: bool = False
    is_vertical: bool = False
    pause_on_supplement: bool = False
    prepayment: bool = False
    national_portal: bool = False
    legal_basis: str = ""
    status: str = ProcedureStatus.PUBLISHED
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    decision: str = ""
    documents: list[DocumentSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)


def process_errors(time_limit_days: Decimal, steps: Sequence[StepSpec]) -> list[str]:
    """The internal process must cover the legal time limit exactly (Vietnamese messages)."""
    errors = []
    if not steps:
        errors.append("Quy trình nội bộ cần ít nhất một bước")
        return errors
    for i, s in enumerate(steps, start=1):
        if not s.budget_days.is_finite() or s.budget_days > MAX_DAYS:
            errors.append(f"Bước {i} ({s.name}) có thời gian quá lớn: {s.budget_days}")
            return errors
        if s.budget_days <= 0:
            errors.append(f"Bước {i} ({s.name}) có thời gian không dương: {s.budget_days}")
        if s.role not in StepRole.values:
            errors.append(f"Bước {i} ({s.name}) có vai trò không hợp lệ: {s.role!r}")
    total = sum((s.budget_days for s in steps), Decimal(0))
    if total != time_limit_days:
        errors.append(
            f"Tổng thời gian các bước ({_num(total)} ngày) khác thời hạn giải quyết "
            f"({_num(time_limit_days)} ngày làm việc)"
        )
    return errors


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


#: Largest time limit or step time the columns hold (six digits, one after the point).
MAX_DAYS = Decimal("99999")


def _text_errors(spec: ProcedureSpec) -> list[str]:
    """Texts longer than their column, or holding a control character (a NUL in a code broke
    every export of the catalog afterwards: the fourth probe). Line breaks only where a text
    may run over several lines (the legal basis)."""
    errors = []
    texts: list[tuple[str, str, int | None, bool]] = [
        (f.verbose_name, getattr(spec, name), f.max_length, name == "legal_basis")
        for name in (
            "code",
            "name",
            "local_code",
            "agency_text",
            "result",
            "decision",
            "legal_basis",
        )
        for f in [Procedure._meta.get_field(name)]
    ]
    texts += [
        (Field._meta.get_field("code").verbose_name, spec.field_code, 40, False),
        (Field._meta.get_field("name").verbose_name, spec.field_name, 255, False),
    ]
    texts += [("tên giấy tờ", d.name, 500, False) for d in spec.documents]
    texts += [("khoản phí, lệ phí", f.name, 255, False) for f in spec.fees]
    texts += [("tên bước", s.name, 255, False) for s in spec.steps]
    for label, text, limit, lines in texts:
        if limit is not None and len(text) > limit:
            errors.append(f"{str(label).capitalize()} dài quá {limit} ký tự ({len(text)} ký tự)")
        bad = next(
            (c for c in text if unicodedata.category(c) == "Cc" and not (lines and c in "\n\r\t")),
            None,
        )
        if bad is not None:
            errors.append(f"{str(label).capitalize()} chứa ký tự điều khiển U+{ord(bad):04X}")
    return errors


def procedure_spec_errors(spec: ProcedureSpec, *, agencies: set[str] | None = None) -> list[str]:
    """Every problem of a definition, so an import can list them all at once."""
    errors: list[str] = _text_errors(spec)
    if not spec.code.strip():
        errors.append("Thiếu mã thủ tục")
    if not spec.name.strip():
        errors.append("Thiếu tên thủ tục")
    if not spec.field_code.strip():
        errors.append("Thiếu mã lĩnh vực")
    if spec.level not in Level.values:
        errors.append(f"Cấp thực hiện không hợp lệ: {spec.level!r}")
    if any(lv not in Level.values for lv in spec.also_at):
        errors.append("Cấp thực hiện bổ sung không hợp lệ")
    if not spec.time_limit_days.is_finite() or spec.time_limit_days > MAX_DAYS:
        errors.append(f"Thời hạn giải quyết quá lớn: {spec.time_limit_days}")
    elif spec.time_limit_days <= 0 or spec.time_limit_days % Decimal("0.5") != 0:
        errors.append(
            f"Thời hạn giải quyết phải dương và là bội số của 0,5 ngày: {spec.time_limit_days}"
        )
    if spec.online_service not in OnlineService.values:
        errors.append(f"Loại dịch vụ công trực tuyến không hợp lệ: {spec.online_service!r}")
    if spec.result_kind not in ResultKind.values:
        errors.append(f"Hình thức kết quả không hợp lệ: {spec.result_kind!r}")
    if spec.legacy_online_level not in (None, 2, 3, 4):
        errors.append(f"Mức độ DVCTT cũ không hợp lệ: {spec.legacy_online_level!r}")
    if spec.status not in ProcedureStatus.values:
        errors.append(f"Trạng thái không hợp lệ: {spec.status!r}")
    if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
        errors.append("Ngày hết hiệu lực trước ngày có hiệu lực")
    errors.extend(f"Phí, lệ phí âm: {f.name}" for f in spec.fees if f.amount_vnd < 0)
    errors.extend(
        f"Giấy tờ '{d.name}' cần ít nhất một bản chính hoặc bản sao"
        for d in spec.documents
        if d.originals < 0 or d.copies < 0 or d.originals + d.copies == 0
    )
    if agencies is not None:
        errors.extend(
            f"Không có cơ quan mã {code}"
            for code in [spec.agency_code, *(s.agency_code for s in spec.steps)]
            if code and code not in agencies
        )
    if spec.time_limit_days > 0:
        errors.extend(process_errors(spec.time_limit_days, spec.steps))
    return errors


def _level_flags(spec: ProcedureSpec) -> dict[str, bool]:
    levels = {spec.level, *spec.also_at}
    return {
        "at_province": Level.PROVINCE in levels,
        "at_district": Level.DISTRICT in levels,
        "at_commune": Level.COMMUNE in levels,
    }


def field_get_or_create(*, code: str, name: str, actor: Actor = None) -> Field:
    """The field of this code, made if new. A field is shared by every province's procedures:
    its name changes only for whoever keeps the whole installation (the system, a superuser, the
    administrator of its one province); anyone else's spec keeps the installation's name, as the
    catalog import does."""
    from motcua.dossiers.access import keeps_agency_rows

    obj = Field.objects.filter(code=code).first()
    if obj is None:
        obj = Field(code=nfc(code), name=nfc(name) or code)
        obj.save()
    elif name and obj.name != nfc(name) and keeps_agency_rows(actor, None):
        obj.name = nfc(name)
        obj.save(update_fields=["name"])
    return obj


def _procedure_values(spec: ProcedureSpec, agencies: dict[str, Agency]) -> dict[str, Any]:
    return {
        "name": nfc(spec.name),
        "local_code": spec.local_code,
        "level": spec.level,
        **_level_flags(spec),
        "agency": agencies.get(spec.agency_code) if spec.agency_code else None,
        "agency_text": nfc(spec.agency_text),
        "time_limit_days": spec.time_limit_days,
        "result": nfc(spec.result),
        "result_kind": spec.result_kind,
        "online_service": spec.online_service,
        "legacy_online_level": spec.legacy_online_level,
        "is_inter_level": spec.is_inter_level,
        "is_vertical": spec.is_vertical,
        "pause_on_supplement": spec.pause_on_supplement,
        "prepayment": spec.prepayment,
        "national_portal": spec.national_portal,
        "legal_basis": spec.legal_basis.strip(),
        "status": spec.status,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "decision": nfc(spec.decision),
    }


def _write_children(procedure: Procedure, spec: ProcedureSpec, agencies: dict[str, Agency]) -> None:
    RequiredDocument.objects.filter(procedure=procedure).delete()
    FeeItem.objects.filter(procedure=procedure).delete()
    ProcessStep.objects.filter(procedure=procedure).delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure,
            order=i,
            name=nfc(d.name),
            originals=d.originals,
            copies=d.copies,
            mandatory=d.mandatory,
        )
        for i, d in enumerate(spec.documents, start=1)
    )
    FeeItem.objects.bulk_create(
        FeeItem(procedure=procedure, order=i, name=nfc(f.name), amount_vnd=f.amount_vnd)
        for i, f in enumerate(spec.fees, start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            procedure=procedure,
            order=i,
            name=nfc(s.name),
            role=s.role,
            agency=agencies.get(s.agency_code) if s.agency_code else None,
            level=s.level,
            budget_days=s.budget_days,
        )
        for i, s in enumerate(spec.steps, start=1)
    )


def procedure_snapshot(procedure: Procedure) -> dict[str, Any]:
    """A JSON-able picture of a procedure with its children (for the audit trail)."""
    data: dict[str, Any] = {
        "code": procedure.code,
        "version": procedure.version,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "time_limit_days": str(procedure.time_limit_days),
        "online_service": procedure.online_service,
        "prepayment": procedure.prepayment,
        "national_portal": procedure.national_portal,
        "status": procedure.status,
        "valid_from": procedure.valid_from,
        "valid_to": procedure.valid_to,
        "fees": [(f.name, f.amount_vnd) for f in procedure.fees.all()],
        "documents": [(d.name, d.originals, d.copies) for d in procedure.documents.all()],
        "steps": [(s.name, s.role, str(s.budget_days)) for s in procedure.steps.all()],
    }
    return data


def _agency_map(codes: Iterable[str]) -> dict[str, Agency]:
    wanted = {c for c in codes if c}
    return {a.code: a for a in Agency.objects.filter(code__in=wanted)}


def _spec_agency_codes(spec: ProcedureSpec) -> list[str]:
    return [spec.agency_code, *(s.agency_code for s in spec.steps)]


def _require_keeper(
    actor: Actor,
    procedure: Procedure | None,
    spec: ProcedureSpec | None = None,
    agencies: dict[str, Agency] | None = None,
    steps: Sequence[StepSpec] = (),
) -> None:
    """A procedure sets the due dates and fees of every agency applying it: the actor must keep
    its rows as they are (its agency) and as they will be (the spec's agency and its steps'):
    their own province's agencies; a procedure of no agency, which every province applies, only
    whoever keeps the installation (``access.require_agency_rows``, PermissionDenied). Every
    service writing a procedure asks this, whichever door called it."""
    from motcua.dossiers.access import require_agency_rows

    if actor is None:
        return  # the system: the command line, run by the operator
    ids: list[int | None] = [procedure.agency_id] if procedure is not None else []
    agencies = agencies or {}
    if spec is not None:
        if not spec.agency_code:
            ids.append(None)
        elif spec.agency_code in agencies:  # an unknown code: the spec's errors say so
            ids.append(agencies[spec.agency_code].pk)
        steps = [*steps, *spec.steps]
    ids += [agencies[s.agency_code].pk for s in steps if s.agency_code in agencies]
    require_agency_rows(actor, *ids)


@transaction.atomic
def procedure_create(*, actor: Actor, spec: ProcedureSpec) -> Procedure:
    agencies = _agency_map(_spec_agency_codes(spec))
    _require_keeper(actor, None, spec, agencies)
    errors = procedure_spec_errors(spec, agencies=set(agencies))
    if Procedure.objects.filter(code=spec.code).exists():
        errors.append(f"Đã có thủ tục mã {spec.code}")
    if errors:
        raise ValidationFailed("; ".join(errors), code="procedure_invalid", details=errors)
    fld = field_get_or_create(code=spec.field_code, name=spec.field_name, actor=actor)
    procedure = Procedure(
        code=spec.code.strip(), version=1, field=fld, **_procedure_values(spec, agencies)
    )
    procedure.full_clean()
    procedure.save()
    _write_children(procedure, spec, agencies)
    audit_record(
        actor=actor,
        action="catalog.procedure_create",
        object_type="Procedure",
        object_id=procedure.pk,
        after=procedure_snapshot(procedure),
    )
    return procedure


@transaction.atomic
def procedure_update(*, actor: Actor, procedure: Procedure, spec: ProcedureSpec) -> Procedure:
    """Correct the current version in place (a data correction, not an amendment)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    agencies = _agency_map(_spec_agency_codes(spec))
    _require_keeper(actor, procedure, spec, agencies)
    errors = procedure_spec_errors(spec, agencies=set(agencies))
    if errors:
        raise ValidationFailed("; ".join(errors), code="procedure_invalid", details=errors)
    before = procedure_snapshot(procedure)
    procedure.field = field_get_or_create(code=spec.field_code, name=spec.field_name, actor=actor)
    values = _procedure_values(spec, agencies)
    for k, v in values.items():
        setattr(procedure, k, v)
    procedure.full_clean(validate_unique=False)
    procedure.save()
    _write_children(procedure, spec, agencies)
    after = procedure_snapshot(procedure)
    if after != before:
        audit_record(
            actor=actor,
            action="catalog.procedure_update",
            object_type="Procedure",
            object_id=procedure.pk,
            before=before,
            after=after,
        )
    return procedure


@transaction.atomic
def procedure_set_process(
    *, actor: Actor, procedure: Procedure, steps: Sequence[StepSpec]
) -> Procedure:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    agencies = _agency_map(s.agency_code for s in steps)
    _require_keeper(actor, procedure, agencies=agencies, steps=steps)
    errors = process_errors(procedure.time_limit_days, steps)
    errors += [
        f"Không có cơ quan mã {s.agency_code}"
        for s in steps
        if s.agency_code and s.agency_code not in agencies
    ]
    if errors:
        raise ValidationFailed("; ".join(errors), code="process_invalid", details=errors)
    before = [(s.name, s.role, str(s.budget_days)) for s in procedure.steps.all()]
    ProcessStep.objects.filter(procedure=procedure).delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(
            procedure=procedure,
            order=i,
            name=nfc(s.name),
            role=s.role,
            agency=agencies.get(s.agency_code) if s.agency_code else None,
            level=s.level,
            budget_days=s.budget_days,
        )
        for i, s in enumerate(steps, start=1)
    )
    audit_record(
        actor=actor,
        action="catalog.process_set",
        object_type="Procedure",
        object_id=procedure.pk,
        before=before,
        after=[(s.name, s.role, str(s.budget_days)) for s in steps],
    )
    return procedure


def _require_status(procedure: Procedure, *allowed: str) -> None:
    if procedure.status not in allowed:
        raise IllegalTransition(
            f"Thủ tục {procedure.code} đang ở trạng thái '{procedure.get_status_display()}', "
            "không thực hiện được thao tác này",
            code="procedure_bad_status",
        )


@transaction.atomic
def procedure_publish(
    *, actor: Actor, procedure: Procedure, valid_from: dt.date, decision: str
) -> Procedure:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require_keeper(actor, procedure)
    _require_status(procedure, ProcedureStatus.DRAFT)
    steps = [StepSpec(s.name, s.role, s.budget_days) for s in procedure.steps.all()]
    errors = process_errors(procedure.time_limit_days, steps)
    if not decision.strip():
        errors.append("Cần số quyết định công bố")
    if errors:
        raise ValidationFailed("; ".join(errors), code="procedure_invalid", details=errors)
    procedure.status = ProcedureStatus.PUBLISHED
    procedure.valid_from = valid_from
    procedure.decision = nfc(decision)
    procedure.save(update_fields=["status", "valid_from", "decision", "updated_at"])
    audit_record(
        actor=actor,
        action="catalog.procedure_publish",
        object_type="Procedure",
        object_id=procedure.pk,
        before={"status": ProcedureStatus.DRAFT},
        after={"status": procedure.status, "valid_from": valid_from, "decision": decision},
    )
    return procedure


def _end(procedure: Procedure, effective: dt.date) -> dt.date:
    last = effective - dt.timedelta(days=1)
    if procedure.valid_from and last < procedure.valid_from:
        raise ValidationFailed(
            "Ngày hiệu lực của quyết định trước ngày thủ tục có hiệu lực",
            code="procedure_effective_too_early",
        )
    return last


@transaction.atomic
def procedure_amend(
    *, actor: Actor, procedure: Procedure, spec: ProcedureSpec, effective: dt.date, decision: str
) -> Procedure:
    """Sửa đổi, bổ sung: a new version takes over from ``effective``; the old one ends the day
    before. Dossiers already received stay on the version they were received under."""
    old = Procedure.objects.select_for_update().get(pk=procedure.pk)
    agencies = _agency_map(_spec_agency_codes(spec))
    _require_keeper(actor, old, spec, agencies)
    _require_status(old, ProcedureStatus.PUBLISHED)
    if spec.code != old.code:
        raise ValidationFailed("Sửa đổi phải giữ nguyên mã thủ tục", code="amend_code_changed")
    errors = procedure_spec_errors(spec, agencies=set(agencies))
    if errors:
        raise ValidationFailed("; ".join(errors), code="procedure_invalid", details=errors)
    old.valid_to = _end(old, effective)
    old.status = ProcedureStatus.AMENDED
    old.save(update_fields=["valid_to", "status", "updated_at"])
    spec.status = ProcedureStatus.PUBLISHED
    spec.valid_from, spec.valid_to, spec.decision = effective, None, decision
    new = Procedure(
        code=old.code,
        version=old.version + 1,
        field=field_get_or_create(code=spec.field_code, name=spec.field_name, actor=actor),
        **_procedure_values(spec, agencies),
    )
    new.full_clean(validate_unique=False)
    new.save()
    _write_children(new, spec, agencies)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    # the application form (eforms) carries over to the new version, where it can be edited
    from motcua.eforms.services import form_definition_carry

    form_definition_carry(actor=actor, old=old, new=new)
    audit_record(
        actor=actor,
        action="catalog.procedure_amend",
        object_type="Procedure",
        object_id=new.pk,
        before=procedure_snapshot(old),
        after=procedure_snapshot(new),
    )
    return new


@transaction.atomic
def procedure_replace(
    *,
    actor: Actor,
    procedure: Procedure,
    replacement: Procedure,
    effective: dt.date,
    decision: str,
) -> Procedure:
    """Thay thế: another procedure (another code) takes over from ``effective``."""
    old = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require_keeper(actor, old)
    _require_status(old, ProcedureStatus.PUBLISHED)
    if replacement.pk == old.pk or replacement.code == old.code:
        raise ValidationFailed("Thủ tục thay thế phải là thủ tục khác", code="replace_self")
    _require_status(replacement, ProcedureStatus.PUBLISHED, ProcedureStatus.DRAFT)
    old.valid_to = _end(old, effective)
    old.status = ProcedureStatus.REPLACED
    old.replaced_by = replacement
    old.decision = nfc(decision) or old.decision
    old.save(update_fields=["valid_to", "status", "replaced_by", "decision", "updated_at"])
    audit_record(
        actor=actor,
        action="catalog.procedure_replace",
        object_type="Procedure",
        object_id=old.pk,
        before={"status": ProcedureStatus.PUBLISHED},
        after={"status": old.status, "replaced_by": replacement.code, "decision": decision},
    )
    return old


@transaction.atomic
def procedure_abolish(
    *, actor: Actor, procedure: Procedure, effective: dt.date, decision: str
) -> Procedure:
    """Bãi bỏ from ``effective``."""
    old = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require_keeper(actor, old)
    _require_status(old, ProcedureStatus.PUBLISHED)
    if not decision.strip():
        raise ValidationFailed("Cần số quyết định bãi bỏ", code="decision_required")
    old.valid_to = _end(old, effective)
    old.status = ProcedureStatus.ABOLISHED
    old.save(update_fields=["valid_to", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="catalog.procedure_abolish",
        object_type="Procedure",
        object_id=old.pk,
        before={"status": ProcedureStatus.PUBLISHED},
        after={"status": old.status, "valid_to": old.valid_to, "decision": decision},
    )
    return old


def _require_import_keeper(
    actor: Actor, specs: Sequence[ProcedureSpec], agencies: dict[str, Agency]
) -> None:
    """Each imported procedure, as it is now and as imported, belongs to the actor's province
    (a procedure of no agency, applied everywhere, to whoever keeps the installation)."""
    from motcua.dossiers.access import require_agency_rows

    if actor is None:
        return  # the system: the command line, run by the operator
    now = dict(
        Procedure.objects.filter(code__in=[s.code for s in specs])
        .order_by("code", "version")
        .values_list("code", "agency_id")
    )
    for spec in specs:
        wanted = agencies[spec.agency_code].pk if spec.agency_code else None
        steps = [agencies[s.agency_code].pk for s in spec.steps if s.agency_code]
        before = [now[spec.code]] if spec.code in now else []
        require_agency_rows(actor, wanted, *before, *steps)


@transaction.atomic
def catalog_import_specs(
    *, actor: Actor, specs: Sequence[ProcedureSpec], source: str = ""
) -> dict[str, int]:
    """Write a validated set of definitions in one transaction: new codes are created in bulk,
    known codes correct their current version in place, identical ones are left alone."""
    agencies = _agency_map(c for spec in specs for c in _spec_agency_codes(spec))
    missing = sorted(
        {c for spec in specs for c in _spec_agency_codes(spec) if c and c not in agencies}
    )
    if missing:
        raise ValidationFailed(
            f"Không có cơ quan mã {', '.join(missing[:10])}",
            code="unknown_agency",
            details=missing,
        )
    _require_import_keeper(actor, specs, agencies)
    fields: dict[str, Field] = {f.code: f for f in Field.objects.all()}
    new_fields = []
    for spec in specs:
        if spec.field_code not in fields:
            f = Field(code=spec.field_code, name=spec.field_name or spec.field_code)
            f.refresh_search_text()
            fields[spec.field_code] = f
            new_fields.append(f)
    Field.objects.bulk_create(new_fields)
    fields = {f.code: f for f in Field.objects.all()}

    current: dict[str, Procedure] = {}
    existing_qs = (
        Procedure.objects.filter(code__in=[s.code for s in specs])
        .select_related("field", "agency")
        .prefetch_related("documents", "fees", "steps__agency")
        .order_by("code", "version")
    )
    for p in existing_qs:
        current[p.code] = p  # the latest version wins
    created = updated = unchanged = amended = 0
    fresh: list[tuple[Procedure, ProcedureSpec]] = []
    for spec in specs:
        existing = current.get(spec.code)
        if existing is None:
            p = Procedure(
                code=spec.code,
                version=1,
                field=fields[spec.field_code],
                **_procedure_values(spec, agencies),
            )
            p.refresh_search_text()
            fresh.append((p, spec))
            continue
        if level_change(existing, spec):
            # two-level government (issue 11): a change of level from a later date is a new
            # version (procedure_amend), never a correction of the old one in place
            procedure_amend(
                actor=actor,
                procedure=existing,
                spec=spec,
                effective=spec.valid_from,  # type: ignore[arg-type]
                decision=spec.decision,
            )
            amended += 1
        elif _spec_differs(existing, spec):
            procedure_update(actor=actor, procedure=existing, spec=spec)
            updated += 1
        else:
            unchanged += 1
    Procedure.objects.bulk_create([p for p, _ in fresh], batch_size=500)
    docs, fees, steps = [], [], []
    for p, spec in fresh:
        docs += [
            RequiredDocument(
                procedure=p,
                order=i,
                name=d.name,
                originals=d.originals,
                copies=d.copies,
                mandatory=d.mandatory,
            )
            for i, d in enumerate(spec.documents, start=1)
        ]
        fees += [
            FeeItem(procedure=p, order=i, name=f.name, amount_vnd=f.amount_vnd)
            for i, f in enumerate(spec.fees, start=1)
        ]
        steps += [
            ProcessStep(
                procedure=p,
                order=i,
                name=s.name,
                role=s.role,
                agency=agencies.get(s.agency_code) if s.agency_code else None,
                level=s.level,
                budget_days=s.budget_days,
            )
            for i, s in enumerate(spec.steps, start=1)
        ]
        created += 1
    RequiredDocument.objects.bulk_create(docs, batch_size=2000)
    FeeItem.objects.bulk_create(fees, batch_size=2000)
    ProcessStep.objects.bulk_create(steps, batch_size=2000)
    summary = {
        "rows": len(specs),
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "fields_created": len(new_fields),
    }
    if amended:
        summary["level_changes"] = amended
    audit_record(
        actor=actor,
        action="catalog.import",
        object_type="Catalog",
        object_id=source or "-",
        after={**summary, "created_codes": [p.code for p, _ in fresh]},
    )
    return summary


def _levels(level: int, also_at: Sequence[int]) -> set[int]:
    return {int(level), *(int(x) for x in also_at)}


def level_change(procedure: Procedure, spec: ProcedureSpec) -> bool:
    """A row that moves a published procedure to other levels from a later date (e.g. a
    district procedure that the commune handles from 1 July 2025): a new version from
    ``spec.valid_from``; the current one ends the day before."""
    if spec.valid_from is None or procedure.status != ProcedureStatus.PUBLISHED:
        return False
    if procedure.valid_from is not None and spec.valid_from <= procedure.valid_from:
        return False
    current = {
        lvl
        for lvl, on in (
            (1, procedure.at_province),
            (2, procedure.at_district),
            (3, procedure.at_commune),
        )
        if on
    }
    return procedure.level != spec.level or current != _levels(spec.level, spec.also_at)


def _spec_differs(procedure: Procedure, spec: ProcedureSpec) -> bool:
    from motcua.catalog.selectors import procedure_to_spec  # selectors import this module

    return procedure_to_spec(procedure) != spec
