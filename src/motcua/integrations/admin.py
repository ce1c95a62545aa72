from django.contrib import admin

from motcua.integrations.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What the logging SMS backend 'sent': read-only."""

    list_display = ("sent_at", "to", "text", "ref")
    search_fields = ("to", "ref")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
