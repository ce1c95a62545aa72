"""Indicators and their values in the admin: every save through ``plan_services`` (audited, the
same checks as the pages); plans and tasks are listed read-only (changed on /cai-cach/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.errors import DomainError, refused_as_403
from motcua.reform import plan_access as access
from motcua.reform import plan_services as services
from motcua.reform.models import Indicator, IndicatorValue, ReformPlan, ReformTask


class _ManagerOnly(StaleGuardAdmin):
    #: the path from the listed row to its unit (the units a manager keeps: their own only);
    #: None: one list, shared by every unit
    unit_path: str | None = "unit"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        ids = access.managed_unit_ids(request.user)
        if ids is None or self.unit_path is None:
            return qs
        return qs.filter(**{f"{self.unit_path}_id__in": ids})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user) and super().has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # corrections are new values (audited), never deletions


@admin.register(Indicator)
class IndicatorAdmin(_ManagerOnly):
    unit_path = None
    list_display = ["code", "name", "area", "kind", "measure"]
    list_filter = ["area", "kind"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.keeps_indicator_list(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.keeps_indicator_list(request.user) and super().has_change_permission(
            request, obj
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with refused_as_403():
            services.indicator_save(actor=request.user, indicator=obj)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(_ManagerOnly):
    list_display = ["indicator", "unit", "period_from", "period_to", "value", "source"]
    list_filter = ["indicator__area", "period_from"]
    fields = ["indicator", "unit", "period_from", "period_to", "value", "source"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)

        class Checked(form):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                ind, value = data.get("indicator"), data.get("value")
                if ind is not None and value is not None:
                    try:
                        services.check_value(ind, value)
                    except DomainError as exc:
                        raise ValidationError(exc.message) from None
                unit = data.get("unit")
                if unit is not None and not access.is_manager(request.user, unit):
                    raise ValidationError("Bạn không quản lý số liệu của địa bàn này.")
                return data

        return Checked

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        c = form.cleaned_data
        saved = services.indicator_value_save(
            actor=request.user,
            indicator=c["indicator"],
            unit=c["unit"],
            period_from=c["period_from"],
            period_to=c["period_to"],
            value=c["value"],
            source=c["source"],
        )
        obj.pk = saved.pk


@admin.register(ReformPlan)
class ReformPlanAdmin(_ManagerOnly):
    list_display = ["year", "title", "number", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_manager(request.user)


@admin.register(ReformTask)
class ReformTaskAdmin(ReformPlanAdmin):
    unit_path = "plan__unit"
    list_display = ["title", "area", "agency", "deadline", "status", "progress"]
    list_filter = ["area", "status", "plan__year"]
