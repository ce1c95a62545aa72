"""Checks against the population database in the administration: read only, those made by the
administrator's own province's agencies (a check of no agency: whoever keeps the installation)."""

from django.contrib import admin

from motcua.core.admin_scope import AgencyRowsAdmin, ReadOnlyAdmin
from motcua.popdata.models import Verification


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin, AgencyRowsAdmin):
    """Read-only: checks are written by ``popdata.services`` only (audited)."""

    list_display = ("checked_at", "context", "outcome", "agency", "dossier", "reference")
    list_filter = ("outcome", "context")
    raw_id_fields = ("dossier", "agency", "requested_by", "overridden_by")
