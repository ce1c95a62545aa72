from django.contrib import admin
from django.http import HttpRequest

from motcua.popdata.models import Verification


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: checks are written by ``popdata.services`` only (audited)."""

    list_display = ("checked_at", "context", "outcome", "agency", "dossier", "reference")
    list_filter = ("outcome", "context")
    raw_id_fields = ("dossier", "agency", "requested_by", "overridden_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
