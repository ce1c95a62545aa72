"""Catalog admin in Vietnamese, searchable without diacritics, with import and export."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from motcua.catalog.io import parse_file, write_csv, write_xlsx
from motcua.catalog.models import FeeItem, Field, Procedure, ProcessStep, RequiredDocument
from motcua.catalog.selectors import catalog_specs
from motcua.catalog.services import catalog_import_specs
from motcua.core.admin_scope import InstallationRowsAdmin
from motcua.core.admin_search import FoldedSearchAdmin
from motcua.core.admin_stale import TypedLines
from motcua.core.errors import DomainError, refused_as_403
from motcua.core.text import number
from motcua.dossiers.access import keeps_agency_rows, require_agency_rows
from motcua.units.models import Agency


@admin.register(Field)
class FieldAdmin(InstallationRowsAdmin, FoldedSearchAdmin):
    # every province's procedures share the fields: the installation's rows (core.admin_scope)
    list_display = ("code", "name", "ministry")


class RequiredDocumentInline(TypedLines, admin.TabularInline):  # type: ignore[type-arg]
    model = RequiredDocument
    extra = 0


class FeeItemInline(TypedLines, admin.TabularInline):  # type: ignore[type-arg]
    model = FeeItem
    extra = 0


class ProcessStepInline(TypedLines, admin.TabularInline):  # type: ignore[type-arg]
    model = ProcessStep
    extra = 0
    raw_id_fields = ("agency",)


class ProcessStepFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """The budgets of the steps must add up to the procedure's legal time limit."""

    def clean(self) -> None:
        super().clean()
        from motcua.catalog.services import StepSpec, process_errors

        limit = self.instance.time_limit_days
        steps = [
            StepSpec(f.cleaned_data["name"], f.cleaned_data["role"], f.cleaned_data["budget_days"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if limit is not None:
            errors = process_errors(limit, steps)
            if errors:
                raise forms.ValidationError(errors)


ProcessStepInline.formset = ProcessStepFormSet


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp danh mục (.csv hoặc .xlsx)")


@admin.register(Procedure)
class ProcedureAdmin(FoldedSearchAdmin):
    list_display = (
        "code",
        "version",
        "name",
        "field",
        "level",
        "time_limit_days",
        "online_service",
        "is_inter_level",
        "is_vertical",
        "prepayment",
        "national_portal",
        "status",
    )
    list_filter = (
        "level",
        "status",
        "online_service",
        "is_inter_level",
        "is_vertical",
        "prepayment",
        "national_portal",
        "field",
    )
    list_select_related = ("field",)
    raw_id_fields = ("agency", "replaced_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [RequiredDocumentInline, FeeItemInline, ProcessStepInline]
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/catalog/procedure/change_list.html"
    list_per_page = 50

    # a procedure sets the due dates and fees of every agency applying it: another province's
    # administrator reads it, never changes it (access.keeps_agency_rows)
    def _keeps(self, request: HttpRequest, obj: Procedure | None) -> bool:
        return obj is None or keeps_agency_rows(request.user, obj.agency_id)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _require_rows(request, obj.agency_id)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is ProcessStep:
            _require_rows(
                request,
                *(
                    f.cleaned_data["agency"].pk
                    for f in formset.forms
                    if f.cleaned_data
                    and not f.cleaned_data.get("DELETE")
                    and f.cleaned_data.get("agency") is not None
                ),
            )
        super().save_formset(request, form, formset, change)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        _require_rows(request, *queryset.values_list("agency_id", flat=True))
        super().delete_queryset(request, queryset)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_procedure_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("catalog.add_procedure"):
            raise PermissionDenied  # the Vietnamese 403 page (config.urls.handler403)
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[Any] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = parse_file(
                    upload.name,
                    data=upload.read(),
                    agencies=set(Agency.objects.values_list("code", flat=True)),
                )
                summary = catalog_import_specs(
                    actor=request.user, specs=[r.spec for r in rows], source=upload.name
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                details = exc.details if isinstance(exc.details, list) else []
                errors = [d for d in details if isinstance(d, tuple) and len(d) == 2]
            else:
                messages.success(
                    request,
                    f"Đã nhập {number(summary['rows'])} dòng: thêm mới "
                    f"{number(summary['created'])}, cập nhật {number(summary['updated'])}, "
                    f"không đổi {number(summary['unchanged'])}.",
                )
                return redirect("admin:catalog_procedure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "errors": errors,
            "title": "Nhập danh mục thủ tục",
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog/procedure/import.html", context)

    @admin.action(description="Xuất các thủ tục đã chọn ra CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        buf = io.StringIO()
        write_csv(catalog_specs(queryset), buf)
        resp = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{_stamp()}.csv"'
        return resp

    @admin.action(description="Xuất các thủ tục đã chọn ra Excel (XLSX)")
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        buf = io.BytesIO()
        write_xlsx(catalog_specs(queryset), buf)
        resp = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{_stamp()}.xlsx"'
        return resp


def _require_rows(request: HttpRequest, *agency_ids: int | None) -> None:
    """403 (the Vietnamese page, with the reason) unless the rows are the user's to change."""
    with refused_as_403():
        require_agency_rows(request.user, *agency_ids)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")
