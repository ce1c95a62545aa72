"""The audit trail in the administration: read only. An entry carries no agency (it names
people, applicants and what changed in any province's rows), so only whoever keeps the whole
installation reads it there (``core.admin_scope.InstallationRowsAdmin``); another province's
administrator gets 403."""

from django.contrib import admin

from motcua.audit.models import AuditEntry
from motcua.core.admin_scope import InstallationRowsAdmin, ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, InstallationRowsAdmin):
    """Read-only: the trail can be read by whoever keeps the installation, changed by no one."""

    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label")
