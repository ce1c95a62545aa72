"""Working calendars in the administration: a province administrator keeps the calendars of
their own province's units (and the default one only when the installation is theirs alone,
``access.calendars_kept_by``): a calendar's days move every due date counted on it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_stale import StaleGuardAdmin, TypedLines
from motcua.core.errors import refused_as_403
from motcua.dossiers import access
from motcua.worktime.models import CalendarDay, WorkCalendar


class CalendarDayInline(TypedLines, admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 1


@admin.register(WorkCalendar)
class WorkCalendarAdmin(StaleGuardAdmin):
    list_display = (
        "code",
        "name",
        "is_default",
        "hours",
        "round_to_end_of_day",
        "count_from_next_morning_after_cutoff",
        "updated_at",
    )
    search_fields = ("code", "name")
    inlines = [CalendarDayInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkCalendar]:
        return access.calendars_kept_by(request.user, super().get_queryset(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with refused_as_403():
            access.require_calendar_keeper(request.user, obj)
        super().save_model(request, obj, form, change)
