"""The national portal link in the admin: read-only (the worker writes delivery state). A
delivery or an inbound dossier is its dossier's: those of the dossiers the administrator's
province sees; the SMS log (citizens' numbers and messages of every province, no agency) only
whoever keeps the installation."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin_scope import DossierRowsAdmin, InstallationRowsAdmin, ReadOnlyAdmin
from motcua.integrations.models import PortalDelivery, PortalInbound, SmsMessage


@admin.register(PortalDelivery)
class PortalDeliveryAdmin(ReadOnlyAdmin, DossierRowsAdmin):
    list_display = (
        "outbox",
        "dossier",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_status",
    )
    list_filter = ("last_status",)
    list_select_related = ("outbox", "dossier")
    search_fields = ("dossier__code", "event_id")


@admin.register(PortalInbound)
class PortalInboundAdmin(ReadOnlyAdmin, DossierRowsAdmin):
    list_display = ("national_id", "dossier", "received_at")
    list_select_related = ("dossier",)
    search_fields = ("national_id", "dossier__code")


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin, InstallationRowsAdmin):
    """What the logging SMS backend 'sent': read-only."""

    list_display = ("sent_at", "to", "text", "ref")
    search_fields = ("to", "ref")
