"""Evaluations and indices computed from the dossiers: the per-dossier evaluation of Circular
01/2018/TT-VPCP (Arts. 13–14), the Decision 766/QĐ-TTg service index, and targets.

Formulas are named here; weights and thresholds are data (``IndexCriterion``, ``Target``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from motcua.catalog.models import (
    OnlineService,
    Procedure,
    ProcedureStatus,
    ProcessStep,
    RequiredDocument,
    StepRole,
)
from motcua.dossiers.models import (
    ApologyBreach,
    Channel,
    Dossier,
    DossierEvent,
    DossierStep,
    EventType,
    Rating,
    Status,
    SupplementRequest,
)
from motcua.feedback.selectors import index8_score, on_time_by_agency
from motcua.reports.aggregates import sql_day
from motcua.reports.models import EVALUATION_INDICES, Appraisal, Metric, Target
from motcua.reports.selectors import (
    AT_RECEIPT,
    LEVEL_KEYS,
    Period,
    alive,
    levels_table,
    scope_agency_ids,
    scope_for,
)
from motcua.units.models import AdministrativeUnit, Agency, Level

# ---- Circular 01/2018 Arts. 13–14: nine indices, each scored 2 / 1 / 0 -------------------------

INDEX_NAMES = {
    "i1": "Tổng thời gian giải quyết so với quy định",
    "i2": "Thời gian thực hiện của từng cơ quan so với quy định",
    "i3": "Số lần người nộp phải bổ sung hồ sơ",
    "i4": "Số cơ quan người nộp phải liên hệ",
    "i5": "Tỷ lệ TTHC giải quyết tại chỗ, trong ngày tại Bộ phận Một cửa",
    "i6": "Công khai TTHC",
    "i7": "Thái độ của cán bộ",
    "i8": "Tiếp nhận, xử lý phản ánh kiến nghị đúng hạn",
    "i9": "Cung cấp dịch vụ công trực tuyến",
}
DESK_SHARE_FOR_2 = {Level.PROVINCE: 20.0, Level.DISTRICT: 50.0, Level.COMMUNE: 100.0}
MAX_TOTAL = 18  # nine indices × 2 points
# Running systems' grading of the total out of 18 (REGULATIONS §7): > 15, 12–15, 9–12, 6–9, < 6.
# A total on a shared bound goes to the higher band except 15 (only above 15 is excellent).
GRADES = (
    (15.0, False, "Xuất sắc"),
    (12.0, True, "Tốt"),
    (9.0, True, "Khá"),
    (6.0, True, "Trung bình"),
)
WEAK = "Yếu"
# The desk's roles in a process: a procedure whose every step is one of these, or is done by an
# agency that receives dossiers (a one-stop desk), is handled end-to-end at the desk (index 5).
DESK_ROLES = (StepRole.RECEIVE, StepRole.RETURN)
# A result handed over in person: the return method does not name a remote way.
REMOTE_RETURN = ("trực tuyến", "điện tử", "bưu chính", "bưu điện", "online")


def grade(total: float) -> str:
    for bound, inclusive, name in GRADES:
        if total > bound or (inclusive and total == bound):
            return name
    return WEAK


def desk_only_procedures(procedure_ids: list[int]) -> set[int]:
    """Of these procedures, those whose process is entirely at the one-stop desk (the catalog has
    no flag for it: derived from the process, see docs/report-format.md)."""
    not_desk = ProcessStep.objects.filter(procedure__in=procedure_ids).exclude(
        Q(role__in=DESK_ROLES) | Q(agency__receives_dossiers=True)
    )
    with_steps = set(
        ProcessStep.objects.filter(procedure__in=procedure_ids).values_list("procedure", flat=True)
    )
    return with_steps - set(not_desk.values_list("procedure", flat=True))


def _resolved(period: Period, scope: QuerySet[Dossier] | None) -> QuerySet[Dossier]:
    """The period's resolved dossiers with their points on indices 1–4 and 7, and the lead
    agency at receipt (``agency_at_receipt``: every report figure is counted there, issue 11)."""
    qs = alive(period, scope).filter(status=Status.RESOLVED, finished_at__lt=period.end)
    if "agency_at_receipt" not in qs.query.annotations:
        qs = qs.annotate(**AT_RECEIPT)
    return index_points(qs, period.tz)


class LocalDay(Func):
    """The calendar day of a stored (UTC) instant at a fixed offset from UTC, in plain SQL on
    both databases. ``TruncDate(…, tzinfo=…)`` calls a Python function for every row on SQLite
    (Django's ``django_datetime_cast_date``): 2.6 of the 8.7 s of loading the demo's history at
    scale 0.1, in the statistics' rebuild. Asia/Ho_Chi_Minh has kept +07:00 since 1975."""

    output_field = DateField()

    def __init__(self, expression: Any, offset_seconds: int) -> None:
        super().__init__(expression)
        self.offset_seconds = offset_seconds

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return sql_day(sql, connection.vendor, self.offset_seconds), params


@functools.lru_cache(maxsize=16)
def _fixed_offset(tz: Any) -> int | None:
    """The zone's offset in seconds if it has been the same since 1976, else None."""
    offsets = {
        dt.datetime(year, month, 1, tzinfo=tz).utcoffset()
        for year in range(1976, 2040)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return int(offset.total_seconds()) if offset is not None else None


def local_day(field: str, tz: Any) -> Any:
    """The day of ``field`` in ``tz``: ``LocalDay`` where the zone's offset is fixed (ours),
    Django's ``TruncDate`` otherwise."""
    offset = _fixed_offset(tz)
    if offset is None:
        return TruncDate(field, tzinfo=tz)
    return LocalDay(F(field), offset)


def index_points(qs: QuerySet[Dossier], tz: Any) -> QuerySet[Dossier]:
    """``qs`` (resolved dossiers) annotated with their points on indices 1–4 and 7 (``i1`` …
    ``i7``): the one definition, read by the scan above and kept per dossier in the daily counts'
    snapshot (``aggregates``, by the services' hook and by the rebuild)."""
    late_step = DossierStep.objects.filter(dossier=OuterRef("pk"), outcome="late")
    non_early_step = (
        DossierStep.objects.filter(dossier=OuterRef("pk"), status="done")
        .exclude(outcome="early")
        .exclude(role__in=["tiep_nhan", "tra_ket_qua"])
    )
    supplements = (
        SupplementRequest.objects.filter(dossier=OuterRef("pk"))
        .values("dossier")
        .annotate(n=Count("id"))
        .values("n")
    )
    complaint = Rating.objects.filter(dossier=OuterRef("pk"), score__lte=2)
    in_person = Q()
    for word in REMOTE_RETURN:
        in_person &= ~Q(note__icontains=word)
    returned = DossierEvent.objects.filter(
        in_person, dossier=OuterRef("pk"), type=EventType.RESULT_RETURNED
    )
    returned_elsewhere = returned.filter(agency__isnull=False).exclude(
        agency=OuterRef("receiving_agency")
    )
    return qs.annotate(
        fin_day=local_day("finished_at", tz),
        due_day=local_day("due_at", tz),
        n_supp=Coalesce(Subquery(supplements, output_field=IntegerField()), Value(0)),
    ).annotate(
        i1=Case(
            When(finished_at__gt=F("due_at"), then=Value(0)),
            When(fin_day__lt=F("due_day"), then=Value(2)),
            default=Value(1),
        ),
        i2=Case(
            When(Exists(late_step), then=Value(0)),
            When(Exists(non_early_step), then=Value(1)),
            When(finished_at__gt=F("due_at"), then=Value(0)),
            When(fin_day__lt=F("due_day"), then=Value(2)),
            default=Value(1),
        ),
        i3=Case(When(n_supp=0, then=Value(2)), When(n_supp=1, then=Value(1)), default=Value(0)),
        # agencies the applicant had to deal with in person: none (filed online, nothing
        # handed over in person), only the receiving desk, or another agency as well
        i4=Case(
            When(Exists(returned_elsewhere), then=Value(0)),
            When(Q(channel=Channel.ONLINE) & ~Exists(returned), then=Value(2)),
            default=Value(1),
        ),
        i7=Case(
            When(Exists(complaint), then=Value(0)),
            When(finished_at__gt=F("due_at"), then=Value(0)),
            When(fin_day__lt=F("due_day"), then=Value(2)),
            default=Value(1),
        ),
    )


def _unit_scores(
    agencies: dict[int, Agency], period: Period, inputs: dict[str, Any]
) -> dict[int, dict[str, float | None]]:
    """Indices 5, 6, 8, 9 are scored per agency, not per dossier, in a few grouped queries for
    all agencies at once. Index 5: the share of the procedures the agency resolved dossiers of in
    the period that are handled end-to-end at the desk, against its level's share (≥ 20 %
    province, ≥ 50 % district, 100 % commune for 2; half of that for 1)."""
    ids = list(agencies)
    handled: dict[int, set[int]] = inputs["handled"]
    at_desk = desk_only_procedures(sorted({p for ps in handled.values() for p in ps}))
    catalog = {
        r["agency"]: r
        for r in Procedure.objects.filter(agency__in=ids, status=ProcedureStatus.PUBLISHED)
        .annotate(
            has_docs=Exists(RequiredDocument.objects.filter(procedure=OuterRef("pk"))),
            has_steps=Exists(ProcessStep.objects.filter(procedure=OuterRef("pk"))),
        )
        .values("agency")
        .annotate(
            total=Count("id"),
            complete=Count("id", filter=Q(has_docs=True, has_steps=True)),
            online=Count("id", filter=~Q(online_service=OnlineService.NONE)),
        )
        .order_by()
    }
    received: dict[int, dict[str, int]] = inputs["received"]
    late_online: set[int] = inputs["late_online"]
    # index 8: the agency's feedback (phản ánh, kiến nghị) due in the period, answered on time
    feedback = on_time_by_agency(period.start, period.end, ids)
    out: dict[int, dict[str, float | None]] = {}
    for agency_id, agency in agencies.items():
        procs = handled.get(agency_id, set())
        share = 100 * len(procs & at_desk) / len(procs) if procs else 0.0
        need = DESK_SHARE_FOR_2[Level(agency.level)]
        i5 = 2 if share >= need else 1 if share >= need / 2 else 0
        cat = catalog.get(agency_id, {"total": 0, "complete": 0, "online": 0})
        total = cat["total"]
        i6: float | None = None
        if total:
            i6 = 2 if cat["complete"] == total else 1 if cat["complete"] >= total / 2 else 0
        rec = received.get(agency_id, {"n": 0, "online": 0})
        proc_share = 100 * cat["online"] / total if total else 0.0
        dossier_share = 100 * rec["online"] / rec["n"] if rec["n"] else 0.0
        late = agency_id in late_online
        if proc_share >= 20 and dossier_share >= 30 and not late:
            i9 = 2
        elif dossier_share >= 15 and not late:
            i9 = 1
        else:
            i9 = 0
        i8 = index8_score(feedback.get(agency_id))
        out[agency_id] = {"i5": i5, "i6": i6, "i8": i8, "i9": i9}
    return out


def _appraised(agencies: list[Agency], period: Period) -> dict[int, dict[str, Any]]:
    out = {}
    for a in Appraisal.objects.filter(
        agency__in=agencies, period_from=period.first, period_to=period.last
    ):
        scores = {k: a.scores[k] for k in EVALUATION_INDICES if k in a.scores}
        total = sum(scores.values())
        out[a.agency_id] = {
            "scores": scores,
            "total": total,
            "grade": grade(total),
            "by": a.appraised_by,
        }
    return out


def evaluation(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Per agency and per level: the average of each index over the period's resolved dossiers
    (indices 1–4 and 7) and the agency's own scores (5, 6, 8, 9), added into a total out of 18
    and graded. Index 8 is the share of the agency's feedback (phản ánh, kiến nghị) due in the
    period that was answered on time (``feedback.selectors.on_time_by_agency``: answered late or
    still unanswered past due counts against it); 100 % → 2, ≥ 90 % → 1, less → 0, none due → 2.

    ``scores``/``total``/``grade`` are the self-scored column; ``appraised`` the appraising
    body's (``Appraisal`` for exactly this period), or null. Apology breaches are not folded into
    an index: a breach exists only on a late dossier, which already scores 0 on indices 1 and 7,
    so they are counted beside the indices (``apology_breaches``)."""
    ids = list(agency_ids) if agency_ids is not None else None
    inputs = evaluation_inputs(period, unit=unit, agency_ids=ids)
    rows = inputs["rows"]
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[r["agency"] for r in rows])}
    breaches = inputs["breaches"]
    unit_scores = _unit_scores(agencies, period, inputs)
    appraised = _appraised(list(agencies.values()), period)
    out_agencies = []
    by_level: dict[str, dict[str, Any]] = {}
    for r in rows:
        agency = agencies[r["agency"]]
        scores: dict[str, float | None] = {
            k: round(r[k], 2) for k in ("i1", "i2", "i3", "i4", "i7")
        }
        scores.update(unit_scores[agency.pk])
        total = round(sum(v for v in scores.values() if v is not None), 2)
        b = breaches.get(agency.pk, {"late": 0, "missing": 0})
        entry = {
            "agency_code": agency.code,
            "agency": agency.name,
            "level": LEVEL_KEYS[Level(agency.level)],
            "dossiers": r["n"],
            "scores": dict(sorted(scores.items())),
            "total": total,
            "max": MAX_TOTAL,
            "grade": grade(total),
            "unscored": sorted(k for k, v in scores.items() if v is None),
            "appraised": appraised.get(agency.pk),
            "apology_breaches": b,
        }
        out_agencies.append(entry)
        agg = by_level.setdefault(
            entry["level"],
            {"dossiers": 0, "agencies": 0, "sum": {}, "breaches": {"late": 0, "missing": 0}},
        )
        agg["dossiers"] += r["n"]
        agg["agencies"] += 1
        for k in ("late", "missing"):
            agg["breaches"][k] += b[k]
        for k, v in scores.items():
            if v is not None:
                agg["sum"][k] = agg["sum"].get(k, 0.0) + v
    levels = {
        lv: {
            "dossiers": a["dossiers"],
            "agencies": a["agencies"],
            "scores": {k: round(v / a["agencies"], 2) for k, v in sorted(a["sum"].items())},
            "apology_breaches": a["breaches"],
        }
        for lv, a in by_level.items()
    }
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "indices": INDEX_NAMES,
        "i8_note": (
            "Tỷ lệ phản ánh, kiến nghị đến hạn trong kỳ được trả lời đúng hạn: 100% → 2; "
            "từ 90% → 1; dưới 90% → 0; không có phản ánh đến hạn → 2"
        ),
        "grades": "> 15 Xuất sắc; 12–15 Tốt; 9–< 12 Khá; 6–< 9 Trung bình; < 6 Yếu (trên 18 điểm)",
        "agencies": out_agencies,
        "levels": levels,
    }


def evaluation_inputs(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: list[int] | None = None,
) -> dict[str, Any]:
    """What ``evaluation`` reads of the period's dossiers, per lead agency at receipt: ``rows``
    (resolved count and mean points of indices 1–4 and 7), ``breaches`` (late / missing
    apologies of the resolved), ``handled`` (the procedures resolved), ``received`` (received in
    the period, of which online) and ``late_online`` (agencies with an online dossier resolved
    late). From the daily counts when complete (``agg_eval``), else by a scan: both give the
    same (the property test and ``motcua stats-verify``)."""
    from motcua.reports import aggregates

    if aggregates.aggregates_complete() and not (unit is not None and agency_ids is not None):
        from motcua.reports import agg_eval

        return agg_eval.evaluation_inputs(period, unit=unit, agency_ids=agency_ids)
    return evaluation_inputs_scan(period, unit=unit, agency_ids=agency_ids)


def evaluation_inputs_scan(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: list[int] | None = None,
) -> dict[str, Any]:
    """``evaluation_inputs`` by a scan of the period's dossiers (the reference)."""
    scope = scope_for(unit, agency_ids) if unit is not None or agency_ids is not None else None
    base = _resolved(period, scope)
    if agency_ids is not None:  # a leader's agencies: only the ones they lead are scored
        base = base.filter(agency_at_receipt__in=agency_ids)
    # means as Σ points / n in Python, as from the counts (a database's AVG rounds otherwise)
    rows = [
        {
            "agency": r["agency_at_receipt"],
            "n": r["n"],
            **{k: int(r[f"{k}_sum"]) / r["n"] for k in ("i1", "i2", "i3", "i4", "i7")},
        }
        for r in base.values("agency_at_receipt")
        .annotate(
            n=Count("id"),
            i1_sum=Sum("i1"),
            i2_sum=Sum("i2"),
            i3_sum=Sum("i3"),
            i4_sum=Sum("i4"),
            i7_sum=Sum("i7"),
        )
        .order_by("agency_at_receipt")
    ]
    ids = [r["agency"] for r in rows]
    breaches = {
        r["agency_at_receipt"]: {"late": r["late"], "missing": r["missing"]}
        for r in base.exclude(apology_breach=ApologyBreach.NONE)
        .values("agency_at_receipt")
        .annotate(
            late=Count("id", filter=Q(apology_breach=ApologyBreach.LATE)),
            missing=Count("id", filter=Q(apology_breach=ApologyBreach.MISSING)),
        )
        .order_by()
    }
    handled: dict[int, set[int]] = {}
    for agency_id, procedure_id in (
        base.values_list("agency_at_receipt", "procedure_id").distinct().order_by()
    ):
        handled.setdefault(agency_id, set()).add(procedure_id)
    received = {
        r["agency_at_receipt"]: {"n": r["n"], "online": r["online"]}
        for r in alive(period, Dossier.objects.annotate(**AT_RECEIPT))
        .filter(agency_at_receipt__in=ids, received_at__gte=period.start)
        .values("agency_at_receipt")
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE)))
        .order_by()
    }
    late_online = set(
        base.filter(channel=Channel.ONLINE, finished_at__gt=F("due_at"))
        .values_list("agency_at_receipt", flat=True)
        .distinct()
        .order_by()
    )
    return {
        "rows": rows,
        "breaches": breaches,
        "handled": handled,
        "received": received,
        "late_online": late_online,
    }


# ---- Decision 766/QĐ-TTg: in decision766.py, re-exported here ------------------------------

from motcua.reports.decision766 import (  # noqa: E402
    DRILL_DOWN,
    criteria_load,
    default_criteria,
    drill_down,
    index766,
)

__all__ = [
    "DRILL_DOWN",
    "criteria_load",
    "default_criteria",
    "drill_down",
    "evaluation",
    "grade",
    "index766",
    "metric_value",
    "targets_vs_actual",
]


# ---- targets --------------------------------------------------------------------------------


def metric_value(
    metric: str,
    period: Period,
    scope: QuerySet[Dossier] | None = None,
    unit: AdministrativeUnit | None = None,
) -> float | None:
    """A target's actual figure over ``scope`` (or ``unit``: the same scope, which lets the daily
    counts answer when they are complete)."""
    from motcua.reports import agg_index, agg_report, aggregates

    if scope is None and aggregates.aggregates_complete():
        ids = scope_agency_ids(unit) if unit is not None else None
        if metric == Metric.ONLINE_SERVICES_USED:
            used, n = agg_index.online_services_used(period, ids)
            return round(100 * used / n, 2) if n else None
        return _share(metric, agg_report.levels_table(period, ids).get("total"))
    if unit is not None:
        scope = scope_for(unit)
    t = levels_table(period, scope).get("total")
    if metric == Metric.ONLINE_SERVICES_USED:
        offered = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).exclude(
            online_service=OnlineService.NONE
        )
        online_ids = (
            alive(period, scope)
            .filter(channel=Channel.ONLINE, received_at__gte=period.start)
            .values("procedure_id")
            .distinct()
        )
        used_codes = Procedure.objects.filter(pk__in=online_ids).values("code")
        used = offered.filter(code__in=used_codes).count()
        n = offered.count()
        return round(100 * used / n, 2) if n else None
    return _share(metric, t)


def _share(metric: str, t: dict[str, Any] | None) -> float | None:
    if not t:
        return None
    pairs = {
        Metric.ONLINE_DOSSIERS: (t["received_online"], t["received_new"]),
        Metric.DIGITIZED: (t["digitized"], t["received_new"]),
        Metric.ELECTRONIC_RESULTS: (t["electronic_results"], t["resolved"]),
        Metric.ON_TIME: (t["resolved_on_time"], t["resolved"]),
        Metric.ONLINE_PAYMENTS: (t["online_payments"], t["received_new"]),
    }
    a, b = pairs[Metric(metric)]
    return round(100 * a / b, 2) if b else None


def targets_vs_actual(period: Period) -> list[dict[str, Any]]:
    """Targets overlapping the period, with the actual figure over the target's own period."""
    out = []
    for target in Target.objects.filter(
        period_from__lte=period.last, period_to__gte=period.first
    ).select_related("unit"):
        tp = Period(target.period_from, target.period_to)
        actual = metric_value(target.metric, tp, unit=target.unit)
        out.append(
            {
                "name": target.name,
                "metric": target.metric,
                "label": target.get_metric_display(),
                "from": tp.first.isoformat(),
                "to": tp.last.isoformat(),
                "unit": target.unit.code if target.unit else None,
                "target": float(target.value),
                "actual": actual,
                "met": actual is not None and actual >= float(target.value),
                "basis": target.basis,
            }
        )
    return out
