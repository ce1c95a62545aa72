"""Agency certificates in the admin: see and revoke. Issuing and registering are the commands
``motcua esign-issue-cert`` (keys never pass through a web form). A province administrator sees
and revokes the certificates of their own province's agencies only
(``core.admin_scope.AgencyRowsAdmin``; the service checks it again)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_scope import AgencyRowsAdmin
from motcua.core.errors import refused_as_403
from motcua.esign.models import AgencyCertificate
from motcua.esign.services import agency_certificate_revoke


@admin.register(AgencyCertificate)
class AgencyCertificateAdmin(AgencyRowsAdmin):
    list_display = ("agency", "subject", "issuer", "not_before", "not_after", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("agency",)
    search_fields = ("agency__code", "agency__name", "subject", "fingerprint")
    readonly_fields = [f.name for f in AgencyCertificate._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # results were signed with it: revoke instead

    @admin.action(description="Thu hồi các chứng thư số đã chọn", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[AgencyCertificate]) -> None:
        n = 0
        for row in queryset.filter(revoked_at__isnull=True):
            with refused_as_403():
                agency_certificate_revoke(actor=request.user, certificate=row)
            n += 1
        messages.success(request, f"Đã thu hồi {n} chứng thư số.")
