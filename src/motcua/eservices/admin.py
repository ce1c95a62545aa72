import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from motcua.eservices import services as svc
from motcua.eservices.models import Booking, Slot, SlotTemplate, StoredDocument, WithdrawalRequest


@admin.register(SlotTemplate)
class SlotTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("desk", "weekday", "start", "capacity")
    list_filter = ("weekday",)
    list_select_related = ("desk",)
    actions = ("generate_next_week",)

    @admin.action(description="Tạo khung giờ tuần tới từ mẫu (các nơi tiếp nhận đã chọn)")
    def generate_next_week(self, request: HttpRequest, queryset: QuerySet[SlotTemplate]) -> None:
        week = timezone.localdate() + dt.timedelta(days=7)
        total = 0
        for desk_id in set(queryset.values_list("desk_id", flat=True)):
            desk = queryset.filter(desk_id=desk_id).first().desk  # type: ignore[union-attr]
            total += svc.slots_generate(actor=request.user, desk=desk, week_of=week)
        messages.success(request, f"Đã tạo {total} khung giờ.")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("desk", "date", "start", "capacity", "booked")
    list_filter = ("date",)
    list_select_related = ("desk",)
    readonly_fields = ("booked",)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "slot", "procedure", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WithdrawalRequest)
class WithdrawalRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("dossier", "state", "requested_at", "decided_at")
    list_filter = ("state",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "source", "reuse_count", "last_reused_at", "created_at")
    list_filter = ("source",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
