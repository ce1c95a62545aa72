"""Reports: the leaders' dashboard, exports, drill-down."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.backoffice.views._common import (
    _date,
    _int,
    domain_errors,
)
from motcua.dossiers.access import report_agency_ids

# ---- reports --------------------------------------------------------------------------------


def _report_scope(request: HttpRequest) -> list[int] | None:
    """Leaders see their agencies; a province administrator the whole province."""
    return report_agency_ids(request.user)


def _report_period(request: HttpRequest) -> Any:
    from motcua.reports.selectors import Period, period_preset

    today = timezone.localdate()
    first, last = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if first and last and first <= last:
        return Period(first, last)
    year = _int(request.GET.get("year"), today.year)
    kind = request.GET.get("kind", "6")
    number = _int(request.GET.get("n"), 1)
    try:
        return period_preset(year, kind, number)
    except (ValueError, KeyError):
        return period_preset(year, "6")


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    from motcua.reports import charts
    from motcua.reports.indices import index766, targets_vs_actual
    from motcua.reports.selectors import LEVEL_NAMES, report

    ids = _report_scope(request)
    period = _report_period(request)
    rep = report(period, agency_ids=ids)
    agencies = sorted(rep["by_agency"], key=lambda a: -a["received"])[:15]
    late_chart = charts.hbars(
        [(a["agency"], a["late_rate"]) for a in agencies],
        title="Tỷ lệ giải quyết trễ hạn theo cơ quan (%)",
    )
    months = rep["by_month"]
    trend = charts.columns(
        [m["month"] for m in months],
        [
            ("Tiếp nhận", charts.BLUE, [m["received"] for m in months]),
            ("Đã giải quyết", charts.GREEN, [m["resolved"] for m in months]),
            ("Trễ hạn", charts.RED, [m["late"] for m in months]),
        ],
        title="Diễn biến theo tháng",
    )
    levels = [(k, LEVEL_NAMES[k], v) for k, v in rep["levels"].items()]
    online = charts.hbars(
        [
            (
                LEVEL_NAMES[k],
                round(100 * v["received_online"] / v["received_new"], 2)
                if v["received_new"]
                else 0.0,
            )
            for k, v in rep["levels"].items()
        ],
        title="Tỷ lệ hồ sơ tiếp nhận trực tuyến (%)",
        max_value=100,
        color=charts.BLUE,
    )
    context = {
        "rep": rep,
        "period": period,
        "levels": levels,
        "late_chart": late_chart,
        "trend": trend,
        "online_chart": online,
        "index": index766(period) if ids is None else None,
        "targets": targets_vs_actual(period) if ids is None else [],
        "years": range(timezone.localdate().year, 2017, -1),
        "kinds": [
            ("6", "6 tháng"),
            ("9", "9 tháng"),
            ("year", "Cả năm"),
            ("quarter", "Quý"),
            ("month", "Tháng"),
        ],
        "kind": request.GET.get("kind", "6"),
        "n": _int(request.GET.get("n"), 1),
        "query": request.GET.urlencode(),
        "drillable": [
            "on_time",
            "online_dossiers",
            "online_payments",
            "digitized",
            "electronic_results",
        ],
    }
    return render(request, "backoffice/dashboard.html", context)


@login_required
@domain_errors
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
    from motcua.reports.selectors import report

    ids = _report_scope(request)
    period = _report_period(request)
    rep = report(period, agency_ids=ids)
    name = f"bao-cao-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "xlsx":
        resp = HttpResponse(
            to_xlsx(rep, bieu06_rows(rep)),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    elif fmt == "docx":
        resp = HttpResponse(
            to_docx(rep),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
    else:
        raise Http404("Không có định dạng này")
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@login_required
@domain_errors
def report_drill_down(request: HttpRequest, criterion: str) -> HttpResponse:
    """The dossiers that cost points on a criterion of the service index."""
    from motcua.reports.indices import DRILL_DOWN, drill_down
    from motcua.reports.selectors import scope_for

    if criterion not in DRILL_DOWN:
        raise Http404("Không có tiêu chí này")
    ids = _report_scope(request)
    period = _report_period(request)
    scope = scope_for(agency_ids=ids) if ids is not None else None
    rows = list(drill_down(period, criterion, scope=scope))
    return render(
        request,
        "backoffice/drill_down.html",
        {
            "rows": rows,
            "title": DRILL_DOWN[criterion],
            "period": period,
            "query": request.GET.urlencode(),
        },
    )
