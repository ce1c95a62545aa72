from django.contrib import admin

from motcua.worktime.models import CalendarDay, WorkCalendar


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 1


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
