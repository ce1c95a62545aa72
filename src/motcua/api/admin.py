"""API clients in the admin: see and revoke; issuing is ``motcua api-client create`` (the token
is shown once there and never stored). A client's token acts on its agency's dossiers: a
province administrator sees and revokes the clients of their own province's agencies only
(``core.admin_scope.AgencyRowsAdmin``; the service checks it again)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.api.clients import api_client_revoke
from motcua.api.models import ApiClient
from motcua.core.admin_scope import AgencyRowsAdmin
from motcua.core.errors import refused_as_403


@admin.register(ApiClient)
class ApiClientAdmin(AgencyRowsAdmin):
    list_display = ("name", "kind", "agency", "role", "active", "created_at", "last_used_at")
    list_filter = ("active", "role", "kind")
    list_select_related = ("agency",)
    search_fields = ("name", "agency__code", "agency__name")
    readonly_fields = (
        "name",
        "user",
        "agency",
        "role",
        "kind",
        "prefix",
        "active",
        "created_at",
        "last_used_at",
    )
    exclude = ("secret_sha256",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the service account signed events: revoke instead

    @admin.action(description="Thu hồi khóa của các hệ thống đã chọn", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        n = 0
        for client in queryset.filter(active=True):
            with refused_as_403():
                api_client_revoke(actor=request.user, client=client)
            n += 1
        messages.success(request, f"Đã thu hồi {n} khóa.")
