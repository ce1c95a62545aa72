from django.contrib import admin

from motcua.paysandbox.models import SandboxTransaction


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("txn_ref", "amount", "status", "created_at", "pay_date", "ipn_answer")
    list_filter = ("status",)
    search_fields = ("txn_ref",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
