"""Administration of the PAR criteria trees: every criterion, point, rule and evidence
requirement is data the administrator edits here (rules validated on save, the error naming the
criterion). Assessments are read-only here: scores change only through the pages, audited.

A tree scores every agency of its group across the installation: only whoever keeps every agency
lists and changes the trees and their criteria here (``core.admin_scope``); a province
administrator reads the assessments of their own province's agencies only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin_scope import AgencyRowsAdmin, InstallationRowsAdmin
from motcua.core.admin_stale import TypedLines
from motcua.reform.models import ParAssessment, ParCriterion, ParScore, ParTemplate


class CriterionInline(TypedLines, admin.TabularInline):
    model = ParCriterion
    extra = 0
    fields = (
        "code",
        "name",
        "parent",
        "order",
        "max_points",
        "source",
        "metric",
        "rule",
        "evidence_required",
        "evidence_hint",
        "origin",
    )
    show_change_link = True


@admin.register(ParTemplate)
class ParTemplateAdmin(InstallationRowsAdmin):
    list_display = ("code", "name", "group", "year_from", "year_to", "active")
    list_filter = ("group", "active")
    search_fields = ("code", "name")
    inlines = [CriterionInline]


@admin.register(ParCriterion)
class ParCriterionAdmin(InstallationRowsAdmin):
    list_display = ("template", "code", "name", "max_points", "source", "metric")
    list_filter = ("template", "source")
    search_fields = ("code", "name")
    ordering = ("template", "order")


class ScoreInline(TypedLines, admin.TabularInline):
    model = ParScore
    extra = 0
    can_delete = False
    fields = ("criterion", "value", "self_points", "final_points", "comment", "evidence")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ParAssessment)
class ParAssessmentAdmin(AgencyRowsAdmin):
    list_display = ("year", "agency", "template", "status", "self_total", "final_total")
    list_filter = ("year", "status", "template__group")
    search_fields = ("agency__name", "agency__code")
    inlines = [ScoreInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
