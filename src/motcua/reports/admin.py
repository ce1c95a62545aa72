from django.contrib import admin

from motcua.reports.models import Appraisal, IndexCriterion, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "metric", "value", "period_from", "period_to", "unit", "basis")
    list_filter = ("metric",)
    raw_id_fields = ("unit",)


@admin.register(IndexCriterion)
class IndexCriterionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("order", "group_name", "name", "points", "formula", "confirmed")
    list_editable = ("points", "confirmed")
    list_display_links = ("name",)


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("agency", "period_from", "period_to", "appraised_by")
    raw_id_fields = ("agency",)
