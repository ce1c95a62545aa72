"""Counter desks in the administration (tickets are read only). A desk calls its agency's queue:
a province administrator sees and keeps the desks and tickets of their own province's agencies
only (``access.administered_agency_ids``), never another province's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.audit.services import audit_record
from motcua.core.errors import refused_as_403
from motcua.counterqueue.models import Desk, Ticket
from motcua.dossiers import access


def _of_administered_agencies(request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
    ids = access.administered_agency_ids(request.user)
    return qs if ids is None else qs.filter(agency_id__in=ids)


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("agency", "number", "name", "active")
    list_filter = ("active",)
    list_select_related = ("agency",)
    filter_horizontal = ("fields",)
    search_fields = ("name", "agency__name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Desk]:
        return _of_administered_agencies(request, super().get_queryset(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with refused_as_403():
            access.require_administers(request.user, agency_id=obj.agency_id)
        super().save_model(request, obj, form, change)

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
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: tickets change through the officer's desk panel."""

    list_display = ("day", "number", "agency", "status", "desk", "taken_at", "called_at")
    list_filter = ("status", "day")
    list_select_related = ("agency", "desk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return _of_administered_agencies(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
