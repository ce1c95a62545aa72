"""The half-year / yearly reform report as one JSON-able dict (``SCHEMA``), in the seed's
structure: the six numbered areas, each with its narrative, legal-document counts, indicators
and plan tasks; the one-stop figures (``motcua.reports.selectors.report``, the same report
``motcua report`` prints) under ``one_stop``; the PAR index ranking (``par_selectors.ranking``).

``report_docx`` renders this dict; nothing is computed twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from motcua.reform.models import (
    Area,
    AreaNarrative,
    IndicatorValue,
    LegalDocCount,
    LegalDocKind,
    ReformPlan,
    ReformTask,
    TaskStatus,
)
from motcua.reports.selectors import Period
from motcua.units.models import AdministrativeUnit, Level

SCHEMA = "motcua.reform-report/1"

#: The area each kind of legal-document count is reported under.
LEGAL_AREA = {
    LegalDocKind.DECISIONS: Area.INSTITUTIONS,
    LegalDocKind.RESOLUTIONS: Area.INSTITUTIONS,
    LegalDocKind.COMMENTED: Area.INSTITUTIONS,
    LegalDocKind.APPRAISED: Area.INSTITUTIONS,
    LegalDocKind.PROCEDURE_DECISIONS: Area.PROCEDURES,
}

#: Top-level keys, and the keys of each area (the JSON format's schema; tests hold it).
TOP_KEYS = (
    "schema",
    "from",
    "to",
    "as_of",
    "unit",
    "title",
    "plans",
    "areas",
    "one_stop",
    "par_ranking",
)
AREA_KEYS = ("number", "code", "name", "narrative", "legal_docs", "indicators", "tasks")
TASK_SUMMARY_KEYS = (
    "total",
    "done",
    "in_progress",
    "not_started",
    "cancelled",
    "overdue",
    "items",
)
TASK_ITEM_KEYS = (
    "id",
    "title",
    "agency_code",
    "agency",
    "deadline",
    "status",
    "status_label",
    "progress",
    "completed_on",
    "overdue",
)


def default_province() -> AdministrativeUnit | None:
    """The province the report is about when none is named: the one with reform plans (the
    first by code when several have), else the first current province."""
    with_plans = (
        AdministrativeUnit.objects.filter(reform_plans__isnull=False).distinct().order_by("code")
    )
    found = with_plans.first()
    if found is not None:
        return found
    return (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
        .order_by("code")
        .first()
    )


def province_name(unit: AdministrativeUnit) -> str:
    """'Tỉnh Bình Phước' → 'Bình Phước'."""
    for prefix in ("Tỉnh ", "Thành phố "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def _number(value: Decimal) -> int | float:
    """A JSON number: an integer when the value is whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def _within(qs: Any, period: Period) -> Any:
    return qs.filter(period_from__gte=period.first, period_to__lte=period.last)


def _tasks(unit: AdministrativeUnit, period: Period, as_of: dt.date) -> dict[str, list[dict]]:
    rows = (
        ReformTask.objects.filter(
            plan__unit=unit, plan__year__gte=period.first.year, plan__year__lte=period.last.year
        )
        .select_related("agency")
        .order_by("area", "deadline", "pk")
    )
    out: dict[str, list[dict]] = {a: [] for a in Area.values}
    for t in rows:
        out[t.area].append(
            {
                "id": t.pk,
                "title": t.title,
                "agency_code": t.agency.code,
                "agency": t.agency.name,
                "deadline": t.deadline.isoformat(),
                "status": t.status,
                "status_label": TaskStatus(t.status).label,
                "progress": t.progress,
                "completed_on": t.completed_on.isoformat() if t.completed_on else None,
                "overdue": t.is_overdue(as_of),
            }
        )
    return out


def _summary(items: list[dict]) -> dict[str, Any]:
    def n(status: str) -> int:
        return sum(1 for i in items if i["status"] == status)

    return {
        "total": len(items),
        "done": n(TaskStatus.DONE),
        "in_progress": n(TaskStatus.IN_PROGRESS),
        "not_started": n(TaskStatus.NOT_STARTED),
        "cancelled": n(TaskStatus.CANCELLED),
        "overdue": sum(1 for i in items if i["overdue"]),
        "items": items,
    }


def _ranking(year: int) -> dict[str, Any]:
    from motcua.reform.par_selectors import ranking

    return {"year": year, "rows": list(ranking(year))}


def build(
    period: Period,
    *,
    unit: AdministrativeUnit,
    one_stop_unit: AdministrativeUnit | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The report of ``unit`` (a province) for ``period``. ``one_stop_unit`` scopes the one-stop
    figures as ``motcua report --unit`` does (None: the whole installation, like the command
    without --unit). Tasks count as overdue when still open after their deadline on ``as_of``
    (default: the period's last day, or today if that is earlier)."""
    from motcua.reports.selectors import report

    as_of = as_of or min(period.last, timezone.localdate())
    narratives: dict[str, list[str]] = {a: [] for a in Area.values}
    for n in _within(AreaNarrative.objects.filter(unit=unit), period).order_by("period_from", "pk"):
        narratives[n.area].extend(p.strip() for p in n.text.split("\n") if p.strip())
    legal: dict[str, list[dict]] = {a: [] for a in Area.values}
    for c in _within(LegalDocCount.objects.filter(unit=unit), period).order_by(
        "period_from", "kind"
    ):
        legal[LEGAL_AREA[LegalDocKind(c.kind)]].append(
            {
                "kind": c.kind,
                "label": LegalDocKind(c.kind).label,
                "count": c.count,
                "from": c.period_from.isoformat(),
                "to": c.period_to.isoformat(),
                "note": c.note,
            }
        )
    indicators: dict[str, list[dict]] = {a: [] for a in Area.values}
    values = _within(IndicatorValue.objects.filter(unit=unit), period).select_related("indicator")
    for v in values.order_by("indicator__code", "period_from"):
        ind = v.indicator
        indicators[ind.area].append(
            {
                "code": ind.code,
                "name": ind.name,
                "kind": ind.kind,
                "measure": ind.measure,
                "value": _number(v.value),
                "from": v.period_from.isoformat(),
                "to": v.period_to.isoformat(),
                "source": v.source,
            }
        )
    tasks = _tasks(unit, period, as_of)
    plans = ReformPlan.objects.filter(
        unit=unit, year__gte=period.first.year, year__lte=period.last.year
    ).order_by("year")
    name = province_name(unit)
    return {
        "schema": SCHEMA,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "as_of": as_of.isoformat(),
        "unit": {"code": unit.code, "name": unit.name, "short_name": name},
        "title": title(period, name),
        "plans": [
            {
                "year": p.year,
                "title": p.title,
                "number": p.number,
                "issued_on": p.issued_on.isoformat() if p.issued_on else None,
            }
            for p in plans
        ],
        "areas": [
            {
                "number": Area.number(a),
                "code": a,
                "name": Area(a).label,
                "narrative": narratives[a],
                "legal_docs": legal[a],
                "indicators": indicators[a],
                "tasks": _summary(tasks[a]),
            }
            for a in Area.values
        ],
        "one_stop": report(period, unit=one_stop_unit),
        "par_ranking": _ranking(period.first.year),
    }


def title(period: Period, province: str) -> str:
    """The seed's title: '… 6 THÁNG ĐẦU NĂM 2022 …' for a half-year, '… NĂM 2022 …' for a
    year, the dates otherwise."""
    f, last = period.first, period.last
    if (f.month, f.day) == (1, 1) and f.year == last.year and (last.month, last.day) == (6, 30):
        span = f"6 THÁNG ĐẦU NĂM {f.year}"
    elif (f.month, f.day) == (1, 1) and f.year == last.year and (last.month, last.day) == (12, 31):
        span = f"NĂM {f.year}"
    else:
        span = f"TỪ NGÀY {f:%d/%m/%Y} ĐẾN NGÀY {last:%d/%m/%Y}"
    return (
        f"KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC {span} TRÊN ĐỊA BÀN TỈNH {province.upper()}"
    )
