"""The online services in the administration. A desk's slot templates and slots are kept by the
desk's agency: a province administrator lists and changes those of their own province's desks
only, and a template or slot saved at a desk outside it is refused (403, the reason), and
generating a week's slots from the templates takes the permission to add slots; bookings (by
their slot's desk) and withdrawal requests (by their dossier) are read only, of the province's
own, never deleted here (a booking deleted left its slot counting the place); a citizen's
stored documents (an account's, no agency) only whoever keeps the installation."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.admin_scope import (
    AgencyRowsAdmin,
    DossierRowsAdmin,
    InstallationRowsAdmin,
)
from motcua.core.errors import refused_as_403
from motcua.eservices import services as svc
from motcua.eservices.models import Booking, Slot, SlotTemplate, StoredDocument, WithdrawalRequest


class _DeskRowsAdmin(AgencyRowsAdmin):
    agency_field = "desk"


class _SlotRulesForm(forms.ModelForm):  # type: ignore[type-arg]
    """The slot's rules (``services.slot_problems``) as the form's field errors."""

    def _moved(self, cleaned: dict[str, Any]) -> list[str]:
        return []  # a template's slots are generated anew; only a stored slot has bookings

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        stored = self.instance if self.instance.pk else None
        problems = svc.slot_problems(
            capacity=cleaned.get("capacity"),
            booked=getattr(stored, "booked", 0) or 0,
            day=cleaned.get("date"),
            stored_day=getattr(stored, "date", None),
            moved=self._moved(cleaned),
        )
        for field, (code, message) in problems.items():
            self.add_error(field, forms.ValidationError(message, code=code))
        return cleaned


class SlotTemplateForm(_SlotRulesForm):
    class Meta:
        model = SlotTemplate
        fields = ("desk", "weekday", "start", "capacity")


@admin.register(SlotTemplate)
class SlotTemplateAdmin(_DeskRowsAdmin):
    form = SlotTemplateForm
    list_display = ("desk", "weekday", "start", "capacity")
    list_filter = ("weekday",)
    list_select_related = ("desk",)
    actions = ("generate_next_week",)

    @admin.action(
        description="Tạo khung giờ tuần tới từ mẫu (các nơi tiếp nhận đã chọn)",
        permissions=["generate"],
    )
    def generate_next_week(self, request: HttpRequest, queryset: QuerySet[SlotTemplate]) -> None:
        week = timezone.localdate() + dt.timedelta(days=7)
        total = 0
        for desk_id in set(queryset.values_list("desk_id", flat=True)):
            desk = queryset.filter(desk_id=desk_id).first().desk  # type: ignore[union-attr]
            with refused_as_403():
                total += svc.slots_generate(actor=request.user, desk=desk, week_of=week)
        messages.success(request, f"Đã tạo {total} khung giờ.")

    def has_generate_permission(self, request: HttpRequest) -> bool:
        """The action writes slots: whoever may add them (the desk's scope is the service's)."""
        return request.user.has_perm("eservices.add_slot")


class SlotForm(_SlotRulesForm):
    class Meta:
        model = Slot
        fields = ("desk", "date", "start", "capacity")

    def clean(self) -> dict[str, Any]:
        if self.instance.pk and transaction.get_connection().in_atomic_block:
            # the administration's change page is one transaction: the slot's row is locked
            # from here to the save, so no booking slips in between this check and the write
            # (``booking_create`` takes a place with an UPDATE of this row)
            self.instance.booked = (
                Slot.objects.select_for_update()
                .values_list("booked", flat=True)
                .get(pk=self.instance.pk)
            )
        return super().clean()

    def _moved(self, cleaned: dict[str, Any]) -> list[str]:
        stored = self.instance
        if not stored.pk:
            return []
        return [
            f
            for f in ("desk", "date", "start")
            if f in cleaned and cleaned[f] != getattr(stored, f)
        ]


@admin.register(Slot)
class SlotAdmin(_DeskRowsAdmin):
    list_display = ("desk", "date", "start", "capacity", "booked")
    list_filter = ("date",)
    list_select_related = ("desk",)
    readonly_fields = ("booked",)
    # a capacity below the places already booked was refused by the database's check
    # (slot_not_overbooked) as a server error, the form lost
    form = SlotForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            self.require_scope(request, obj)
            # not ``booked``: the bookings keep it (F() + 1); written back from the form's copy
            # it would undo a booking made while the page was open
            obj.save(update_fields=["desk", "date", "start", "capacity"])
        else:
            super().save_model(request, obj, form, change)


@admin.register(Booking)
class BookingAdmin(AgencyRowsAdmin):
    agency_field = "slot__desk"
    list_display = ("code", "slot", "procedure", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # written by the services only (the slot counts its bookings)


@admin.register(WithdrawalRequest)
class WithdrawalRequestAdmin(DossierRowsAdmin):
    list_display = ("dossier", "state", "requested_at", "decided_at")
    list_filter = ("state",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the citizen's request and its answer, written by the services only


@admin.register(StoredDocument)
class StoredDocumentAdmin(InstallationRowsAdmin):
    list_display = ("title", "source", "reuse_count", "last_reused_at", "created_at")
    list_filter = ("source",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
