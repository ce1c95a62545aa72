from django.contrib import admin

from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: feedback is received, assigned and answered through the staff pages."""

    list_display = ("code", "subject", "agency", "status", "received_at", "due_at", "answered_at")
    list_filter = ("status", "kind")
    search_fields = ("code", "subject")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
