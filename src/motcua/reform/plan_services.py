"""Every change to the reform plan: one transaction each, permission-checked, audited with the
actor and the values before and after. Pages, the admin, the import and the demo call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.files import CheckedFile
from motcua.reform import plan_access as access
from motcua.reform.models import (
    Area,
    AreaNarrative,
    Indicator,
    IndicatorValue,
    LegalDocCount,
    LegalDocKind,
    ReformPlan,
    ReformTask,
    TaskEvidence,
    TaskNote,
    TaskStatus,
)
from motcua.units.models import AdministrativeUnit, Agency
from motcua.units.selectors import unit_subtree_ids

MAX_EVIDENCE = 50
MAX_VALUE = Decimal("1e15")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(
    value: str | None,
    label: str,
    *,
    required: bool = True,
    limit: int = 4000,
    multiline: bool = False,
) -> str:
    """NFC, spaces folded; ``multiline`` keeps the line breaks (paragraphs), empty lines out."""
    if multiline:
        out = "\n".join(line for line in (nfc(x) for x in (value or "").splitlines()) if line)
    else:
        out = nfc(value or "")
    if required and not out:
        raise ValidationFailed(f"Chưa nhập {label}", code="required")
    if len(out) > limit:
        raise ValidationFailed(f"{label[:1].upper()}{label[1:]}: tối đa {limit} ký tự")
    return out


def _period(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ValidationFailed("Ngày kết thúc kỳ phải sau ngày bắt đầu", code="bad_period")


def _area(value: str) -> str:
    if value not in Area.values:
        raise ValidationFailed("Lĩnh vực không hợp lệ", code="bad_area")
    return value


# ---- plan and tasks ----------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    year: int,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
    issuer: Agency | None = None,
) -> ReformPlan:
    """Create the unit's plan for the year, or update its heading."""
    access.require_manager(actor, unit)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("Năm kế hoạch phải từ 2000 đến 2100", code="bad_year")
    plan = ReformPlan.objects.select_for_update().filter(unit=unit, year=year).first()
    before = None
    if plan is None:
        plan = ReformPlan(unit=unit, year=year)
    else:
        before = {"title": plan.title, "number": plan.number, "issued_on": plan.issued_on}
    plan.title = _text(title, "tên kế hoạch", limit=300)
    plan.number = _text(number, "số hiệu", required=False, limit=60)
    plan.issued_on = issued_on
    plan.issuer = issuer
    plan.save()
    audit_record(
        actor=actor,
        action="reform.plan_save",
        object_type="ReformPlan",
        object_id=plan.pk,
        before=before,
        after={"title": plan.title, "number": plan.number, "issued_on": plan.issued_on},
    )
    return plan


@transaction.atomic
def task_save(
    *,
    actor: Any,
    plan: ReformPlan,
    area: str,
    title: str,
    agency: Agency,
    deadline: dt.date,
    description: str = "",
    task: ReformTask | None = None,
) -> ReformTask:
    """Create a task in the plan or change its definition (province administrators only)."""
    access.require_manager(actor, plan.unit_id)
    if task is not None:
        task = ReformTask.objects.select_for_update().get(pk=task.pk)
        if task.plan_id != plan.pk:
            raise ValidationFailed("Nhiệm vụ không thuộc kế hoạch này", code="bad_plan")
    before = task.snapshot() if task is not None else None
    if task is None:
        task = ReformTask(plan=plan)
    if abs(deadline.year - plan.year) > 1:
        raise ValidationFailed(
            f"Thời hạn {deadline:%d/%m/%Y} nằm ngoài năm kế hoạch {plan.year}",
            code="bad_deadline",
        )
    # the responsible agency is one of the plan's province (its units at every level, and the
    # units merged into it): the page offers only these (forms_plan.TaskForm), every caller
    # is held to it here
    if agency.unit_id not in unit_subtree_ids(plan.unit):
        raise ValidationFailed(
            f"Cơ quan chủ trì {agency.name} không thuộc {plan.unit.name}, "
            "địa bàn của kế hoạch cải cách hành chính",
            code="agency_outside_plan",
        )
    task.area = _area(area)
    task.title = _text(title, "tên nhiệm vụ", limit=500)
    task.description = _text(description, "sản phẩm, yêu cầu", required=False, multiline=True)
    task.agency = agency
    task.deadline = deadline
    task.version += 1 if before is not None else 0
    task.save()
    audit_record(
        actor=actor,
        action="reform.task_save",
        object_type="ReformTask",
        object_id=task.pk,
        before=before,
        after=task.snapshot(),
    )
    return task


@transaction.atomic
def task_progress(
    *,
    actor: Any,
    task: ReformTask,
    status: str,
    progress: int,
    text: str,
    version: int,
    completed_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ReformTask:
    """Record progress: the status, the percentage and a note (the responsible agency or a
    province administrator). ``version`` is the one the page showed: a stale page is refused."""
    at = _now(now)
    locked = ReformTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    access.require_progress(actor, locked)
    if locked.version != version:
        raise ValidationFailed(
            "Nhiệm vụ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thực hiện lại.",
            code="stale_version",
        )
    if status not in TaskStatus.values:
        raise ValidationFailed("Tình trạng không hợp lệ", code="bad_status")
    if not 0 <= progress <= 100:
        raise ValidationFailed("Tiến độ phải từ 0 đến 100%", code="bad_progress")
    note = _text(text, "nội dung cập nhật", multiline=True)
    today = timezone.localdate(at)
    if status == TaskStatus.DONE:
        completed_on = completed_on or today
        if completed_on > today:
            raise ValidationFailed("Ngày hoàn thành không được ở tương lai", code="future_date")
        # a task is done after its plan exists: a date before it (2000-01-01 for a 2022 plan,
        # the fourth probe) would count it as done on time
        plan = locked.plan
        start = plan.issued_on or dt.date(plan.year, 1, 1)
        if completed_on < start:
            raise ValidationFailed(
                f"Ngày hoàn thành không được trước ngày {start:%d/%m/%Y}, khi kế hoạch "
                "được ban hành",
                code="before_plan",
            )
        progress = 100
    elif completed_on is not None:
        raise ValidationFailed(
            "Chỉ nhập ngày hoàn thành khi nhiệm vụ đã hoàn thành", code="completed_on_not_done"
        )
    before = locked.snapshot()
    locked.status = status
    locked.progress = progress
    locked.completed_on = completed_on
    locked.version += 1
    locked.save()
    TaskNote.objects.create(
        task=locked, at=at, author=actor, text=note, status=status, progress=progress
    )
    audit_record(
        actor=actor,
        action="reform.task_progress",
        object_type="ReformTask",
        object_id=locked.pk,
        before=before,
        after={**locked.snapshot(), "note": note},
        at=at,
    )
    return locked


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    task: ReformTask,
    title: str,
    checked: CheckedFile,
    now: dt.datetime | None = None,
) -> TaskEvidence:
    """Attach a checked document (``dossiers.files.check_file``) to the task."""
    at = _now(now)
    locked = ReformTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    access.require_progress(actor, locked)
    title = _text(title, "tên tài liệu", limit=300)
    if locked.evidence.count() >= MAX_EVIDENCE:
        raise ValidationFailed(
            f"Nhiệm vụ đã có {MAX_EVIDENCE} tài liệu minh chứng", code="too_many_files"
        )
    ev = TaskEvidence(
        task=locked,
        title=title,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=actor,
        uploaded_at=at,
    )
    ev.file.save(f"{checked.sha256[:16]}-{checked.name}", checked.content(), save=False)
    ev.save()
    audit_record(
        actor=actor,
        action="reform.evidence_add",
        object_type="ReformTask",
        object_id=locked.pk,
        after={"evidence": ev.pk, "title": title, "name": ev.name, "sha256": ev.sha256},
        at=at,
    )
    return ev


# ---- figures: legal documents, indicators, narratives ------------------------------------------


@transaction.atomic
def legal_count_save(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    period_from: dt.date,
    period_to: dt.date,
    kind: str,
    count: int,
    note: str = "",
) -> LegalDocCount:
    access.require_manager(actor, unit)
    _period(period_from, period_to)
    if kind not in LegalDocKind.values:
        raise ValidationFailed("Loại văn bản không hợp lệ", code="bad_kind")
    if not 0 <= count <= 1_000_000:
        raise ValidationFailed("Số lượng phải từ 0 đến 1.000.000", code="bad_count")
    row = (
        LegalDocCount.objects.select_for_update()
        .filter(unit=unit, period_from=period_from, period_to=period_to, kind=kind)
        .first()
    )
    before = {"count": row.count, "note": row.note} if row else None
    row = row or LegalDocCount(
        unit=unit, period_from=period_from, period_to=period_to, kind=kind, count=0
    )
    row.count = count
    row.note = _text(note, "ghi chú", required=False, limit=500)
    row.save()
    audit_record(
        actor=actor,
        action="reform.legal_count_save",
        object_type="LegalDocCount",
        object_id=row.pk,
        before=before,
        after={
            "kind": kind,
            "from": period_from,
            "to": period_to,
            "count": count,
            "note": row.note,
        },
    )
    return row


def check_value(indicator: Indicator, value: Decimal) -> Decimal:
    """The value in the indicator's type, or ValidationFailed with the reason."""
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise ValidationFailed("Giá trị không hợp lệ hoặc quá lớn", code="bad_value")
    if indicator.kind == Indicator.Kind.INTEGER and value != value.to_integral_value():
        raise ValidationFailed(
            f"Chỉ tiêu “{indicator.name}” nhận số nguyên, không nhận {value}", code="not_integer"
        )
    if indicator.kind == Indicator.Kind.PERCENT and not 0 <= value <= 1000:
        raise ValidationFailed("Tỷ lệ phải từ 0 đến 1000%", code="bad_percent")
    if indicator.kind != Indicator.Kind.PERCENT and value < 0:
        raise ValidationFailed("Giá trị không được âm", code="negative")
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationFailed("Giá trị có tối đa 4 chữ số thập phân", code="bad_value")
    return value


def _value_row(
    *,
    indicator: Indicator,
    unit: AdministrativeUnit,
    period_from: dt.date,
    period_to: dt.date,
    value: Decimal,
    source: str,
    actor: Any,
    at: dt.datetime,
) -> IndicatorValue:
    """Validate and write one value (the caller holds the transaction and has checked rights)."""
    _period(period_from, period_to)
    value = check_value(indicator, value)
    source = _text(source, "nguồn số liệu", limit=500)
    row = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, unit=unit, period_from=period_from, period_to=period_to)
        .first()
    )
    before = {"value": row.value, "source": row.source} if row else None
    row = row or IndicatorValue(
        indicator=indicator, unit=unit, period_from=period_from, period_to=period_to
    )
    row.value, row.source, row.entered_by, row.entered_at = value, source, actor, at
    row.save()
    audit_record(
        actor=actor,
        action="reform.indicator_value_save",
        object_type="IndicatorValue",
        object_id=row.pk,
        before=before,
        after={
            "indicator": indicator.code,
            "unit": unit.code,
            "from": period_from,
            "to": period_to,
            "value": value,
            "source": source,
        },
        at=at,
    )
    return row


@transaction.atomic
def indicator_value_save(
    *,
    actor: Any,
    indicator: Indicator,
    unit: AdministrativeUnit,
    period_from: dt.date,
    period_to: dt.date,
    value: Decimal,
    source: str,
    now: dt.datetime | None = None,
) -> IndicatorValue:
    access.require_manager(actor, unit)
    return _value_row(
        indicator=indicator,
        unit=unit,
        period_from=period_from,
        period_to=period_to,
        value=value,
        source=source,
        actor=actor,
        at=_now(now),
    )


@transaction.atomic
def indicator_save(*, actor: Any, indicator: Indicator) -> Indicator:
    """Define or change an indicator: the list is shared by every unit's figures, so only whoever
    keeps every agency of the installation (``plan_access.keeps_indicator_list``)."""
    access.require_list_keeper(actor)
    before = None
    if indicator.pk:
        old = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = {"code": old.code, "name": old.name, "area": old.area, "kind": old.kind}
    _area(indicator.area)
    indicator.name = _text(indicator.name, "tên chỉ tiêu", limit=300)
    indicator.save()
    audit_record(
        actor=actor,
        action="reform.indicator_save",
        object_type="Indicator",
        object_id=indicator.pk,
        before=before,
        after={
            "code": indicator.code,
            "name": indicator.name,
            "area": indicator.area,
            "kind": indicator.kind,
        },
    )
    return indicator


@transaction.atomic
def narrative_save(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    period_from: dt.date,
    period_to: dt.date,
    area: str,
    text: str,
    now: dt.datetime | None = None,
) -> AreaNarrative:
    at = _now(now)
    access.require_manager(actor, unit)
    _period(period_from, period_to)
    _area(area)
    text = _text(text, "nội dung đánh giá", limit=20000, multiline=True)
    row = (
        AreaNarrative.objects.select_for_update()
        .filter(unit=unit, period_from=period_from, period_to=period_to, area=area)
        .first()
    )
    before = {"text": row.text} if row else None
    row = row or AreaNarrative(unit=unit, period_from=period_from, period_to=period_to, area=area)
    row.text, row.updated_by, row.updated_at = text, actor, at
    row.save()
    audit_record(
        actor=actor,
        action="reform.narrative_save",
        object_type="AreaNarrative",
        object_id=row.pk,
        before=before,
        after={"area": area, "from": period_from, "to": period_to, "text": text},
        at=at,
    )
    return row
