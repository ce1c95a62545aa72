"""The PAR index pages (/cai-cach/chi-so/): ranking, year-on-year comparison, criteria trees,
an agency's self-assessment (its own agency only) and the province's appraisal.

Every view asks ``par_selectors`` / ``par_services`` who may do what; refusals are the site's
403/404 pages (``domain_errors``), bad input a Vietnamese message with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.core.errors import DomainError
from motcua.reform import par_rules, par_selectors, par_services
from motcua.reform.models import ParAssessment, ParGroup, ParStatus, ParTemplate
from motcua.reform.par_auto import METRICS, agencies_scope_label
from motcua.reform.par_forms import (
    AppraiseForm,
    CompareForm,
    OpenForm,
    ReasonForm,
    SelfForm,
    YearForm,
)
from motcua.reports.charts import BLUE, GREEN, columns, hbars
from motcua.units.models import Agency


def _default_year() -> int:
    ys = par_selectors.years()
    return ys[0] if ys else timezone.localdate().year - 1


def _errors(request: HttpRequest, form: Any) -> None:
    for line in form.messages():
        messages.error(request, line)


# ---- ranking, comparison, templates ----------------------------------------------------------


@login_required
@domain_errors
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    par_selectors.require_reader(request.user)
    form = YearForm(request.GET)
    year = _default_year()
    if form.is_valid() and form.cleaned_data.get("nam"):
        year = form.cleaned_data["nam"]
    elif not form.is_valid():
        _errors(request, form)
    rows = par_selectors.ranking(year)
    groups = []
    for g in ParGroup:
        items = [r for r in rows if r["group"] == g.value]
        if items:
            chart = hbars(
                [(r["agency_name"], r["index_pct"]) for r in items],
                title=f"Chỉ số CCHC năm {year} — {g.label}",
                max_value=100,
                color=BLUE,
            )
            groups.append({"label": g.label, "rows": items, "chart": chart})
    pending = ParAssessment.objects.filter(year=year).exclude(status=ParStatus.APPRAISED).count()
    return render(
        request,
        "reform/par/ranking.html",
        {"year": year, "years": par_selectors.years(), "groups": groups, "pending": pending},
    )


@login_required
@domain_errors
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    par_selectors.require_reader(request.user)
    form = CompareForm(request.GET)
    year_b = _default_year()
    year_a = year_b - 1
    if form.is_valid():
        year_b = form.cleaned_data.get("den") or year_b
        year_a = form.cleaned_data.get("tu") or year_b - 1
    else:
        _errors(request, form)
    rows = par_selectors.compare(year_a, year_b)
    chart = None
    both = [r for r in rows if r["index_a"] is not None and r["index_b"] is not None]
    if both:
        chart = columns(
            [r["agency_name"][:12] for r in both[:24]],
            [
                (f"Năm {year_a}", BLUE, [r["index_a"] for r in both[:24]]),
                (f"Năm {year_b}", GREEN, [r["index_b"] for r in both[:24]]),
            ],
            title=f"Chỉ số CCHC (%) năm {year_a} và {year_b}",
            width=max(620, 60 * min(len(both), 24)),
        )
    return render(
        request,
        "reform/par/compare.html",
        {
            "year_a": year_a,
            "year_b": year_b,
            "rows": rows,
            "chart": chart,
            "years": par_selectors.years(),
        },
    )


@login_required
@domain_errors
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    par_selectors.require_reader(request.user)
    out = []
    for t in ParTemplate.objects.order_by("group", "-year_from"):
        crits = list(t.criteria.order_by("order", "code"))
        depth: dict[int, int] = {}
        rows = []
        for c in crits:
            depth[c.pk] = depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
            rows.append(
                {
                    "c": c,
                    "depth": depth[c.pk],
                    "rule": par_rules.describe(c.rule, c.max_points) if c.is_leaf() else "",
                    "metric": METRICS.get(c.metric, ("",))[0],
                }
            )
        out.append({"t": t, "rows": rows, "max": t.max_total()})
    return render(request, "reform/par/templates.html", {"templates": out})


# ---- self-assessment -------------------------------------------------------------------------


def _self_agencies(request: HttpRequest) -> list[Agency]:
    ids = par_services.self_agency_ids(request.user)
    qs = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
    return [a for a in qs.order_by("code")[:500] if par_services.group_of(a)]


@login_required
@domain_errors
@require_GET
def self_list(request: HttpRequest) -> HttpResponse:
    agencies = _self_agencies(request)
    own = par_selectors.own_assessments(request.user)
    if not agencies and not own:
        raise par_services.PermissionDenied(
            "Tự đánh giá Chỉ số CCHC dành cho lãnh đạo, quản trị của cơ quan được đánh giá",
            code="permission_denied",
        )
    form = OpenForm(agencies, initial={"year": timezone.localdate().year - 1})
    return render(request, "reform/par/self_list.html", {"assessments": own, "form": form})


@login_required
@domain_errors
@require_POST
def self_open(request: HttpRequest) -> HttpResponse:
    agencies = _self_agencies(request)
    form = OpenForm(agencies, request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("reform:par_self_list")
    a = par_services.assessment_open(
        request.user, form.cleaned_data["agency"], form.cleaned_data["year"]
    )
    return redirect("reform:par_self", pk=a.pk)


def _rows(a: ParAssessment, form: Any) -> list[dict[str, Any]]:
    rows = par_selectors.tree(a)
    for r in rows:
        c = r["c"]
        r["rule"] = par_rules.describe(c.rule, c.max_points) if c.is_leaf() else ""
        s = r["score"]
        r["fields"] = form.fields_of(s) if (form is not None and s is not None) else []
        r["metric"] = METRICS.get(c.metric, ("", ""))
    return rows


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def self_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.self_assessment_get(request.user, pk)
    form = None if a.locked else SelfForm(a, request.POST or None)
    if request.method == "POST":
        if form is None:
            raise DomainError("Bản tự đánh giá đã gửi thẩm định, không sửa được")
        if not form.is_valid():
            _errors(request, form)
        else:
            par_services.self_save(request.user, a, form.entries())
            messages.success(request, "Đã lưu bản tự đánh giá.")
            return redirect("reform:par_self", pk=a.pk)
    return render(
        request,
        "reform/par/self.html",
        {
            "a": a,
            "form": form,
            "rows": _rows(a, form),
            "scope": agencies_scope_label(a.agency),
            "missing": par_services.missing_evidence(a) if not a.locked else [],
        },
    )


@login_required
@domain_errors
@require_POST
def self_submit(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.self_assessment_get(request.user, pk)
    par_services.submit(request.user, a)
    messages.success(request, "Đã gửi bản tự đánh giá để thẩm định.")
    return redirect("reform:par_self", pk=a.pk)


@login_required
@domain_errors
@require_POST
def self_auto(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.self_assessment_get(request.user, pk)
    if a.locked:
        raise DomainError("Bản tự đánh giá đã gửi thẩm định, không sửa được")
    par_services.refresh_auto(request.user, a)
    messages.success(request, "Đã cập nhật các tiêu chí tính tự động từ số liệu hệ thống.")
    return redirect("reform:par_self", pk=a.pk)


# ---- appraisal -------------------------------------------------------------------------------


@login_required
@domain_errors
@require_GET
def appraisal_list(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET)
    year = form.cleaned_data.get("nam") if form.is_valid() else None
    items = par_selectors.appraisal_queue(request.user, year)
    return render(
        request,
        "reform/par/appraisal_list.html",
        {"assessments": items, "year": year, "years": par_selectors.years()},
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.appraisal_get(request.user, pk)
    editable = a.status == ParStatus.SUBMITTED
    form = AppraiseForm(a, request.POST or None) if editable else None
    if request.method == "POST":
        if form is None:
            raise DomainError("Chỉ thẩm định bản tự đánh giá đã gửi và chưa thẩm định xong")
        if not form.is_valid():
            _errors(request, form)
        else:
            par_services.appraise(request.user, a, form.entries())
            messages.success(request, "Đã lưu kết quả thẩm định.")
            return redirect("reform:par_appraisal", pk=a.pk)
    return render(
        request,
        "reform/par/appraisal.html",
        {
            "a": a,
            "form": form,
            "rows": _rows(a, form),
            "scope": agencies_scope_label(a.agency),
            "reason_form": ReasonForm(),
            "missing": par_services.missing_survey(a) if editable else [],
        },
    )


@login_required
@domain_errors
@require_POST
def appraisal_finish(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.appraisal_get(request.user, pk)
    par_services.finish(request.user, a)
    messages.success(request, "Đã hoàn tất thẩm định; kết quả được xếp hạng.")
    return redirect("reform:par_appraisal", pk=a.pk)


@login_required
@domain_errors
@require_POST
def appraisal_back(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.appraisal_get(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("reform:par_appraisal", pk=a.pk)
    par_services.send_back(request.user, a, form.cleaned_data["reason"])
    messages.success(request, "Đã trả lại bản tự đánh giá cho cơ quan.")
    return redirect("reform:par_appraisal", pk=a.pk)


@login_required
@domain_errors
@require_POST
def appraisal_auto(request: HttpRequest, pk: int) -> HttpResponse:
    a = par_selectors.appraisal_get(request.user, pk)
    par_services.refresh_auto(request.user, a)
    messages.success(request, "Đã cập nhật các tiêu chí tính tự động.")
    return redirect(reverse("reform:par_appraisal", kwargs={"pk": a.pk}))
