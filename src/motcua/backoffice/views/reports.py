"""Reports: the leaders' dashboard, exports, drill-down."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.backoffice.views._common import (
    _int,
    domain_errors,
)
from motcua.dossiers.access import report_agency_ids
from motcua.reports.aggregates import in_one_reading

# ---- reports --------------------------------------------------------------------------------


def _report_scope(request: HttpRequest) -> list[int] | None:
    """Leaders see their agencies; a province administrator the whole province."""
    return report_agency_ids(request.user)


class BadPeriod(Exception):
    """The period parameters were refused: the page answers 400 with the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _report_period(request: HttpRequest, ids: list[int] | None) -> tuple[Any, str]:
    """The period asked for, or the latest period with data when none is asked for."""
    from motcua.reports.forms import PeriodForm
    from motcua.reports.selectors import latest_period, scope_for

    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise BadPeriod(form.error_text())
    if not form.given():
        return latest_period(scope_for(agency_ids=ids) if ids is not None else None)
    return form.period(), form.cleaned_data.get("kind") or "6"


def _bad_period(request: HttpRequest, exc: BadPeriod) -> HttpResponse:
    return render(
        request,
        "backoffice/report_error.html",
        {"message": exc.message, "query": request.GET.urlencode()},
        status=400,
    )


@login_required
@domain_errors
@in_one_reading  # the report and the index share their largest read
def dashboard(request: HttpRequest) -> HttpResponse:
    from motcua.reports import charts
    from motcua.reports.forms import FIRST_YEAR, KINDS, last_year
    from motcua.reports.indices import (
        DRILL_DOWN,
        INDEX_NAMES,
        evaluation,
        index766,
        targets_vs_actual,
    )
    from motcua.reports.selectors import LEVEL_NAMES, report

    ids = _report_scope(request)
    try:
        period, kind = _report_period(request, ids)
    except BadPeriod as exc:
        return _bad_period(request, exc)
    # two-level government (issue 11): rows of abolished agencies merged into their successors
    roll_up = request.GET.get("gop") == "1"
    rep = report(period, agency_ids=ids, roll_up=roll_up)
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
    ev = evaluation(period, agency_ids=ids)
    for a in ev["agencies"]:
        a["score_list"] = [a["scores"].get(k) for k in INDEX_NAMES]
    context = {
        "rep": rep,
        "evaluation": ev,
        "index_keys": [(k.replace("i", "CS "), name) for k, name in INDEX_NAMES.items()],
        "period": period,
        "levels": levels,
        "late_chart": late_chart,
        "trend": trend,
        "online_chart": online,
        "index": index766(period, agency_ids=ids),
        "targets": targets_vs_actual(period) if ids is None else [],
        "years": range(last_year(), FIRST_YEAR - 1, -1),
        "kinds": KINDS,
        "kind": kind,
        "n": _int(request.GET.get("n"), 1),
        "query": request.GET.urlencode(),
        "drillable": list(DRILL_DOWN),
        "roll_up": roll_up,
    }
    return render(request, "backoffice/dashboard.html", context)


@login_required
@domain_errors
@in_one_reading  # the report and the index share their largest read
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
    from motcua.reports.indices import evaluation
    from motcua.reports.selectors import report, report_units

    ids = _report_scope(request)
    if fmt not in ("xlsx", "docx"):
        raise Http404("Không có định dạng này")
    try:
        period, _ = _report_period(request, ids)
    except BadPeriod as exc:
        return _bad_period(request, exc)
    rep = report(period, agency_ids=ids)
    units = report_units(agency_ids=ids)
    name = f"bao-cao-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "xlsx":
        resp = HttpResponse(
            to_xlsx(
                rep,
                bieu06_rows(rep),
                reporting_unit=units[0],
                receiving_unit=units[1],
                evaluation=evaluation(period, agency_ids=ids),
            ),
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
    try:
        period, _ = _report_period(request, ids)
    except BadPeriod as exc:
        return _bad_period(request, exc)
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
