"""Units, agencies and staff roles in the administration. Every agency's access is read from
these rows, so a province administrator sees and keeps those of their own province only
(``access.administered_*``): the administration's model permissions alone let the administrator
of one province grant themselves a role in another's agencies, or move its units."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_scope import AgencyRowsAdmin
from motcua.core.admin_search import FoldedSearchAdmin
from motcua.core.errors import refused_as_403
from motcua.dossiers import access
from motcua.units.models import AdministrativeUnit, Agency, Membership


def _require(request: HttpRequest, **ids: int | None) -> None:
    """403 (the Vietnamese page, with the reason) unless every agency and unit is the user's."""
    with refused_as_403():
        for key, value in ids.items():
            if key.startswith("agency"):
                access.require_administers(request.user, agency_id=value)
            else:
                access.require_administers(request.user, unit_id=value)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedSearchAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("level", "kind", "valid_to")
    list_select_related = ("parent", "successor")
    raw_id_fields = ("parent", "successor")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdministrativeUnit]:
        qs = super().get_queryset(request)
        ids = access.administered_unit_ids(request.user)
        return qs if ids is None else qs.filter(pk__in=ids)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.parent_id is None and access.administered_unit_ids(request.user) is not None:
            raise DjangoPermissionDenied(access.NOT_YOURS)  # a new province: the system's
        _require(request, unit=obj.parent_id, unit_successor=obj.successor_id)
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(FoldedSearchAdmin):
    list_display = ("code", "name", "kind", "level", "unit", "receives_dossiers", "needs_review")
    list_filter = ("level", "kind", "receives_dossiers", "needs_review")
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "parent", "successor")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        qs = super().get_queryset(request)
        ids = access.administered_agency_ids(request.user)
        return qs if ids is None else qs.filter(pk__in=ids)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _require(
            request,
            unit=obj.unit_id,
            agency_parent=obj.parent_id,
            agency_successor=obj.successor_id,
        )
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(AgencyRowsAdmin):
    list_display = ("user", "role", "agency", "active")
    list_filter = ("role", "active", "agency__level")
    search_fields = ("user__username", "user__last_name", "agency__name", "agency__code")
    raw_id_fields = ("user", "agency")
