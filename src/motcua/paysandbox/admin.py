"""The sandbox gateway's transactions (of every province's payments, no agency): only whoever
keeps the installation reads them in the administration."""

from django.contrib import admin

from motcua.core.admin_scope import InstallationRowsAdmin
from motcua.paysandbox.models import SandboxTransaction


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(InstallationRowsAdmin):
    list_display = ("txn_ref", "amount", "status", "created_at", "pay_date", "ipn_answer")
    list_filter = ("status",)
    search_fields = ("txn_ref",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
