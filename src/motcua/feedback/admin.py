"""Feedback in the administration: read only, and of the administrator's own province's agencies
(it names the citizen and what they complained of to one agency)."""

from django.contrib import admin

from motcua.core.admin_scope import AgencyRowsAdmin, ReadOnlyAdmin
from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin, AgencyRowsAdmin):
    """Read-only: feedback is received, assigned and answered through the staff pages."""

    list_display = ("code", "subject", "agency", "status", "received_at", "due_at", "answered_at")
    list_filter = ("status", "kind")
    search_fields = ("code", "subject")
