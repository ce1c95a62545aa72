"""Every change of a PAR assessment: open, fill the automatic criteria, self-score, submit,
appraise, finish, return. One transaction each, the assessment row locked, the change audited
through the project's audit chain; authorization checked here (views and demo call these).

Who: the agency's leaders and agency administrators score their own agency (``SELF_ROLES``);
the province's administrators (``Role.PROVINCE_ADMIN`` at a provincial agency) appraise every
agency of their province. ``actor=None`` is the system (the demo, a command).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.bulk import update_each
from motcua.core.errors import DomainError, IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.access import Actor, agency_ids_for, is_superuser
from motcua.reform import par_auto, par_rules
from motcua.reform.models import (
    ParAssessment,
    ParCriterion,
    ParGroup,
    ParScore,
    ParSource,
    ParStatus,
    ParTemplate,
)
from motcua.units.models import Agency, AgencyKind, Level, Membership, Role
from motcua.units.selectors import unit_subtree_ids

SELF_ROLES = (Role.LEADER, Role.AGENCY_ADMIN)
MAX_VALUE = Decimal("100000000")
CENT = Decimal("0.01")


def _q(d: Decimal | None) -> Decimal | None:
    """Two decimals, as stored (so audit entries and comparisons see what the database has)."""
    return None if d is None else Decimal(d).quantize(CENT)


# ---- who -------------------------------------------------------------------------------------


def group_of(agency: Agency) -> str | None:
    """The template group an agency is scored on (None: not assessed by the province)."""
    if agency.level == Level.PROVINCE and agency.kind in (AgencyKind.DEPARTMENT,):
        return ParGroup.DEPARTMENT
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.level == Level.DISTRICT:
        return ParGroup.DISTRICT
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.level == Level.COMMUNE:
        return ParGroup.COMMUNE
    return None


def self_agency_ids(actor: Actor | None) -> set[int] | None:
    """Agencies whose self-assessment the actor fills (None: all, for a superuser)."""
    return agency_ids_for(actor, SELF_ROLES)


def appraised_agency_ids(actor: Actor | None) -> set[int] | None:
    """Agencies the actor appraises: those of the province of each provincial administrator
    membership (None: all, for a superuser; empty: not an appraiser)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    if is_superuser(actor):
        return None
    ids: set[int] = set()
    rows = Membership.objects.filter(
        user_id=actor.pk, active=True, role=Role.PROVINCE_ADMIN, agency__level=Level.PROVINCE
    ).select_related("agency__unit")
    for m in rows:
        ids.update(
            Agency.objects.filter(unit_id__in=unit_subtree_ids(m.agency.unit)).values_list(
                "pk", flat=True
            )
        )
    return ids


def _in(ids: set[int] | None, agency_id: int) -> bool:
    return ids is None or agency_id in ids


def can_self_assess(actor: Actor | None, agency: Agency) -> bool:
    return actor is None or _in(self_agency_ids(actor), agency.pk)


def can_appraise(actor: Actor | None, agency: Agency) -> bool:
    return actor is None or _in(appraised_agency_ids(actor), agency.pk)


def _require_self(actor: Actor | None, a: ParAssessment) -> None:
    if not can_self_assess(actor, a.agency):
        raise PermissionDenied(
            f"Bạn không có quyền tự đánh giá Chỉ số CCHC của {a.agency.name}",
            code="permission_denied",
        )


def _require_appraiser(actor: Actor | None, agency: Agency) -> None:
    if not can_appraise(actor, agency):
        raise PermissionDenied(
            f"Bạn không phải người thẩm định Chỉ số CCHC của {agency.name}",
            code="permission_denied",
        )


# ---- templates and totals --------------------------------------------------------------------


def template_for(group: str, year: int) -> ParTemplate:
    t = (
        ParTemplate.objects.filter(group=group, active=True, year_from__lte=year)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
        .order_by("-year_from")
        .first()
    )
    if t is None:
        raise ValidationFailed(
            f"Chưa có bộ tiêu chí Chỉ số CCHC đang dùng cho nhóm «{ParGroup(group).label}» "
            f"năm {year} (nạp bằng lệnh `motcua par-template-load`)",
            code="par_no_template",
        )
    return t


def leaves(template: ParTemplate) -> list[ParCriterion]:
    return [c for c in template.criteria.order_by("order", "code") if c.is_leaf()]


def _totals(a: ParAssessment, rows: list[ParScore] | None = None) -> None:
    """The three totals from the scores (``rows``: already loaded, with their criteria)."""
    if rows is None:
        rows = list(a.scores.select_related("criterion"))
    a.max_total = sum((s.criterion.max_points for s in rows), start=Decimal(0))
    a.self_total = sum((s.self_points or Decimal(0) for s in rows), start=Decimal(0))
    a.final_total = sum((s.points for s in rows), start=Decimal(0))


def _locked(a: ParAssessment) -> ParAssessment:
    return (
        ParAssessment.objects.select_for_update().select_related("agency", "template").get(pk=a.pk)
    )


def _score_state(s: ParScore) -> dict[str, Any]:
    return {
        "value": s.value,
        "self_points": s.self_points,
        "final_points": s.final_points,
        "points": s.points,
        "comment": s.comment,
    }


# ---- open and automatic criteria -------------------------------------------------------------


def assessment_open(actor: Actor | None, agency: Agency, year: int) -> ParAssessment:
    """The agency's assessment of ``year``, created with one row per scored criterion and the
    automatic criteria filled (an existing one is returned as it is)."""
    if not (can_self_assess(actor, agency) or can_appraise(actor, agency)):
        raise PermissionDenied(
            f"Bạn không có quyền mở Chỉ số CCHC của {agency.name}", code="permission_denied"
        )
    if year < 2000 or year > timezone.localdate().year:
        raise ValidationFailed(f"Năm đánh giá {year} không hợp lệ", code="par_bad_year")
    group = group_of(agency)
    if group is None:
        raise ValidationFailed(
            f"{agency.name} không thuộc nhóm cơ quan được đánh giá Chỉ số CCHC",
            code="par_not_assessed",
        )
    with transaction.atomic():
        existing = ParAssessment.objects.filter(agency=agency, year=year).first()
        if existing is not None:
            return existing
        a = ParAssessment.objects.create(
            template=template_for(group, year), agency=agency, year=year
        )
        ParScore.objects.bulk_create(
            [ParScore(assessment=a, criterion=c) for c in leaves(a.template)]
        )
        _fill_auto(a)
        _totals(a)
        a.save()
        audit_record(
            actor=actor,
            action="par.open",
            object_type="ParAssessment",
            object_id=a.pk,
            after={"agency": agency.code, "year": year, "template": a.template.code},
        )
    return a


def _fill_auto(a: ParAssessment) -> int:
    rows = [s for s in a.scores.select_related("criterion") if s.criterion.source == ParSource.AUTO]
    if not rows:
        return 0
    measured = par_auto.measure(a.agency, a.year, {s.criterion.metric for s in rows})
    for s in rows:
        m = measured.get(s.criterion.metric) or {"value": None, "note": "không có số liệu"}
        detail = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in m.items()}
        if m["value"] is not None:
            s.value = m["value"]
            s.self_points = par_rules.points(s.criterion.rule, s.criterion.max_points, s.value)
        elif (s.auto_detail or {}).get("value") is not None:
            s.value = s.self_points = None  # the system had a value before and has none now
        s.auto_detail = detail
    update_each(ParScore, rows, ["value", "self_points", "auto_detail"])
    a.auto_at = timezone.now()
    return len(rows)


def refresh_auto(actor: Actor | None, a: ParAssessment) -> ParAssessment:
    """Measure the automatic criteria again (while the assessment is not appraised)."""
    with transaction.atomic():
        a = _locked(a)
        if not (can_self_assess(actor, a.agency) or can_appraise(actor, a.agency)):
            _require_self(actor, a)
        if a.status == ParStatus.APPRAISED:
            raise IllegalTransition(
                "Kết quả đã thẩm định xong, không cập nhật lại số liệu", code="par_locked"
            )
        if a.status == ParStatus.SUBMITTED and not can_appraise(actor, a.agency):
            raise IllegalTransition(
                "Bản tự đánh giá đã gửi thẩm định, không sửa được", code="par_locked"
            )
        before = {"self_total": a.self_total, "final_total": a.final_total}
        n = _fill_auto(a)
        _totals(a)
        a.save()
        audit_record(
            actor=actor,
            action="par.auto",
            object_type="ParAssessment",
            object_id=a.pk,
            before=before,
            after={"self_total": a.self_total, "final_total": a.final_total, "criteria": n},
        )
    return a


# ---- self-assessment -------------------------------------------------------------------------


@dataclass
class SelfEntry:
    value: Decimal | None = None
    points: Decimal | None = None
    evidence: str = ""
    note: str = ""


def _check_value(c: ParCriterion, value: Decimal | None) -> None:
    if value is None:
        return
    if value < 0 or value > MAX_VALUE:
        raise ValidationFailed(f"{c.label}: giá trị phải là số không âm", code="par_bad_value")
    if c.rule.get("kind") == "yes_no" and value not in (0, 1):
        raise ValidationFailed(f"{c.label}: chọn «có» (1) hoặc «không» (0)", code="par_bad_value")


def _check_points(c: ParCriterion, pts: Decimal | None) -> None:
    if pts is not None and (pts < 0 or pts > c.max_points):
        raise ValidationFailed(
            f"{c.label}: điểm phải từ 0 đến {c.max_points.normalize():f}", code="par_bad_points"
        )


def self_editable(s: ParScore) -> bool:
    """Whether the agency enters this criterion: its own criteria, and automatic ones the
    system has no data for."""
    c = s.criterion
    if c.source == ParSource.SELF:
        return True
    return c.source == ParSource.AUTO and (s.auto_detail or {}).get("value") is None


def self_save(
    actor: Actor | None, a: ParAssessment, entries: dict[int, SelfEntry]
) -> ParAssessment:
    """Save the agency's own values, points and evidence (criterion id → entry); all or
    nothing."""
    with transaction.atomic():
        a = _locked(a)
        _require_self(actor, a)
        if a.locked:
            raise IllegalTransition(
                "Bản tự đánh giá đã gửi thẩm định, không sửa được", code="par_locked"
            )
        rows = {s.criterion_id: s for s in a.scores.select_related("criterion")}
        changed = []
        for cid, e in entries.items():
            s = rows.get(cid)
            if s is None:
                raise ValidationFailed("Tiêu chí không thuộc bộ tiêu chí này", code="par_bad_item")
            c = s.criterion
            e = SelfEntry(_q(e.value), _q(e.points), e.evidence, e.note)
            if not self_editable(s):
                raise ValidationFailed(
                    f"{c.label}: điểm do hệ thống hoặc điều tra xã hội học cho, "
                    "cơ quan không tự chấm",
                    code="par_not_editable",
                )
            if c.rule.get("kind") == "manual":
                _check_points(c, e.points)
                value, pts = None, e.points
            else:
                _check_value(c, e.value)
                value = e.value
                pts = par_rules.points(c.rule, c.max_points, value)
            if (s.value, s.self_points, s.evidence, s.note) != (value, pts, e.evidence, e.note):
                s.value, s.self_points, s.evidence, s.note = value, pts, e.evidence, e.note
                changed.append(s)
        if changed:
            update_each(ParScore, changed, ["value", "self_points", "evidence", "note"])
        _totals(a, list(rows.values()))
        a.save()
        if changed:
            audit_record(
                actor=actor,
                action="par.self_save",
                object_type="ParAssessment",
                object_id=a.pk,
                after={"criteria": [s.criterion.code for s in changed], "self_total": a.self_total},
            )
    return a


def missing_evidence(a: ParAssessment) -> list[str]:
    return [
        s.criterion.label
        for s in a.scores.select_related("criterion")
        if s.criterion.evidence_required
        and (s.self_points or 0) > 0
        and self_editable(s)
        and not s.evidence.strip()
    ]


def submit(actor: Actor | None, a: ParAssessment) -> ParAssessment:
    with transaction.atomic():
        a = _locked(a)
        _require_self(actor, a)
        if a.locked:
            raise IllegalTransition("Bản tự đánh giá đã được gửi", code="par_locked")
        missing = missing_evidence(a)
        if missing:
            raise ValidationFailed(
                "Chưa có tài liệu kiểm chứng: " + "; ".join(missing), code="par_no_evidence"
            )
        a.status = ParStatus.SUBMITTED
        a.submitted_at = timezone.now()
        a.submitted_by = actor if getattr(actor, "pk", None) else None
        _totals(a)
        a.save()
        audit_record(
            actor=actor,
            action="par.submit",
            object_type="ParAssessment",
            object_id=a.pk,
            before={"status": ParStatus.DRAFT},
            after={"status": a.status, "self_total": a.self_total},
        )
    return a


# ---- appraisal -------------------------------------------------------------------------------


@dataclass
class Appraisal:
    final_points: Decimal | None = None
    comment: str = ""
    value: Decimal | None = None  # survey criteria: the survey's result


def appraise(actor: Actor | None, a: ParAssessment, entries: dict[int, Appraisal]) -> ParAssessment:
    """The appraiser's points (None: keep the agency's), comments and survey results; each
    changed criterion is one audit entry with its before and after."""
    with transaction.atomic():
        a = _locked(a)
        _require_appraiser(actor, a.agency)
        if a.status != ParStatus.SUBMITTED:
            raise IllegalTransition(
                "Chỉ thẩm định bản tự đánh giá đã gửi và chưa thẩm định xong",
                code="par_not_submitted",
            )
        rows = {s.criterion_id: s for s in a.scores.select_related("criterion")}
        now = timezone.now()
        for cid, e in entries.items():
            s = rows.get(cid)
            if s is None:
                raise ValidationFailed("Tiêu chí không thuộc bộ tiêu chí này", code="par_bad_item")
            c = s.criterion
            e = Appraisal(_q(e.final_points), e.comment or "", _q(e.value))
            before = _score_state(s)
            if c.source == ParSource.SURVEY:
                _check_value(c, e.value)
                s.value = e.value
                s.self_points = par_rules.points(c.rule, c.max_points, e.value)
            _check_points(c, e.final_points)
            final = e.final_points
            if final is not None and final == (s.self_points or Decimal(0)) and not e.comment:
                final = None  # the same points: nothing adjusted
            comment = e.comment.strip()
            if final is not None and not comment:
                raise ValidationFailed(
                    f"{c.label}: cần ghi ý kiến thẩm định khi điều chỉnh điểm",
                    code="par_comment_required",
                )
            s.final_points, s.comment = final, comment
            after = _score_state(s)
            if after == before:
                continue
            s.appraised_at = now
            s.appraised_by = actor if getattr(actor, "pk", None) else None
            s.save()
            audit_record(
                actor=actor,
                action="par.appraise",
                object_type="ParScore",
                object_id=s.pk,
                before={**before, "criterion": c.code, "agency": a.agency.code, "year": a.year},
                after={**after, "criterion": c.code, "agency": a.agency.code, "year": a.year},
            )
        _totals(a, list(rows.values()))
        a.save()
    return a


def missing_survey(a: ParAssessment) -> list[str]:
    return [
        s.criterion.label
        for s in a.scores.select_related("criterion")
        if s.criterion.source == ParSource.SURVEY and s.value is None
    ]


def finish(actor: Actor | None, a: ParAssessment) -> ParAssessment:
    """Close the appraisal: the result counts in the ranking from now on."""
    with transaction.atomic():
        a = _locked(a)
        _require_appraiser(actor, a.agency)
        if a.status != ParStatus.SUBMITTED:
            raise IllegalTransition("Chỉ hoàn tất thẩm định bản đã gửi", code="par_not_submitted")
        missing = missing_survey(a)
        if missing:
            raise ValidationFailed(
                "Chưa nhập kết quả điều tra xã hội học: " + "; ".join(missing),
                code="par_no_survey",
            )
        _totals(a)
        a.status = ParStatus.APPRAISED
        a.appraised_at = timezone.now()
        a.appraised_by = actor if getattr(actor, "pk", None) else None
        a.save()
        audit_record(
            actor=actor,
            action="par.finish",
            object_type="ParAssessment",
            object_id=a.pk,
            before={"status": ParStatus.SUBMITTED},
            after={"status": a.status, "final_total": a.final_total, "max": a.max_total},
        )
    return a


def send_back(actor: Actor | None, a: ParAssessment, reason: str) -> ParAssessment:
    """Return a submitted (or appraised) assessment to the agency for correction."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Cần ghi lý do trả lại", code="par_reason_required")
    with transaction.atomic():
        a = _locked(a)
        _require_appraiser(actor, a.agency)
        if a.status == ParStatus.DRAFT:
            raise IllegalTransition("Bản tự đánh giá chưa được gửi", code="par_not_submitted")
        before = a.status
        a.status = ParStatus.DRAFT
        a.appraised_at = None
        a.appraised_by = None
        a.save()
        audit_record(
            actor=actor,
            action="par.send_back",
            object_type="ParAssessment",
            object_id=a.pk,
            before={"status": before},
            after={"status": a.status, "reason": reason},
        )
    return a


__all__ = [
    "Appraisal",
    "DomainError",
    "SelfEntry",
    "appraise",
    "assessment_open",
    "finish",
    "refresh_auto",
    "self_save",
    "send_back",
    "submit",
]
