"""Figures of the reform report (/cai-cach/): indicators and legal-document counts, the areas'
narrative text, the report download. Province administrators only (an agency's staff get 403)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from motcua.backoffice.views._common import domain_errors
from motcua.core.errors import DomainError, ImportFailed, PermissionDenied
from motcua.core.text import ascii_digits
from motcua.reform import plan_access as access
from motcua.reform import plan_services as services
from motcua.reform.forms_plan import (
    ImportForm,
    IndicatorValueForm,
    LegalCountForm,
    NarrativeForm,
    ReportForm,
    UnitChoice,
    VNForm,
)
from motcua.reform.models import AreaNarrative, IndicatorValue, LegalDocCount
from motcua.reform.plan_import import indicators_import, template_xlsx
from motcua.reports.selectors import Period
from motcua.units.models import AdministrativeUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _UnitForm(VNForm):
    unit = UnitChoice(label="Tỉnh", queryset=AdministrativeUnit.objects.none())

    def __init__(self, units: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.vn_messages()


def _unit(request: HttpRequest) -> AdministrativeUnit:
    """The province the administrator works on (the first one managed unless ?tinh= / POST)."""
    access.require_staff(request.user)
    access.require_manager(request.user)
    units = access.managed_units(request.user).order_by("code")
    raw = request.POST.get("unit") or request.GET.get("tinh") or ""
    if raw:
        # a province asked for and not managed is refused: it was replaced by the first one
        # managed, and a value typed for one province was saved for another (the fourth probe)
        found = units.filter(pk=int(raw)).first() if ascii_digits(raw) else None
        if found is None:
            raise PermissionDenied(
                "Bạn không quản lý số liệu của tỉnh, thành phố này", code="not_your_unit"
            )
    else:
        found = units.first()
    if found is None:
        raise PermissionDenied(access.NOT_MANAGER, code="permission_denied")
    return found


def _save(request: HttpRequest, form: VNForm, call: Any) -> bool:
    """Run the service with the valid form's data; a refusal becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        call(**form.cleaned_data)
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    return True


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    action = request.POST.get("action", "")
    value_form = IndicatorValueForm(request.POST if action == "value" else None)
    legal_form = LegalCountForm(request.POST if action == "legal" else None)
    import_form = ImportForm(
        request.POST if action == "import" else None, request.FILES if action == "import" else None
    )
    import_errors: list[tuple[int, str]] = []
    if request.method == "POST":
        ok = False
        if action == "value":
            ok = _save(
                request,
                value_form,
                lambda **c: services.indicator_value_save(actor=request.user, unit=unit, **c),
            )
        elif action == "legal":
            ok = _save(
                request,
                legal_form,
                lambda **c: services.legal_count_save(actor=request.user, unit=unit, **c),
            )
        elif action == "import" and import_form.is_valid():
            try:
                n = indicators_import(actor=request.user, data=import_form.cleaned_data["file"])
            except ImportFailed as exc:
                import_form.add_error(None, exc.message)
                import_errors = list(exc.details or [])
            else:
                messages.success(request, f"Đã nhập {n} giá trị chỉ tiêu.")
                ok = True
        if ok:
            if action != "import":
                messages.success(request, "Đã lưu số liệu.")
            return redirect(f"{request.path}?tinh={unit.pk}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reform/plan/indicators.html",
        {
            "unit": unit,
            "values": IndicatorValue.objects.filter(unit=unit).select_related("indicator")[:500],
            "legal": LegalDocCount.objects.filter(unit=unit)[:200],
            "value_form": value_form,
            "legal_form": legal_form,
            "import_form": import_form,
            "import_errors": import_errors,
        },
        status=status,
    )


@login_required
@domain_errors
@require_GET
def indicators_template(request: HttpRequest) -> HttpResponse:
    _unit(request)
    resp = HttpResponse(template_xlsx(), content_type=XLSX)
    resp["Content-Disposition"] = 'attachment; filename="mau-chi-tieu-cchc.xlsx"'
    return resp


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def narratives(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    initial: dict[str, Any] = {}
    pick = request.GET.get("sua", "")
    if ascii_digits(pick):
        row = AreaNarrative.objects.filter(unit=unit, pk=int(pick)).first()
        if row is not None:
            initial = {
                "period_from": row.period_from,
                "period_to": row.period_to,
                "area": row.area,
                "text": row.text,
            }
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(
        request, form, lambda **c: services.narrative_save(actor=request.user, unit=unit, **c)
    ):
        messages.success(request, "Đã lưu nội dung đánh giá.")
        return redirect(f"{request.path}?tinh={unit.pk}")
    return render(
        request,
        "reform/plan/narratives.html",
        {"unit": unit, "form": form, "rows": AreaNarrative.objects.filter(unit=unit)[:200]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@domain_errors
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """The report form; with valid dates (``?period_from=…&period_to=…&format=…``) the file."""
    from motcua.reform.report_data import build
    from motcua.reform.report_docx import to_docx

    unit = _unit(request)
    form = ReportForm(request.GET if "format" in request.GET else None)
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        rep = build(Period(c["period_from"], c["period_to"]), unit=unit, one_stop_unit=unit)
        name = f"bao-cao-cchc-{c['period_from']:%Y%m%d}-{c['period_to']:%Y%m%d}"
        if c["format"] == "json":
            resp = HttpResponse(
                json.dumps(rep, ensure_ascii=False, indent=1),
                content_type="application/json; charset=utf-8",
            )
            resp["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return resp
        resp = HttpResponse(to_docx(rep), content_type=DOCX)
        resp["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return resp
    return render(
        request,
        "reform/report/report.html",
        {"unit": unit, "form": form},
        status=400 if form.is_bound else 200,
    )
