"""Counter desks in the administration (tickets are read only). A desk calls its agency's queue:
a province administrator sees and keeps the desks and tickets of their own province's agencies
only (``core.admin_scope.AgencyRowsAdmin``), never another province's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from motcua.audit.services import audit_record
from motcua.core.admin_scope import AgencyRowsAdmin
from motcua.core.forms import many_to_many
from motcua.core.text import typed_line
from motcua.counterqueue.models import Desk, Ticket


class DeskForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Desk
        fields = ("agency", "number", "name", "fields", "active")

    def clean_name(self) -> str:
        """The name as the calling screen and the kiosk show it: NFC, without the unseen format
        characters (zero-width spaces, right-to-left overrides: U+202E saved here showed the
        rest of the desk's name backwards in every list)."""
        return typed_line(self.cleaned_data["name"])

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if number is not None and number < 1:
            raise forms.ValidationError("Quầy số bắt đầu từ 1.", code="desk_number")
        return number


@admin.register(Desk)
class DeskAdmin(AgencyRowsAdmin):
    form = DeskForm
    list_display = ("agency", "number", "name", "active")
    list_filter = ("active",)
    list_select_related = ("agency",)
    filter_horizontal = ("fields",)
    search_fields = ("name", "agency__name")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_manytomany(db_field, request, **many_to_many(kwargs))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            d = form.instance
            audit_record(
                actor=request.user,
                action="counterqueue.desk_save",
                object_type="Desk",
                object_id=d.pk,
                after={
                    "agency": d.agency_id,
                    "number": d.number,
                    "name": d.name,
                    "active": d.active,
                    "fields": sorted(d.fields.values_list("code", flat=True)),
                },
            )


@admin.register(Ticket)
class TicketAdmin(AgencyRowsAdmin):
    """Read only: tickets change through the officer's desk panel."""

    list_display = ("day", "number", "agency", "status", "desk", "taken_at", "called_at")
    list_filter = ("status", "day")
    list_select_related = ("agency", "desk")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
