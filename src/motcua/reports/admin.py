"""What the reports read from the administration. A province administrator sees and keeps the
targets of their own province's units and the appraised scores of its agencies; a target of no
unit (the whole installation's) and the Decision 766 criteria, which score every agency, only
whoever keeps every agency (``access.unit_rows_kept_by``, ``core.admin_scope``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_scope import AgencyRowsAdmin, InstallationRowsAdmin
from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.errors import refused_as_403
from motcua.dossiers import access
from motcua.reports.models import Appraisal, IndexCriterion, Target


@admin.register(Target)
class TargetAdmin(StaleGuardAdmin):
    list_display = ("name", "metric", "value", "period_from", "period_to", "unit", "basis")
    list_filter = ("metric",)
    raw_id_fields = ("unit",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Target]:
        return access.unit_rows_kept_by(request.user, super().get_queryset(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with refused_as_403():
            access.require_unit_rows(request.user, obj.unit_id)
        super().save_model(request, obj, form, change)


@admin.register(IndexCriterion)
class IndexCriterionAdmin(InstallationRowsAdmin):
    list_display = ("order", "group_name", "name", "points", "formula", "confirmed")
    list_editable = ("points", "confirmed")
    list_display_links = ("name",)


@admin.register(Appraisal)
class AppraisalAdmin(AgencyRowsAdmin):
    list_display = ("agency", "period_from", "period_to", "appraised_by")
    raw_id_fields = ("agency",)
