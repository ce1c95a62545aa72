"""Reform dashboard and plan tasks (/cai-cach/): staff only, scoped by ``plan_access``.

A province administrator manages the plan; an agency's staff see and update their agency's
tasks; another agency's task is a 404 (its existence is not revealed); citizens get 403 (the
middleware's door and ``require_staff``), anonymous visitors the login page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.core.errors import DomainError, NotFound
from motcua.core.text import ascii_digits
from motcua.reform import plan_access as access
from motcua.reform import plan_services as services
from motcua.reform.forms_plan import (
    EvidenceForm,
    PlanForm,
    ProgressForm,
    TaskFilterForm,
    TaskForm,
    today,
)
from motcua.reform.models import Area, ReformPlan, ReformTask, TaskStatus


def _year(request: HttpRequest, default: int) -> int:
    try:
        y = int(request.GET.get("nam") or default)
    except ValueError:
        return default
    return y if 2000 <= y <= 2100 else default


def _rows(tasks: Any, on: Any) -> list[dict[str, Any]]:
    """Counts by area and status (the dashboard's table)."""
    counts = {
        (r["area"], r["status"]): r["n"]
        for r in tasks.values("area", "status").annotate(n=Count("id"))
    }
    overdue = {r["area"]: r["n"] for r in tasks.overdue(on).values("area").annotate(n=Count("id"))}
    rows = []
    for area in Area:
        cells = [counts.get((area.value, s.value), 0) for s in TaskStatus]
        rows.append(
            {
                "area": area.label,
                "code": area.value,
                "number": Area.number(area.value),
                "cells": cells,
                "total": sum(cells),
                "overdue": overdue.get(area.value, 0),
            }
        )
    return rows


@login_required
@domain_errors
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    from motcua.reform.par_selectors import ranking

    access.require_staff(request.user)
    on = today()
    year = _year(request, on.year)
    tasks = access.tasks_visible_to(request.user).filter(plan__year=year)
    rows = _rows(tasks, on)
    try:
        ranks = [dict(r) for r in ranking(year)]
    except Exception:
        ranks = []
    top = max([float(r.get("index_pct") or 0) for r in ranks] or [0]) or 1
    for r in ranks:
        r["bar"] = round(100 * float(r.get("index_pct") or 0) / top, 1)
    years = sorted(
        set(access.plans_visible_to(request.user).values_list("year", flat=True)) | {year},
        reverse=True,
    )
    return render(
        request,
        "reform/plan/dashboard.html",
        {
            "year": year,
            "years": years,
            "statuses": TaskStatus.choices,
            "rows": rows,
            "totals": [sum(r["cells"][i] for r in rows) for i in range(len(TaskStatus))],
            "total": sum(r["total"] for r in rows),
            "overdue": list(tasks.overdue(on).order_by("deadline")[:50]),
            "overdue_count": tasks.overdue(on).count(),
            "ranking": ranks,
            "manager": access.is_manager(request.user),
            "plans": access.plans_visible_to(request.user).filter(year=year),
            "today": on,
        },
    )


@login_required
@domain_errors
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    on = today()
    form = TaskFilterForm(request.GET)
    f = form.values()
    qs = access.tasks_visible_to(request.user).filter(plan__year=f.get("year") or on.year)
    if f.get("area"):
        qs = qs.filter(area=f["area"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("overdue"):
        qs = qs.overdue(on)
    tasks = list(qs.order_by("area", "deadline", "pk")[:500])
    for t in tasks:
        t.overdue_flag = t.is_overdue(on)  # type: ignore[attr-defined]
    ctx = {"form": form, "tasks": tasks, "year": f.get("year") or on.year, "today": on}
    if request.headers.get("HX-Request"):
        return render(request, "reform/plan/_task_rows.html", ctx)
    ctx["manager"] = access.is_manager(request.user)
    return render(request, "reform/plan/tasks.html", ctx)


def _detail(
    request: HttpRequest,
    task: ReformTask,
    *,
    progress: ProgressForm | None = None,
    evidence: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    on = today()
    return render(
        request,
        "reform/plan/task.html",
        {
            "task": task,
            "overdue": task.is_overdue(on),
            "done_late": task.done_late(),
            "notes": task.notes.select_related("author")[:200],
            "evidence_list": task.evidence.all()[:100],
            "can_update": access.can_report_progress(request.user, task),
            "manager": access.is_manager(request.user, task.plan.unit_id),
            "progress_form": progress
            or ProgressForm(
                initial={
                    "status": task.status,
                    "progress": task.progress,
                    "version": task.version,
                    "completed_on": task.completed_on,
                }
            ),
            "evidence_form": evidence or EvidenceForm(),
        },
        status=status,
    )


@login_required
@domain_errors
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_staff(request.user)
    return _detail(request, access.task_get_for(request.user, pk))


@login_required
@domain_errors
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_staff(request.user)
    task = access.task_get_for(request.user, pk)
    access.require_progress(request.user, task)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _detail(request, task, progress=form, status=400)
    c = form.cleaned_data
    try:
        services.task_progress(
            actor=request.user,
            task=task,
            status=c["status"],
            progress=c["progress"],
            text=c["text"],
            version=c["version"],
            completed_on=c.get("completed_on"),
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | access.PermissionDenied):
            raise
        form.add_error(None, exc.message)
        return _detail(request, task, progress=form, status=400)
    messages.success(request, "Đã cập nhật tiến độ nhiệm vụ.")
    return redirect("reform:task", pk=task.pk)


@login_required
@domain_errors
@require_POST
def task_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_staff(request.user)
    task = access.task_get_for(request.user, pk)
    access.require_progress(request.user, task)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, task, evidence=form, status=400)
    try:
        services.evidence_add(
            actor=request.user,
            task=task,
            title=form.cleaned_data["title"],
            checked=form.cleaned_data["file"],
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | access.PermissionDenied):
            raise
        form.add_error(None, exc.message)
        return _detail(request, task, evidence=form, status=400)
    messages.success(request, "Đã thêm tài liệu minh chứng.")
    return redirect("reform:task", pk=task.pk)


@login_required
@domain_errors
@require_GET
def evidence_file(request: HttpRequest, pk: int, ev: int) -> HttpResponse:
    access.require_staff(request.user)
    task = access.task_get_for(request.user, pk)
    item = task.evidence.filter(pk=ev).first()
    if item is None:
        raise NotFound("Không tìm thấy tài liệu minh chứng", code="not_found")
    resp = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None, ``?ke-hoach=`` the plan) or change a task: administrators only."""
    access.require_staff(request.user)
    if pk is not None:
        task: ReformTask | None = access.task_get_for(request.user, pk)
        plan = task.plan  # type: ignore[union-attr]
    else:
        task = None
        plan_id = request.POST.get("plan") or request.GET.get("ke-hoach") or ""
        plan = (
            access.plans_visible_to(request.user).filter(pk=int(plan_id)).first()
            if ascii_digits(plan_id)
            else None
        )
        if plan is None:
            raise NotFound("Không tìm thấy kế hoạch", code="not_found")
    access.require_manager(request.user, plan.unit_id)
    initial = {}
    if task is not None:
        initial = {
            "area": task.area,
            "title": task.title,
            "description": task.description,
            "agency": task.agency_id,
            "deadline": task.deadline,
        }
    form = TaskForm(plan.unit, request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.task_save(
                    actor=request.user, plan=plan, task=task, **form.cleaned_data
                )
            except DomainError as exc:
                if isinstance(exc, NotFound | access.PermissionDenied):
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã lưu nhiệm vụ.")
                return redirect("reform:task", pk=saved.pk)
        return render(
            request,
            "reform/plan/task_form.html",
            {"form": form, "plan": plan, "task": task},
            status=400,
        )
    return render(request, "reform/plan/task_form.html", {"form": form, "plan": plan, "task": task})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest) -> HttpResponse:
    """Create a plan for a year or change its heading (administrators only)."""
    access.require_staff(request.user)
    access.require_manager(request.user)
    units = access.managed_units(request.user)
    form = PlanForm(units, request.POST or None, initial={"year": today().year})
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                plan = services.plan_save(actor=request.user, **c)
            except DomainError as exc:
                if isinstance(exc, access.PermissionDenied):
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Đã lưu kế hoạch năm {plan.year}.")
                return redirect(f"{reverse('reform:dashboard')}?nam={plan.year}")
        return render(request, "reform/plan/plan_form.html", {"form": form}, status=400)
    return render(
        request,
        "reform/plan/plan_form.html",
        {"form": form, "plans": ReformPlan.objects.filter(unit__in=units)},
    )
